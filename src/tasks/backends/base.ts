/**
 * `BaseTaskBackend`: what every task backend is. A backend advertises what it supports,
 * validates tasks against that (Django's rules, in Django's order), and enqueues: it turns a
 * task and its arguments into a stored READY result and returns it.
 *
 * Writing a backend: extend this class, set the `supports*` flags it honours, and implement
 * `enqueue(task, args)`, usually as
 *
 * 1. `const result = await this.createResult(task, args)` (validates the task, applies the
 *    JSON rules and the argument schema, and builds a READY result with a fresh id);
 * 2. store or send it, then `markTaskEnqueued(result)` and
 *    `emitTaskEvent("taskEnqueued", this, result)`;
 * 3. return it.
 *
 * A worker runs an attempt with `runTaskAttempt()` between `markAttemptStarted()` and
 * `markTaskSucceeded()` / `markAttemptFailed()`, sending `taskStarted` and `taskFinished`.
 * Implement `getResult(id)` when results can be read back (set `supportsGetResult` when they
 * can be read from any process).
 */

import { DEFAULT_TASK_QUEUE_NAME } from "../constants.js";
import { NotSupportedByBackend } from "../errors.js";
import { randomTaskId } from "../ids.js";
import { toJsonArgs } from "../json.js";
import { TaskResult } from "../result.js";
import { checkTaskArgs } from "../schema.js";
import type { Task } from "../task.js";
import { validateTaskForBackend } from "../validation.js";

const BRAND = Symbol.for("vercel-workers.tasks.BaseTaskBackend");

/** What a backend is built with: the entry of its alias in `configureTasks()`. */
export interface TaskBackendParams<TOptions extends object = object> {
  /**
   * Queue names tasks may use; an empty list allows any.
   * @default ["default"]
   */
  queues?: readonly string[];
  /** Backend-specific options. @default {} */
  options?: TOptions;
}

/** Base class of task backends. */
export abstract class BaseTaskBackend<TOptions extends object = object> {
  /** Whether tasks may set `runAfter`. @default false */
  readonly supportsDefer: boolean = false;
  /** Whether `async` functions may be tasks. @default false */
  readonly supportsAsyncTask: boolean = false;
  /** Whether results can be read back from any process (`getResult`, `refresh`). @default false */
  readonly supportsGetResult: boolean = false;
  /** Whether a priority other than 0 is allowed. @default false */
  readonly supportsPriority: boolean = false;

  /** The alias this backend is configured under. */
  readonly alias: string;
  /** Allowed queue names; empty allows any. */
  readonly queues: ReadonlySet<string>;
  /** The backend-specific options. */
  readonly options: Readonly<TOptions>;

  constructor(alias: string, params: TaskBackendParams<TOptions> = {}) {
    this.alias = alias;
    this.queues = new Set(params.queues ?? [DEFAULT_TASK_QUEUE_NAME]);
    this.options = Object.freeze({ ...(params.options ?? ({} as TOptions)) });
  }

  /**
   * Throws `InvalidTask` when this backend cannot run `task`. Runs Django's rules in Django's
   * order: function, async support, context parameter, priority support, priority range,
   * `runAfter` support, `runAfter` value, queue. Override to add rules (call `super` first).
   */
  validateTask(task: Task): void {
    validateTaskForBackend(task, this);
  }

  /**
   * Enqueues `task` with `args` and returns its result. Must validate the task again (the
   * configuration may have changed since it was defined): {@link createResult} does.
   */
  abstract enqueue(task: Task, args: readonly unknown[]): Promise<TaskResult>;

  /**
   * The result with this id. Throws `TaskResultDoesNotExist` for an unknown id; this default
   * throws `NotSupportedByBackend`.
   */
  async getResult(resultId: string): Promise<TaskResult> {
    throw new NotSupportedByBackend(
      this.alias,
      "This backend does not support retrieving or refreshing results. " +
        `Task backend '${this.alias}' (${this.constructor.name}) keeps no results; ` +
        `result '${resultId}' cannot be read.`,
    );
  }

  /** Releases what the backend holds (connections, timers). This default holds nothing. */
  async close(): Promise<void> {}

  /**
   * The first step of every `enqueue`: validates `task`, converts `args` by the JSON rules
   * (a `TypeError` names the bad path), checks them against the task's `argsSchema`, and builds
   * a READY result with a fresh id from {@link createResultId}. Nothing is stored or sent.
   */
  protected async createResult(task: Task, args: readonly unknown[]): Promise<TaskResult> {
    this.validateTask(task);

    const jsonArgs = toJsonArgs(args);
    await checkTaskArgs(task, jsonArgs);

    return new TaskResult({ id: this.createResultId(), task, backend: this.alias, args: jsonArgs });
  }

  /** A new result id: 32 random letters and digits. Override for another scheme (≤ 64 chars). */
  protected createResultId(): string {
    return randomTaskId();
  }
}

Object.defineProperty(BaseTaskBackend.prototype, BRAND, { value: true });

/** Whether `value` is a task backend from any copy of this library. */
export function isTaskBackend(value: unknown): value is BaseTaskBackend {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/** Whether `value` is a class deriving from {@link BaseTaskBackend} (of any copy). */
export function isTaskBackendClass(value: unknown): boolean {
  if (typeof value !== "function") return false;

  return (value.prototype as Record<symbol, unknown> | undefined)?.[BRAND] === true;
}
