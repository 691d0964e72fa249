/**
 * The push callback against the real local Queue Service: hand-built CloudEvents in every form
 * (PROTOCOL-vercel-queue-sdk.md §3) naming real messages, fed to `createCallbackHandler`, with
 * every handler outcome checked on the service afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallbackHandler } from "../../src/consumer/callback-handler.js";
import { type Consumer, createConsumer } from "../../src/consumer/consumer.js";
import { ack, retryAfter } from "../../src/consumer/directives.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import type { MessageMetadata } from "../../src/consumer/types.js";
import type { QueueService } from "../../src/dev/index.js";
import { isQueueError, type QueueClient } from "../../src/queue/index.js";
import {
  clientOf,
  clientOptions,
  closeAll,
  inlineRequest,
  metadataOnlyRequest,
  sendOne,
  startHttpServer,
  startService,
  structuredRequest,
  type V2Fields,
  waitFor,
} from "./helpers/harness.js";

const ROUTE = "http://app.test/api/queue";

let service: QueueService;
let client: QueueClient;

beforeAll(async () => {
  service = await startService();
  client = clientOf(service);
});

afterAll(closeAll);

let topicSeq = 0;
/** A fresh topic per test keeps tests independent on one service. */
function freshTopic(): string {
  topicSeq++;
  return `cb-${topicSeq}`;
}

interface Calls {
  payloads: unknown[];
  metadata: MessageMetadata[];
  events: ConsumerEvent[];
}

function recordingConsumer(): { consumer: Consumer; calls: Calls } {
  const calls: Calls = { payloads: [], metadata: [], events: [] };
  const consumer = createConsumer({
    ...clientOptions(service),
    onEvent: (event) => calls.events.push(event),
  });
  return { consumer, calls };
}

/** Leases a sent message by polling, as the platform does before an inline push. */
async function lease(topic: string, group: string, visibilityTimeoutSeconds = 30) {
  const [message] = await client.receive(topic, group, { visibilityTimeoutSeconds });
  if (message === undefined) throw new Error(`nothing to lease on ${topic}`);
  return message;
}

/** The inline push the service would send for a leased message. */
function inlineFor(message: Awaited<ReturnType<typeof lease>>, extra: V2Fields = {}) {
  return inlineRequest(
    ROUTE,
    {
      topic: message.topic,
      consumerGroup: message.consumerGroup,
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      deliveryCount: String(message.deliveryCount),
      createdAt: message.createdAt.toISOString(),
      expiresAt: message.expiresAt?.toISOString(),
      visibilityDeadline: new Date(Date.now() + 30_000).toISOString(),
      region: "iad1",
      contentType: message.contentType,
      ...extra,
    },
    JSON.stringify(message.payload),
  );
}

/** The code the service answers a claim by id with (410 once acknowledged). */
async function claimCode(topic: string, group: string, messageId: string): Promise<string> {
  try {
    await client.receiveById(topic, group, messageId, { visibilityTimeoutSeconds: 5 });
    return "claimed";
  } catch (error) {
    if (isQueueError(error)) return error.code;
    throw error;
  }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get("content-type")).toBe("application/json");
  return (await response.json()) as Record<string, unknown>;
}

