/**
 * The web `(Request) => Promise<Response>` handler with malformed and non-callback requests:
 * each gets its documented status and a JSON body naming the problem, and no handler runs.
 */
import { describe, expect, it } from "vitest";
import { createCallbackHandler, parseCallback } from "../../src/consumer/callback-handler.js";
import { createConsumer } from "../../src/consumer/consumer.js";
import { inlineRequest, structuredRequest, v2Headers } from "./helpers/harness.js";

const ROUTE = "http://app.test/api/queue";
const ran: unknown[] = [];
// No client settings: none of these requests may get as far as a Queue Service call.
const consumer = createConsumer({ token: "unused", baseUrl: "http://127.0.0.1:9" });
consumer.subscribe("*", (payload) => {
  ran.push(payload);
});
const handle = createCallbackHandler(consumer, { maxBodyBytes: 1024 });

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
  expect(body.error.length).toBeGreaterThan(20);
  expect(ran).toEqual([]);
  return body;
}

describe("malformed callbacks", () => {
  it("wrong content type -> 400", async () => {
    const request = new Request(ROUTE, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"queueName":"orders"}',
    });
    const body = await expectError(await handle(request), 400, "unsupported_content_type");
    expect(body.error).toContain("application/cloudevents+json");
  });

  it("wrong binary CloudEvent type -> 400", async () => {
    const request = new Request(ROUTE, {
      method: "POST",
      headers: { ...v2Headers(fields), "ce-type": "com.vercel.queue.v1beta" },
      body: "{}",
    });
    await expectError(await handle(request), 400, "invalid_callback");
  });

  it("missing ce-vqs headers -> 400", async () => {
    const request = inlineRequest(ROUTE, { ...fields, messageId: undefined }, "{}");
    const body = await expectError(await handle(request), 400, "invalid_callback");
    expect(body.error).toContain("ce-vqsmessageid");
  });

  it("bad JSON in a structured event -> 400", async () => {
    const request = new Request(ROUTE, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: '{"type": "com.vercel.queue.v1beta", "data": {',
    });
    await expectError(await handle(request), 400, "invalid_callback");
  });

  it("wrong structured type -> 400", async () => {
    const request = structuredRequest(
      ROUTE,
      { queueName: "q", consumerGroup: "g", messageId: "m" },
      { type: "com.vercel.queue.v2beta" },
    );
    await expectError(await handle(request), 400, "invalid_callback");
  });

  it("bad region -> 400 (not 500: a malformed delivery will not get better)", async () => {
    const request = inlineRequest(ROUTE, { ...fields, region: "US-EAST" }, "{}");
    const body = await expectError(await handle(request), 400, "invalid_region");
    expect(body.error).toContain("US-EAST");
  });

  it("oversized body with Content-Length -> 413 before reading it", async () => {
    const request = inlineRequest(ROUTE, fields, JSON.stringify("x".repeat(2000)));
    await expectError(await handle(request), 413, "payload_too_large");
  });

  it("oversized streamed body without Content-Length -> 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(600));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request(ROUTE, {
      method: "POST",
      headers: v2Headers(fields),
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(request.headers.get("content-length")).toBeNull();

    await expectError(await handle(request), 413, "payload_too_large");
  });
});

describe("non-callback requests", () => {
  it("GET answers a JSON health check", async () => {
    const response = await handle(new Request(ROUTE));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("HEAD answers 200 without a body", async () => {
    const response = await handle(new Request(ROUTE, { method: "HEAD" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it.each(["PUT", "DELETE", "PATCH"])("%s -> 405 with Allow", async (method) => {
    const response = await handle(new Request(ROUTE, { method, body: "{}" }));
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
  });
});

describe("options", () => {
  it("rejects a bad maxBodyBytes at creation", () => {
    expect(() => createCallbackHandler(consumer, { maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
  });
});

describe("parseCallback", () => {
  it("reads and parses a Request without handling it", async () => {
    const event = await parseCallback(inlineRequest(ROUTE, fields, '{"a":1}'));

    expect(event).toMatchObject({ mode: "inline", topic: "orders", receiptHandle: "rh:1/m-1" });
    expect(new TextDecoder().decode((event as { body: Uint8Array }).body)).toBe('{"a":1}');
  });

  it("applies the body limit", async () => {
    const request = inlineRequest(ROUTE, fields, "x".repeat(100));
    await expect(parseCallback(request, { maxBodyBytes: 10 })).rejects.toMatchObject({
      code: "payload_too_large",
      status: 413,
    });
  });
});
