/**
 * Interoperability: the official `@vercel/queue` client sends to our local Queue Service,
 * which pushes to a node:http server mounting our Node adapter.
 */
import { QueueClient as OfficialClient } from "@vercel/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumer } from "../../src/consumer/consumer.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import type { MessageMetadata } from "../../src/consumer/types.js";
import type { QueueService } from "../../src/dev/index.js";
import { createNodeCallbackHandler } from "../../src/http/node.js";
import {
  clientOptions,
  closeAll,
  startHttpServer,
  startService,
  TOKEN,
  waitFor,
} from "../consumer/helpers/harness.js";

let service: QueueService;
let official: OfficialClient;

beforeAll(async () => {
  service = await startService();
  official = new OfficialClient({
    token: TOKEN,
    deploymentId: null,
    region: "iad1",
    resolveBaseUrl: () => new URL(service.url),
  });
});

afterAll(closeAll);

async function consumerRoute(topic: string) {
  const received: Array<{ payload: unknown; metadata: MessageMetadata }> = [];
  const events: ConsumerEvent[] = [];
  const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
  consumer.subscribe(topic, (payload, metadata) => {
    received.push({ payload, metadata });
  });
  const url = await startHttpServer(createNodeCallbackHandler(consumer));
  service.addSubscription({ topic, consumerGroup: "app_Sapi_Squeue_Sroute_Dts", url });
  return { received, events };
}

describe("@vercel/queue sends, our push handler consumes", () => {
  it("a JSON message arrives with its payload and metadata, and is acknowledged", async () => {
    const { received, events } = await consumerRoute("official-json");

    const { messageId } = await official.send("official-json", { order: 42, items: ["a", "b"] });
    await waitFor(() => events.some((e) => e.type === "message.acknowledged"), "the acknowledge");

    expect(messageId).toBeTypeOf("string");
    expect(received).toHaveLength(1);
    expect(received[0]?.payload).toEqual({ order: 42, items: ["a", "b"] });
    expect(received[0]?.metadata).toMatchObject({
      messageId,
      deliveryCount: 1,
      topic: "official-json",
      consumerGroup: "app_Sapi_Squeue_Sroute_Dts",
      region: "iad1",
      contentType: "application/json",
    });
  });

  it("a batch sent by the official client is consumed message by message, once each", async () => {
    const { received, events } = await consumerRoute("official-batch");

    const results = await official.experimental_sendBatch("official-batch", [
      { payload: { n: 1 } },
      { payload: { n: 2 } },
      { payload: { n: 3 } },
    ]);
    await waitFor(
      () => events.filter((e) => e.type === "message.acknowledged").length === 3,
      "three acknowledges",
    );

    expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect(received.map((r) => (r.payload as { n: number }).n).sort()).toEqual([1, 2, 3]);
  });
});