describe("every CloudEvent form reaches the handler", () => {
  it("v2beta inline: payload from the body, metadata from headers, acknowledged", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload, metadata) => {
      calls.payloads.push(payload);
      calls.metadata.push(metadata);
    });
    const messageId = await sendOne(client, topic, { orderId: 1 });
    const message = await lease(topic, "route");

    const response = await createCallbackHandler(consumer)(inlineFor(message));

    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "success", messageId });
    expect(calls.payloads).toEqual([{ orderId: 1 }]);
    expect(calls.metadata[0]).toMatchObject({
      messageId,
      deliveryCount: 1,
      topic,
      consumerGroup: "route",
      region: "iad1",
      contentType: "application/json",
      createdAt: message.createdAt,
      expiresAt: message.expiresAt,
    });
    expect(calls.metadata[0]?.signal.aborted).toBe(false);
    expect(await claimCode(topic, "route", messageId)).toBe("message_already_processed");
  });

  it("v2beta metadata-only: claimed by id with the subscription's lease", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload, metadata) => {
      calls.payloads.push(payload);
      calls.metadata.push(metadata);
    });
    const messageId = await sendOne(client, topic, { big: "x".repeat(1000) });

    const response = await createCallbackHandler(consumer)(
      metadataOnlyRequest(ROUTE, { topic, consumerGroup: "route", messageId, region: "iad1" }),
    );

    expect(await json(response)).toEqual({ status: "success", messageId });
    expect(calls.payloads).toEqual([{ big: "x".repeat(1000) }]);
    expect(calls.metadata[0]).toMatchObject({ messageId, deliveryCount: 1, topic });
    expect(await claimCode(topic, "route", messageId)).toBe("message_already_processed");
  });

  it("v1beta structured: claimed by id", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      calls.payloads.push(payload);
    });
    const messageId = await sendOne(client, topic, ["v1", "payload"]);

    const response = await createCallbackHandler(consumer)(
      structuredRequest(ROUTE, { queueName: topic, consumerGroup: "legacy", messageId }),
    );

    expect(await json(response)).toEqual({ status: "success", messageId });
    expect(calls.payloads).toEqual([["v1", "payload"]]);
    expect(await claimCode(topic, "legacy", messageId)).toBe("message_already_processed");
  });

  it("a non-JSON content type reaches the handler as bytes", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      calls.payloads.push(payload);
    });
    await client.send(topic, "raw text", { contentType: "text/plain" });
    const message = await lease(topic, "route");

    const request = inlineRequest(
      ROUTE,
      {
        topic,
        consumerGroup: "route",
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        contentType: "text/plain",
      },
      "raw text",
    );
    const response = await createCallbackHandler(consumer)(request);

    expect(response.status).toBe(200);
    expect(calls.payloads[0]).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(calls.payloads[0] as Uint8Array)).toBe("raw text");
  });
});

describe("claim answers", () => {
  it("409 (leased elsewhere) -> 200 skipped not_available, handler not run", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      calls.payloads.push(payload);
    });
    const messageId = await sendOne(client, topic, 1);
    await lease(topic, "route", 60);

    const response = await createCallbackHandler(consumer)(
      metadataOnlyRequest(ROUTE, { topic, consumerGroup: "route", messageId }),
    );

    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "skipped", reason: "not_available", messageId });
    expect(calls.payloads).toEqual([]);
    expect(calls.events).toContainEqual(expect.objectContaining({ type: "message.skipped" }));
  });

  it("410 (already acknowledged) -> 200 skipped already_processed", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      calls.payloads.push(payload);
    });
    const messageId = await sendOne(client, topic, 1);
    const message = await lease(topic, "route");
    await client.acknowledge(topic, "route", message.receiptHandle);

    const response = await createCallbackHandler(consumer)(
      structuredRequest(ROUTE, { queueName: topic, consumerGroup: "route", messageId }),
    );

    expect(await json(response)).toEqual({
      status: "skipped",
      reason: "already_processed",
      messageId,
    });
    expect(calls.payloads).toEqual([]);
  });

  it("404 (no such message) -> 500 JSON error with the queue error's code", async () => {
    const topic = freshTopic();
    const { consumer } = recordingConsumer();
    consumer.subscribe(topic, () => undefined);
    await sendOne(client, topic, 1);

    const response = await createCallbackHandler(consumer)(
      metadataOnlyRequest(ROUTE, { topic, consumerGroup: "route", messageId: "no-such-id" }),
    );

    expect(response.status).toBe(500);
    expect(await json(response)).toMatchObject({ code: "message_not_found" });
  });
});

describe("a Queue Service failure answered to the caller", () => {
  it("does not echo the service's message, only a generic one and the code", async () => {
    const detail = "shard 7 of the lease store is unreachable";
    const upstream = await startHttpServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: detail }));
    });
    const logged: unknown[] = [];
    const consumer = createConsumer({
      ...clientOptions(service),
      baseUrl: upstream,
      retry: { attempts: 1 },
      logger: { error: (...args: unknown[]) => logged.push(...args) },
    });
    consumer.subscribe("echo", () => undefined);

    const response = await createCallbackHandler(consumer)(
      metadataOnlyRequest(ROUTE, { topic: "echo", consumerGroup: "route", messageId: "m1" }),
    );
    const body = (await json(response)) as { error: string; code: string };

    expect(response.status).toBe(500);
    expect(body.code).toBe("internal_server_error");
    expect(body.error).not.toContain(detail);
    expect(logged.some((entry) => entry instanceof Error && entry.message.includes(detail))).toBe(
      true,
    );
  });
});

