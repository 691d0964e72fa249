/**
 * `ImmediateBackend`: runs each task inside `enqueue()`, before it returns, as Django's does.
 * For development and tests: arguments and return values still go through the JSON rules, so a
 * value that production could not send fails here too. No deferring (`runAfter` is refused), no
 * retries, and no stored results (`getResult` and `refresh` throw `NotSupportedByBackend`).
 */

import { TaskContext } from "../context.js";
import { emitTaskEvent } from "../events.js";
import { runTaskAttempt } from "../execution.js";
import { randomTaskId } from "../ids.js";
import {
  markAttemptFailed,
  markAttemptStarted,
  markTaskEnqueued,
  markTaskSucceeded,
  type TaskResult,
} from "../result.js";
import type { Task } from "../task.js";
import { BaseTaskBackend } from "./base.js";

/** Runs tasks at once, in the caller's process. The default backend when none is configured. */
export class ImmediateBackend extends BaseTaskBackend {
  override readonly supportsAsyncTask: boolean = true;
  override readonly supportsPriority: boolean = true;

  /** Id recorded in `workerIds` for every task this instance runs (random per instance). */
  readonly workerId = randomTaskId();

  /**
   * Runs the task and returns its finished result (SUCCESSFUL or FAILED). What the task throws
   * is recorded in `errors`, not rethrown; invalid tasks, unconvertible arguments and schema
   * mismatches throw before anything runs.
   */
  async enqueue(task: Task, args: readonly unknown[]): Promise<TaskResult> {
    const result = await this.createResult(task, args);

    markTaskEnqueued(result);
    emitTaskEvent("taskEnqueued", this, result);

    markAttemptStarted(result, this.workerId);
    emitTaskEvent("taskStarted", this, result);

    const outcome = await runTaskAttempt(task, result.args, new TaskContext(result));
    if (outcome.ok) markTaskSucceeded(result, outcome.returnValue);
    else markAttemptFailed(result, outcome.error);

    emitTaskEvent("taskFinished", this, result);

    return result;
  }
}
