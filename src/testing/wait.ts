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
 * Throws {@link ResultWaitTimeoutError} when `timeoutMs` passes first, and a `TypeError`
 * (not a number) or `RangeError` (NaN, infinite or negative) naming the option for a bad
 * `timeoutMs` or `intervalMs`, which would otherwise wait forever.
 *
 * @example
 * const result = await waitForResult(await addNumbers.enqueue(1, 2));
 * expect(result.returnValue).toBe(3);
 */
export async function waitForResult<R>(
  result: TaskResult<R>,
  options: WaitForResultOptions = {},
): Promise<TaskResult<R>> {
  const timeoutMs = checkMilliseconds("timeoutMs", options.timeoutMs ?? 10_000);
  const intervalMs = checkMilliseconds("intervalMs", options.intervalMs ?? 25);
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

// NaN never passes the deadline check, so a bad value would wait forever: refuse it up front.
function checkMilliseconds(name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `waitForResult: ${name} must be a number of milliseconds, got ${typeof value}.`,
    );
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `waitForResult: ${name} must be a finite number of milliseconds ≥ 0, got ${value}.`,
    );
  }

  return value;
}
