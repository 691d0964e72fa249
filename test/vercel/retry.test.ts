import { describe, expect, it } from "vitest";
import {
  EXPIRY_MARGIN_SECONDS,
  retryDelaySeconds,
  secondsBeforeExpiry,
} from "../../src/tasks/backends/vercel/retry.js";

const seed = { baseSeconds: 5, factor: 2, maxDelaySeconds: 3600 };

describe("retryDelaySeconds", () => {
  it("waits the base after the first failed attempt", () => {
    expect(retryDelaySeconds(1, seed)).toBe(5);
  });

  it("multiplies by the factor for each further attempt", () => {
    expect(retryDelaySeconds(2, seed)).toBe(10);
    expect(retryDelaySeconds(3, seed)).toBe(20);
  });

  it("stops at maxDelaySeconds", () => {
    const steep = { baseSeconds: 100, factor: 10, maxDelaySeconds: 500 };

    expect(retryDelaySeconds(6, steep)).toBe(500);
  });

  it("treats an overflowing factor as the cap", () => {
    const huge = { baseSeconds: 1, factor: Number.MAX_VALUE, maxDelaySeconds: 60 };

    expect(retryDelaySeconds(5, huge)).toBe(60);
  });

  it("rounds a fractional delay up, so a retry never comes sooner than the formula", () => {
    expect(retryDelaySeconds(2, { baseSeconds: 1, factor: 1.5, maxDelaySeconds: 60 })).toBe(2);
  });

  it("is zero when the base is zero, whatever the factor", () => {
    expect(retryDelaySeconds(9, { baseSeconds: 0, factor: Infinity, maxDelaySeconds: 60 })).toBe(0);
  });
});

describe("secondsBeforeExpiry", () => {
  it("is unbounded when the expiry is unknown", () => {
    expect(secondsBeforeExpiry(null, new Date())).toBe(Number.POSITIVE_INFINITY);
  });

  it("keeps a margin before the expiry", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const expiresAt = new Date("2026-01-01T00:01:00Z");

    expect(secondsBeforeExpiry(expiresAt, now)).toBe(60 - EXPIRY_MARGIN_SECONDS);
  });
});
