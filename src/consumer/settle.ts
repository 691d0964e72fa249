/**
 * Settling a lease: the acknowledge (DELETE) or visibility change (PATCH) that records what
 * became of a message. These calls are idempotent, so a transient failure is retried here on
 * top of the client's own retries: a lost acknowledge means the handler runs twice.
 */

import type { QueueClient } from "../queue/client.js";
import { isQueueError } from "../queue/errors.js";
import { SettleFailedError } from "./errors.js";
import type { MessageRef } from "./events.js";
import { backoffMs, sleep } from "./timing.js";

/** Codes of answers that mean the lease no longer exists. */
export const LEASE_GONE_CODES: ReadonlySet<string> = new Set([
  "message_not_found",
  "message_not_available",
  "message_already_processed",
]);

const SETTLE_ATTEMPTS = 4;
/**
 * No new attempt starts after this long: each attempt may itself take the client's timeout
 * times its retry attempts, and a lease past its end is lost anyway.
 */
export const SETTLE_BUDGET_MS = 30_000;
const SETTLE_RETRY_MIN_MS = 200;
const SETTLE_RETRY_MAX_MS = 2_000;

/** The client calls settling needs. */
export type SettleClient = Pick<QueueClient, "acknowledge" | "changeVisibility">;

/** What the service made of a settle call. */
export type SettleResult = "done" | "lease_lost";

/** A lease to settle. */
export interface LeaseRef extends MessageRef {
  receiptHandle: string;
}

/** Acknowledges (deletes) the message. */
export function acknowledge(client: SettleClient, lease: LeaseRef): Promise<SettleResult> {
  return withRetries("acknowledge", lease, () =>
    client.acknowledge(lease.topic, lease.consumerGroup, lease.receiptHandle),
  );
}

/** Makes the message visible again after `seconds` (0: at once). */
export function changeVisibility(
  client: SettleClient,
  lease: LeaseRef,
  seconds: number,
  action: "reschedule" | "release",
): Promise<SettleResult> {
  return withRetries(action, lease, () =>
    client.changeVisibility(lease.topic, lease.consumerGroup, lease.receiptHandle, seconds),
  );
}

/**
 * Runs `call` until it succeeds, the lease turns out to be gone, or the failures are not
 * transient / too many / past {@link SETTLE_BUDGET_MS} (then a `SettleFailedError` carrying the
 * last error is thrown).
 */
async function withRetries(
  action: "acknowledge" | "reschedule" | "release",
  lease: LeaseRef,
  call: () => Promise<void>,
): Promise<SettleResult> {
  const startedAt = Date.now();
  let failures = 0;

  for (;;) {
    try {
      await call();
      return "done";
    } catch (error) {
      if (isQueueError(error) && LEASE_GONE_CODES.has(error.code)) {
        // After a transient failure (ours, or one the client retried by itself) the earlier
        // attempt may have landed: a vanished lease then most likely means it took effect.
        return failures > 0 || error.attempts > 1 ? "done" : "lease_lost";
      }

      failures++;
      const delayMs = backoffMs(failures, SETTLE_RETRY_MIN_MS, SETTLE_RETRY_MAX_MS);
      const outOfTime = Date.now() - startedAt + delayMs > SETTLE_BUDGET_MS;
      if (!isQueueError(error) || !error.retryable || failures >= SETTLE_ATTEMPTS || outOfTime) {
        const { messageId, topic, consumerGroup } = lease;
        throw new SettleFailedError(action, { messageId, topic, consumerGroup, cause: error });
      }

      await sleep(delayMs);
    }
  }
}
