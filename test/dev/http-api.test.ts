/**
 * Every endpoint of the Queue Service API v3 over raw HTTP, and every 4xx it documents. The
 * service is the real one on 127.0.0.1, port 0.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { QueueService } from "../../src/dev/index.js";
import {
  ack,
  api,
  closeAll,
  leasePath,
  patchVisibility,
  readParts,
  receive,
  send,
  startService,
  TOKEN,
} from "./helpers.js";

afterEach(closeAll);

async function expectError(res: Response, status: number, pattern: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await res.json()) as { error: string };
  expect(body.error).toMatch(pattern);
  return body;
}

async function receiveOne(service: QueueService, topic: string, group: string, vis = "60") {
  const parts = await receive(service, topic, group, { "vqs-visibility-timeout-seconds": vis });
  const part = parts[0];
  if (part === undefined) throw new Error("expected one message");
  return { part, handle: part.headers.get("vqs-receipt-handle") as string };
}

describe("send", () => {
  it("answers 201 with the message id in the body and in Vqs-Message-Id", async () => {
    const service = await startService();
    const res = await api(service, "orders", {
      method: "POST",
      body: '{"a":1}',
      headers: { "content-type": "application/json" },
    });

    expect(res.status).toBe(201);
    const { messageId } = (await res.json()) as { messageId: string };
    expect(messageId).toEqual(expect.any(String));
    expect(res.headers.get("vqs-message-id")).toBe(messageId);
  });

  it("keeps the payload bytes and content type exactly", async () => {
    const service = await startService();
    const bytes = new Uint8Array([0, 1, 2, 255, 13, 10, 45, 45]);
    await send(service, "bin", bytes, { contentType: "application/octet-stream" });

    const [part] = await receive(service, "bin", "g");
    const res = await api(service, "bin/consumer/g2", {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    const { parseMultipartStream } = await import("mixpart");
    let raw: Uint8Array | undefined;
    for await (const p of parseMultipartStream(res)) {
      raw = new Uint8Array(await new Response(p.payload).arrayBuffer());
    }

    expect(part?.headers.get("content-type")).toBe("application/octet-stream");
    expect([...(raw ?? [])]).toEqual([...bytes]);
  });

  it.each([
    ["Vqs-Retention-Seconds", "59", /Vqs-Retention-Seconds must be from 60 to 604800/],
    ["Vqs-Retention-Seconds", "604801", /Vqs-Retention-Seconds/],
    ["Vqs-Retention-Seconds", "1.5", /whole number/],
    ["Vqs-Retention-Seconds", "abc", /whole number/],
    ["Vqs-Delay-Seconds", "-1", /Vqs-Delay-Seconds must be a whole number/],
    ["Vqs-Delay-Seconds", "604801", /Vqs-Delay-Seconds/],
    ["Vqs-Idempotency-Key", "k".repeat(257), /limit is 256/],
    ["Vqs-Deployment-Id", "dpl bad", /Vqs-Deployment-Id/],
  ])("answers 400 for %s: %s", async (name, value, pattern) => {
    const service = await startService();
    const res = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { [name]: value },
    });
    await expectError(res, 400, pattern);
  });

  it("answers 400 when the delay exceeds the retention", async () => {
    const service = await startService();
    const res = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { "vqs-retention-seconds": "60", "vqs-delay-seconds": "61" },
    });
    await expectError(res, 400, /cannot exceed the retention/);
  });

  it("answers 400 for a topic name outside [A-Za-z0-9_-]", async () => {
    const service = await startService();
    const res = await api(service, encodeURIComponent("bad.topic"), { method: "POST", body: "{}" });
    await expectError(res, 400, /Invalid topic name "bad.topic"/);
  });

  it("answers 413 for a payload over the limit and keeps serving", async () => {
    const service = await startService({ maxPayloadBytes: 1024 });
    const res = await api(service, "big", { method: "POST", body: "x".repeat(2000) });

    const body = await expectError(res, 413, /larger than the limit of 1024 bytes/);
    expect(body).toMatchObject({ limitBytes: 1024 });
    expect(await send(service, "big", "x".repeat(1024))).toEqual(expect.any(String));
  });

  it("accepts a deployment id header", async () => {
    const service = await startService();
    const id = await send(service, "orders", "{}", { headers: { "vqs-deployment-id": "dpl_1" } });
    expect(id).toEqual(expect.any(String));
  });

  it("serves the API under any path prefix", async () => {
    const service = await startService();
    const res = await fetch(`${service.url}/proxy/queues/iad1/api/v3/topic/prefixed`, {
      method: "POST",
      body: "{}",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(201);
    expect(await receive(service, "prefixed", "g")).toHaveLength(1);
  });
});

describe("authentication", () => {
  it("answers 401 without an Authorization header", async () => {
    const service = await startService();
    const res = await fetch(`${service.url}/api/v3/topic/orders`, { method: "POST", body: "{}" });
    await expectError(res, 401, /Missing Authorization header/);
  });

  it("answers 401 for a non-bearer Authorization header", async () => {
    const service = await startService();
    const res = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { authorization: "Basic abc" },
    });
    await expectError(res, 401, /Bearer <token>/);
  });

  it("accepts any bearer token when none is configured", async () => {
    const service = await startService();
    const res = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer whatever" },
    });
    expect(res.status).toBe(201);
  });

  it("requires the configured token", async () => {
    const service = await startService({ token: "s3cret" });
    const wrong = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer other" },
    });
    const right = await api(service, "orders", {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer s3cret" },
    });

    await expectError(wrong, 401, /not the one the local Queue Service was started with/);
    expect(right.status).toBe(201);
  });
});

describe("routes", () => {
  it("answers 404 JSON for unknown routes", async () => {
    const service = await startService();
    await expectError(await fetch(`${service.url}/nothing/here`), 404, /No such route/);
    await expectError(await api(service, "", { method: "POST" }), 404, /No such route/);
    await expectError(
      await api(service, "t/consumer/g/unknown", { method: "POST" }),
      404,
      /No such route/,
    );
  });

  it("answers 405 JSON with Allow for a wrong method", async () => {
    const service = await startService();
    const res = await api(service, "orders", { method: "GET" });
    await expectError(res, 405, /Method GET is not allowed here; use POST/);
    expect(res.headers.get("allow")).toBe("POST");

    const lease = await api(service, leasePath("t", "g", "rh:1/x"), { method: "POST" });
    await expectError(lease, 405, /use DELETE or PATCH/);
  });

  it("answers 404 when a receipt handle is not percent-encoded", async () => {
    const service = await startService();
    await send(service, "raw", "{}");
    const { handle } = await receiveOne(service, "raw", "g");

    const res = await api(service, `raw/consumer/g/lease/${handle}`, { method: "DELETE" });
    await expectError(res, 404, /No such route/);
    expect(handle).toMatch(/[:/]/);
  });
});

describe("batch send", () => {
  function multipart(parts: Array<{ headers: Record<string, string>; body: string }>) {
    const boundary = "b-test-1";
    let text = "";
    for (const part of parts) {
      text += `--${boundary}\r\n`;
      for (const [name, value] of Object.entries(part.headers)) text += `${name}: ${value}\r\n`;
      text += `\r\n${part.body}\r\n`;
    }
    text += `--${boundary}--\r\n`;
    return { body: text, contentType: `multipart/mixed; boundary=${boundary}` };
  }

  it("stores every part and answers one result per part, in order", async () => {
    const service = await startService();
    const { body, contentType } = multipart([
      { headers: { "content-type": "application/json" }, body: '{"n":1}' },
      { headers: { "content-type": "text/plain", "vqs-retention-seconds": "5" }, body: "bad" },
      { headers: { "content-type": "text/plain" }, body: "three" },
    ]);
    const res = await api(service, "batched/batch", {
      method: "POST",
      body,
      headers: { "content-type": contentType },
    });

    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<Record<string, unknown>> };
    expect(results).toEqual([
      { status: "sent", messageId: expect.any(String) },
      {
        status: "failed",
        statusCode: 400,
        error: expect.stringMatching(/Vqs-Retention-Seconds/),
        retryable: false,
      },
      { status: "sent", messageId: expect.any(String) },
    ]);
    const parts = await receive(service, "batched", "g", { "vqs-max-messages": "10" });
    expect(parts.map((p) => [p.headers.get("content-type"), p.body])).toEqual([
      ["application/json", '{"n":1}'],
      ["text/plain", "three"],
    ]);
  });

  it("answers 400 for a body that is not multipart/mixed", async () => {
    const service = await startService();
    const res = await api(service, "t/batch", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    await expectError(res, 400, /multipart\/mixed/);
  });

  it("answers 400 for malformed multipart", async () => {
    const service = await startService();
    const res = await api(service, "t/batch", {
      method: "POST",
      body: "no boundary in here",
      headers: { "content-type": "multipart/mixed; boundary=zzz" },
    });
    await expectError(res, 400, /multipart batch body is malformed/);
  });

  it("answers 400 for more than 100 messages", async () => {
    const service = await startService();
    const many = Array.from({ length: 101 }, (_, i) => ({
      headers: { "content-type": "text/plain" },
      body: `${i}`,
    }));
    const { body, contentType } = multipart(many);
    const res = await api(service, "t/batch", {
      method: "POST",
      body,
      headers: { "content-type": contentType },
    });
    await expectError(res, 400, /1 to 100 messages; this one holds 101/);
  });
});

describe("receive", () => {
  it("answers 204 with no body when nothing is visible", async () => {
    const service = await startService();
    const res = await api(service, "empty/consumer/g", {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  it("answers multipart/mixed with every lease header per part", async () => {
    const service = await startService();
    const ids = [await send(service, "r", '"a"'), await send(service, "r", '"b"')];
    await send(service, "r", '"c"');

    const res = await api(service, "r/consumer/g", {
      method: "POST",
      headers: { accept: "multipart/mixed", "vqs-max-messages": "2" },
    });
    expect(res.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=/);
    const parts = await readParts(res);

    expect(parts.map((p) => p.headers.get("vqs-message-id"))).toEqual(ids);
    for (const part of parts) {
      expect(part.headers.get("content-type")).toBe("application/json");
      expect(part.headers.get("vqs-receipt-handle")).toMatch(/^rh:\d+\/.+/);
      expect(part.headers.get("vqs-delivery-count")).toBe("1");
      expect(new Date(part.headers.get("vqs-timestamp") as string).getTime()).not.toBeNaN();
      const expires = new Date(part.headers.get("vqs-expires-at") as string).getTime();
      const created = new Date(part.headers.get("vqs-timestamp") as string).getTime();
      expect(expires - created).toBe(86_400_000);
    }
    expect(parts.map((p) => p.body)).toEqual(['"a"', '"b"']);
  });

  it.each([
    [{}, /Accept header required/],
    [{ accept: "*/*" }, /Accept header required/],
    [{ accept: "multipart/mixed", "vqs-max-messages": "0" }, /Vqs-Max-Messages must be from 1/],
    [{ accept: "multipart/mixed", "vqs-max-messages": "11" }, /Vqs-Max-Messages/],
    [{ accept: "multipart/mixed", "vqs-max-messages": "two" }, /Vqs-Max-Messages/],
    [
      { accept: "multipart/mixed", "vqs-visibility-timeout-seconds": "3601" },
      /Vqs-Visibility-Timeout-Seconds must be from 0 to 3600/,
    ],
    [{ accept: "multipart/mixed", "vqs-cursor-fallback": "middle" }, /Vqs-Cursor-Fallback/],
  ])("answers 400 for headers %j", async (headers, pattern) => {
    const service = await startService();
    const res = await api(service, "t/consumer/g", { method: "POST", headers });
    await expectError(res, 400, pattern);
  });

  it("answers 400 for a consumer group name outside [A-Za-z0-9_-]", async () => {
    const service = await startService();
    const res = await api(service, "t/consumer/bad%20group", {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
    await expectError(res, 400, /Invalid consumer group name "bad group"/);
  });
});

