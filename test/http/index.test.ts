/**
 * The web-standard handler of `vercel-workers/http`, mounted the way Hono's Node server or any
 * fetch-style runtime does (IncomingMessage -> Request -> Response), fed by real pushes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumer } from "../../src/consumer/consumer.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import * as consumerLayer from "../../src/consumer/index.js";
import type { QueueService } from "../../src/dev/index.js";
import { createCallbackHandler, type FetchHandler } from "../../src/http/index.js";
import type { QueueClient } from "../../src/queue/index.js";
import {
  clientOf,
  clientOptions,
  closeAll,
  sendOne,
  startHttpServer,
  startService,
  waitFor,
} from "../consumer/helpers/harness.js";

let service: QueueService;
let client: QueueClient;

beforeAll(async () => {
  service = await startService({ inlineThresholdBytes: 64 });
  client = clientOf(service);
});

afterAll(closeAll);

/** What a fetch-style server adapter does: IncomingMessage -> Request -> Response. */
function mount(handler: FetchHandler) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      duplex: "half",
    } as RequestInit);

    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

describe("createCallbackHandler behind a fetch-style server", () => {
  it.each([
    ["inline", { n: 1 }],
    ["metadata-only", { text: "w".repeat(300) }],
  ])("handles a real %s push", async (_name, payload) => {
    const topic = `web-${_name}`;
    const payloads: unknown[] = [];
    const events: ConsumerEvent[] = [];
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(topic, (p) => {
      payloads.push(p);
    });
    const url = await startHttpServer(mount(createCallbackHandler(consumer)));
    service.addSubscription({ topic, consumerGroup: "route", url });

    await sendOne(client, topic, payload);
    await waitFor(() => events.some((e) => e.type === "message.acknowledged"), "the acknowledge");

    expect(payloads).toEqual([payload]);
  });

  it("is the same function the root entry exports", () => {
    expect(createCallbackHandler).toBe(consumerLayer.createCallbackHandler);
  });
});
