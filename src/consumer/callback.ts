/**
 * The push callback, framework-neutral: raw method, headers and body in; status, JSON body and
 * headers out. The web and Node adapters only move bytes in and out of this.
 *
 * | situation                                               | status | body                       |
 * | ------------------------------------------------------- | ------ | -------------------------- |
 * | handled: acknowledged                                   | 200    | status "success"           |
 * | handled: rescheduled (retryAfter, or the handler threw) | 200    | status "retry"             |
 * | claim answered 409 / 410, or the lease was gone         | 200    | status "skipped" + reason  |
 * | payload declared JSON but unreadable (acknowledged)     | 200    | status "skipped"           |
 * | GET / HEAD                                              | 200    | status "ok" (health)       |
 * | other methods                                           | 405    | error                      |
 * | not a queue CloudEvent, fields missing, bad region      | 400    | error + code               |
 * | body over `maxBodyBytes`                                | 413    | error + code               |
 * | no subscription, claim failed otherwise, settle failed  | 500    | error + code               |
 *
 * A handler that threw gets a 200 on purpose: the visibility change has already scheduled the
 * retry, and a non-2xx would only make the platform count a failed delivery on top of it.
 */

import type { QueueClient } from "../queue/client.js";
import { isQueueError } from "../queue/errors.js";
import { decodePayload } from "../queue/payload.js";
import {
  type CallbackEvent,
  type ClaimCallbackEvent,
  type HeaderSource,
  type InlineCallbackEvent,
  parseCallbackEvent,
} from "./cloud-event.js";
import type { Consumer } from "./consumer.js";
import {
  acknowledgePoison,
  type DeliveryContext,
  type DeliveryOutcome,
  deliver,
} from "./delivery.js";
import { isConsumerError, NoSubscriptionError } from "./errors.js";
import { emit } from "./events.js";
import type { LeaseRef } from "./settle.js";

/** A callback request, reduced to what processing needs. */
export interface CallbackInput {
  /** HTTP method. @default "POST" */
  method?: string;
  headers: HeaderSource;
  /** The raw body, exactly as received. */
  body: Uint8Array;
}

/** JSON body of a callback response. */
export type CallbackResponseBody =
  | { status: "ok" }
  | { status: "success"; messageId: string }
  | {
      status: "retry";
      reason: "retry_after" | "handler_error";
      delaySeconds: number;
      messageId: string;
    }
  | {
      status: "skipped";
      reason: "not_available" | "already_processed" | "lease_lost" | "invalid_payload";
      messageId: string;
    }
  | { error: string; code: string };

/** The answer to a callback request. */
export interface CallbackResult {
  status: number;
  /** `null` for HEAD. */
  body: CallbackResponseBody | null;
  headers: Record<string, string>;
}

const JSON_HEADERS = { "content-type": "application/json" };
const ALLOWED_METHODS = "GET, HEAD, POST";

/**
 * Processes one callback request for `consumer`. Never rejects: every failure becomes an
 * error response (and, for unexpected ones, a line on the consumer's logger).
 */
export async function processCallback(
  consumer: Consumer,
  input: CallbackInput,
): Promise<CallbackResult> {
  const method = (input.method ?? "POST").toUpperCase();

  if (method === "GET") return result(200, { status: "ok" });
  if (method === "HEAD") return { status: 200, body: null, headers: { ...JSON_HEADERS } };
  if (method !== "POST") return methodNotAllowed(method);

  try {
    const event = parseCallbackEvent(input.headers, input.body);
    return await handleEvent(consumer, event);
  } catch (error) {
    return errorResult(consumer, error);
  }
}

/**
 * The response for an error that ended a callback before or outside the handler. The caller
 * is not authenticated, so a Queue Service failure is answered with a generic message and the
 * error's stable code only; its detail goes to the logger. Errors of this layer keep their own
 * message: it describes the caller's bad input (4xx) or this route's set-up (5xx).
 */
export function errorResult(consumer: Pick<Consumer, "logger">, error: unknown): CallbackResult {
  if (isConsumerError(error)) {
    if (error.status >= 500) consumer.logger?.error?.(`vercel-workers: ${error.message}`, error);
    return result(error.status, { error: error.message, code: error.code });
  }

  consumer.logger?.error?.("vercel-workers: failed to process a queue callback", error);
  const code = isQueueError(error) ? error.code : "internal_error";

  return result(500, {
    error: "Failed to process the queue message; the server log has the details.",
    code,
  });
}

