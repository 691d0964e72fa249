/**
 * One attempt of a task, as every backend runs it: check the stored arguments against the
 * schema again, call the function (with the context first when it takes one), and convert the
 * return value by the JSON rules. What happened comes back as a value; this module changes no
 * result and sends no event, so the backend decides what a failure means (retry or FAILED).
 */

import type { TaskContext } from "./context.js";
import { isTaskException } from "./errors.js";
import { isUnsupportedJsonValue, type JsonValue, toJsonValue } from "./json.js";
import { checkTaskArgs } from "./schema.js";
import type { Task } from "./task.js";
import { type TaskError, toTaskError } from "./task-error.js";

/** What one attempt produced. */
export type TaskAttemptOutcome =
  | {
      ok: true;
      /** The return value after the JSON rules (`null` when the function returned nothing). */
      returnValue: JsonValue;
    }
  | {
      ok: false;
      /** The entry to append to `TaskResult.errors`. */
      error: TaskError;
      /** What was thrown, for logging or for the backend's own decisions. */
      thrown: unknown;
      /**
       * `false` when another attempt would fail the same way without the task being at fault
       * for a transient reason: the arguments no longer match the schema, or the return value
       * cannot be converted to JSON (running it again would repeat its side effects for
       * nothing). `true` for everything the function itself threw.
       */
      retryable: boolean;
    };

/**
 * Runs one attempt of `task` with its stored (JSON) `args`. Never throws: every failure, a
 * synchronous throw, a rejected promise or a bad return value, is an outcome with `ok: false`.
 * @example
 * markAttemptStarted(result, workerId);
 * const outcome = await runTaskAttempt(result.task, result.args, new TaskContext(result, signal));
 * if (outcome.ok) markTaskSucceeded(result, outcome.returnValue);
 * else markAttemptFailed(result, outcome.error, { retry: outcome.retryable && attemptsLeft });
 */
export async function runTaskAttempt(
  task: Task,
  args: readonly JsonValue[],
  context: TaskContext,
): Promise<TaskAttemptOutcome> {
  let callArgs: unknown[];
  try {
    // A fresh copy, as a worker parsing the message would have: the function may change its
    // arguments without changing the stored ones.
    callArgs = await checkTaskArgs(task, structuredClone(args) as JsonValue[]);
  } catch (thrown) {
    return failure(thrown, !isTaskException(thrown, "invalid_task_arguments"));
  }

  let returned: unknown;
  try {
    // Called as a plain function: `this` must not be the Task object.
    const fnArgs = task.takesContext ? [context, ...callArgs] : callArgs;
    returned = await Reflect.apply(task.fn, undefined, fnArgs);
  } catch (thrown) {
    return failure(thrown, true);
  }

  try {
    return { ok: true, returnValue: toJsonValue(returned, "returnValue") };
  } catch (thrown) {
    return failure(thrown, !isUnsupportedJsonValue(thrown));
  }
}

function failure(thrown: unknown, retryable: boolean): TaskAttemptOutcome {
  return { ok: false, error: toTaskError(thrown), thrown, retryable };
}
