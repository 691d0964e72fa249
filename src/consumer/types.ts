/**
 * Public shapes of the consumer layer: the handler contract and the options of subscriptions
 * and consumers.
 */

import type { QueueClient } from "../queue/client.js";
import type { Logger, QueueClientOptions } from "../queue/types.js";
import type { ConsumerEvent } from "./events.js";

/** What a handler learns about the message it runs for. */
export interface MessageMetadata {
  messageId: string;
  /** How many times this consumer group has received the message, this delivery included. */
  deliveryCount: number;
  createdAt: Date;
  /** When the message expires; `null` when the service did not say. */
  expiresAt: Date | null;
  topic: string;
  consumerGroup: string;
  /** Region that holds the message; every follow-up call goes there. */
  region: string;
  /** Content type the message was sent with. */
  contentType: string;
  /**
   * Fires when the lease is lost (reason: a `LeaseLostError`) or when a polling worker shuts
   * down past its grace period (reason: a `ConsumerShutdownError`). Another consumer may then
   * run the same message; stop work with outside effects.
   */
  signal: AbortSignal;
}

/**
 * A message handler. Returning acknowledges the message; returning or throwing a directive
 * (`ack()`, `retryAfter(n)`) does what it says; throwing anything else reschedules the message
 * after the subscription's `retryDelaySeconds`.
 */
export type MessageHandler<T = unknown> = (
  payload: T,
  metadata: MessageMetadata,
) => unknown | Promise<unknown>;

/** Delay in seconds before a message whose handler threw is delivered again. */
export type RetryDelay = (error: unknown, metadata: MessageMetadata) => number;

/** Lease and retry settings; a subscription's own values win over its consumer's. */
export interface DeliveryOptions {
  /**
   * Lease length in whole seconds (1…3600): used to claim messages and for each renewal. A
   * crashed consumer's message reappears after at most this long.
   * @default 60
   */
  visibilityTimeoutSeconds?: number;
  /**
   * Seconds between lease renewals while a handler runs; must be below the visibility timeout.
   * `0` turns renewals off (the handler's signal still fires when the lease runs out).
   * @default visibilityTimeoutSeconds / 3
   */
  renewIntervalSeconds?: number;
  /**
   * Delay before a message whose handler threw (anything but a directive) is delivered again:
   * seconds, or a function of the error and metadata. Clamped like `retryAfter()`.
   * @default 5 × 2^(deliveryCount − 1), at most 300 (5 s, 10 s, 20 s …)
   */
  retryDelaySeconds?: number | RetryDelay;
}

/** Options of one subscription. */
export interface SubscribeOptions extends DeliveryOptions {
  /**
   * Consumer group the subscription is limited to. On Vercel a push trigger's group is derived
   * from the function's file path; leave this unset to accept any group. A polling worker uses
   * it as the group it polls unless the worker names one.
   * @default any consumer group
   */
  consumer?: string;
}

/** Options of a consumer: Queue Service client settings plus delivery defaults. */
export interface ConsumerOptions extends QueueClientOptions, DeliveryOptions {
  /**
   * Client to use instead of building one from the other Queue Service options (`token`,
   * `baseUrl`, `region` …), which are then ignored.
   * @default a QueueClient built lazily from these options and the environment
   */
  client?: QueueClient;
  /**
   * Where the consumer reports handler failures, lost leases and settle failures (warn/error),
   * and where the client writes its debug lines when `VERCEL_WORKERS_DEBUG=1`.
   * @default silent
   */
  logger?: Logger;
  /**
   * Receives typed events (acknowledged, rescheduled, lease renewed/lost …). A listener that
   * throws is reported to `logger.error` and otherwise ignored.
   * @default none
   */
  onEvent?: (event: ConsumerEvent) => void;
}
