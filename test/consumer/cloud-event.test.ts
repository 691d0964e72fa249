/**
 * Parsing of hand-built callbacks in every form PROTOCOL-vercel-queue-sdk.md §3 describes,
 * and of malformed ones: each malformed one throws a typed 400-kind error, never anything else.
 */
import { describe, expect, it } from "vitest";
import { parseCallbackEvent } from "../../src/consumer/cloud-event.js";
import { isConsumerError } from "../../src/consumer/errors.js";
import { v2Headers } from "./helpers/harness.js";

const encoder = new TextEncoder();
const empty = new Uint8Array(0);

const inlineFields = {
  topic: "orders",
  consumerGroup: "app_Sapi_Squeue_Sroute_Dts",
  messageId: "msg-1",
  receiptHandle: "rh:1/msg-1",
  deliveryCount: "3",
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: "2026-01-02T00:00:00.000Z",
  visibilityDeadline: "2026-01-01T00:05:00.000Z",
  region: "iad1",
  contentType: "application/json",
};

function structured(envelope: unknown): [Record<string, string>, Uint8Array] {
  return [
    { "content-type": "application/cloudevents+json" },
    encoder.encode(typeof envelope === "string" ? envelope : JSON.stringify(envelope)),
  ];
}

function errorOf(headers: Record<string, string> | Headers, body: Uint8Array) {
  try {
    parseCallbackEvent(headers, body);
  } catch (error) {
    if (!isConsumerError(error)) throw error;
    return error;
  }
  throw new Error("expected the callback to be rejected");
}

