/**
 * Lease keep-alive against the real local Queue Service (pushes included), with a fault proxy
 * for the transient failures only the hosted service produces.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumer } from "../../src/consumer/consumer.js";
import { isConsumerError } from "../../src/consumer/errors.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import { LeaseKeeper } from "../../src/consumer/lease.js";
import type { MessageMetadata } from "../../src/consumer/types.js";
import type { QueueService } from "../../src/dev/index.js";
import { createNodeCallbackHandler } from "../../src/http/node.js";
import { QueueClient } from "../../src/queue/index.js";
import { type FaultProxy, startFaultProxy } from "./helpers/fault-proxy.js";
import {
  clientOf,
  clientOptions,
  closeAll,
  sendOne,
  sleep,
  startHttpServer,
  startService,
  TOKEN,
  waitFor,
} from "./helpers/harness.js";

let service: QueueService;
let client: QueueClient;
let proxy: FaultProxy;
/** A client through the fault proxy that does not retry on its own, so faults reach the lease. */
let faultyClient: QueueClient;

beforeAll(async () => {
  service = await startService();
  client = clientOf(service);
  proxy = await startFaultProxy(service.url);
  faultyClient = new QueueClient({
    token: TOKEN,
    baseUrl: proxy.url,
    region: "iad1",
    deploymentId: null,
    retry: { attempts: 1 },
  });
});

afterAll(closeAll);

let topicSeq = 0;
function freshTopic(): string {
  topicSeq++;
  return `lease-${topicSeq}`;
}

async function leaseOne(topic: string, visibilityTimeoutSeconds: number) {
  await sendOne(client, topic, { n: 1 });
  const [message] = await client.receive(topic, "g", { visibilityTimeoutSeconds });
  if (message === undefined) throw new Error("nothing leased");
  return message;
}

function keeperFor(
  message: Awaited<ReturnType<typeof leaseOne>>,
  events: ConsumerEvent[],
  options: Partial<ConstructorParameters<typeof LeaseKeeper>[0]> = {},
) {
  return new LeaseKeeper({
    client: faultyClient,
    topic: message.topic,
    consumerGroup: message.consumerGroup,
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    expiresAt: message.expiresAt,
    visibilityTimeoutSeconds: 2,
    onEvent: (event) => events.push(event),
    ...options,
  });
}

describe("push delivery with keep-alive", () => {
  it("a long handler keeps its lease across several renewals and is delivered once", {
    timeout: 40_000,
  }, async () => {
    const topic = freshTopic();
    const events: ConsumerEvent[] = [];
    const deliveries: MessageMetadata[] = [];
    let abortedAtEnd: boolean | undefined;
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(
      topic,
      async (_payload, metadata) => {
        deliveries.push(metadata);
        await sleep(6_500);
        abortedAtEnd = metadata.signal.aborted;
      },
      // 3 s leases renewed every 0.6 s: the handler outlives two leases, and a renewal may run
      // 2.4 s late (a loaded CI machine) before the lease is at risk.
      { visibilityTimeoutSeconds: 3, renewIntervalSeconds: 0.6 },
    );
    const url = await startHttpServer(createNodeCallbackHandler(consumer));
    service.addSubscription({ topic, consumerGroup: "route", url, visibilityTimeoutSeconds: 3 });

    await sendOne(client, topic, { long: true });
    await waitFor(
      () => events.some((e) => e.type === "message.acknowledged"),
      "the acknowledge after the long handler",
    );
    // Longer than one more lease: an expired lease would have been pushed again by now.
    await sleep(3_500);

    expect(deliveries).toHaveLength(1);
    expect(abortedAtEnd).toBe(false);
    expect(events.filter((e) => e.type === "lease.renewed").length).toBeGreaterThanOrEqual(5);
    expect(events.some((e) => e.type === "lease.lost")).toBe(false);
    service.removeSubscription(topic, "route");
  });

  it("an expired lease (no renewals) aborts the signal; the message comes again", async () => {
    const topic = freshTopic();
    const events: ConsumerEvent[] = [];
    const reasons: unknown[] = [];
    const counts: number[] = [];
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(
      topic,
      async (_payload, { signal, deliveryCount }) => {
        counts.push(deliveryCount);
        if (deliveryCount > 1) return;

        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reasons.push(signal.reason);
      },
      { visibilityTimeoutSeconds: 1, renewIntervalSeconds: 0 },
    );
    const url = await startHttpServer(createNodeCallbackHandler(consumer));
    service.addSubscription({ topic, consumerGroup: "route", url, visibilityTimeoutSeconds: 1 });

    await sendOne(client, topic, { stolen: true });
    await waitFor(() => reasons.length > 0 && counts.includes(2), "abort and redelivery");
    await waitFor(
      () => events.some((e) => e.type === "message.skipped" && e.reason === "lease_lost"),
      "the first delivery to notice its lease is gone",
    );

    const reason = reasons[0];
    expect(isConsumerError(reason) && reason.code).toBe("lease_lost");
    expect(counts).toEqual([1, 2]);
    expect(events.filter((e) => e.type === "message.acknowledged")).toHaveLength(1);
    service.removeSubscription(topic, "route");
  });
});

