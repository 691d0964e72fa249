/**
 * The peer test: the official `@vercel/queue` SDK (0.6.0) against the local Queue Service, over
 * real HTTP. Whatever the SDK does against the hosted service it must be able to do here, and a
 * route built with its `handleCallback` must accept our pushes.
 */
import {
  BadRequestError,
  type MessageMetadata,
  PollingQueueClient,
  QueueClient,
  UnauthorizedError,
} from "@vercel/queue";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { QueueService } from "../../src/dev/index.js";
import {
  api,
  closeAll,
  eventually,
  receive,
  serveFetchHandler,
  startService,
  TOKEN,
} from "./helpers.js";

afterEach(closeAll);

function sdkOptions(service: QueueService, token = TOKEN) {
  return {
    region: "iad1",
    token,
    deploymentId: null,
    resolveBaseUrl: () => new URL(service.url),
  };
}

interface Handled {
  payload: unknown;
  metadata: MessageMetadata;
}

describe("official @vercel/queue SDK against the local Queue Service", () => {
  it("sends and polls a message, then the queue is empty", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));

    const { messageId } = await client.send("orders", { id: 1, item: "book" });
    const handled: Handled[] = [];
    const result = await client.receive("orders", "workers", (payload, metadata) => {
      handled.push({ payload, metadata });
    });

    expect(result).toEqual({ ok: true });
    expect(handled).toHaveLength(1);
    expect(handled[0]?.payload).toEqual({ id: 1, item: "book" });
    expect(handled[0]?.metadata).toMatchObject({
      messageId,
      deliveryCount: 1,
      topicName: "orders",
      consumerGroup: "workers",
      region: "iad1",
    });
    expect(await client.receive("orders", "workers", () => {})).toEqual({
      ok: false,
      reason: "empty",
    });
  });

  it("batch-sends with experimental_sendBatch and receives all in one poll", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));

    const results = await client.experimental_sendBatch("batch-topic", [
      { payload: { n: 1 } },
      { payload: { n: 2 }, idempotencyKey: "two" },
      { payload: { n: 3 }, delaySeconds: 0, retentionSeconds: 3600 },
    ]);

    expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    const seen: unknown[] = [];
    const result = await client.receive(
      "batch-topic",
      "g",
      (payload) => {
        seen.push(payload);
      },
      { limit: 10 },
    );
    expect(result).toEqual({ ok: true });
    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("receives by id, then reports already_processed and not_found", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));
    const { messageId } = await client.send("by-id", { hello: "world" });
    if (messageId === null) throw new Error("expected a message id");

    const seen: unknown[] = [];
    const first = await client.receive(
      "by-id",
      "g",
      (payload) => {
        seen.push(payload);
      },
      { messageId },
    );
    const again = await client.receive("by-id", "g", () => {}, { messageId });
    const unknown = await client.receive("by-id", "g", () => {}, { messageId: "nope-1" });

    expect(first).toEqual({ ok: true });
    expect(seen).toEqual([{ hello: "world" }]);
    expect(again).toMatchObject({ ok: false, reason: "already_processed" });
    expect(unknown).toMatchObject({ ok: false, reason: "not_found" });
  });

  it("reports not_available while another consumer holds the lease", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));
    const { messageId } = await client.send("locked", { x: 1 });
    if (messageId === null) throw new Error("expected a message id");

    let inner: unknown;
    await client.receive("locked", "g", async () => {
      inner = await client.receive("locked", "g", () => {}, { messageId });
    });

    expect(inner).toMatchObject({ ok: false, reason: "not_available" });
  });

  it("changes the lease through a retry directive: afterSeconds 0 redelivers at once", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));
    await client.send("retry-now", { attempt: "any" });

    const counts: number[] = [];
    const failing = await client.receive(
      "retry-now",
      "g",
      (_payload, metadata) => {
        counts.push(metadata.deliveryCount);
        throw new Error("first attempt fails");
      },
      { retry: () => ({ afterSeconds: 0 }) },
    );
    const second = await client.receive("retry-now", "g", (_payload, metadata) => {
      counts.push(metadata.deliveryCount);
    });

    expect(failing).toEqual({ ok: true });
    expect(second).toEqual({ ok: true });
    expect(counts).toEqual([1, 2]);
  });

  it("extends the lease through a retry directive: afterSeconds 600 hides it", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));
    const { messageId } = await client.send("retry-later", { x: 1 });

    await client.receive(
      "retry-later",
      "g",
      () => {
        throw new Error("fails");
      },
      { retry: () => ({ afterSeconds: 600 }), visibilityTimeoutSeconds: 30 },
    );

    expect(await receive(service, "retry-later", "g")).toEqual([]);
    const claim = await api(service, `retry-later/consumer/g/id/${messageId}`, {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    expect(claim.status).toBe(409);
    const retryAfter = Number(claim.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it("acknowledges through a retry directive: acknowledge true removes the message", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));
    const { messageId } = await client.send("retry-ack", { x: 1 });
    if (messageId === null) throw new Error("expected a message id");

    await client.receive(
      "retry-ack",
      "g",
      () => {
        throw new Error("poison");
      },
      { retry: () => ({ acknowledge: true }) },
    );

    expect(await client.receive("retry-ack", "g", () => {}, { messageId })).toMatchObject({
      ok: false,
      reason: "already_processed",
    });
  });

  it("maps our 400 and 401 answers to the SDK's typed errors", async () => {
    const service = await startService({ token: TOKEN });
    const wrongToken = new PollingQueueClient(sdkOptions(service, "other-token"));
    const client = new PollingQueueClient(sdkOptions(service));

    await expect(wrongToken.send("orders", { x: 1 })).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(client.send("bad topic!", { x: 1 })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.send("orders", { x: 1 }, { retentionSeconds: 10 })).rejects.toThrow(
      /Vqs-Retention-Seconds/,
    );
  });

  it("keeps a message sent with delaySeconds out of polls until the delay passed", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));

    const { messageId } = await client.send("delayed", { n: 1 }, { delaySeconds: 60 });
    const result = await client.receive("delayed", "g", () => {});

    expect(messageId).toEqual(expect.any(String));
    expect(result).toEqual({ ok: false, reason: "empty" });
    expect(service.stats()).toMatchObject({ messages: 1, delayed: 1 });
  });

  it("answers a duplicate send with the first id and delivers it once", async () => {
    const service = await startService({ token: TOKEN });
    const client = new PollingQueueClient(sdkOptions(service));

    const first = await client.send("dedupe", { n: 1 }, { idempotencyKey: "k-1" });
    const second = await client.send("dedupe", { n: 1 }, { idempotencyKey: "k-1" });
    const seen: unknown[] = [];
    await client.receive(
      "dedupe",
      "g",
      (payload) => {
        seen.push(payload);
      },
      { limit: 10 },
    );

    expect(second.messageId).toBe(first.messageId);
    expect(seen).toEqual([{ n: 1 }]);
  });
});

