/**
 * The Node `(req, res)` adapter over real HTTP: pushes from the local Queue Service, malformed
 * requests, body limits, and bodies that a framework's parser already read.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumer } from "../../src/consumer/consumer.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import type { QueueService } from "../../src/dev/index.js";
import {
  createNodeCallbackHandler,
  type NodeCallbackHandler,
  type NodeCallbackRequest,
} from "../../src/http/node.js";
import type { QueueClient } from "../../src/queue/index.js";
import {
  clientOf,
  clientOptions,
  closeAll,
  sendOne,
  startHttpServer,
  startService,
  v2Headers,
  waitFor,
} from "../consumer/helpers/harness.js";

let service: QueueService;
let client: QueueClient;

beforeAll(async () => {
  // A small inline threshold, so that larger messages arrive metadata-only.
  service = await startService({ inlineThresholdBytes: 64 });
  client = clientOf(service);
});

afterAll(closeAll);

let topicSeq = 0;
function freshTopic(): string {
  topicSeq++;
  return `node-${topicSeq}`;
}

function recordingConsumer() {
  const payloads: unknown[] = [];
  const events: ConsumerEvent[] = [];
  const consumer = createConsumer({
    ...clientOptions(service),
    onEvent: (event) => events.push(event),
  });
  consumer.subscribe("node-*", (payload) => {
    payloads.push(payload);
  });
  return { consumer, payloads, events };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stand-in for a framework body parser that leaves `transform(raw)` in req.body. */
function withParsedBody(
  handler: NodeCallbackHandler,
  transform: (raw: Buffer, req: IncomingMessage) => unknown,
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readAll(req);
    (req as NodeCallbackRequest).body = transform(raw, req);
    await handler(req, res, () => {
      throw new Error("next() must not be called");
    });
  };
}

describe("pushes from the local Queue Service", () => {
  it("an inline push is handled and acknowledged", async () => {
    const topic = freshTopic();
    const { consumer, payloads, events } = recordingConsumer();
    const url = await startHttpServer(createNodeCallbackHandler(consumer));
    service.addSubscription({ topic, consumerGroup: "route", url });

    await sendOne(client, topic, { small: 1 });
    await waitFor(() => events.some((e) => e.type === "message.acknowledged"), "the acknowledge");

    expect(payloads).toEqual([{ small: 1 }]);
  });

  it("a metadata-only push (payload above the inline threshold) is claimed by id", async () => {
    const topic = freshTopic();
    const { consumer, payloads, events } = recordingConsumer();
    const url = await startHttpServer(createNodeCallbackHandler(consumer));
    service.addSubscription({ topic, consumerGroup: "route", url });
    const big = { text: "y".repeat(500) };

    await sendOne(client, topic, big);
    await waitFor(() => events.some((e) => e.type === "message.acknowledged"), "the acknowledge");

    expect(payloads).toEqual([big]);
  });

  it.each([
    ["a Buffer", (raw: Buffer) => raw],
    ["a string", (raw: Buffer) => raw.toString("utf8")],
    ["parsed JSON (re-serialised)", (raw: Buffer) => JSON.parse(raw.toString("utf8"))],
  ])("a body a parser already read as %s still works", async (_name, transform) => {
    const topic = freshTopic();
    const { consumer, payloads, events } = recordingConsumer();
    const url = await startHttpServer(
      withParsedBody(createNodeCallbackHandler(consumer), transform),
    );
    service.addSubscription({ topic, consumerGroup: "route", url });

    await sendOne(client, topic, { parsed: ["a", 1, null] });
    await waitFor(() => events.some((e) => e.type === "message.acknowledged"), "the acknowledge");

    expect(payloads).toEqual([{ parsed: ["a", 1, null] }]);
  });
});

describe("requests that cannot be handled get a JSON answer", () => {
  let url: string;
  const ran: unknown[] = [];

  beforeAll(async () => {
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe("*", (payload) => {
      ran.push(payload);
    });
    const handler = createNodeCallbackHandler(consumer, { maxBodyBytes: 1024 });
    url = await startHttpServer(async (req, res) => {
      if (req.url === "/consumed") {
        await readAll(req);
        await handler(req, res);
        return;
      }
      if (req.url === "/form") {
        const raw = await readAll(req);
        (req as NodeCallbackRequest).body = Object.fromEntries(new URLSearchParams(raw.toString()));
        await handler(req, res);
        return;
      }
      await handler(req, res);
    });
  });

  const fields = {
    topic: "orders",
    consumerGroup: "g",
    messageId: "m-1",
    receiptHandle: "rh:1/m-1",
    contentType: "application/json",
  };

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe(code);
    expect(body.error).toBeTypeOf("string");
    expect(ran).toEqual([]);
    return body;
  }

  it.each([
    [
      "wrong content type",
      { "content-type": "text/plain" },
      "hello",
      400,
      "unsupported_content_type",
    ],
    [
      "bad JSON",
      { "content-type": "application/cloudevents+json" },
      "{oops",
      400,
      "invalid_callback",
    ],
    [
      "wrong type",
      { "content-type": "application/cloudevents+json" },
      JSON.stringify({ type: "x", data: {} }),
      400,
      "invalid_callback",
    ],
    ["missing headers", v2Headers({ topic: "orders" }), "{}", 400, "invalid_callback"],
    ["bad region", v2Headers({ ...fields, region: "EU" }), "{}", 400, "invalid_region"],
    ["oversized body", v2Headers(fields), "x".repeat(5000), 413, "payload_too_large"],
  ])("%s -> %i", async (_name, headers, body, status, code) => {
    const response = await fetch(url, { method: "POST", headers, body });
    await expectError(response, status, code);
  });

  it("an oversized chunked body (no Content-Length) -> 413", async () => {
    const chunk = new TextEncoder().encode("z".repeat(700));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(url, {
      method: "POST",
      headers: v2Headers(fields),
      body: stream,
      duplex: "half",
    } as RequestInit);

    await expectError(response, 413, "payload_too_large");
  });

  it("a stream already read with nothing left in req.body -> 500 naming the fix", async () => {
    const response = await fetch(`${url}/consumed`, {
      method: "POST",
      headers: v2Headers(fields),
      body: "{}",
    });
    const body = await expectError(response, 500, "raw_body_required");
    expect(body.error).toContain("express.raw");
  });

  it("a parsed non-JSON body -> 500 raw_body_required", async () => {
    const response = await fetch(`${url}/form`, {
      method: "POST",
      headers: v2Headers({ ...fields, contentType: "application/x-www-form-urlencoded" }),
      body: "a=1",
    });
    await expectError(response, 500, "raw_body_required");
  });

  it("GET answers a health check, HEAD an empty 200, PUT a 405", async () => {
    const get = await fetch(url);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ status: "ok" });

    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);

    const put = await fetch(url, { method: "PUT", body: "{}" });
    await expectError(put, 405, "method_not_allowed");
    expect(put.headers.get("allow")).toBe("GET, HEAD, POST");
  });
});
