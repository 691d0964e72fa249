import { describe, expect, it } from "vitest";
import { CommunicationError, ProtocolError } from "../../src/queue/errors.js";
import { answerFromResponse } from "../../src/queue/exchange.js";
import { readReceivedMessages } from "../../src/queue/receive-response.js";
import type { CallContext } from "../../src/queue/response-errors.js";
import { multipartBody } from "./helpers/stub-service.js";

const context: CallContext = { operation: "receive", topic: "orders", consumerGroup: "billing" };
const boundary = "b-123";

function leaseHeaders(id: string, extra: Record<string, string> = {}) {
  return {
    "Content-Type": "application/json",
    "Vqs-Message-Id": id,
    "Vqs-Receipt-Handle": `rh-${id}`,
    "Vqs-Delivery-Count": "2",
    "Vqs-Timestamp": "2026-01-01T00:00:00.000Z",
    "Vqs-Expires-At": "2026-01-02T00:00:00.000Z",
    ...extra,
  };
}

function response(body: Buffer | string, contentType = `multipart/mixed; boundary=${boundary}`) {
  const init = { status: 200, headers: { "content-type": contentType } };
  return answerFromResponse(new Response(new Uint8Array(Buffer.from(body)), init));
}

function read(res: ReturnType<typeof response>) {
  return readReceivedMessages(res, context, new AbortController().signal);
}

describe("readReceivedMessages", () => {
  it("reads every part: ids, lease, counts, dates, JSON and byte payloads", async () => {
    const body = multipartBody(boundary, [
      { headers: leaseHeaders("m1"), body: '{"n":1}' },
      {
        headers: leaseHeaders("m2", { "Content-Type": "application/octet-stream" }),
        body: Buffer.from([0, 1, 2]),
      },
    ]);
    const messages = await read(response(body));

    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({
      messageId: "m1",
      receiptHandle: "rh-m1",
      deliveryCount: 2,
      createdAt: new Date("2026-01-01T00:00:00.000Z"),
      expiresAt: new Date("2026-01-02T00:00:00.000Z"),
      contentType: "application/json",
      payload: { n: 1 },
      topic: "orders",
      consumerGroup: "billing",
    });
    expect(messages[1]?.payload).toEqual(new Uint8Array([0, 1, 2]));
  });

  it("reads part headers case-insensitively and defaults optional ones", async () => {
    const body = multipartBody(boundary, [
      {
        headers: {
          "content-type": "text/plain",
          "VQS-MESSAGE-ID": "m1",
          "vqs-receipt-handle": "h",
          "vqs-timestamp": "2026-01-01T00:00:00Z",
        },
        body: "hello",
      },
    ]);
    const [message] = await read(response(body));
    expect(message?.messageId).toBe("m1");
    expect(message?.deliveryCount).toBe(1);
    expect(message?.expiresAt).toBeNull();
    expect(new TextDecoder().decode(message?.payload as Uint8Array)).toBe("hello");
  });

  it.each(["Vqs-Message-Id", "Vqs-Receipt-Handle", "Vqs-Timestamp"])(
    "throws ProtocolError naming a missing %s",
    async (name) => {
      const headers: Record<string, string> = leaseHeaders("m1");
      delete headers[name];
      const body = multipartBody(boundary, [{ headers, body: "{}" }]);
      await expect(read(response(body))).rejects.toThrow(ProtocolError);
      await expect(read(response(body))).rejects.toThrow(name);
    },
  );

  it("throws ProtocolError with the message id and handle for bad JSON", async () => {
    const body = multipartBody(boundary, [{ headers: leaseHeaders("m9"), body: "{oops" }]);
    const error = await read(response(body)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).messageId).toBe("m9");
    expect((error as ProtocolError).receiptHandle).toBe("rh-m9");
  });

  it("a payload that does not parse spares the other messages of a receive", async () => {
    const body = multipartBody(boundary, [
      { headers: leaseHeaders("m1"), body: '{"n":1}' },
      { headers: leaseHeaders("m9"), body: "{oops" },
      { headers: leaseHeaders("m2"), body: '{"n":2}' },
    ]);
    const messages = await readReceivedMessages(
      response(body),
      context,
      new AbortController().signal,
      "mark",
    );

    expect(messages.map((m) => m.messageId)).toEqual(["m1", "m9", "m2"]);
    expect(messages[0]?.payload).toEqual({ n: 1 });
    expect(messages[0]?.payloadError).toBeUndefined();
    expect(messages[2]?.payload).toEqual({ n: 2 });
    const poison = messages[1];
    expect(poison?.payloadError).toBeInstanceOf(ProtocolError);
    expect(poison?.payloadError?.receiptHandle).toBe("rh-m9");
    expect(new TextDecoder().decode(poison?.payload as Uint8Array)).toBe("{oops");
  });

  it("throws ProtocolError for unreadable dates and counts", async () => {
    const badDate = multipartBody(boundary, [
      { headers: leaseHeaders("m1", { "Vqs-Timestamp": "yesterday" }), body: "{}" },
    ]);
    await expect(read(response(badDate))).rejects.toThrow(/Vqs-Timestamp/);
    const badCount = multipartBody(boundary, [
      { headers: leaseHeaders("m1", { "Vqs-Delivery-Count": "two" }), body: "{}" },
    ]);
    await expect(read(response(badCount))).rejects.toThrow(/Vqs-Delivery-Count/);
  });

  it("throws ProtocolError for a non-multipart body and for a truncated one", async () => {
    await expect(read(response("{}", "application/json"))).rejects.toThrow(
      /instead of multipart\/mixed/,
    );
    const whole = multipartBody(boundary, [{ headers: leaseHeaders("m1"), body: "{}" }]);
    const truncated = whole.subarray(0, whole.length - 10);
    await expect(read(response(truncated))).rejects.toThrow(ProtocolError);
    await expect(read(response("garbage"))).rejects.toThrow(/malformed multipart/);
  });

  it("reports a timeout that cut the body short as a CommunicationError", async () => {
    const controller = new AbortController();
    controller.abort(new DOMException("timed out", "TimeoutError"));
    const body = multipartBody(boundary, [{ headers: leaseHeaders("m1"), body: "{}" }]);
    await expect(readReceivedMessages(response(body), context, controller.signal)).rejects.toThrow(
      CommunicationError,
    );
  });
});
