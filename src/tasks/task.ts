/**
 * `Task`: an immutable description of a function to run in the background, and where and how
 * to run it (backend, queue, priority, earliest time). Made by `task()`; `using()` makes
 * variants. Mirrors Django's frozen `Task` dataclass.
 */

import type { BaseTaskBackend } from "./backends/base.js";
import { isTaskConfigurationExplicit, taskBackends } from "./config.js";
import type { TaskContext } from "./context.js";
import { InvalidTask, TaskResultMismatch } from "./errors.js";
import type { TaskResult } from "./result.js";
import type { AnyTaskArgsSchema, TaskFunction } from "./types.js";
import { validateTaskDefinition } from "./validation.js";

/** Everything a {@link Task} holds. */
export interface TaskInit {
  name: string;
  fn: TaskFunction;
  queueName: string;
  priority: number;
  backend: string;
  takesContext: boolean;
  runAfter: Date | null;
  argsSchema: AnyTaskArgsSchema | undefined;
}

/** What `Task.using()` can change; a field left out (or `undefined`) keeps its value. */
export interface TaskOverrides {
  /** Queue to send to. Must be one of the backend's `queues` when it lists any. */
  queueName?: string;
  /** Whole number from -100 to 100; larger is more urgent. */
  priority?: number;
  /** Alias of the backend, as given to `configureTasks()`. */
  backend?: string;
  /**
   * Earliest time the task may run, on backends that support deferring. `null` clears a
   * `runAfter` set earlier (in Django, `None` cannot).
   */
  runAfter?: Date | null;
}

const OVERRIDABLE: ReadonlySet<string> = new Set(["queueName", "priority", "backend", "runAfter"]);

/** The arguments `call()` takes: the context first when the task takes one. */
export type TaskCallArgs<
  TArgs extends unknown[],
  TTakesContext extends boolean,
> = TTakesContext extends true ? [context: TaskContext, ...args: TArgs] : TArgs;

/**
 * A task: a registered function plus its options. Immutable; every method that changes an
 * option returns a new Task.
 *
 * - `TArgs`: the arguments `enqueue()` takes (the function's, without the context).
 * - `TReturn`: what the function returns, awaited.
 * - `TTakesContext`: whether the function receives a `TaskContext` first.
 */
export class Task<
  // biome-ignore lint/suspicious/noExplicitAny: an unparameterised Task accepts any arguments.
  TArgs extends unknown[] = any[],
  out TReturn = unknown,
  TTakesContext extends boolean = boolean,
