import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  CommunicationError,
  ConfigurationError,
  ConsumerDiscoveryError,
  ConsumerRegistryNotConfiguredError,
  DuplicateIdempotencyKeyError,
  ForbiddenError,
  InternalServerError,
  InvalidPayloadError,
  isQueueError,
  MessageAlreadyProcessedError,
  MessageNotAvailableError,
  MessageNotFoundError,
  MissingTokenError,
  ProtocolError,
  QueueError,
  ThrottledError,
  UnauthorizedError,
  UnexpectedStatusError,
} from "../../src/queue/errors.js";

describe("error classes", () => {
  it.each([
    [new BadRequestError("m"), "bad_request", 400, false],
    [new UnauthorizedError("m"), "unauthorized", 401, false],
    [new ForbiddenError("m"), "forbidden", 403, false],
    [new MessageNotFoundError("m"), "message_not_found", 404, false],
    [new MessageNotAvailableError("m"), "message_not_available", 409, false],
    [new MessageAlreadyProcessedError("m"), "message_already_processed", 410, false],
    [new DuplicateIdempotencyKeyError("m"), "duplicate_idempotency_key", 409, false],
    [new ThrottledError("m", 3), "throttled", 429, true],
    [new InternalServerError("m", { status: 503 }), "internal_server_error", 503, true],
    [new ConsumerDiscoveryError("m"), "consumer_discovery_failed", 502, true],
    [new ConsumerRegistryNotConfiguredError("m"), "consumer_registry_not_configured", 503, false],
    [new UnexpectedStatusError("m", { status: 418 }), "unexpected_status", 418, false],
    [new CommunicationError("m"), "communication_error", undefined, true],
    [new ProtocolError("m"), "protocol_error", undefined, false],
    [new InvalidPayloadError("m"), "invalid_payload", undefined, false],
    [new ConfigurationError("limit", "m"), "configuration_error", undefined, false],
    [new MissingTokenError(), "missing_token", undefined, false],
  ] as const)("%o has code %s, status %s, retryable %s", (error, code, status, retryable) => {
    expect(error).toBeInstanceOf(QueueError);
    expect(isQueueError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.name).toBe(error.constructor.name);
  });

  it("brand check recognises an error from another copy of the library", () => {
    const foreign = Object.create({ [Symbol.for("vercel-workers.QueueError")]: true });
    expect(isQueueError(foreign)).toBe(true);
    expect(isQueueError(new Error("plain"))).toBe(false);
    expect(isQueueError(null)).toBe(false);
    expect(isQueueError("bad_request")).toBe(false);
  });

  it("MissingTokenError lists every way to supply a token", () => {
    const error = new MissingTokenError();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.option).toBe("token");
    for (const way of ["`token` option", "VERCEL_QUEUE_TOKEN", "VERCEL_OIDC_TOKEN"]) {
      expect(error.message).toContain(way);
    }
  });

  it("keeps context fields and the cause", () => {
    const cause = new TypeError("fetch failed");
    const error = new MessageNotAvailableError("m", {
      topic: "t",
      consumerGroup: "g",
      messageId: "id",
      originalMessageId: "first",
      cause,
    });
    expect(error).toMatchObject({ topic: "t", consumerGroup: "g", messageId: "id" });
    expect(error.originalMessageId).toBe("first");
    expect(error.cause).toBe(cause);
  });

  it("ThrottledError keeps retryAfterSeconds, null when the service did not say", () => {
    expect(new ThrottledError("m", 7).retryAfterSeconds).toBe(7);
    expect(new ThrottledError("m", null).retryAfterSeconds).toBeNull();
  });
});
