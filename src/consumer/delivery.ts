/**
 * One delivery of one leased message, whichever way it arrived (push inline, claim by id,
 * poll): keep the lease alive, run the handler, turn its outcome into an acknowledge or a
 * visibility change. The push callback and the polling worker both end up here, so the
 * outcome rules live in exactly one place:
 *
 * | handler                               | queue call                       |
 * | ------------------------------------- | -------------------------------- |
 * | returns (anything but a directive)    | acknowledge                      |
 * | returns or throws `ack()`             | acknowledge                      |
 * | returns or throws `retryAfter(n)`     | visibility n (clamped)           |
 * | throws anything else                  | visibility `retryDelaySeconds`   |
 * | still running when a worker gives up  | visibility 0 (released), no ack  |
 */

import { isDirective, isRetryAfter } from "./directives.js";
import { ConsumerShutdownError } from "./errors.js";
import { emit, type MessageRef, type Reporter } from "./events.js";
import { LeaseKeeper } from "./lease.js";
import { clampDelaySeconds, defaultRetryDelay, type ResolvedDeliveryOptions } from "./options.js";
import {
  acknowledge,
  changeVisibility,
  type LeaseRef,
  type SettleClient,
  type SettleResult,
} from "./settle.js";
import type { MessageHandler, MessageMetadata } from "./types.js";

/** A message this consumer holds a lease on. */
export interface LeasedMessage<T = unknown> extends LeaseRef {
  deliveryCount: number;
  createdAt: Date;
  expiresAt: Date | null;
  contentType: string;
  payload: T;
  /**
   * Set when the payload was declared JSON but does not parse; `payload` then holds the raw
   * bytes, and {@link deliver} acknowledges the message as poison instead of running a handler.
   */
  payloadError?: unknown;
}

/** Everything a delivery needs besides the message. */
export interface DeliveryContext extends Reporter {
  /** Client of the region holding the message. */
  client: SettleClient;
  region: string;
  handler: MessageHandler;
  options: ResolvedDeliveryOptions;
  /** End of the current lease when known (push); default now + visibility timeout. */
  leaseDeadline?: Date | null;
  /** Aborting it gives up on the handler and releases the message (worker shutdown). */
  shutdown?: AbortSignal;
}

/** What became of a delivery. */
export type DeliveryOutcome =
  | { status: "acknowledged"; reason: "success" | "ack_directive" | "invalid_payload" }
  | { status: "rescheduled"; reason: "retry_after" | "handler_error"; delaySeconds: number }
  | { status: "released" }
  | { status: "lease_lost" };

type HandlerResult =
  | { kind: "returned"; value: unknown }
  | { kind: "threw"; error: unknown }
  | { kind: "shutdown" };

/**
 * Runs the handler for a leased message and settles the lease. Rejects only with a
 * `SettleFailedError` (the outcome could not be recorded; the message comes back when its
 * lease ends).
 */
export async function deliver(
  message: LeasedMessage,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  if (message.payloadError !== undefined) {
    const bytes = message.payload instanceof Uint8Array ? message.payload : new Uint8Array(0);
    return acknowledgePoison(message, context, message.payloadError, bytes);
  }

  const lease = new LeaseKeeper({
    logger: context.logger,
    onEvent: context.onEvent,
    messageId: message.messageId,
    topic: message.topic,
    consumerGroup: message.consumerGroup,
    client: context.client,
    receiptHandle: message.receiptHandle,
    visibilityTimeoutSeconds: context.options.visibilityTimeoutSeconds,
    renewIntervalSeconds: context.options.renewIntervalSeconds,
    leaseDeadline: context.leaseDeadline,
    expiresAt: message.expiresAt,
  }).start();

  const metadata = metadataOf(message, context.region, lease.signal);
  const result = await runHandler(context.handler, message.payload, metadata, context.shutdown);

  if (result.kind === "shutdown") {
    await lease.abort(new ConsumerShutdownError(refOf(message)));
    return release(message, context);
  }

  await lease.stop();
  return settleResult(message, metadata, result, context);
}

/** Acknowledges a message whose payload cannot be decoded, so it is not redelivered forever. */
export async function acknowledgePoison(
  lease: LeaseRef,
  context: Pick<DeliveryContext, "client" | "logger" | "onEvent">,
  error: unknown,
  body: Uint8Array,
): Promise<DeliveryOutcome> {
  emit(context, () => ({ type: "message.poison", ...refOf(lease), error, body }));
  context.logger?.warn?.(
    `vercel-workers: message "${lease.messageId}" on topic "${lease.topic}" has an unreadable ` +
      "payload; acknowledging it so that it is not redelivered",
    error,
  );

  const settled = await acknowledge(context.client, lease);
  return acknowledged(lease, context, settled, "invalid_payload");
}