describe("handler outcomes", () => {
  it("returning retryAfter(n) reschedules the message n seconds out", async () => {
    const topic = freshTopic();
    const { consumer } = recordingConsumer();
    consumer.subscribe(topic, () => retryAfter(1, "not yet"));
    const messageId = await sendOne(client, topic, "later");
    const message = await lease(topic, "route");

    // Taken before the handler runs, so the visibility change (and the 1 s from it) is later:
    // a timestamp taken after the response would let a slow response eat into the bound.
    const beforeReschedule = Date.now();
    const response = await createCallbackHandler(consumer)(inlineFor(message));

    expect(await json(response)).toEqual({
      status: "retry",
      reason: "retry_after",
      delaySeconds: 1,
      messageId,
    });
    const again = await waitFor(
      async () => (await client.receive(topic, "route"))[0],
      "redelivery",
    );
    expect(again.messageId).toBe(messageId);
    expect(again.deliveryCount).toBe(2);
    // The delay was honoured (with slack for clock granularity), not skipped.
    expect(Date.now() - beforeReschedule).toBeGreaterThanOrEqual(950);
  });

  it("throwing retryAfter(n) does the same as returning it", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, () => {
      throw retryAfter(2);
    });
    const messageId = await sendOne(client, topic, "later");
    const message = await lease(topic, "route");

    const body = await json(await createCallbackHandler(consumer)(inlineFor(message)));

    expect(body).toEqual({ status: "retry", reason: "retry_after", delaySeconds: 2, messageId });
    expect(calls.events).toContainEqual(
      expect.objectContaining({ type: "message.rescheduled", delaySeconds: 2 }),
    );
    expect(calls.events.some((e) => e.type === "handler.failed")).toBe(false);
  });

  it("throwing ack() acknowledges without running the rest of the handler", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      if (payload === "stale") throw ack("stale order");
      calls.payloads.push(payload);
    });
    const messageId = await sendOne(client, topic, "stale");
    const message = await lease(topic, "route");

    const body = await json(await createCallbackHandler(consumer)(inlineFor(message)));

    expect(body).toEqual({ status: "success", messageId });
    expect(calls.payloads).toEqual([]);
    expect(calls.events).toContainEqual(
      expect.objectContaining({ type: "message.acknowledged", reason: "ack_directive" }),
    );
    expect(await claimCode(topic, "route", messageId)).toBe("message_already_processed");
  });

  it("a handler that throws is retried after retryDelaySeconds, not after the lease", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(
      topic,
      () => {
        throw new Error("database down");
      },
      { retryDelaySeconds: 1, visibilityTimeoutSeconds: 120 },
    );
    const messageId = await sendOne(client, topic, "work");
    const message = await lease(topic, "route", 120);

    const response = await createCallbackHandler(consumer)(inlineFor(message));

    // 2xx on purpose: the visibility change already scheduled the retry.
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      status: "retry",
      reason: "handler_error",
      delaySeconds: 1,
      messageId,
    });
    const failed = calls.events.find((e) => e.type === "handler.failed");
    expect((failed as { error: Error }).error.message).toBe("database down");

    // Within seconds, far inside the 120 s lease the message was leased with.
    const again = await waitFor(
      async () => (await client.receive(topic, "route"))[0],
      "redelivery after the retry delay",
      20_000,
    );
    expect(again).toMatchObject({ messageId, deliveryCount: 2 });
  });

  it("the default retry delay grows with the delivery count", async () => {
    const topic = freshTopic();
    const { consumer } = recordingConsumer();
    consumer.subscribe(topic, () => {
      throw new Error("again");
    });
    await sendOne(client, topic, "work");
    const message = await lease(topic, "route");

    const body = await json(
      await createCallbackHandler(consumer)(inlineFor(message, { deliveryCount: "3" })),
    );

    expect(body).toMatchObject({ status: "retry", delaySeconds: 20 });
  });

  it("a retry delay is clamped to the message's expiry", async () => {
    const topic = freshTopic();
    const { consumer } = recordingConsumer();
    consumer.subscribe(topic, () => retryAfter(3000));
    await sendOne(client, topic, "short-lived", { retentionSeconds: 60 });
    const message = await lease(topic, "route");

    const body = await json(await createCallbackHandler(consumer)(inlineFor(message)));

    expect(body.status).toBe("retry");
    expect(body.delaySeconds).toBeLessThanOrEqual(59);
    expect(body.delaySeconds).toBeGreaterThanOrEqual(50);
  });

  it("a JSON payload that does not parse is acknowledged, not redelivered forever", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe(topic, (payload) => {
      calls.payloads.push(payload);
    });
    const messageId = await sendOne(client, topic, "{broken", { contentType: "text/plain" });
    const message = await lease(topic, "route");
    const request = inlineRequest(
      ROUTE,
      {
        topic,
        consumerGroup: "route",
        messageId,
        receiptHandle: message.receiptHandle,
        contentType: "application/json",
      },
      "{broken",
    );

    const body = await json(await createCallbackHandler(consumer)(request));

    expect(body).toEqual({ status: "skipped", reason: "invalid_payload", messageId });
    expect(calls.payloads).toEqual([]);
    const poison = calls.events.find((e) => e.type === "message.poison");
    expect(new TextDecoder().decode((poison as { body: Uint8Array }).body)).toBe("{broken");
    expect(await claimCode(topic, "route", messageId)).toBe("message_already_processed");
  });

  it("settling a lease that is already gone -> 200 skipped lease_lost", async () => {
    const topic = freshTopic();
    const { consumer } = recordingConsumer();
    consumer.subscribe(topic, () => "done");
    const messageId = await sendOne(client, topic, 1);
    const message = await lease(topic, "route");
    await client.acknowledge(topic, "route", message.receiptHandle);

    const body = await json(await createCallbackHandler(consumer)(inlineFor(message)));

    expect(body).toEqual({ status: "skipped", reason: "lease_lost", messageId });
  });

  it("no matching subscription -> 500, and the message is left alone", async () => {
    const topic = freshTopic();
    const { consumer, calls } = recordingConsumer();
    consumer.subscribe("other-topic", () => undefined);
    const messageId = await sendOne(client, topic, 1);

    const response = await createCallbackHandler(consumer)(
      metadataOnlyRequest(ROUTE, { topic, consumerGroup: "route", messageId }),
    );

    expect(response.status).toBe(500);
    const body = await json(response);
    expect(body.code).toBe("no_subscription");
    expect(body.error).toContain(topic);
    expect(calls.events).toEqual([]);
    // Not claimed: it can still be received at once.
    expect((await client.receive(topic, "route"))[0]?.messageId).toBe(messageId);
  });
});