describe("LeaseKeeper", () => {
  it("a renewal refused because another consumer took the message aborts at once", async () => {
    const topic = freshTopic();
    const first = await leaseOne(topic, 1);
    const second = await waitFor(
      async () => (await client.receive(topic, "g", { visibilityTimeoutSeconds: 30 }))[0],
      "the message to come back after its 1 s lease",
    );
    expect(second.deliveryCount).toBe(2);

    const events: ConsumerEvent[] = [];
    // The announced deadline is still ahead, so only the service's answer can end the lease.
    const keeper = keeperFor(first, events, {
      visibilityTimeoutSeconds: 5,
      renewIntervalSeconds: 0.1,
      leaseDeadline: new Date(Date.now() + 5_000),
    }).start();

    await waitFor(() => keeper.signal.aborted, "the abort");
    await keeper.stop();

    const reason = keeper.signal.reason as { code: string; cause: { code: string } };
    expect(reason.code).toBe("lease_lost");
    expect(["message_not_found", "message_not_available"]).toContain(reason.cause.code);
    expect(events.map((e) => e.type)).toEqual(["lease.lost"]);
  });

  it("transient renewal failures are retried with backoff, not fatal", async () => {
    const topic = freshTopic();
    const leasedAt = Date.now();
    const message = await leaseOne(topic, 4);
    let patches = 0;
    proxy.setRule(({ method }) => {
      if (method !== "PATCH") return "forward";
      patches++;
      return patches <= 3 ? { fail: 503 } : "forward";
    });
    const events: ConsumerEvent[] = [];
    // A 4 s lease leaves room for three failed attempts with backoff before the deadline.
    const keeper = keeperFor(message, events, {
      visibilityTimeoutSeconds: 4,
      renewIntervalSeconds: 0.6,
    }).start();

    try {
      await waitFor(() => events.some((e) => e.type === "lease.renewed"), "a successful renewal");
      const failures = events.filter((e) => e.type === "lease.renewal_failed");
      expect(failures).toHaveLength(3);
      expect(failures.every((e) => e.type === "lease.renewal_failed" && e.willRetry)).toBe(true);
      expect(keeper.signal.aborted).toBe(false);

      // Still ours past the original 4 s lease: nobody else can receive it.
      await sleep(Math.max(0, leasedAt + 4_500 - Date.now()));
      expect(await client.receive(topic, "g")).toEqual([]);
      expect(keeper.signal.aborted).toBe(false);
    } finally {
      await keeper.stop();
      proxy.setRule(() => "forward");
    }
  });

  it("when every renewal fails, the signal aborts at the lease deadline", async () => {
    const topic = freshTopic();
    const message = await leaseOne(topic, 2);
    proxy.setRule(({ method }) => (method === "PATCH" ? { fail: 503 } : "forward"));
    const events: ConsumerEvent[] = [];
    const keeper = keeperFor(message, events, { renewIntervalSeconds: 0.5 }).start();

    try {
      await waitFor(() => keeper.signal.aborted, "the abort at the deadline");
      const reason = keeper.signal.reason as Error & { code: string };
      expect(reason.code).toBe("lease_lost");
      expect(reason.message).toContain("without a successful renewal");
      expect(events.some((e) => e.type === "lease.renewal_failed")).toBe(true);
      expect(events.at(-1)?.type).toBe("lease.lost");
    } finally {
      await keeper.stop();
      proxy.setRule(() => "forward");
    }
  });

  it("stop() waits for a renewal in flight", async () => {
    const topic = freshTopic();
    const message = await leaseOne(topic, 2);
    proxy.setRule(({ method }) => (method === "PATCH" ? { delayMs: 400 } : "forward"));
    const keeper = keeperFor(message, [], { renewIntervalSeconds: 0.1 }).start();

    try {
      const ours = () =>
        proxy.requests.filter((r) => r.method === "PATCH" && r.path.includes(`/${topic}/`));
      await waitFor(() => ours().length > 0, "a renewal to start");
      await keeper.stop();

      const patches = ours();
      expect(patches.length).toBeGreaterThan(0);
      expect(patches.every((r) => r.status === 204 || r.status === 200)).toBe(true);
    } finally {
      proxy.setRule(() => "forward");
    }
  });

  it("renewals never ask for a lease past the message's expiry", async () => {
    const topic = freshTopic();
    await sendOne(client, topic, 1, { retentionSeconds: 60 });
    const [message] = await client.receive(topic, "g", { visibilityTimeoutSeconds: 30 });
    if (message === undefined) throw new Error("nothing leased");
    const events: ConsumerEvent[] = [];
    // 600 s asked, but the message expires in about 60 s: the service would refuse 600.
    const keeper = keeperFor(message, events, {
      visibilityTimeoutSeconds: 600,
      renewIntervalSeconds: 0.2,
      leaseDeadline: null,
    });
    keeper.start();

    try {
      await waitFor(() => events.length > 0, "the first renewal");
      expect(events[0]?.type).toBe("lease.renewed");
      const deadline = (events[0] as { deadline: Date }).deadline.getTime();
      expect(deadline).toBeLessThanOrEqual((message.expiresAt as Date).getTime());
    } finally {
      await keeper.stop();
    }
  });
});
