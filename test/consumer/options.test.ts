import { describe, expect, it } from "vitest";
import {
  clampDelaySeconds,
  defaultRetryDelay,
  resolveDeliveryOptions,
  resolveLeaseTiming,
} from "../../src/consumer/options.js";
import type { MessageMetadata } from "../../src/consumer/types.js";
import { isQueueError } from "../../src/queue/errors.js";

function metadata(deliveryCount: number): MessageMetadata {
  return {
    messageId: "m",
    deliveryCount,
    createdAt: new Date(),
    expiresAt: null,
    topic: "t",
    consumerGroup: "g",
    region: "iad1",
    contentType: "application/json",
    signal: new AbortController().signal,
  };
}

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isQueueError(error) ? (error as { option?: string }).option : "not a QueueError";
  }
  return undefined;
}

describe("resolveDeliveryOptions", () => {
  it("defaults to a 60 s lease renewed every 20 s", () => {
    const resolved = resolveDeliveryOptions({});
    expect(resolved.visibilityTimeoutSeconds).toBe(60);
    expect(resolved.renewIntervalSeconds).toBe(20);
  });

  it("a subscription's own lease length derives its own interval, not the consumer's", () => {
    const resolved = resolveDeliveryOptions(
      { visibilityTimeoutSeconds: 6 },
      { visibilityTimeoutSeconds: 120, renewIntervalSeconds: 30 },
    );
    expect(resolved).toMatchObject({ visibilityTimeoutSeconds: 6, renewIntervalSeconds: 2 });
  });

  it("inherits the consumer's interval with its lease length", () => {
    const resolved = resolveDeliveryOptions(
      {},
      { visibilityTimeoutSeconds: 120, renewIntervalSeconds: 30 },
    );
    expect(resolved).toMatchObject({ visibilityTimeoutSeconds: 120, renewIntervalSeconds: 30 });
  });

  it("a fixed retryDelaySeconds becomes a constant function", () => {
    const resolved = resolveDeliveryOptions({ retryDelaySeconds: 7 });
    expect(resolved.retryDelay(new Error("x"), metadata(5))).toBe(7);
  });

  it("names the bad option", () => {
    expect(optionOf(() => resolveLeaseTiming({ visibilityTimeoutSeconds: 0 }))).toBe(
      "visibilityTimeoutSeconds",
    );
    expect(optionOf(() => resolveLeaseTiming({ visibilityTimeoutSeconds: 1.5 }))).toBe(
      "visibilityTimeoutSeconds",
    );
    expect(optionOf(() => resolveLeaseTiming({ visibilityTimeoutSeconds: 3601 }))).toBe(
      "visibilityTimeoutSeconds",
    );
    expect(
      optionOf(() =>
        resolveLeaseTiming({ visibilityTimeoutSeconds: 10, renewIntervalSeconds: 10 }),
      ),
    ).toBe("renewIntervalSeconds");
    expect(optionOf(() => resolveLeaseTiming({ renewIntervalSeconds: -1 }))).toBe(
      "renewIntervalSeconds",
    );
    expect(optionOf(() => resolveDeliveryOptions({ retryDelaySeconds: -1 }))).toBe(
      "retryDelaySeconds",
    );
  });

  it("renewIntervalSeconds 0 turns renewals off", () => {
    expect(resolveLeaseTiming({ visibilityTimeoutSeconds: 5, renewIntervalSeconds: 0 })).toEqual({
      visibilityTimeoutSeconds: 5,
      renewIntervalSeconds: 0,
    });
  });
});

describe("defaultRetryDelay", () => {
  it("doubles from 5 s per delivery up to 300 s", () => {
    const delays = [1, 2, 3, 4, 7, 8, 50].map((n) => defaultRetryDelay(new Error(), metadata(n)));
    expect(delays).toEqual([5, 10, 20, 40, 300, 300, 300]);
  });
});

describe("clampDelaySeconds", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("rounds up and bounds to 0…3600", () => {
    expect(clampDelaySeconds(1.2, null, now)).toBe(2);
    expect(clampDelaySeconds(-3, null, now)).toBe(0);
    expect(clampDelaySeconds(7200, null, now)).toBe(3600);
    expect(clampDelaySeconds(Number.NaN, null, now)).toBe(0);
  });

  it("ends before the message expires (one second of margin)", () => {
    const expiresAt = new Date(now + 30_000);
    expect(clampDelaySeconds(600, expiresAt, now)).toBe(29);
    expect(clampDelaySeconds(10, expiresAt, now)).toBe(10);
    expect(clampDelaySeconds(10, new Date(now - 5_000), now)).toBe(0);
  });
});