describe("v2beta binary, inline", () => {
  it("reads every header and keeps the body as the payload", () => {
    const body = encoder.encode('{"orderId":42}');
    const event = parseCallbackEvent(v2Headers(inlineFields), body);

    expect(event).toEqual({
      format: "v2beta",
      mode: "inline",
      topic: "orders",
      consumerGroup: "app_Sapi_Squeue_Sroute_Dts",
      messageId: "msg-1",
      region: "iad1",
      receiptHandle: "rh:1/msg-1",
      deliveryCount: 3,
      createdAt: new Date("2026-01-01T00:00:00.000Z"),
      expiresAt: new Date("2026-01-02T00:00:00.000Z"),
      visibilityDeadline: new Date("2026-01-01T00:05:00.000Z"),
      contentType: "application/json",
      body,
    });
  });

  it("reads web Headers as well as Node header records", () => {
    const event = parseCallbackEvent(new Headers(v2Headers(inlineFields)), empty);
    expect(event.mode === "inline" && event.receiptHandle).toBe("rh:1/msg-1");
  });

  it("falls back like the platform SDK when optional headers are missing or unreadable", () => {
    const before = Date.now();
    const event = parseCallbackEvent(
      v2Headers({
        ...inlineFields,
        deliveryCount: "not-a-number",
        createdAt: undefined,
        expiresAt: "yesterday-ish",
        visibilityDeadline: undefined,
        region: undefined,
        contentType: undefined,
      }),
      empty,
    );

    if (event.mode !== "inline") throw new Error("expected inline");
    expect(event.deliveryCount).toBe(1);
    expect(event.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(event.expiresAt).toBeNull();
    expect(event.visibilityDeadline).toBeNull();
    expect(event.region).toBeNull();
    expect(event.contentType).toBe("application/octet-stream");
  });
});

describe("v2beta binary, metadata only", () => {
  it("without a receipt handle it is a claim, whatever the body", () => {
    const event = parseCallbackEvent(
      v2Headers({ topic: "orders", consumerGroup: "g", messageId: "big-1", region: "sfo1" }),
      empty,
    );

    expect(event).toEqual({
      format: "v2beta",
      mode: "claim",
      topic: "orders",
      consumerGroup: "g",
      messageId: "big-1",
      region: "sfo1",
    });
  });

  it("an empty receipt handle header counts as absent", () => {
    const event = parseCallbackEvent(v2Headers({ ...inlineFields, receiptHandle: "" }), empty);
    expect(event.mode).toBe("claim");
  });
});

describe("v1beta structured", () => {
  it("reads data and ignores the other envelope fields", () => {
    const [headers, body] = structured({
      type: "com.vercel.queue.v1beta",
      source: "/topic/orders/consumer/g",
      id: "0-1",
      datacontenttype: "application/json",
      time: "2026-01-01T00:00:00Z",
      specversion: "1.0",
      data: { queueName: "orders", consumerGroup: "g", messageId: "0-1" },
    });

    expect(parseCallbackEvent(headers, body)).toEqual({
      format: "v1beta",
      mode: "claim",
      topic: "orders",
      consumerGroup: "g",
      messageId: "0-1",
      region: null,
    });
  });

  it("accepts a charset parameter and an optional data.region", () => {
    const body = encoder.encode(
      JSON.stringify({
        type: "com.vercel.queue.v1beta",
        data: { queueName: "q", consumerGroup: "g", messageId: 7, region: "fra1" },
      }),
    );
    const event = parseCallbackEvent(
      { "content-type": "application/cloudevents+json; charset=utf-8" },
      body,
    );
    expect(event).toMatchObject({ messageId: "7", region: "fra1" });
  });
});

describe("malformed callbacks", () => {
  it.each([
    [
      "no ce-type and a plain JSON content type",
      { "content-type": "application/json" },
      "unsupported_content_type",
    ],
    ["no content type at all", {}, "unsupported_content_type"],
    ["text/plain", { "content-type": "text/plain" }, "unsupported_content_type"],
  ])("%s -> 400 unsupported_content_type", (_name, headers, code) => {
    const error = errorOf(headers as Record<string, string>, encoder.encode("{}"));
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
  });

  it("a binary event of another type -> 400 naming the expected type", () => {
    const headers = { ...v2Headers(inlineFields), "ce-type": "com.vercel.queue.v3" };
    const error = errorOf(headers, empty);

    expect(error).toMatchObject({ code: "invalid_callback", status: 400 });
    expect(error.message).toContain("com.vercel.queue.v2beta");
  });

  it("missing required headers -> 400 listing each of them", () => {
    const headers = v2Headers({ topic: "orders", receiptHandle: "rh:1/x" });
    const error = errorOf(headers, empty);

    expect(error).toMatchObject({ code: "invalid_callback", status: 400 });
    expect(error.message).toContain("ce-vqsconsumergroup");
    expect(error.message).toContain("ce-vqsmessageid");
    expect(error.message).not.toContain("ce-vqsqueuename");
  });

  it.each(["IAD1", "iad", "us-east-1", "iad123", "a1"])(
    "bad region %j -> 400 invalid_region",
    (region) => {
      const error = errorOf(v2Headers({ ...inlineFields, region }), empty);
      expect(error).toMatchObject({ code: "invalid_region", status: 400 });
      expect(error.message).toContain(region);
    },
  );

  it("bad region in a v1beta event -> 400 invalid_region", () => {
    const [headers, body] = structured({
      type: "com.vercel.queue.v1beta",
      data: { queueName: "q", consumerGroup: "g", messageId: "m", region: "nowhere" },
    });
    expect(errorOf(headers, body)).toMatchObject({ code: "invalid_region", status: 400 });
  });

  it.each([
    ["bad JSON", "{not json", "not valid JSON"],
    ["empty body", "", "Empty body"],
    ["a JSON array", "[1,2]", "JSON object"],
    ["wrong type", { type: "com.example.other", data: {} }, "com.vercel.queue.v1beta"],
    ["no type", { data: { queueName: "q", consumerGroup: "g", messageId: "m" } }, "v1beta"],
    [
      "data not an object",
      { type: "com.vercel.queue.v1beta", data: "x" },
      '"data" must be an object',
    ],
    [
      "missing data fields",
      { type: "com.vercel.queue.v1beta", data: { queueName: "q", messageId: "" } },
      "consumerGroup, messageId",
    ],
  ])("structured with %s -> 400 invalid_callback", (_name, envelope, fragment) => {
    const [headers, body] = structured(envelope);
    const error = errorOf(headers, body);

    expect(error).toMatchObject({ code: "invalid_callback", status: 400 });
    expect(error.message).toContain(fragment);
  });
});
