/**
 * Delivery settings (lease length, renewal interval, retry delay): defaults, merging of a
 * subscription's values over its consumer's, and validation that names the bad option.
 */

import { ConfigurationError } from "../queue/errors.js";
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from "../queue/validation.js";
import type { DeliveryOptions, MessageMetadata, RetryDelay } from "./types.js";

/** Lease length when none is configured, in seconds (the service's own receive default). */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 60;
/** The service refuses longer leases and visibility changes (the queue layer's limit). */
export { MAX_VISIBILITY_TIMEOUT_SECONDS };
/** First retry delay after a handler error; it doubles per delivery. */
export const DEFAULT_RETRY_BASE_SECONDS = 5;
/** Upper bound of the default retry delay. */
export const DEFAULT_RETRY_MAX_SECONDS = 300;

/** Delivery settings after defaults and validation. */
export interface ResolvedDeliveryOptions {
  visibilityTimeoutSeconds: number;
  /** `0` when renewals are off. */
  renewIntervalSeconds: number;
  retryDelay: RetryDelay;
}

/**
 * The default retry delay: 5 s after the first delivery, doubling with each further delivery,
 * at most 300 s. A failing handler is thus retried quickly at first and gently later.
 */
export function defaultRetryDelay(_error: unknown, metadata: MessageMetadata): number {
  const exponent = Math.max(0, metadata.deliveryCount - 1);
  return Math.min(DEFAULT_RETRY_MAX_SECONDS, DEFAULT_RETRY_BASE_SECONDS * 2 ** exponent);
}

/** Merges a subscription's options over its consumer's and validates the result. */
export function resolveDeliveryOptions(
  own: DeliveryOptions,
  defaults: DeliveryOptions = {},
): ResolvedDeliveryOptions {
  // An interval inherited from the consumer is meant for the consumer's lease length; a
  // subscription with its own lease length derives its own interval instead.
  const inheritsInterval = own.visibilityTimeoutSeconds === undefined;
  const timing = resolveLeaseTiming({
    visibilityTimeoutSeconds: own.visibilityTimeoutSeconds ?? defaults.visibilityTimeoutSeconds,
    renewIntervalSeconds:
      own.renewIntervalSeconds ?? (inheritsInterval ? defaults.renewIntervalSeconds : undefined),
  });

  return {
    ...timing,
    retryDelay: resolveRetryDelay(own.retryDelaySeconds ?? defaults.retryDelaySeconds),
  };
}

/** Validates the lease length and renewal interval and fills in their defaults. */
export function resolveLeaseTiming(options: {
  visibilityTimeoutSeconds?: number;
  renewIntervalSeconds?: number;
}): { visibilityTimeoutSeconds: number; renewIntervalSeconds: number } {
  const timeout = options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const interval = options.renewIntervalSeconds ?? timeout / 3;

  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw new ConfigurationError(
      "visibilityTimeoutSeconds",
      `Invalid visibilityTimeoutSeconds ${String(timeout)}: expected whole seconds in ` +
        `1…${MAX_VISIBILITY_TIMEOUT_SECONDS}.`,
    );
  }

  if (!Number.isFinite(interval) || interval < 0 || (interval > 0 && interval >= timeout)) {
    throw new ConfigurationError(
      "renewIntervalSeconds",
      `Invalid renewIntervalSeconds ${String(interval)}: expected 0 (no renewals) or seconds ` +
        `below visibilityTimeoutSeconds (${timeout}), so that each renewal lands before the ` +
        "lease ends.",
    );
  }

  return { visibilityTimeoutSeconds: timeout, renewIntervalSeconds: interval };
}

function resolveRetryDelay(value: number | RetryDelay | undefined): RetryDelay {
  if (value === undefined) return defaultRetryDelay;
  if (typeof value === "function") return value;

  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      "retryDelaySeconds",
      `Invalid retryDelaySeconds ${String(value)}: expected seconds (≥ 0) or a function ` +
        "(error, metadata) => seconds.",
    );
  }

  return () => value;
}

/**
 * Turns a requested delay into a visibility timeout the service accepts: whole seconds
 * (rounded up, so a retry never comes early), 0…3600, and ending before the message expires.
 */
export function clampDelaySeconds(
  seconds: number,
  expiresAt: Date | null,
  now = Date.now(),
): number {
  const wanted = Number.isFinite(seconds) ? Math.ceil(Math.max(0, seconds)) : 0;
  let delay = Math.min(wanted, MAX_VISIBILITY_TIMEOUT_SECONDS);

  if (expiresAt !== null) {
    // One second of margin: the service measures from its own receipt of the request.
    const left = Math.floor((expiresAt.getTime() - now) / 1000) - 1;
    delay = Math.min(delay, Math.max(0, left));
  }

  return delay;
}
