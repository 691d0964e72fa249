/**
 * Retry policy of the client, in one place: which failures are worth another attempt, and how
 * long to wait before it (exponential backoff with full jitter, or the service's Retry-After,
 * both capped by `maxDelayMs`). Whether a CALL may be replayed at all is the caller's decision
 * (see `Replay` in transport.ts); this module only judges failures and delays.
 */

import { isQueueError } from "./errors.js";
import type { RetryPolicy } from "./types.js";

/** Whether `error` is transient: network failure, timeout, 5xx or 429. */
export function isTransient(error: unknown): boolean {
  return isQueueError(error) && error.retryable;
}

/**
 * Milliseconds to wait before attempt `attempt + 1` after `error` failed attempt `attempt`
 * (1-based). A Retry-After from the service wins over the backoff; both are capped.
 */
export function retryDelayMs(
  policy: Required<RetryPolicy>,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  const retryAfterSeconds = retryAfterOf(error);
  if (retryAfterSeconds !== null) {
    return Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  }

  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

// Read by code, not instanceof, so a ThrottledError from another copy of the library counts.
function retryAfterOf(error: unknown): number | null {
  if (!isQueueError(error) || error.code !== "throttled") return null;

  const value = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === "number" ? value : null;
}

/**
 * Parses a `Retry-After` value: whole seconds, or an HTTP date (the time left until it).
 * Returns `null` when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;

  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);

  // HTTP dates all start with a day name; this also keeps Date.parse from reading "-3" as a year.
  const date = /^[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return null;

  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