async function handleEvent(consumer: Consumer, event: CallbackEvent): Promise<CallbackResult> {
  const subscription = consumer.match(event.topic, event.consumerGroup);
  if (subscription === undefined) throw new NoSubscriptionError(event.topic, event.consumerGroup);

  const client = consumer.clientFor(event.region);
  const context: DeliveryContext = {
    client,
    region: event.region ?? client.region,
    handler: subscription.handler,
    options: subscription.options,
    logger: consumer.logger,
    onEvent: consumer.onEvent,
  };

  const outcome =
    event.mode === "inline"
      ? await handleInline(event, context)
      : await handleClaim(event, client, context, consumer);

  return typeof outcome === "string"
    ? skipped(event.messageId, outcome)
    : fromOutcome(event, outcome);
}

async function handleInline(
  event: InlineCallbackEvent,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const lease: LeaseRef = {
    messageId: event.messageId,
    topic: event.topic,
    consumerGroup: event.consumerGroup,
    receiptHandle: event.receiptHandle,
  };

  let payload: unknown;
  try {
    payload = decodePayload(event.body, event.contentType, lease);
  } catch (error) {
    return acknowledgePoison(lease, context, error, event.body);
  }

  const message = {
    messageId: event.messageId,
    topic: event.topic,
    consumerGroup: event.consumerGroup,
    receiptHandle: event.receiptHandle,
    deliveryCount: event.deliveryCount,
    createdAt: event.createdAt,
    expiresAt: event.expiresAt,
    contentType: event.contentType,
    payload,
  };

  context.leaseDeadline = event.visibilityDeadline;
  return deliver(message, context);
}

async function handleClaim(
  event: ClaimCallbackEvent,
  client: QueueClient,
  context: DeliveryContext,
  consumer: Consumer,
): Promise<DeliveryOutcome | "not_available" | "already_processed"> {
  const { topic, consumerGroup, messageId } = event;
  const visibilityTimeoutSeconds = context.options.visibilityTimeoutSeconds;

  try {
    const message = await client.receiveById(topic, consumerGroup, messageId, {
      visibilityTimeoutSeconds,
    });
    return await deliver(message, context);
  } catch (error) {
    const poison = poisonLease(error, event);
    if (poison !== undefined) return acknowledgePoison(poison, context, error, new Uint8Array(0));

    const reason = skipReason(error);
    if (reason === undefined) throw error;

    emit(consumer, () => ({ type: "message.skipped", topic, consumerGroup, messageId, reason }));
    consumer.logger?.debug?.(`vercel-workers: message "${messageId}" skipped (${reason})`);
    return reason;
  }
}

/** 409 and 410 on a claim: another consumer holds the message, or it is already done. */
function skipReason(error: unknown): "not_available" | "already_processed" | undefined {
  if (!isQueueError(error)) return undefined;
  if (error.code === "message_not_available") return "not_available";
  if (error.code === "message_already_processed") return "already_processed";

  return undefined;
}

/**
 * A claimed message whose JSON payload does not parse: the client reports it as a protocol
 * error that carries the lease, so that it can be acknowledged rather than redelivered forever.
 */
export function poisonLease(
  error: unknown,
  ref: { topic: string; consumerGroup: string; messageId: string },
): LeaseRef | undefined {
  if (!isQueueError(error) || error.code !== "protocol_error") return undefined;

  const { receiptHandle, cause } = error as { receiptHandle?: unknown; cause?: unknown };
  const unparsable = cause instanceof Error && cause.name === "SyntaxError";
  if (typeof receiptHandle !== "string" || !unparsable) return undefined;

  return { ...ref, messageId: error.messageId ?? ref.messageId, receiptHandle };
}

function fromOutcome(event: CallbackEvent, outcome: DeliveryOutcome): CallbackResult {
  const messageId = event.messageId;

  switch (outcome.status) {
    case "acknowledged":
      return outcome.reason === "invalid_payload"
        ? skipped(messageId, "invalid_payload")
        : result(200, { status: "success", messageId });
    case "rescheduled":
      return result(200, {
        status: "retry",
        reason: outcome.reason,
        delaySeconds: outcome.delaySeconds,
        messageId,
      });
    case "lease_lost":
      return skipped(messageId, "lease_lost");
    case "released":
      // Only a polling worker releases; a callback has no shutdown signal.
      return result(503, { error: "The message was released unprocessed.", code: "released" });
  }
}

function skipped(
  messageId: string,
  reason: "not_available" | "already_processed" | "lease_lost" | "invalid_payload",
): CallbackResult {
  return result(200, { status: "skipped", reason, messageId });
}

function methodNotAllowed(method: string): CallbackResult {
  return {
    status: 405,
    body: {
      error: `Method ${method} not allowed: queue callbacks are POST requests.`,
      code: "method_not_allowed",
    },
    headers: { ...JSON_HEADERS, allow: ALLOWED_METHODS },
  };
}

function result(status: number, body: CallbackResponseBody): CallbackResult {
  return { status, body, headers: { ...JSON_HEADERS } };
}
