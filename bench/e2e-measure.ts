/**
 * Measuring helpers shared by both sides of bench/e2e.ts: a high-resolution wall clock,
 * percentiles, a pool of concurrent enqueuers, a fixed-rate driver and a bounded wait.
 */
import { performance } from "node:perf_hooks";

/** Milliseconds since the epoch with sub-millisecond resolution (same clock in one process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Latency figures of a sample, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `samples`. */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) {
    return {
      count: 0,
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
    };
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;

  return {
    count: sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted.at(-1) as number,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Runs `job(0..count-1)` with at most `workers` in flight; resolves when all are done. */
export async function runPool(
  count: number,
  workers: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await job(index);
    }
  };

  await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
}

/**
 * Calls `job(i)` for i in 0..count-1 at `perSecond`, on a schedule fixed from the start (a late
 * tick does not shift the next ones). Resolves when every job has settled.
 */
export async function runAtRate(
  count: number,
  perSecond: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  const start = nowMs();
  const intervalMs = 1000 / perSecond;
  const pending: Promise<void>[] = [];

  for (let index = 0; index < count; index++) {
    const wait = start + index * intervalMs - nowMs();
    if (wait > 0) await sleep(wait);
    pending.push(job(index));
  }

  await Promise.all(pending);
}

/** Polls `done()` every `everyMs` until it is true; throws after `timeoutMs` with `what`. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
  everyMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    }
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `1234.5` as `"1,234"`; `2.345` as `"2.35"`. */
export function figure(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}