describe("official handleCallback route receiving our pushes", () => {
  async function pushSetup(options: { inlineThresholdBytes?: number; visibility?: number } = {}) {
    const service = await startService({
      token: TOKEN,
      inlineThresholdBytes: options.inlineThresholdBytes,
    });
    const client = new QueueClient(sdkOptions(service));
    const handled: Handled[] = [];
    const failuresLeft = { count: 0 };
    const route = await serveFetchHandler(
      client.handleCallback(
        (payload, metadata) => {
          handled.push({ payload, metadata });
          if (failuresLeft.count > 0) {
            failuresLeft.count--;
            throw new Error("handler fails on purpose");
          }
        },
        { visibilityTimeoutSeconds: 60 },
      ),
    );
    service.addSubscription({
      topic: "jobs",
      consumerGroup: "api_Squeue_Djs",
      url: `${route.url}/api/queue`,
      visibilityTimeoutSeconds: options.visibility ?? 30,
    });
    return { service, client, handled, failuresLeft, route };
  }

  it("runs the handler on an inline push and acknowledges the message", async () => {
    const { service, client, handled } = await pushSetup();

    const { messageId } = await client.send("jobs", { task: "email", to: "a@example.com" });
    await eventually(() => handled.length === 1, "the handler to run");
    const poller = new PollingQueueClient(sdkOptions(service));

    expect(handled[0]?.payload).toEqual({ task: "email", to: "a@example.com" });
    expect(handled[0]?.metadata).toMatchObject({
      messageId,
      deliveryCount: 1,
      topicName: "jobs",
      consumerGroup: "api_Squeue_Djs",
      region: "iad1",
    });
    await eventually(
      async () =>
        (
          await poller.receive("jobs", "api_Squeue_Djs", () => {}, {
            messageId: messageId as string,
          })
        ).ok === false,
      "the ack to land",
    );
    expect(
      await poller.receive("jobs", "api_Squeue_Djs", () => {}, { messageId: messageId as string }),
    ).toMatchObject({ ok: false, reason: "already_processed" });
    expect(service.stats().subscriptions[0]).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("runs the handler on a metadata-only push: the SDK claims the message by id", async () => {
    const { service, client, handled } = await pushSetup({ inlineThresholdBytes: 16 });
    const big = { text: "x".repeat(500) };

    const { messageId } = await client.send("jobs", big);
    await eventually(() => handled.length === 1, "the handler to run");

    expect(handled[0]?.payload).toEqual(big);
    expect(handled[0]?.metadata.deliveryCount).toBe(1);
    const claim = async () =>
      api(service, `jobs/consumer/api_Squeue_Djs/id/${messageId}`, {
        method: "POST",
        headers: { accept: "multipart/mixed" },
      });
    await eventually(async () => (await claim()).status === 410, "the ack to land");
  });

  it("redelivers after a failed handler once the lease ends, with delivery count 2", async () => {
    const { client, handled, failuresLeft } = await pushSetup({ visibility: 1 });
    failuresLeft.count = 1;
    // The SDK reports a failed handler on console.error; keep it out of the test output.
    const reported: unknown[][] = [];
    const consoleError = vi.spyOn(console, "error").mockImplementation((...args) => {
      reported.push(args);
    });

    try {
      await client.send("jobs", { n: 1 });
      await eventually(() => handled.length === 2, "the redelivery", 20_000);
    } finally {
      consoleError.mockRestore();
    }

    expect(handled.map((h) => h.metadata.deliveryCount)).toEqual([1, 2]);
    expect(handled[1]?.payload).toEqual({ n: 1 });
    expect(reported).toContainEqual(["Queue callback error:", expect.any(Error)]);
  });
});