async function runHandler(
  handler: MessageHandler,
  payload: unknown,
  metadata: MessageMetadata,
  shutdown: AbortSignal | undefined,
): Promise<HandlerResult> {
  const running = (async (): Promise<HandlerResult> => {
    try {
      return { kind: "returned", value: await handler(payload, metadata) };
    } catch (error) {
      return { kind: "threw", error };
    }
  })();

  if (shutdown === undefined) return running;

  // The worker's shutdown signal outlives many deliveries: detach from it afterwards.
  let onAbort = () => {};
  const aborted = new Promise<HandlerResult>((resolve) => {
    onAbort = () => resolve({ kind: "shutdown" });
    if (shutdown.aborted) onAbort();
    else shutdown.addEventListener("abort", onAbort, { once: true });
  });

  try {
    return await Promise.race([running, aborted]);
  } finally {
    shutdown.removeEventListener("abort", onAbort);
  }
}

async function settleResult(
  message: LeasedMessage,
  metadata: MessageMetadata,
  result: Exclude<HandlerResult, { kind: "shutdown" }>,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const outcome = result.kind === "returned" ? result.value : result.error;

  if (isDirective(outcome)) {
    if (isRetryAfter(outcome)) return reschedule(message, context, outcome.seconds, "retry_after");

    const settled = await acknowledge(context.client, message);
    return acknowledged(message, context, settled, "ack_directive");
  }

  if (result.kind === "returned") {
    const settled = await acknowledge(context.client, message);
    return acknowledged(message, context, settled, "success");
  }

  const delay = retryDelayOf(context, result.error, metadata);
  emit(context, () => ({
    type: "handler.failed",
    ...refOf(message),
    error: result.error,
    deliveryCount: message.deliveryCount,
  }));
  context.logger?.warn?.(
    `vercel-workers: handler for message "${message.messageId}" on topic "${message.topic}" ` +
      `failed (delivery ${message.deliveryCount}); retrying in ${delay} s`,
    result.error,
  );

  return reschedule(message, context, delay, "handler_error");
}

function retryDelayOf(context: DeliveryContext, error: unknown, metadata: MessageMetadata) {
  try {
    return context.options.retryDelay(error, metadata);
  } catch (delayError) {
    context.logger?.error?.("vercel-workers: retryDelaySeconds function threw", delayError);
    return defaultRetryDelay(error, metadata);
  }
}

async function reschedule(
  message: LeasedMessage,
  context: DeliveryContext,
  seconds: number,
  reason: "retry_after" | "handler_error",
): Promise<DeliveryOutcome> {
  const delaySeconds = clampDelaySeconds(seconds, message.expiresAt);
  const settled = await changeVisibility(context.client, message, delaySeconds, "reschedule");

  if (settled === "lease_lost") return leaseLost(message, context);

  emit(context, () => ({ type: "message.rescheduled", ...refOf(message), reason, delaySeconds }));
  return { status: "rescheduled", reason, delaySeconds };
}

async function release(message: LeasedMessage, context: DeliveryContext) {
  const settled = await changeVisibility(context.client, message, 0, "release");
  if (settled === "lease_lost") return leaseLost(message, context);

  emit(context, () => ({ type: "message.released", ...refOf(message) }));
  return { status: "released" } as const;
}

function acknowledged(
  lease: LeaseRef,
  context: Reporter,
  settled: SettleResult,
  reason: "success" | "ack_directive" | "invalid_payload",
): DeliveryOutcome {
  if (settled === "lease_lost") return leaseLost(lease, context);

  emit(context, () => ({ type: "message.acknowledged", ...refOf(lease), reason }));
  return { status: "acknowledged", reason };
}

function leaseLost(lease: LeaseRef, context: Reporter): DeliveryOutcome {
  emit(context, () => ({ type: "message.skipped", ...refOf(lease), reason: "lease_lost" }));
  context.logger?.warn?.(
    `vercel-workers: the lease of message "${lease.messageId}" was gone when settling it; ` +
      "it may be delivered again",
  );

  return { status: "lease_lost" };
}

function metadataOf(message: LeasedMessage, region: string, signal: AbortSignal): MessageMetadata {
  return {
    messageId: message.messageId,
    deliveryCount: message.deliveryCount,
    createdAt: message.createdAt,
    expiresAt: message.expiresAt,
    topic: message.topic,
    consumerGroup: message.consumerGroup,
    region,
    contentType: message.contentType,
    signal,
  };
}

function refOf(message: MessageRef): MessageRef {
  return {
    messageId: message.messageId,
    topic: message.topic,
    consumerGroup: message.consumerGroup,
  };
}
