/**
 * Errors of the Queue Service client: one class per failure kind. Every instance carries a
 * stable string `code`, the HTTP `status` when a response caused it, and `retryable` (whether
 * trying the same call again later may succeed). Check errors with {@link isQueueError} and
 * `code` rather than `instanceof` alone: two bundled copies of this library in one process
 * would have two sets of classes, but share the `Symbol.for` brand.
 */

const QUEUE_ERROR_BRAND = Symbol.for("vercel-workers.QueueError");

/** What the client was doing when an error happened; every field is optional. */
export interface QueueErrorDetails {
  /** HTTP status of the response that caused the error. */
  status?: number;
  /** The call that failed, e.g. `"send"` or `"acknowledge"`. */
  operation?: string;
  topic?: string;
  consumerGroup?: string;
  messageId?: string;
  /** The error that caused this one (a network failure, a JSON syntax error …). */
  cause?: unknown;
}

/** Base class of every error the queue client throws. */
export class QueueError extends Error {
  /** Stable identifier of the failure kind, e.g. `"throttled"`. */
  readonly code: string;
  /** HTTP status of the response that caused the error, when one did. */
  readonly status?: number;
  /** Whether the same call may succeed when tried again later. */
  readonly retryable: boolean;
  readonly operation?: string;
  readonly topic?: string;
  readonly consumerGroup?: string;
  readonly messageId?: string;
  /**
   * Attempts the client made at the call before giving up, this one included (its retry
   * policy may have repeated it). More than 1 on a "gone" answer to an acknowledge or a
   * visibility change means an earlier attempt most likely took effect.
   * @default 1
   */
  attempts = 1;

  constructor(message: string, code: string, retryable: boolean, details: QueueErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
    this.status = details.status;
    this.operation = details.operation;
    this.topic = details.topic;
    this.consumerGroup = details.consumerGroup;
    this.messageId = details.messageId;
  }
}

Object.defineProperty(QueueError.prototype, QUEUE_ERROR_BRAND, { value: true });

/**
 * Whether `error` is a {@link QueueError} from any copy of this library in the process.
 * @example
 * if (isQueueError(error) && error.code === "throttled") retryLater();
 */
export function isQueueError(error: unknown): error is QueueError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Record<symbol, unknown>)[QUEUE_ERROR_BRAND] === true
  );
}

/** HTTP 400: the service rejected the request's parameters (its message says which). */
export class BadRequestError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "bad_request", false, { status: 400, ...details });
  }
}

/** HTTP 401: the token is missing, malformed or expired. */
export class UnauthorizedError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "unauthorized", false, { status: 401, ...details });
  }
}

/** HTTP 403: the token belongs to another team, project or environment than the queue. */
export class ForbiddenError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "forbidden", false, { status: 403, ...details });
  }
}

/** HTTP 404: the message or lease is unknown, expired, or in another deployment. */
export class MessageNotFoundError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "message_not_found", false, { status: 404, ...details });
  }
}

/** Details of a {@link MessageNotAvailableError}. */
export interface MessageNotAvailableDetails extends QueueErrorDetails {
  /** Set when the message was a duplicate (same idempotency key): the id to claim instead. */
  originalMessageId?: string;
  /** Seconds until the message may be available (`Retry-After`), when the service said. */
  retryAfterSeconds?: number | null;
}

/**
 * HTTP 409 on a consumer call: the message is leased by someone else, the lease is gone or
 * superseded, or the message was a duplicate (then `originalMessageId` names the first one).
 */
export class MessageNotAvailableError extends QueueError {
  /** The id of the first message when this one was a duplicate; else `undefined`. */
  readonly originalMessageId?: string;
  /**
   * Seconds until the current lease (or delay) ends, from `Retry-After`; `null` when the
   * service did not say.
   */
  readonly retryAfterSeconds: number | null;

  constructor(message: string, details: MessageNotAvailableDetails = {}) {
    super(message, "message_not_available", false, { status: 409, ...details });
    this.originalMessageId = details.originalMessageId;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}

/** HTTP 410: the message was already acknowledged by this consumer group. */
export class MessageAlreadyProcessedError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "message_already_processed", false, { status: 410, ...details });
  }
}

/** HTTP 409 on a send: the service refused a repeated idempotency key. */
export class DuplicateIdempotencyKeyError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "duplicate_idempotency_key", false, { status: 409, ...details });
  }
}

/** HTTP 429: too many requests. Retryable; wait `retryAfterSeconds` when the service said. */
export class ThrottledError extends QueueError {
  /** Seconds the service asked to wait (`Retry-After`), or `null` when it did not say. */
  readonly retryAfterSeconds: number | null;

  constructor(message: string, retryAfterSeconds: number | null, details: QueueErrorDetails = {}) {
    super(message, "throttled", true, { status: 429, ...details });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** HTTP 5xx: the service failed. Retryable. */
export class InternalServerError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "internal_server_error", true, { status: 500, ...details });
  }
}

/** HTTP 502 with `Vqs-Error-Code: consumer_discovery_failed`: no consumer was found yet. */
export class ConsumerDiscoveryError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "consumer_discovery_failed", true, { status: 502, ...details });
  }
}

/** HTTP 503 on a send: the project is not set up for Vercel Queues. */
export class ConsumerRegistryNotConfiguredError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "consumer_registry_not_configured", false, { status: 503, ...details });
  }
}

/** Any other unexpected HTTP status (e.g. 404 on a send, which points at a wrong base path). */
export class UnexpectedStatusError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "unexpected_status", false, details);
  }
}

/** The request never got a response: network failure, refused connection or timeout. */
export class CommunicationError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "communication_error", true, details);
  }
}

/** Details of a {@link ProtocolError}. */
export interface ProtocolErrorDetails extends QueueErrorDetails {
  /** Lease of the unreadable message, when known, so a caller can acknowledge it for good. */
  receiptHandle?: string;
}

/** The service answered something this client cannot read (bad multipart, headers or JSON). */
export class ProtocolError extends QueueError {
  /**
   * Receipt handle of the message that could not be read (e.g. a payload that is not valid
   * JSON), so that it can be acknowledged instead of being redelivered until it expires.
   */
  readonly receiptHandle?: string;

  constructor(message: string, details: ProtocolErrorDetails = {}) {
    super(message, "protocol_error", false, details);
    this.receiptHandle = details.receiptHandle;
  }
}

/** An option or argument is invalid; the message names it and the accepted values. */
export class ConfigurationError extends QueueError {
  /** Name of the offending option or argument, e.g. `"retentionSeconds"`. */
  readonly option: string;

  constructor(option: string, message: string, code = "configuration_error") {
    super(message, code, false);
    this.option = option;
  }
}

/** No token was given and none is in the environment. */
export class MissingTokenError extends ConfigurationError {
  constructor() {
    super(
      "token",
      "No Queue Service token found. Supply one in any of these ways: the `token` option of " +
        "QueueClient or send(); the VERCEL_QUEUE_TOKEN environment variable; or the " +
        "VERCEL_OIDC_TOKEN environment variable (set on Vercel, or locally by `vercel env pull`).",
      "missing_token",
    );
  }
}

/** A payload cannot be encoded for its content type (not JSON-serialisable, or not bytes). */
export class InvalidPayloadError extends QueueError {
  constructor(message: string, details: QueueErrorDetails = {}) {
    super(message, "invalid_payload", false, details);
  }
}
