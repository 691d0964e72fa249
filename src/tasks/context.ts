/**
 * `TaskContext`: what a task declared with `takesContext` receives as its first argument.
 */

import type { TaskResult } from "./result.js";

/** Never aborts: the signal of backends that have no shutdown or lease to lose. */
const NEVER_ABORTED = new AbortController().signal;

/** The running attempt, as a `takesContext` task sees it. */
export class TaskContext {
  /** The result being executed (live: it shows this attempt as RUNNING). */
  readonly taskResult: TaskResult;
  /**
   * Aborted when the attempt should stop early: the worker shuts down, or the backend lost
   * the lease on the message (another delivery may run the task). Pass it to `fetch` and other
   * cancellable calls. Backends without either (Immediate, Dummy) never abort it.
   */
  readonly signal: AbortSignal;

  constructor(taskResult: TaskResult, signal: AbortSignal = NEVER_ABORTED) {
    this.taskResult = taskResult;
    this.signal = signal;
    Object.freeze(this);
  }

  /** Number of this attempt, from 1. */
  get attempt(): number {
    return this.taskResult.attempts;
  }
}
