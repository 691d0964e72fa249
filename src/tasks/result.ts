/**
 * `TaskResult`: the handle `enqueue()` returns: status, times, arguments, errors, attempts and,
 * once the task succeeded, its return value. Fields are read-only for app code; backends move a
 * result through its life with the `mark*` functions below, which keep the invariants in one
 * place (one error per failed attempt, one worker id per attempt, `startedAt` set once).
 *
 * A result converts to and from a plain JSON record (`toRecord()` / `TaskResult.fromRecord()`),
 * which is how backends store it and how another process reads it.
 */

import { ReturnValueUnavailable, TaskResultMismatch } from "./errors.js";
import type { Jsonified, JsonValue } from "./json.js";
import {
  parseRecordTime,
  parseTaskResultRecord,
  TASK_RESULT_RECORD_VERSION,
  type TaskResultRecord,
} from "./record.js";
import { getTask } from "./registry.js";
import { isFinishedStatus, TaskResultStatus } from "./status.js";
import type { Task } from "./task.js";
import type { TaskError } from "./task-error.js";

/** What a {@link TaskResult} is built from; only the first four fields are required. */
export interface TaskResultInit {
  id: string;
  task: Task;
  /** Alias of the backend the task is enqueued on. */
  backend: string;
  /** Arguments already converted by the JSON rules (`toJsonArgs`). */
  args: readonly JsonValue[];
  /** @default "READY" */
  status?: TaskResultStatus;
  enqueuedAt?: Date | null;
  startedAt?: Date | null;
  lastAttemptedAt?: Date | null;
  finishedAt?: Date | null;
  errors?: readonly TaskError[];
  workerIds?: readonly string[];
  /** Only kept when `status` is SUCCESSFUL. */
  returnValue?: JsonValue;
}

/** The fields the `mark*` functions and `refresh()` write. */
interface MutableState {
  status: TaskResultStatus;
  enqueuedAt: Date | null;
  startedAt: Date | null;
  lastAttemptedAt: Date | null;
  finishedAt: Date | null;
  errors: readonly TaskError[];
  workerIds: readonly string[];
  storedReturnValue: JsonValue;
}

/**
 * The state of one enqueued task. `TReturn` is the task function's (awaited) return type;
 * `returnValue` has its JSON form.
 */
export class TaskResult<out TReturn = unknown> {
  /** Opaque id chosen by the backend (at most 64 characters). */
  readonly id: string;
  /** The task, with the options it was enqueued with. */
  readonly task: Task<unknown[], TReturn>;
  /** Alias of the backend the task was enqueued on. */
  readonly backend: string;
  /** The arguments, as the JSON rules converted them (what the function receives). */
  readonly args: readonly JsonValue[];
  readonly status: TaskResultStatus;
  /** When the task was enqueued. */
  readonly enqueuedAt: Date | null;
  /** When its first attempt started. */
  readonly startedAt: Date | null;
  /** When its latest attempt started. */
  readonly lastAttemptedAt: Date | null;
  /** When it finished, by failing or by succeeding. */
  readonly finishedAt: Date | null;
  /** One entry per failed attempt, oldest first. */
  readonly errors: readonly TaskError[];
  /** The worker of each attempt, oldest first (a worker appears once per attempt it ran). */
  readonly workerIds: readonly string[];
  private readonly storedReturnValue: JsonValue;

  /** Builds a result; backends do this (app code gets results from `enqueue`/`getResult`). */
  constructor(init: TaskResultInit) {
    this.id = init.id;
    this.task = init.task as Task<unknown[], TReturn>;
    this.backend = init.backend;
    this.args = init.args;
    this.status = init.status ?? TaskResultStatus.READY;
    this.enqueuedAt = init.enqueuedAt ?? null;
    this.startedAt = init.startedAt ?? null;
    this.lastAttemptedAt = init.lastAttemptedAt ?? null;
    this.finishedAt = init.finishedAt ?? null;
    this.errors = init.errors ?? [];
    this.workerIds = init.workerIds ?? [];
    this.storedReturnValue =
      this.status === TaskResultStatus.SUCCESSFUL ? (init.returnValue ?? null) : null;
  }

  /** Attempts started so far, the running one included (so 1 during the first run). */
  get attempts(): number {
    return this.workerIds.length;
  }

  /** Whether the task has finished, by failing or by succeeding. */
  get isFinished(): boolean {
    return isFinishedStatus(this.status);
  }

  /**
   * What the task returned, after the JSON rules (`null` for a function that returns nothing).
   * Throws {@link ReturnValueUnavailable} unless the status is SUCCESSFUL: "Task failed" or
   * "Task has not finished yet".
   */
  get returnValue(): Jsonified<TReturn> {
    if (this.status !== TaskResultStatus.SUCCESSFUL) {
      throw new ReturnValueUnavailable(this.id, this.status);
    }

    return this.storedReturnValue as Jsonified<TReturn>;
  }

  /**
   * Reloads the state from the backend (status, times, errors, worker ids, return value); the
   * id, task, arguments and backend never change. Throws `NotSupportedByBackend` on backends
   * that keep no results and `TaskResultDoesNotExist` when the result is gone.
   */
  async refresh(): Promise<void> {
    const latest = await this.task.getBackend().getResult(this.id);

    copyState(this, latest);
  }

