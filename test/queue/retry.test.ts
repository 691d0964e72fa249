import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  CommunicationError,
  InternalServerError,
  ThrottledError,
} from "../../src/queue/errors.js";
import { isTransient, parseRetryAfter, retryDelayMs } from "../../src/queue/retry.js";

const policy = { attempts: 5, minDelayMs: 100, maxDelayMs: 1000 };

describe("isTransient", () => {
  it("is true for network failures, 5xx and 429, false for the rest", () => {
    expect(isTransient(new CommunicationError("m"))).toBe(true);
    expect(isTransient(new InternalServerError("m", { status: 500 }))).toBe(true);
    expect(isTransient(new ThrottledError("m", null))).toBe(true);
    expect(isTransient(new BadRequestError("m"))).toBe(false);
    expect(isTransient(new Error("plain"))).toBe(false);
  });
});

describe("retryDelayMs", () => {
  it("uses full jitter under an exponentially growing ceiling", () => {
    const top = () => 0.999_999;
    expect(retryDelayMs(policy, 1, new CommunicationError("m"), top)).toBe(99);
    expect(retryDelayMs(policy, 2, new CommunicationError("m"), top)).toBe(199);
    expect(retryDelayMs(policy, 3, new CommunicationError("m"), top)).toBe(399);
    expect(retryDelayMs(policy, 1, new CommunicationError("m"), () => 0)).toBe(0);
  });

  it("caps the ceiling at maxDelayMs", () => {
    expect(retryDelayMs(policy, 10, new CommunicationError("m"), () => 0.999_999)).toBe(999);
  });

  it("honours Retry-After, capped at maxDelayMs", () => {
    expect(retryDelayMs(policy, 1, new ThrottledError("m", 0), () => 0.5)).toBe(0);
    expect(retryDelayMs(policy, 1, new ThrottledError("m", 30), () => 0.5)).toBe(1000);
    expect(retryDelayMs(policy, 1, new ThrottledError("m", null), () => 0.5)).toBe(50);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads whole seconds", () => {
    expect(parseRetryAfter("5", now)).toBe(5);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date as the seconds left, never negative", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
  });

  it("returns null when absent or unreadable", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-3", now)).toBeNull();
  });
});
