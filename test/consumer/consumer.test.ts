import { describe, expect, it } from "vitest";
import {
  Consumer,
  consumerFor,
  createConsumer,
  getDefaultConsumer,
  subscribe,
} from "../../src/consumer/consumer.js";
import { isConsumerError } from "../../src/consumer/errors.js";
import { isQueueError } from "../../src/queue/errors.js";

const noop = () => undefined;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isConsumerError(error) || isQueueError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe("Consumer.match: exactly one handler, the most specific", () => {
  const consumer = createConsumer();
  const all = consumer.subscribe("*", noop);
  const ordersAny = consumer.subscribe("orders*", noop);
  const ordersDash = consumer.subscribe("orders-*", noop);
  const ordersEu = consumer.subscribe("orders-eu", noop);
  const ordersEuBilling = consumer.subscribe("orders-eu", noop, { consumer: "billing" });
  const dashBilling = consumer.subscribe("orders-*", noop, { consumer: "billing" });

  it.each([
    ["orders-eu", "shipping", ordersEu],
    ["orders-eu", "billing", ordersEuBilling],
    ["orders-us", "shipping", ordersDash],
    ["orders-us", "billing", dashBilling],
    ["ordersX", "shipping", ordersAny],
    ["orders", "billing", ordersAny],
    ["invoices", "billing", all],
  ])("topic %s, group %s", (topic, group, expected) => {
    expect(consumer.match(topic, group)).toBe(expected);
  });

  it("registration order does not matter", () => {
    const reversed = createConsumer();
    const exact = reversed.subscribe("orders-eu", noop);
    reversed.subscribe("orders-*", noop);
    reversed.subscribe("*", noop);

    expect(reversed.match("orders-eu", "g")).toBe(exact);
  });

  it("a subscription limited to another group never matches", () => {
    const limited = createConsumer();
    limited.subscribe("orders", noop, { consumer: "billing" });

    expect(limited.match("orders", "shipping")).toBeUndefined();
  });
});

describe("Consumer.subscribe", () => {
  it("rejects a second subscription with the same pattern and group", () => {
    const consumer = createConsumer();
    consumer.subscribe("orders", noop);
    consumer.subscribe("orders", noop, { consumer: "billing" });

    expect(codeOf(() => consumer.subscribe("orders", noop))).toBe("subscription_conflict");
    expect(codeOf(() => consumer.subscribe("orders", noop, { consumer: "billing" }))).toBe(
      "subscription_conflict",
    );
  });

  it("unsubscribe() frees the pattern and stops matching", () => {
    const consumer = createConsumer();
    const first = consumer.subscribe("orders", noop);
    first.unsubscribe();

    expect(consumer.match("orders", "g")).toBeUndefined();
    expect(consumer.subscribe("orders", noop).topic).toBe("orders");
  });

  it("validates the pattern, the handler, the group and the options", () => {
    const consumer = createConsumer();

    expect(codeOf(() => consumer.subscribe("a*b", noop))).toBe("invalid_topic_pattern");
    expect(codeOf(() => consumer.subscribe("orders", "nope" as never))).toBe("configuration_error");
    expect(codeOf(() => consumer.subscribe("orders", noop, { consumer: "bad group" }))).toBe(
      "configuration_error",
    );
    expect(codeOf(() => consumer.subscribe("orders", noop, { visibilityTimeoutSeconds: 0 }))).toBe(
      "configuration_error",
    );
    expect(consumer.subscriptions).toHaveLength(0);
  });

  it("merges the consumer's delivery defaults under the subscription's own", () => {
    const consumer = createConsumer({ visibilityTimeoutSeconds: 90, retryDelaySeconds: 2 });
    const inherited = consumer.subscribe("a", noop);
    const own = consumer.subscribe("b", noop, { visibilityTimeoutSeconds: 9 });

    expect(inherited.options.visibilityTimeoutSeconds).toBe(90);
    expect(inherited.options.renewIntervalSeconds).toBe(30);
    expect(own.options.visibilityTimeoutSeconds).toBe(9);
    expect(own.options.renewIntervalSeconds).toBe(3);
  });

  it("rejects invalid consumer options at construction", () => {
    expect(codeOf(() => new Consumer({ renewIntervalSeconds: 100 }))).toBe("configuration_error");
  });
});

describe("no import-time side effects", () => {
  it("builds no client and reads no environment until a client is needed", () => {
    const saved = process.env.VERCEL_REGION;
    process.env.VERCEL_REGION = "NOT A REGION";

    try {
      const consumer = createConsumer();
      consumer.subscribe("orders", noop);
      // The invalid env var only matters once the client is built.
      expect(codeOf(() => consumer.client)).toBe("configuration_error");
    } finally {
      if (saved === undefined) delete process.env.VERCEL_REGION;
      else process.env.VERCEL_REGION = saved;
    }
  });

  it("the default consumer is created on first use and shared by subscribe()", () => {
    const subscription = subscribe("default-consumer-test", noop);

    expect(getDefaultConsumer().match("default-consumer-test", "g")).toBe(subscription);
    subscription.unsubscribe();
  });
});

describe("consumerFor", () => {
  it("wraps a bare handler in a consumer whose wildcard takes every topic", () => {
    const consumer = consumerFor(noop, { consumer: "only-me" });

    expect(consumer.match("anything", "only-me")?.handler).toBe(noop);
    expect(consumer.match("anything", "someone-else")).toBeUndefined();
  });

  it("returns a given consumer as is, and the default one for none", () => {
    const consumer = createConsumer();
    expect(consumerFor(consumer)).toBe(consumer);
    expect(consumerFor(undefined)).toBe(getDefaultConsumer());
  });
});
