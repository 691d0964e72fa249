/**
 * Push delivery to a real node:http callback server: the v2beta CloudEvent, metadata-only
 * pushes, redelivery after a failed push, concurrency bounds, delivery caps and subscriptions.
 */
import { afterEach, describe, expect, it } from "vitest";
import { InvalidSubscriptionError, isQueueServiceError } from "../../src/dev/index.js";
import {
  ack,
  api,
  closeAll,
  eventually,
  manualClock,
  patchVisibility,
  receive,
  send,
  startCallbackServer,
  startService,
  TOKEN,
} from "./helpers.js";

afterEach(closeAll);

/** Waits long enough for a push that should not happen to have happened (scheduler tick). */
function quietPeriod(ms = 600) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("inline push", () => {
  it("POSTs a v2beta binary CloudEvent with every header and the payload as body", async () => {
    const callback = await startCallbackServer();
    const clock = manualClock(Date.now());
    const service = await startService({ region: "sfo1", now: clock.now });
    service.addSubscription({
      topic: "orders",
      consumerGroup: "orders-route",
      url: `${callback.url}/api/queue/orders`,
    });

    const id = await send(service, "orders", '{"id":7}');
    const push = await eventually(() => callback.pushes[0], "the push");
    const h = push.headers;

    expect(push.url).toBe("/api/queue/orders");
    expect(push.body.toString()).toBe('{"id":7}');
    expect(h).toMatchObject({
      "ce-type": "com.vercel.queue.v2beta",
      "ce-specversion": "1.0",
      "ce-id": id,
      "ce-source": "/topic/orders/consumer/orders-route",
      "ce-vqsqueuename": "orders",
      "ce-vqsconsumergroup": "orders-route",
      "ce-vqsmessageid": id,
      "ce-vqsdeliverycount": "1",
      "ce-vqsregion": "sfo1",
      "content-type": "application/json",
    });
    expect(h["ce-vqsreceipthandle"]).toMatch(/^rh:\d+\//);
    for (const name of [
      "ce-time",
      "ce-vqscreatedat",
      "ce-vqsexpiresat",
      "ce-vqsvisibilitydeadline",
    ]) {
      expect(h[name]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const deadline = Date.parse(h["ce-vqsvisibilitydeadline"] as string);
    expect(deadline - Date.parse(h["ce-time"] as string)).toBe(60_000);
  });

  it("leases the pushed message so the consumer can acknowledge it with the handle", async () => {
    const callback = await startCallbackServer();
    const service = await startService();
    service.addSubscription({ topic: "t", consumerGroup: "g", url: callback.url });

    const id = await send(service, "t", "{}");
    const push = await eventually(() => callback.pushes[0], "the push");
    const handle = push.headers["ce-vqsreceipthandle"] as string;

    expect((await ack(service, "t", "g", handle)).status).toBe(204);
    const claim = await api(service, `t/consumer/g/id/${id}`, {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    expect(claim.status).toBe(410);
  });

  it("pushes messages sent before the subscription existed", async () => {
    const callback = await startCallbackServer();
    const service = await startService();
    await send(service, "backlog", '"old"');

    service.addSubscription({ topic: "backlog", consumerGroup: "g", url: callback.url });
    const push = await eventually(() => callback.pushes[0], "the push");

    expect(push.body.toString()).toBe('"old"');
  });
});

describe("metadata-only push", () => {
  it("sends no handle and no body above the threshold; the claim gets the payload", async () => {
    const callback = await startCallbackServer();
    const service = await startService({ inlineThresholdBytes: 10 });
    service.addSubscription({ topic: "big", consumerGroup: "g", url: callback.url });

    const id = await send(service, "big", JSON.stringify({ text: "x".repeat(100) }));
    const push = await eventually(() => callback.pushes[0], "the push");

    expect(push.body.length).toBe(0);
    expect(push.headers["ce-vqsreceipthandle"]).toBeUndefined();
    expect(push.headers["ce-vqsmessageid"]).toBe(id);
    expect(push.headers["ce-vqsqueuename"]).toBe("big");
    const claim = await api(service, `big/consumer/g/id/${id}`, {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    expect(claim.status).toBe(200);
    expect(await claim.text()).toContain("Vqs-Delivery-Count: 1");
  });

  it("pushes a message at the threshold inline", async () => {
    const callback = await startCallbackServer();
    const service = await startService({ inlineThresholdBytes: 10 });
    service.addSubscription({ topic: "edge", consumerGroup: "g", url: callback.url });

    await send(service, "edge", "0123456789");
    const push = await eventually(() => callback.pushes[0], "the push");

    expect(push.body.toString()).toBe("0123456789");
    expect(push.headers["ce-vqsreceipthandle"]).toBeDefined();
  });
});

describe("failed pushes", () => {
  it("redelivers a non-2xx push only after the lease ends, with delivery count 2", async () => {
    const clock = manualClock(Date.now());
    const callback = await startCallbackServer((push) =>
      push.headers["ce-vqsdeliverycount"] === "1" ? 500 : 200,
    );
    const service = await startService({ now: clock.now });
    service.addSubscription({
      topic: "fail",
      consumerGroup: "g",
      url: callback.url,
      visibilityTimeoutSeconds: 30,
    });

    await send(service, "fail", '"x"');
    await eventually(() => service.stats().subscriptions[0]?.failed === 1, "the failure");
    await quietPeriod();
    const beforeLeaseEnd = callback.pushes.length;
    clock.advance(31);
    const second = await eventually(() => callback.pushes[1], "the redelivery");

    expect(beforeLeaseEnd).toBe(1);
    expect(second.headers["ce-vqsdeliverycount"]).toBe("2");
    expect(second.headers["ce-vqsreceipthandle"]).not.toBe(
      callback.pushes[0]?.headers["ce-vqsreceipthandle"],
    );
  });

  it("redelivers after a network error once the lease ends", async () => {
    const clock = manualClock(Date.now());
    const closed = await startCallbackServer();
    const deadUrl = closed.url;
    await closed.close();
    const service = await startService({ now: clock.now });
    service.addSubscription({
      topic: "net",
      consumerGroup: "g",
      url: deadUrl,
      visibilityTimeoutSeconds: 5,
    });

    await send(service, "net", '"x"');
    await eventually(() => service.stats().subscriptions[0]?.failed === 1, "the first failure");
    clock.advance(6);

    await eventually(() => service.stats().subscriptions[0]?.failed === 2, "the second failure");
  });

  it("waits at least retryAfterSeconds after a failure, even past a shorter lease", async () => {
    const clock = manualClock(Date.now());
    const callback = await startCallbackServer(() => 503);
    const service = await startService({ now: clock.now });
    service.addSubscription({
      topic: "floor",
      consumerGroup: "g",
      url: callback.url,
      visibilityTimeoutSeconds: 1,
      retryAfterSeconds: 100,
    });

    await send(service, "floor", '"x"');
    await eventually(() => service.stats().subscriptions[0]?.failed === 1, "the failure");
    clock.advance(5);
    await quietPeriod();
    const early = callback.pushes.length;
    clock.advance(100);
    await eventually(() => callback.pushes.length === 2, "the retry");

    expect(early).toBe(1);
  });

  it("leaves a 2xx without ack leased until the lease ends", async () => {
    const clock = manualClock(Date.now());
    const callback = await startCallbackServer();
    const service = await startService({ now: clock.now });
    service.addSubscription({
      topic: "noack",
      consumerGroup: "g",
      url: callback.url,
      visibilityTimeoutSeconds: 10,
    });

    await send(service, "noack", '"x"');
    await eventually(() => callback.pushes[0], "the push");
    clock.advance(11);
    const again = await eventually(() => callback.pushes[1], "the redelivery");

    expect(again.headers["ce-vqsdeliverycount"]).toBe("2");
  });

  it("re-pushes at once when the consumer gives the message back with visibility 0", async () => {
    const callback = await startCallbackServer();
    const service = await startService();
    service.addSubscription({ topic: "giveback", consumerGroup: "g", url: callback.url });

    await send(service, "giveback", '"x"');
    const first = await eventually(() => callback.pushes[0], "the push");
    const handle = first.headers["ce-vqsreceipthandle"] as string;
    expect((await patchVisibility(service, "giveback", "g", handle, 0)).status).toBe(200);

    const second = await eventually(() => callback.pushes[1], "the re-push");
    expect(second.headers["ce-vqsdeliverycount"]).toBe("2");
  });

  it("drops a message after maxDeliveries pushes without an acknowledgement", async () => {
    const clock = manualClock(Date.now());
    const warnings: string[] = [];
    const callback = await startCallbackServer(() => 500);
    const service = await startService({
      now: clock.now,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    service.addSubscription({
      topic: "poison",
      consumerGroup: "g",
      url: callback.url,
      visibilityTimeoutSeconds: 1,
      maxDeliveries: 2,
    });

    const id = await send(service, "poison", '"x"');
    await eventually(() => service.stats().subscriptions[0]?.failed === 1, "push 1");
    clock.advance(2);
    await eventually(() => service.stats().subscriptions[0]?.failed === 2, "push 2");
    clock.advance(2);
    await eventually(() => service.stats().subscriptions[0]?.dropped === 1, "the drop");

    expect(callback.pushes).toHaveLength(2);
    expect(warnings.some((w) => w.includes(`dropped message ${id}`))).toBe(true);
    const claim = await api(service, `poison/consumer/g/id/${id}`, {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    expect(claim.status).toBe(410);
  });
});

describe("concurrency and scheduling", () => {
  it("keeps at most maxConcurrency pushes in flight per subscription", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const callback = await startCallbackServer(async () => {
      await gate;
      return 200;
    });
    const service = await startService();
    service.addSubscription({
      topic: "busy",
      consumerGroup: "g",
      url: callback.url,
      maxConcurrency: 2,
    });

    for (let i = 0; i < 6; i++) await send(service, "busy", `"${i}"`);
    await eventually(() => callback.inFlight === 2, "two pushes in flight");
    await quietPeriod(300);
    const heldBack = callback.pushes.length;
    release();
    await eventually(() => service.stats().subscriptions[0]?.delivered === 6, "all six");

    expect(heldBack).toBe(2);
    expect(callback.maxInFlight).toBe(2);
    expect(callback.pushes.map((p) => p.body.toString()).sort()).toEqual([
      '"0"',
      '"1"',
      '"2"',
      '"3"',
      '"4"',
      '"5"',
    ]);
  });

  it("holds each first push back by initialDelaySeconds", async () => {
    const clock = manualClock(Date.now());
    const callback = await startCallbackServer();
    const service = await startService({ now: clock.now });
    service.addSubscription({
      topic: "slow",
      consumerGroup: "g",
      url: callback.url,
      initialDelaySeconds: 20,
    });

    await send(service, "slow", '"x"');
    await quietPeriod();
    const early = callback.pushes.length;
    clock.advance(21);
    const push = await eventually(() => callback.pushes[0], "the delayed push");

    expect(early).toBe(0);
    expect(push.headers["ce-vqsdeliverycount"]).toBe("1");
  });

  it("pushes a delayed message once its delay passed", async () => {
    const clock = manualClock(Date.now());
    const callback = await startCallbackServer();
    const service = await startService({ now: clock.now });
    service.addSubscription({ topic: "delayed", consumerGroup: "g", url: callback.url });

    await send(service, "delayed", '"x"', { headers: { "vqs-delay-seconds": "45" } });
    await quietPeriod();
    const early = callback.pushes.length;
    clock.advance(46);

    await eventually(() => callback.pushes[0], "the push");
    expect(early).toBe(0);
  });
});

describe("subscriptions", () => {
  it("matches prefix wildcards, including topics created after the subscription", async () => {
    const callback = await startCallbackServer();
    const service = await startService();
    await send(service, "orders-eu", '"eu"');
    service.addSubscription({ topic: "orders-*", consumerGroup: "g", url: callback.url });
    await send(service, "orders-us", '"us"');
    await send(service, "invoices", '"no"');

    await eventually(() => callback.pushes.length === 2, "both pushes");
    await quietPeriod(300);

    const topics = callback.pushes.map((p) => p.headers["ce-vqsqueuename"]).sort();
    expect(topics).toEqual(["orders-eu", "orders-us"]);
  });

  it("pushes every topic for '*' and each group gets its own copy", async () => {
    const first = await startCallbackServer();
    const second = await startCallbackServer();
    const service = await startService({
      subscriptions: [
        { topic: "*", consumerGroup: "all", url: first.url },
        { topic: "t1", consumerGroup: "only-t1", url: second.url },
      ],
    });

    await send(service, "t1", '"a"');
    await send(service, "t2", '"b"');

    await eventually(() => first.pushes.length === 2, "two pushes to '*'");
    await eventually(() => second.pushes.length === 1, "one push to t1");
  });

  it("visits every topic of a wildcard subscription in turn, so no message is left unpushed", async () => {
    // Regression: the round robin over the subscription's topics offset each step from the
    // position it had just moved, so with two topics one scan visited one topic twice and
    // never the other; a message sent there then waited for an unrelated push to wake it.
    const callback = await startCallbackServer();
    const service = await startService({
      subscriptions: [{ topic: "*", consumerGroup: "all", url: callback.url }],
    });
    const order = ["t1", "t2", "t1", "t3", "t2", "t1", "t3", "t3", "t2"];

    for (const [index, topic] of order.entries()) {
      await send(service, topic, JSON.stringify(index));
      await eventually(() => callback.pushes.length === index + 1, `push ${index} (${topic})`);
      await eventually(() => service.stats().subscriptions[0]?.inFlight === 0, "the push to end");
    }

    const pushed = callback.pushes.map((p) => p.headers["ce-vqsqueuename"]);
    expect(pushed).toEqual(order);
  });

  it("stops pushing once the subscription is removed", async () => {
    const callback = await startCallbackServer();
    const service = await startService();
    service.addSubscription({ topic: "gone", consumerGroup: "g", url: callback.url });
    await send(service, "gone", '"1"');
    await eventually(() => callback.pushes.length === 1, "the first push");

    expect(service.removeSubscription("gone", "g")).toBe(true);
    await send(service, "gone", '"2"');
    await quietPeriod(300);

    expect(callback.pushes).toHaveLength(1);
    expect(service.removeSubscription("gone", "g")).toBe(false);
    const left = await receive(service, "gone", "g");
    expect(left.map((p) => p.body)).toEqual(['"2"']);
  });

  it.each([
    [{ topic: "a*b", consumerGroup: "g", url: "http://x" }, /topic "a\*b"/],
    [{ topic: "", consumerGroup: "g", url: "http://x" }, /topic ""/],
    [{ topic: "t", consumerGroup: "bad group", url: "http://x" }, /consumerGroup "bad group"/],
    [{ topic: "t", consumerGroup: "g", url: "ftp://x" }, /absolute http\(s\) URL/],
    [{ topic: "t", consumerGroup: "g", url: "/relative" }, /absolute http\(s\) URL/],
    [{ topic: "t", consumerGroup: "g", url: "http://x", maxConcurrency: 0 }, /maxConcurrency/],
    [{ topic: "t", consumerGroup: "g", url: "http://x", visibilityTimeoutSeconds: 1.5 }, /visib/],
  ])("rejects an invalid subscription %j", async (subscription, pattern) => {
    const service = await startService();

    let caught: unknown;
    try {
      service.addSubscription(subscription);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvalidSubscriptionError);
    expect(isQueueServiceError(caught) && caught.code).toBe("invalid_subscription");
    expect((caught as Error).message).toMatch(pattern);
  });

  it("rejects a second subscription of the same topic and group", async () => {
    const service = await startService();
    const subscription = { topic: "t", consumerGroup: "g", url: "http://127.0.0.1:9/x" };
    service.addSubscription(subscription);

    expect(() => service.addSubscription(subscription)).toThrow(/already pushed/);
  });

  it("requires the token only on the API, not on pushes", async () => {
    const callback = await startCallbackServer();
    const service = await startService({ token: TOKEN });
    service.addSubscription({ topic: "auth", consumerGroup: "g", url: callback.url });

    await send(service, "auth", '"x"');
    const push = await eventually(() => callback.pushes[0], "the push");
    expect(push.headers.authorization).toBeUndefined();
  });
});
