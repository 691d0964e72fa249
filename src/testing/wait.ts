/** Waiting for a task result to finish, for tests and scripts. */
import type { TaskResult } from "../tasks/index.js";

/** Options of {@link waitForResult}. */
export interface WaitForResultOptions {
  /** Give up after this many milliseconds. @default 10000 */
  timeoutMs?: number;
  /** Pause between two reads of the result, in milliseconds. @default 25 */
  intervalMs?: number;
}

/** Thrown by {@link waitForResult} when the result is not finished in time. */
export class ResultWaitTimeoutError extends Error {
  readonly code = "result_wait_timeout";

  constructor(
    readonly resultId: string,
    readonly lastStatus: string,
    timeoutMs: number,
  ) {
    super(
      `Task result ${resultId} was still ${lastStatus} after ${timeoutMs} ms. Check that a ` +
        "callback route or a worker consumes the task's queue, or raise `timeoutMs`.",
    );
    this.name = "ResultWaitTimeoutError";
  }
}

/**
 * Refreshes `result` until it is finished (SUCCESSFUL or FAILED) and returns it.
 * Throws {@link ResultWaitTimeoutError} when `timeoutMs` passes first.
 *
 * @example
 * const result = await waitForResult(await addNumbers.enqueue(1, 2));
 * expect(result.returnValue).toBe(3);
 */
export async function waitForResult<R>(
  result: TaskResult<R>,
  options: WaitForResultOptions = {},
): Promise<TaskResult<R>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;

  while (!result.isFinished) {
    if (Date.now() >= deadline) {
      throw new ResultWaitTimeoutError(result.id, result.status, timeoutMs);
    }

    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    await result.refresh();
  }

  return result;
}
