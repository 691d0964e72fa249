/**
 * Errors of the consumer layer: one class per failure kind, each with a stable string `code`
 * and, where an HTTP answer follows from it, the `status` the callback handler responds with.
 * Check them with {@link isConsumerError} and `code`: the `Symbol.for` brand survives two
 * bundled copies of this library in one process, `instanceof` does not.
 */

const CONSUMER_ERROR_BRAND = Symbol.for("vercel-workers.ConsumerError");

/** Identifiers that give an error its context; every field is optional. */
export interface ConsumerErrorDetails {
  topic?: string;
  consumerGroup?: string;
  messageId?: string;
  cause?: unknown;
}

/** Base class of every error the consumer layer throws or answers with. */
export class ConsumerError extends Error {
  /** Stable identifier of the failure kind, e.g. `"invalid_callback"`. */
  readonly code: string;
  /** HTTP status the callback handler answers with when this error ends a request. */
  readonly status: number;
  readonly topic?: string;
  readonly consumerGroup?: string;
  readonly messageId?: string;

  constructor(message: string, code: string, status: number, details: ConsumerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.topic = details.topic;
    this.consumerGroup = details.consumerGroup;
    this.messageId = details.messageId;
  }
}

Object.defineProperty(ConsumerError.prototype, CONSUMER_ERROR_BRAND, { value: true });

/** Whether `error` is a {@link ConsumerError} from any copy of this library in the process. */
export function isConsumerError(error: unknown): error is ConsumerError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Record<symbol, unknown>)[CONSUMER_ERROR_BRAND] === true
  );
}

/** HTTP 400: the callback request is not a queue CloudEvent this library can read. */
export class InvalidCallbackError extends ConsumerError {
  constructor(message: string, details: ConsumerErrorDetails = {}) {
    super(message, "invalid_callback", 400, details);
  }
}

/** HTTP 400: neither `ce-type: com.vercel.queue.v2beta` nor a structured CloudEvent body. */
export class UnsupportedContentTypeError extends ConsumerError {
  constructor(contentType: string | undefined) {
    super(
      `Invalid content type ${JSON.stringify(contentType ?? "")}: a queue callback is either a ` +
        'binary CloudEvent (header "ce-type: com.vercel.queue.v2beta") or a structured one ' +
        '("Content-Type: application/cloudevents+json"). Point only queue triggers at this route.',
      "unsupported_content_type",
      400,
    );
  }
}

/** HTTP 400: the region named by the callback does not look like a Vercel region. */
export class InvalidRegionError extends ConsumerError {
  constructor(region: string, details: ConsumerErrorDetails = {}) {
    super(
      `Invalid region ${JSON.stringify(region)} in the callback: expected something like ` +
        '"iad1" (pattern ^[a-z]{2,5}[0-9]{1,2}$).',
      "invalid_region",
      400,
      details,
    );
  }
}

/** HTTP 413: the callback body is larger than the handler's `maxBodyBytes`. */
export class PayloadTooLargeError extends ConsumerError {
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(
      `Callback body exceeds the limit of ${limitBytes} bytes; raise the handler's ` +
        "`maxBodyBytes` option if such messages are expected.",
      "payload_too_large",
      413,
    );
    this.limitBytes = limitBytes;
  }
}

/**
 * HTTP 500: no subscription matches the message's topic and consumer group. The message is left
 * alone (neither claimed nor acknowledged), so it is delivered again once a handler exists.
 */
export class NoSubscriptionError extends ConsumerError {
  constructor(topic: string, consumerGroup: string) {
    super(
      `No subscription matches topic "${topic}" (consumer group "${consumerGroup}"). ` +
        "Call subscribe() for this topic on the consumer this route serves, or change the " +
        "route's queue trigger.",
      "no_subscription",
      500,
      { topic, consumerGroup },
    );
  }
}

/** Thrown by `subscribe()` when an equal topic pattern is already taken for the same group. */
export class SubscriptionConflictError extends ConsumerError {
  constructor(pattern: string, consumerGroup: string | undefined) {
    const group = consumerGroup === undefined ? "any consumer group" : `"${consumerGroup}"`;

    super(
      `Topic pattern "${pattern}" already has a subscription for ${group}. A message runs ` +
        "exactly one handler: unsubscribe the first one, or give each a distinct pattern or " +
        "`consumer` option.",
      "subscription_conflict",
      500,
    );
  }
}

/** Thrown by `subscribe()` for a topic pattern the platform would not accept. */
export class InvalidTopicPatternError extends ConsumerError {
  constructor(pattern: string) {
    super(
      `Invalid topic pattern ${JSON.stringify(pattern)}: use a topic name ([A-Za-z0-9_-]+), ` +
        'optionally ending in one "*" that matches any rest (e.g. "orders-*"), or "*" alone.',
      "invalid_topic_pattern",
      500,
    );
  }
}

/**
 * The reason a handler's `AbortSignal` fires when its lease is gone: the service refused a
 * renewal (404/409/410), or the lease deadline passed without a successful renewal. Another
 * consumer may already be processing the message; stop work that has outside effects.
 */
export class LeaseLostError extends ConsumerError {
  constructor(message: string, details: ConsumerErrorDetails = {}) {
    super(message, "lease_lost", 409, details);
  }
}

/**
 * The reason a handler's `AbortSignal` fires when a polling worker shuts down and its grace
 * period is over: the message has been released (made visible again) for another consumer.
 */
export class ConsumerShutdownError extends ConsumerError {
  constructor(details: ConsumerErrorDetails = {}) {
    super(
      "The worker is shutting down and its grace period is over; the message was released.",
      "consumer_shutdown",
      503,
      details,
    );
  }
}

/**
 * HTTP 500: the handler finished but its outcome could not be recorded with the service
 * (acknowledge or visibility change kept failing). The message reappears when its lease ends.
 */
export class SettleFailedError extends ConsumerError {
  constructor(action: "acknowledge" | "reschedule" | "release", details: ConsumerErrorDetails) {
    super(
      `Could not ${action} message "${details.messageId}" (topic "${details.topic}") after ` +
        "several attempts; it will be delivered again when its lease ends.",
      `${action}_failed`,
      500,
      details,
    );
  }
}

/**
 * HTTP 500 from the Node adapter: a body parser ran before it and left a value it cannot turn
 * back into the bytes the queue sent.
 */
export class RawBodyRequiredError extends ConsumerError {
  constructor(found: string) {
    super(
      `The queue callback needs the raw request body, but req.body holds ${found}. Mount the ` +
        "handler before any body parser, or use a raw parser for it (Express: " +
        'express.raw({ type: "*/*" })).',
      "raw_body_required",
      500,
    );
  }
}
