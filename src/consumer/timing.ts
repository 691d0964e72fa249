/**
 * Small timing helpers shared by the lease keeper, the settle retries and the polling loop.
 */

/** `setTimeout` accepts at most 2^31 − 1 ms; longer waits would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();

    const timer = setTimeout(done, clampTimer(ms));
    signal?.addEventListener("abort", done, { once: true });

    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Exponential backoff with full jitter: a random wait in [min/2, ceiling], where the ceiling
 * doubles per failure from `minMs` up to `maxMs`. Half the floor stays fixed so that retries
 * never fire back to back.
 */
export function backoffMs(failures: number, minMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
  const floor = Math.min(ceiling, minMs / 2);

  return floor + Math.random() * (ceiling - floor);
}

/** Keeps a delay inside what `setTimeout` can wait. */
export function clampTimer(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}