> {
  /** Registered name: stable across processes and deployments; workers look tasks up by it. */
  readonly name: string;
  /** The function that runs. */
  readonly fn: TaskFunction;
  /** Queue the task is sent to. @default "default" */
  readonly queueName: string;
  /** Whole number from -100 to 100, larger is more urgent. @default 0 */
  readonly priority: number;
  /** Alias of the backend that runs the task. @default "default" */
  readonly backend: string;
  /** Whether the function receives a `TaskContext` as its first argument. @default false */
  readonly takesContext: TTakesContext;
  /** Earliest time the task may run; set with `using({ runAfter })`. @default null */
  readonly runAfter: Date | null;
  /** Schema the arguments are checked against at enqueue and before each run. */
  readonly argsSchema: AnyTaskArgsSchema | undefined;

  /**
   * Builds a task without registering or validating it. Use `task()` to define tasks; this is
   * for backends that rebuild a stored task (see {@link Task.withOptions}).
   */
  constructor(init: TaskInit) {
    this.name = init.name;
    this.fn = init.fn;
    this.queueName = init.queueName;
    this.priority = init.priority;
    this.backend = init.backend;
    this.takesContext = init.takesContext as TTakesContext;
    // A copy, so that changing the caller's Date cannot move the task. A value that is not a
    // Date is kept for validation to reject with a clear message.
    this.runAfter =
      init.runAfter instanceof Date ? new Date(init.runAfter.getTime()) : init.runAfter;
    this.argsSchema = init.argsSchema;
    Object.freeze(this);
  }

  /**
   * A copy with some options changed, validated against its (possibly new) backend. The name
   * stays the same and the copy is not registered again.
   * @example
   * await sendReport.using({ queueName: "reports", runAfter: tomorrow }).enqueue(reportId);
   */
  using(overrides: TaskOverrides = {}): Task<TArgs, TReturn, TTakesContext> {
    const unknown = Object.keys(overrides).filter((key) => !OVERRIDABLE.has(key));
    if (unknown.length > 0) {
      throw new InvalidTask(
        `Task '${this.name}': using() cannot change ${unknown.join(", ")}; it changes ` +
          `${[...OVERRIDABLE].join(", ")}.`,
        this.name,
      );
    }

    const next = this.withOptions(overrides);
    next.getBackend().validateTask(next);

    return next;
  }

  /**
   * A copy with some options changed and no validation. Backends use it to rebuild the task of
   * a stored result as it was enqueued, even if the configuration has changed since; app code
   * should call {@link Task.using}.
   */
  withOptions(overrides: TaskOverrides): Task<TArgs, TReturn, TTakesContext> {
    return new Task<TArgs, TReturn, TTakesContext>({
      ...this.toInit(),
      queueName: overrides.queueName ?? this.queueName,
      priority: overrides.priority ?? this.priority,
      backend: overrides.backend ?? this.backend,
      runAfter: overrides.runAfter === undefined ? this.runAfter : overrides.runAfter,
    });
  }

  /**
   * Sends the task to its backend with these arguments and returns its result handle. The
   * arguments are converted by the JSON rules (a `Date` becomes its ISO string…) and checked
   * against `argsSchema`; a value that cannot be converted throws a `TypeError` naming its path.
   * @example
   * const result = await sendEmail.enqueue("ada@example.com", { subject: "Hi" });
   */
  async enqueue(...args: TArgs): Promise<TaskResult<TReturn>> {
    const backend = this.getBackend();

    return (await backend.enqueue(this, args)) as TaskResult<TReturn>;
  }

  /**
   * The result with this id from the task's backend. Throws `TaskResultDoesNotExist` for an
   * unknown id, `TaskResultMismatch` when the result belongs to another task, and
   * `NotSupportedByBackend` when the backend keeps no results.
   */
  async getResult(resultId: string): Promise<TaskResult<TReturn>> {
    const result = await this.getBackend().getResult(resultId);

    if (result.task.name !== this.name) {
      throw new TaskResultMismatch(resultId, this.name, result.task.name);
    }

    return result as TaskResult<TReturn>;
  }

  /**
   * Runs the function here and now with exactly these arguments: no backend, no validation, no
   * JSON conversion. A task that takes context needs one as the first argument. Always returns
   * a promise (Django's `call` and `acall` in one).
   */
  async call(...args: TaskCallArgs<TArgs, TTakesContext>): Promise<TReturn> {
    return (await Reflect.apply(this.fn, undefined, args)) as TReturn;
  }

  /** The backend instance this task's `backend` alias names. */
  getBackend(): BaseTaskBackend {
    return taskBackends.get(this.backend);
  }

  private toInit(): TaskInit {
    return {
      name: this.name,
      fn: this.fn,
      queueName: this.queueName,
      priority: this.priority,
      backend: this.backend,
      takesContext: this.takesContext,
      runAfter: this.runAfter,
      argsSchema: this.argsSchema,
    };
  }
}

/**
 * Validates a newly defined task as far as the configuration allows: against its backend once
 * `configureTasks()` has run, else only the rules that need no backend (the backend checks
 * again at every enqueue).
 */
export function validateNewTask(task: Task): void {
  if (isTaskConfigurationExplicit()) {
    task.getBackend().validateTask(task);
    return;
  }

  validateTaskDefinition(task);
}
