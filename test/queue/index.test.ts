import { describe, expect, it } from "vitest";
import * as queue from "../../src/queue/index.js";

describe("public surface of the queue layer", () => {
  it("exports the client, send, errors, isQueueError, dispatcherFetch and limits only", () => {
    expect(Object.keys(queue).sort()).toEqual(
      [
        "BadRequestError",
        "CommunicationError",
        "ConfigurationError",
        "ConsumerDiscoveryError",
        "ConsumerRegistryNotConfiguredError",
        "DuplicateIdempotencyKeyError",
        "ForbiddenError",
        "InternalServerError",
        "InvalidPayloadError",
        "MAX_BATCH_SIZE",
        "MAX_DELAY_SECONDS",
        "MAX_IDEMPOTENCY_KEY_LENGTH",
        "MAX_RECEIVE_LIMIT",
        "MAX_RETENTION_SECONDS",
        "MAX_VISIBILITY_TIMEOUT_SECONDS",
        "MIN_RETENTION_SECONDS",
        "MessageAlreadyProcessedError",
        "MessageNotAvailableError",
        "MessageNotFoundError",
        "MissingTokenError",
        "ProtocolError",
        "QueueClient",
        "QueueError",
        "ThrottledError",
        "UnauthorizedError",
        "UnexpectedStatusError",
        "dispatcherFetch",
        "isQueueError",
        "send",
      ].sort(),
    );
  });

  it("exposes the documented limits", () => {
    expect(queue.MAX_RETENTION_SECONDS).toBe(604_800);
    expect(queue.MIN_RETENTION_SECONDS).toBe(60);
    expect(queue.MAX_VISIBILITY_TIMEOUT_SECONDS).toBe(3_600);
    expect(queue.MAX_RECEIVE_LIMIT).toBe(10);
    expect(queue.MAX_BATCH_SIZE).toBe(100);
  });
});