describe("bare handler form", () => {
  it("createCallbackHandler(fn, options) serves every topic with those options", async () => {
    const topic = freshTopic();
    const seen: string[] = [];
    const handler = createCallbackHandler(
      (_payload, metadata) => {
        seen.push(metadata.topic);
        throw new Error("fail once");
      },
      { ...clientOptions(service), retryDelaySeconds: 4 },
    );
    await sendOne(client, topic, 1);
    const message = await lease(topic, "route");

    const body = await json(await handler(inlineFor(message)));

    expect(seen).toEqual([topic]);
    expect(body).toMatchObject({ status: "retry", delaySeconds: 4 });
  });
});

describe("region routing", () => {
  it("ce-vqsregion sends every follow-up call to that region's client", async () => {
    const topic = freshTopic();
    const hosts: string[] = [];
    // No baseUrl: the client derives https://{region}.vercel-queue.com; this fetch records the
    // host and carries the call to the local service instead.
    const routingFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      hosts.push(url.host);
      return fetch(`${service.url}${url.pathname}${url.search}`, init);
    };
    const saved = process.env.VERCEL_QUEUE_BASE_URL;
    delete process.env.VERCEL_QUEUE_BASE_URL;

    try {
      const consumer = createConsumer({
        ...clientOptions(service),
        baseUrl: undefined,
        fetch: routingFetch,
      });
      const regions: string[] = [];
      consumer.subscribe(topic, (_payload, metadata) => {
        regions.push(metadata.region);
      });
      const messageId = await sendOne(client, topic, 1);

      const response = await createCallbackHandler(consumer)(
        metadataOnlyRequest(ROUTE, { topic, consumerGroup: "route", messageId, region: "sfo1" }),
      );

      expect(await json(response)).toEqual({ status: "success", messageId });
      expect(regions).toEqual(["sfo1"]);
      expect(hosts).toEqual(["sfo1.vercel-queue.com", "sfo1.vercel-queue.com"]);
    } finally {
      if (saved !== undefined) process.env.VERCEL_QUEUE_BASE_URL = saved;
    }
  });
});