  /** The result as a plain JSON record, for storage. */
  toRecord(): TaskResultRecord {
    const record: TaskResultRecord = {
      version: TASK_RESULT_RECORD_VERSION,
      id: this.id,
      backend: this.backend,
      task: {
        name: this.task.name,
        queueName: this.task.queueName,
        priority: this.task.priority,
        runAfter: this.task.runAfter?.toISOString() ?? null,
      },
      status: this.status,
      enqueuedAt: this.enqueuedAt?.toISOString() ?? null,
      startedAt: this.startedAt?.toISOString() ?? null,
      lastAttemptedAt: this.lastAttemptedAt?.toISOString() ?? null,
      finishedAt: this.finishedAt?.toISOString() ?? null,
      args: structuredClone(this.args) as JsonValue[],
      errors: this.errors.map((error) => ({ ...error })),
      workerIds: [...this.workerIds],
      attempts: this.attempts,
    };

    if (this.status === TaskResultStatus.SUCCESSFUL) {
      record.returnValue = structuredClone(this.storedReturnValue);
    }

    return record;
  }

  /**
   * Rebuilds a result from a stored record (checked with `parseTaskResultRecord`). The task is
   * `task` when given, else the task registered under the record's task name (`UnknownTask`
   * when there is none), with the queue, priority, `runAfter` and backend of the record; a
   * `task` of another name throws `TaskResultMismatch`.
   */
  static fromRecord(value: unknown, task?: Task): TaskResult {
    const record = parseTaskResultRecord(value);
    const base = task ?? getTask(record.task.name);

    if (base.name !== record.task.name) {
      throw new TaskResultMismatch(record.id, base.name, record.task.name);
    }

    return new TaskResult({
      id: record.id,
      task: taskAsRecorded(base, record),
      backend: record.backend,
      args: structuredClone(record.args),
      status: record.status,
      enqueuedAt: parseRecordTime(record.enqueuedAt),
      startedAt: parseRecordTime(record.startedAt),
      lastAttemptedAt: parseRecordTime(record.lastAttemptedAt),
      finishedAt: parseRecordTime(record.finishedAt),
      errors: record.errors.map((error) => Object.freeze({ ...error })),
      workerIds: [...record.workerIds],
      returnValue: structuredClone(record.returnValue ?? null),
    });
  }
}

/** A deep copy of `result` (same task object), as DummyBackend hands out. */
export function cloneTaskResult<TReturn>(result: TaskResult<TReturn>): TaskResult<TReturn> {
  return TaskResult.fromRecord(result.toRecord(), result.task) as TaskResult<TReturn>;
}

/** Sets `enqueuedAt`; the result stays READY. */
export function markTaskEnqueued(result: TaskResult, at: Date = new Date()): void {
  writable(result).enqueuedAt = at;
}

/**
 * Starts an attempt: RUNNING, `lastAttemptedAt` = `at` (and `startedAt` on the first attempt),
 * and `workerId` appended to `workerIds`, which makes `attempts` count this one.
 */
export function markAttemptStarted(result: TaskResult, workerId: string, at = new Date()): void {
  const state = writable(result);

  state.status = TaskResultStatus.RUNNING;
  state.startedAt ??= at;
  state.lastAttemptedAt = at;
  state.finishedAt = null;
  state.workerIds = [...state.workerIds, workerId];
}

/** Finishes the task as SUCCESSFUL with `returnValue` (already converted by the JSON rules). */
export function markTaskSucceeded(
  result: TaskResult,
  returnValue: JsonValue,
  at = new Date(),
): void {
  const state = writable(result);

  state.status = TaskResultStatus.SUCCESSFUL;
  state.finishedAt = at;
  state.storedReturnValue = returnValue;
}

/** Options of {@link markAttemptFailed}. */
export interface AttemptFailureOptions {
  /**
   * Another attempt will follow: the result goes back to READY instead of FAILED.
   * @default false
   */
  retry?: boolean;
  /** When the attempt ended. @default new Date() */
  at?: Date;
}

/**
 * Records a failed attempt: appends `error` (exactly one entry per failed attempt), then either
 * finishes the task as FAILED or, with `retry`, puts it back to READY for the next attempt.
 */
export function markAttemptFailed(
  result: TaskResult,
  error: TaskError,
  options: AttemptFailureOptions = {},
): void {
  const state = writable(result);

  state.errors = [...state.errors, error];
  state.storedReturnValue = null;

  if (options.retry === true) {
    state.status = TaskResultStatus.READY;
    state.finishedAt = null;
    return;
  }

  state.status = TaskResultStatus.FAILED;
  state.finishedAt = options.at ?? new Date();
}

function writable(result: TaskResult): MutableState {
  return result as unknown as MutableState;
}

/** Copies what Django's refresh copies; id, task, args and backend stay. */
function copyState(target: TaskResult, source: TaskResult): void {
  const from = writable(source);
  const to = writable(target);

  to.status = from.status;
  to.enqueuedAt = from.enqueuedAt;
  to.startedAt = from.startedAt;
  to.lastAttemptedAt = from.lastAttemptedAt;
  to.finishedAt = from.finishedAt;
  to.errors = [...from.errors];
  to.workerIds = [...from.workerIds];
  to.storedReturnValue = structuredClone(from.storedReturnValue);
}

function taskAsRecorded(task: Task, record: TaskResultRecord): Task {
  const runAfter = parseRecordTime(record.task.runAfter);
  const same =
    task.name === record.task.name &&
    task.queueName === record.task.queueName &&
    task.priority === record.task.priority &&
    task.backend === record.backend &&
    (task.runAfter?.getTime() ?? null) === (runAfter?.getTime() ?? null);

  if (same) return task;

  return task.withOptions({
    queueName: record.task.queueName,
    priority: record.task.priority,
    backend: record.backend,
    runAfter,
  });
}
