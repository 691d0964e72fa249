import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/queue/errors.js";
import {
  validateBatchSize,
  validateConsumerGroup,
  validateContentType,
  validateCursorFallback,
  validateDelaySeconds,
  validateIdempotencyKey,
  validateOpaqueId,
  validateReceiveLimit,
  validateRetentionSeconds,
  validateTopic,
  validateVisibilityTimeout,
} from "../../src/queue/validation.js";

function optionOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).option;
  }
  throw new Error("expected a ConfigurationError");
}

describe("names", () => {
  it("accept [A-Za-z0-9_-]+", () => {
    expect(() => validateTopic("orders_v2-EU")).not.toThrow();
    expect(() => validateConsumerGroup("api_Sworker_Djs")).not.toThrow();
  });

  it.each(["", "a b", "a/b", "a.b", "é"])("reject topic %j", (name) => {
    expect(optionOf(() => validateTopic(name))).toBe("topic");
    expect(optionOf(() => validateConsumerGroup(name))).toBe("consumerGroup");
  });
});

describe("send options", () => {
  it("retention: integer 60…604800", () => {
    expect(() => validateRetentionSeconds(60)).not.toThrow();
    expect(() => validateRetentionSeconds(604_800)).not.toThrow();
    expect(optionOf(() => validateRetentionSeconds(604_801))).toBe("retentionSeconds");
    expect(optionOf(() => validateRetentionSeconds(59))).toBe("retentionSeconds");
  });

  it("delay: integer 0…604800 and not beyond retention", () => {
    expect(() => validateDelaySeconds(0, undefined)).not.toThrow();
    expect(() => validateDelaySeconds(120, 120)).not.toThrow();
    expect(optionOf(() => validateDelaySeconds(-1, undefined))).toBe("delaySeconds");
    expect(optionOf(() => validateDelaySeconds(1.5, undefined))).toBe("delaySeconds");
    expect(() => validateDelaySeconds(121, 120)).toThrow(/beyond its retention \(120 s\)/);
  });

  it("idempotency key: 1…256 printable ASCII characters", () => {
    expect(() => validateIdempotencyKey("k".repeat(256))).not.toThrow();
    expect(optionOf(() => validateIdempotencyKey("k".repeat(257)))).toBe("idempotencyKey");
    expect(optionOf(() => validateIdempotencyKey(""))).toBe("idempotencyKey");
    expect(optionOf(() => validateIdempotencyKey("a\nb"))).toBe("idempotencyKey");
  });

  it("content type: a media type", () => {
    expect(() => validateContentType("text/plain; charset=utf-8")).not.toThrow();
    expect(optionOf(() => validateContentType("json"))).toBe("contentType");
    expect(optionOf(() => validateContentType("text/plain\r\nx: y"))).toBe("contentType");
  });

  it("batch size: 1…100", () => {
    expect(() => validateBatchSize(new Array(100).fill(1))).not.toThrow();
    expect(optionOf(() => validateBatchSize([]))).toBe("messages");
    expect(() => validateBatchSize(new Array(101).fill(1))).toThrow(/1 to 100 messages/);
    expect(() => validateBatchSize("x" as unknown as unknown[])).toThrow(/non-array/);
  });
});

describe("receive options", () => {
  it("limit: integer 1…10", () => {
    expect(() => validateReceiveLimit(10)).not.toThrow();
    expect(optionOf(() => validateReceiveLimit(0))).toBe("limit");
    expect(optionOf(() => validateReceiveLimit(11))).toBe("limit");
  });

  it("visibility timeout: integer 0…3600", () => {
    expect(() => validateVisibilityTimeout(0)).not.toThrow();
    expect(() => validateVisibilityTimeout(3600)).not.toThrow();
    expect(optionOf(() => validateVisibilityTimeout(3601))).toBe("visibilityTimeoutSeconds");
    expect(optionOf(() => validateVisibilityTimeout(0.5))).toBe("visibilityTimeoutSeconds");
  });

  it("cursor fallback: earliest or latest", () => {
    expect(() => validateCursorFallback("earliest")).not.toThrow();
    expect(optionOf(() => validateCursorFallback("newest"))).toBe("cursorFallback");
  });

  it("ids and handles: non-empty strings", () => {
    expect(() => validateOpaqueId("receiptHandle", "h/1:2")).not.toThrow();
    expect(optionOf(() => validateOpaqueId("receiptHandle", ""))).toBe("receiptHandle");
  });
});
