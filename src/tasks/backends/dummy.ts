/**
 * `DummyBackend`: stores enqueued results and never runs them, as Django's does. For tests that
 * check what was enqueued (`backend.results`) without running anything. Results stay READY.
 */

import { TaskResultDoesNotExist } from "../errors.js";
import { emitTaskEvent } from "../events.js";
import { cloneTaskResult, markTaskEnqueued, type TaskResult } from "../result.js";
import type { Task } from "../task.js";
import { BaseTaskBackend } from "./base.js";

/** Records enqueued tasks in memory without running them. */
export class DummyBackend extends BaseTaskBackend {
  override readonly supportsDefer: boolean = true;
  override readonly supportsAsyncTask: boolean = true;
  override readonly supportsPriority: boolean = true;

  /**
   * The stored results, in enqueue order. These are the backend's own objects: a test may move
   * one on with the `mark*` functions and see the change through `refresh()`.
   */
  readonly results: TaskResult[] = [];

  /** Stores a READY result and returns a copy (so the caller cannot change the stored one). */
  async enqueue(task: Task, args: readonly unknown[]): Promise<TaskResult> {
    const result = await this.createResult(task, args);

    markTaskEnqueued(result);
    this.results.push(result);
    emitTaskEvent("taskEnqueued", this, result);

    return cloneTaskResult(result);
  }

  /**
   * The stored result itself (not a copy). Works within this process only, which is why
   * `supportsGetResult` stays false.
   */
  override async getResult(resultId: string): Promise<TaskResult> {
    const result = this.results.find((candidate) => candidate.id === resultId);
    if (result === undefined) throw new TaskResultDoesNotExist(resultId, this.alias);

    return result;
  }

  /** Forgets every stored result. */
  clear(): void {
    this.results.length = 0;
  }
}