describe("receive by id", () => {
  function claim(service: QueueService, topic: string, group: string, id: string) {
    return api(service, `${topic}/consumer/${group}/id/${encodeURIComponent(id)}`, {
      method: "POST",
      headers: { accept: "multipart/mixed" },
    });
  }

  it("leases the message and answers one part", async () => {
    const service = await startService();
    const id = await send(service, "c", '{"x":1}');

    const res = await claim(service, "c", "g", id);
    const parts = await readParts(res);

    expect(res.status).toBe(200);
    expect(parts).toHaveLength(1);
    expect(parts[0]?.headers.get("vqs-message-id")).toBe(id);
    expect(parts[0]?.body).toBe('{"x":1}');
    expect(await receive(service, "c", "g")).toEqual([]);
  });

  it("answers 404 for an unknown id", async () => {
    const service = await startService();
    await expectError(await claim(service, "c", "g", "missing-1"), 404, /not found/);
  });

  it("answers 409 with Retry-After while another consumer holds the lease", async () => {
    const service = await startService();
    const id = await send(service, "c", "{}");
    await receiveOne(service, "c", "g", "120");

    const res = await claim(service, "c", "g", id);
    await expectError(res, 409, /locked by another consumer/);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(100);
  });

  it("answers 410 once the group acknowledged the message", async () => {
    const service = await startService();
    const id = await send(service, "c", "{}");
    const { handle } = await receiveOne(service, "c", "g");
    expect((await ack(service, "c", "g", handle)).status).toBe(204);

    await expectError(await claim(service, "c", "g", id), 410, /already acknowledged/);
    expect((await claim(service, "c", "other-group", id)).status).toBe(200);
  });

  it("answers 409 with Retry-After for a delayed message", async () => {
    const service = await startService();
    const id = await send(service, "c", "{}", { headers: { "vqs-delay-seconds": "30" } });

    const res = await claim(service, "c", "g", id);
    await expectError(res, 409, /delayed/);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(29);
  });

  it("answers 409 with originalMessageId for a duplicate's own id", async () => {
    const service = await startService({ duplicateMessageIds: "new" });
    const headers = { "vqs-idempotency-key": "same" };
    const first = await send(service, "c", "{}", { headers });
    const duplicate = await send(service, "c", "{}", { headers });

    expect(duplicate).not.toBe(first);
    const body = await expectError(await claim(service, "c", "g", duplicate), 409, /duplicate/);
    expect(body).toMatchObject({ originalMessageId: first });
  });
});

