/**
 * When a failed attempt is tried again. The delay grows exponentially with the attempt number and
 * is bounded twice: by `maxRetryDelaySeconds`, and by the time the message has left before the
 * Queue Service drops it (a visibility change past the expiry is refused by the service).
 */

/** The three numbers of the backoff policy, as configured on the backend. */
export interface RetryBackoff {
  /** Delay after the first failed attempt, in seconds. */
  baseSeconds: number;
  /** Multiplier applied once per further failed attempt. */
  factor: number;
  /** Upper bound of one delay, in seconds. */
  maxDelaySeconds: number;
}

/**
 * Seconds to wait after failed attempt `attempt` (1-based): `base` for the first,
 * `base × factor^(attempt − 1)` after, at most `maxDelaySeconds`. Rounded up to whole seconds
 * (the Queue Service counts visibility in seconds), so a retry never comes sooner than the
 * formula says.
 * @example retryDelaySeconds(3, { baseSeconds: 5, factor: 2, maxDelaySeconds: 3600 }) // 20
 */
export function retryDelaySeconds(attempt: number, backoff: RetryBackoff): number {
  if (backoff.baseSeconds === 0) {
    return 0;
  }

  const raw = backoff.baseSeconds * backoff.factor ** Math.max(0, attempt - 1);

  // A huge factor overflows to Infinity, which means "as long as allowed".
  const capped = Number.isFinite(raw)
    ? Math.min(raw, backoff.maxDelaySeconds)
    : backoff.maxDelaySeconds;

  return Math.ceil(Math.max(0, capped));
}

/**
 * Margin kept between a rescheduled delivery and the message's expiry, in seconds, so that the
 * retry still finds the message and the service does not refuse the visibility change.
 */
export const EXPIRY_MARGIN_SECONDS = 2;

/**
 * Whole seconds left before `expiresAt`, minus {@link EXPIRY_MARGIN_SECONDS}; `Infinity` when the
 * expiry is unknown. Zero or less means no later delivery is possible.
 */
export function secondsBeforeExpiry(expiresAt: Date | null, now: Date): number {
  if (expiresAt === null) {
    return Number.POSITIVE_INFINITY;
  }

  return Math.floor((expiresAt.getTime() - now.getTime()) / 1000) - EXPIRY_MARGIN_SECONDS;
}
