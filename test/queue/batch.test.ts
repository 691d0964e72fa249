import { parseMultipartStream } from "mixpart";
import { describe, expect, it } from "vitest";
import { buildBatchBody, parseBatchResults } from "../../src/queue/batch.js";
import { ProtocolError } from "../../src/queue/errors.js";

const context = { operation: "sendBatch", topic: "orders" } as const;

describe("buildBatchBody", () => {
  it("writes one part per message with its headers, readable by a multipart parser", async () => {
    const { contentType, body } = buildBatchBody([
      {
        headers: { "content-type": "application/json", "vqs-idempotency-key": "k" },
        body: "{}",
        idempotent: true,
      },
      {
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array([0, 13, 10]),
        idempotent: false,
      },
    ]);
    expect(contentType).toMatch(/^multipart\/mixed; boundary=vqs-[0-9a-f-]{36}$/);

    const response = new Response(new Uint8Array(body), {
      headers: { "content-type": contentType },
    });
    const parts: { headers: Headers; bytes: Uint8Array }[] = [];
    for await (const part of parseMultipartStream(response)) {
      parts.push({
        headers: part.headers,
        bytes: new Uint8Array(await new Response(part.payload).arrayBuffer()),
      });
    }
    expect(parts).toHaveLength(2);
    expect(parts[0]?.headers.get("Vqs-Idempotency-Key")).toBe("k");
    expect(new TextDecoder().decode(parts[0]?.bytes)).toBe("{}");
    expect(parts[1]?.headers.get("content-type")).toBe("application/octet-stream");
    expect([...(parts[1]?.bytes ?? [])]).toEqual([0, 13, 10]);
  });
});

describe("parseBatchResults", () => {
  it("maps sent, deferred and failed results in order", () => {
    const text = JSON.stringify({
      results: [
        { status: "sent", messageId: "m1" },
        { status: "deferred", messageId: null },
        { status: "failed", statusCode: 400, error: "too big", retryable: false },
      ],
    });
    expect(parseBatchResults(text, 3, context)).toEqual([
      { status: "sent", messageId: "m1" },
      { status: "deferred", messageId: null },
      { status: "failed", statusCode: 400, error: "too big", retryable: false },
    ]);
  });

  it("throws ProtocolError on a count mismatch", () => {
    const text = JSON.stringify({ results: [{ status: "sent", messageId: "m1" }] });
    expect(() => parseBatchResults(text, 2, context)).toThrow(ProtocolError);
    expect(() => parseBatchResults(text, 2, context)).toThrow(/sent 2 messages .* 1 results/);
  });

  it("throws ProtocolError on bodies it cannot read", () => {
    expect(() => parseBatchResults("nope", 1, context)).toThrow(/not JSON/);
    expect(() => parseBatchResults("{}", 1, context)).toThrow(/"results" array/);
    expect(() => parseBatchResults('{"results":[{"status":"sent"}]}', 1, context)).toThrow(
      /result 0 is unreadable/,
    );
  });
});