describe("acknowledge", () => {
  it("answers 204, then 409 for the same handle", async () => {
    const service = await startService();
    await send(service, "a", "{}");
    const { handle } = await receiveOne(service, "a", "g");

    const first = await ack(service, "a", "g", handle);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    await expectError(await ack(service, "a", "g", handle), 409, /already acknowledged/);
  });

  it("answers 404 for a handle it never issued", async () => {
    const service = await startService();
    await send(service, "a", "{}");
    await receiveOne(service, "a", "g");

    await expectError(await ack(service, "a", "g", "garbage"), 404, /not found/);
    await expectError(await ack(service, "a", "g", "rh:999/nope"), 404, /not found/);
    const { handle } = await receiveOne(service, "a", "h");
    await expectError(await ack(service, "a", "other", handle), 404, /not found/);
  });
});

describe("change visibility", () => {
  it("answers 200 {success:true} and keeps the message hidden", async () => {
    const service = await startService();
    await send(service, "v", "{}");
    const { handle } = await receiveOne(service, "v", "g", "1");

    const res = await patchVisibility(service, "v", "g", handle, 600);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect((await ack(service, "v", "g", handle)).status).toBe(204);
  });

  it("gives the message back at once with 0, delivered again with count 2", async () => {
    const service = await startService();
    await send(service, "v", "{}");
    const { handle } = await receiveOne(service, "v", "g");

    expect((await patchVisibility(service, "v", "g", handle, 0)).status).toBe(200);
    const again = await receiveOne(service, "v", "g");

    expect(again.part.headers.get("vqs-delivery-count")).toBe("2");
    expect(again.handle).not.toBe(handle);
  });

  it("accepts the /visibility alias", async () => {
    const service = await startService();
    await send(service, "v", "{}");
    const { handle } = await receiveOne(service, "v", "g");

    const res = await api(service, `${leasePath("v", "g", handle)}/visibility`, {
      method: "PATCH",
      body: JSON.stringify({ visibilityTimeoutSeconds: 30 }),
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ["not json", /not valid JSON/],
    ["", /not valid JSON/],
    ["null", /visibilityTimeoutSeconds - must be a non-negative integer/],
    ['{"visibilityTimeoutSeconds": 1.5}', /non-negative integer/],
    ['{"visibilityTimeoutSeconds": "10"}', /non-negative integer/],
    ['{"visibilityTimeoutSeconds": -1}', /non-negative integer/],
    ['{"visibilityTimeoutSeconds": 3601}', /at most 3600/],
    ['{"other": 1}', /non-negative integer/],
  ])("answers 400 for body %j", async (body, pattern) => {
    const service = await startService();
    await send(service, "v", "{}");
    const { handle } = await receiveOne(service, "v", "g");

    const res = await api(service, leasePath("v", "g", handle), { method: "PATCH", body });
    await expectError(res, 400, pattern);
  });

  it("answers 400 when the lease would outlive the message", async () => {
    const service = await startService();
    await send(service, "v", "{}", { headers: { "vqs-retention-seconds": "60" } });
    const { handle } = await receiveOne(service, "v", "g");

    const res = await patchVisibility(service, "v", "g", handle, 120);
    const body = await expectError(
      res,
      400,
      /^Visibility timeout cannot extend beyond message expiration$/,
    );
    expect(body).toMatchObject({
      messageExpiresAt: expect.any(String),
      requestedExpiresAt: expect.any(String),
    });
  });

  it("answers 404 for an unknown handle and 409 after an ack", async () => {
    const service = await startService();
    await send(service, "v", "{}");
    const { handle } = await receiveOne(service, "v", "g");

    await expectError(await patchVisibility(service, "v", "g", "rh:5/zz", 10), 404, /not found/);
    await ack(service, "v", "g", handle);
    await expectError(await patchVisibility(service, "v", "g", handle, 10), 409, /in-flight/);
  });
});

describe("stats", () => {
  it("answers GET /_stats with counts and memory, without auth", async () => {
    const service = await startService();
    await send(service, "s", "{}");
    await send(service, "s", "{}", { headers: { "vqs-delay-seconds": "60" } });
    await receiveOne(service, "s", "g");

    const res = await fetch(`${service.url}/_stats`);
    const stats = (await res.json()) as Record<string, unknown>;

    expect(res.status).toBe(200);
    expect(stats).toMatchObject({ topics: 1, messages: 2, delayed: 1, leased: 1 });
    expect((stats.memory as { rss: number }).rss).toBeGreaterThan(0);
    expect(service.stats()).toMatchObject({ messages: 2, url: service.url });
    await expectError(await fetch(`${service.url}/_stats`, { method: "POST" }), 405, /GET/);
  });
});
