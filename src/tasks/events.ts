/**
 * Lifecycle events of task results, the counterpart of Django's `task_enqueued`,
 * `task_started` and `task_finished` signals, sent at the same points:
 *
 * - `taskEnqueued`: the result was stored (READY, `enqueuedAt` set).
 * - `taskStarted`: an attempt begins (RUNNING, worker id appended).
 * - `taskFinished`: the task finished for good (SUCCESSFUL, or FAILED with its errors); an
 *   attempt that fails and will be retried sends none.
 *
 * {@link emitTaskEvent} also writes Django's log line for each event to the configured logger.
 * A listener that throws (or rejects) is reported to the logger and never breaks the task.
 */

import type { BaseTaskBackend } from "./backends/base.js";
import { getTaskLogger } from "./logging.js";
import type { TaskResult } from "./result.js";
import { TaskResultStatus } from "./status.js";

/** What every lifecycle event carries. */
export interface TaskEventPayload {
  /** The backend that sent the event (Django's `sender` is its class). */
  backend: BaseTaskBackend;
  /** The live result, in the state described for each event. */
  taskResult: TaskResult;
}

/** The lifecycle events by name. */
export interface TaskEventMap {
  taskEnqueued: TaskEventPayload;
  taskStarted: TaskEventPayload;
  taskFinished: TaskEventPayload;
}

/** Name of a lifecycle event. */
export type TaskEventName = keyof TaskEventMap;

/** A listener; what it returns is ignored, a rejected promise is logged. */
export type TaskEventListener<E extends TaskEventName> = (
  payload: TaskEventMap[E],
) => void | Promise<void>;

/** A small typed emitter that runs on any runtime (no `node:events`). */
export class TaskEventEmitter {
  readonly #listeners = new Map<TaskEventName, Set<TaskEventListener<TaskEventName>>>();

  /**
   * Calls `listener` on every `name` event; returns a function that removes it.
   * @example
   * const stop = taskEvents.on("taskFinished", ({ taskResult }) => metrics.count(taskResult));
   */
  on<E extends TaskEventName>(name: E, listener: TaskEventListener<E>): () => void {
    let listeners = this.#listeners.get(name);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(name, listeners);
    }

    listeners.add(listener as TaskEventListener<TaskEventName>);

    return () => this.off(name, listener);
  }

  /** Calls `listener` on the next `name` event only. */
  once<E extends TaskEventName>(name: E, listener: TaskEventListener<E>): () => void {
    const stop = this.on(name, (payload) => {
      stop();
      return listener(payload);
    });

    return stop;
  }

  /** Removes `listener` from `name`. */
  off<E extends TaskEventName>(name: E, listener: TaskEventListener<E>): void {
    this.#listeners.get(name)?.delete(listener as TaskEventListener<TaskEventName>);
  }

  /** Removes every listener of `name`, or of every event. */
  removeAllListeners(name?: TaskEventName): void {
    if (name === undefined) this.#listeners.clear();
    else this.#listeners.delete(name);
  }

  /** Number of listeners of `name`. */
  listenerCount(name: TaskEventName): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  /** Calls every listener of `name` in order; what they throw goes to the task logger. */
  emit<E extends TaskEventName>(name: E, payload: TaskEventMap[E]): void {
    const listeners = this.#listeners.get(name);
    if (listeners === undefined) return;

    for (const listener of [...listeners]) {
      callSafely(name, listener, payload);
    }
  }
}

/** The process-wide emitter backends send lifecycle events through. */
export const taskEvents = new TaskEventEmitter();

/**
 * Sends a lifecycle event: logs Django's line for it, then calls the listeners. Backends call it
 * at the points described at the top of this module.
 */
export function emitTaskEvent(
  name: TaskEventName,
  backend: BaseTaskBackend,
  taskResult: TaskResult,
): void {
  logEvent(name, backend, taskResult);
  taskEvents.emit(name, { backend, taskResult });
}

function callSafely(
  name: TaskEventName,
  listener: TaskEventListener<TaskEventName>,
  payload: TaskEventPayload,
): void {
  const report = (error: unknown) => {
    getTaskLogger()?.error?.(`vercel-workers: a ${name} listener threw`, error);
  };

  try {
    const returned: unknown = listener(payload);
    if (isThenable(returned)) Promise.resolve(returned).catch(report);
  } catch (error) {
    report(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function logEvent(name: TaskEventName, backend: BaseTaskBackend, result: TaskResult): void {
  const logger = getTaskLogger();
  if (logger === undefined) return;

  const subject = `Task id=${result.id} name=${result.task.name}`;

  if (name === "taskEnqueued") {
    logger.debug?.(`${subject} enqueued backend=${backend.alias}`);
  } else if (name === "taskStarted") {
    logger.info?.(`${subject} state=${TaskResultStatus.RUNNING}`);
  } else if (result.status === TaskResultStatus.FAILED) {
    logger.error?.(`${subject} state=${result.status}`, result.errors.at(-1)?.traceback);
  } else {
    logger.info?.(`${subject} state=${result.status}`);
  }
}
