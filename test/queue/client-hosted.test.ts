/**
 * QueueClient against a stub of the HOSTED Queue Service, for answers the local Queue Service
 * never gives (202 deferred sends, 503/502 send failures, malformed bodies). Everything the
 * local service can do is tested against it in client.test.ts.
 */

import { afterEach, describe, expect, it } from "vitest";
import { MAX_REGION_CLIENTS, QueueClient } from "../../src/queue/client.js";
import { isQueueError, type QueueError } from "../../src/queue/errors.js";
import {
  multipartBody,
  type StubHandler,
  type StubService,
  startStubService,
} from "./helpers/stub-service.js";

let stub: StubService | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function clientFor(handler: StubHandler) {
  stub = await startStubService(handler);
  return new QueueClient({
    token: "t",
    baseUrl: stub.url,
    deploymentId: null,
    retry: { attempts: 1 },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<QueueError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isQueueError(error)).toBe(true);
  return error as QueueError;
}

describe("send", () => {
  it("returns deferred with a null id on 202, never a made-up id", async () => {
    const client = await clientFor(() => ({ status: 202, body: "" }));
    expect(await client.send("orders", 1)).toEqual({ status: "deferred", messageId: null });
  });

  it("accepts any 2xx with a messageId", async () => {
    const client = await clientFor(() => ({ status: 200, body: '{"messageId":"m7"}' }));
    expect(await client.send("orders", 1)).toEqual({ status: "sent", messageId: "m7" });
  });

  it("throws ProtocolError when a 201 lacks messageId", async () => {
    const client = await clientFor(() => ({ status: 201, body: "{}" }));
    const error = await failureOf(client.send("orders", 1));
    expect(error.code).toBe("protocol_error");
    expect(error.message).toContain("without a messageId");
  });

  it.each([
    [409, {}, "duplicate_idempotency_key"],
    [503, {}, "consumer_registry_not_configured"],
    [502, { "Vqs-Error-Code": "consumer_discovery_failed" }, "consumer_discovery_failed"],
    [500, {}, "internal_server_error"],
    [403, {}, "forbidden"],
  ])("maps HTTP %i on send to %s", async (status, headers, code) => {
    const client = await clientFor(() => ({ status, headers, body: '{"error":"nope"}' }));
    const error = await failureOf(client.send("orders", 1));
    expect(error.code).toBe(code);
    expect(error.message).toContain("nope");
  });
});

describe("sendBatch", () => {
  it("maps deferred and failed results that the local service never produces", async () => {
    const results = [
      { status: "deferred", messageId: null },
      { status: "failed", statusCode: 413, error: "too large", retryable: false },
    ];
    const client = await clientFor(() => ({ status: 200, body: JSON.stringify({ results }) }));
    expect(await client.sendBatch("orders", [{ payload: 1 }, { payload: 2 }])).toEqual(results);
  });

  it("throws ProtocolError on a result count mismatch", async () => {
    const client = await clientFor(() => ({ status: 200, body: '{"results":[]}' }));
    const error = await failureOf(client.sendBatch("orders", [{ payload: 1 }]));
    expect(error.code).toBe("protocol_error");
  });

  it("maps 503 on batch send to ConsumerRegistryNotConfiguredError", async () => {
    const client = await clientFor(() => ({ status: 503 }));
    const error = await failureOf(client.sendBatch("orders", [{ payload: 1 }]));
    expect(error.code).toBe("consumer_registry_not_configured");
  });
});

describe("receive", () => {
  it("throws ProtocolError naming the header when a part lacks Vqs-Receipt-Handle", async () => {
    const body = multipartBody("b", [
      { headers: { "Vqs-Message-Id": "m1", "Vqs-Timestamp": "2026-01-01T00:00:00Z" }, body: "{}" },
    ]);
    const client = await clientFor(() => ({
      status: 200,
      headers: { "content-type": "multipart/mixed; boundary=b" },
      body,
    }));
    const error = await failureOf(client.receive("orders", "billing"));
    expect(error.code).toBe("protocol_error");
    expect(error.message).toContain("Vqs-Receipt-Handle");
  });

  it("throws ProtocolError for a 200 that is not multipart", async () => {
    const client = await clientFor(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html>",
    }));
    const error = await failureOf(client.receive("orders", "billing"));
    expect(error.code).toBe("protocol_error");
  });
});

describe("receiveById", () => {
  it("throws ProtocolError when a 200 carries no message", async () => {
    const client = await clientFor(() => ({
      status: 200,
      headers: { "content-type": "multipart/mixed; boundary=b" },
      body: "--b--\r\n",
    }));
    const error = await failureOf(client.receiveById("orders", "billing", "m1"));
    expect(error.code).toBe("protocol_error");
    expect(error.message).toContain("0 messages instead of exactly one");
  });
});

describe("forRegion", () => {
  function capturingFetch(urls: string[]): typeof fetch {
    return async (input) => {
      urls.push(String(input));
      return new Response('{"messageId":"m"}', { status: 201 });
    };
  }

  it("talks to the other region's host with the same options", async () => {
    const urls: string[] = [];
    const client = new QueueClient({ token: "t", deploymentId: null, fetch: capturingFetch(urls) });
    const other = client.forRegion("fra1");

    await client.send("orders", 1);
    await other.send("orders", 1);
    expect(client.region).toBe("iad1");
    expect(other.region).toBe("fra1");
    expect(urls).toEqual([
      "https://iad1.vercel-queue.com/api/v3/topic/orders",
      "https://fra1.vercel-queue.com/api/v3/topic/orders",
    ]);
  });

  it("keeps an explicit baseUrl, caches per region, returns itself for its own", async () => {
    const urls: string[] = [];
    const client = new QueueClient({
      token: "t",
      baseUrl: "http://127.0.0.1:1",
      fetch: capturingFetch(urls),
    });
    await client.forRegion("fra1").send("orders", 1);
    expect(urls).toEqual(["http://127.0.0.1:1/api/v3/topic/orders"]);
    expect(client.forRegion("iad1")).toBe(client);
    expect(client.forRegion("sfo1")).toBe(client.forRegion("sfo1"));
    expect(() => client.forRegion("Mars")).toThrow(/Invalid region "Mars"/);
  });

  it("caps its region cache, dropping the least recently used region first", () => {
    const client = new QueueClient({ token: "t", fetch: capturingFetch([]) });
    const first = client.forRegion("aa1");
    const kept = client.forRegion("ab1");

    // Header-supplied regions that match the pattern must not grow the cache without bound.
    for (let n = 0; n < MAX_REGION_CLIENTS; n++) {
      expect(client.forRegion("ab1")).toBe(kept);
      client.forRegion(`zz${n}`);
    }

    expect(client.forRegion("ab1")).toBe(kept);
    expect(client.forRegion("aa1")).not.toBe(first);
  });
});
