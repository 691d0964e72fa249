import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueClient } from "../../src/queue/client.js";
import { dispatcherFetch } from "../../src/queue/dispatcher-fetch.js";
import { isQueueError, type QueueError } from "../../src/queue/errors.js";
import type { QueueClientOptions } from "../../src/queue/types.js";
import { VERSION } from "../../src/queue/version.js";
import { type StubHandler, type StubService, startStubService } from "./helpers/stub-service.js";

let stub: StubService | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await stub?.close();
  stub = undefined;
});

const sent = () => ({ status: 201, body: JSON.stringify({ messageId: "m1" }) });
const fastRetry = { attempts: 3, minDelayMs: 1, maxDelayMs: 5 };

let fetchImpl: typeof fetch | undefined;

async function clientFor(handler: StubHandler, options: QueueClientOptions = {}) {
  stub = await startStubService(handler);
  return new QueueClient({
    token: "secret",
    baseUrl: stub.url,
    deploymentId: null,
    fetch: fetchImpl,
    ...options,
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

describe.each([
  ["global fetch", undefined],
  ["dispatcherFetch", dispatcherFetch],
] as const)("over %s", (_name, impl) => {
  beforeEach(() => {
    fetchImpl = impl;
  });

  describe("headers on every request", () => {
    it("sends auth, user agent, client timestamp, custom headers and the deployment", async () => {
      const client = await clientFor(sent, {
        deploymentId: "dpl_1",
        headers: { "X-Team": "core", "User-Agent": "custom-agent" },
      });
      const before = Date.now();
      await client.send("orders", { a: 1 });
      const { headers, url, method } = stub?.requests[0] ?? ({} as never);

      expect(method).toBe("POST");
      expect(url).toBe("/api/v3/topic/orders");
      expect(headers.authorization).toBe("Bearer secret");
      expect(headers["user-agent"]).toBe("custom-agent");
      expect(headers["x-team"]).toBe("core");
      expect(headers["vqs-deployment-id"]).toBe("dpl_1");
      expect(Date.parse(String(headers["vqs-client-ts"]))).toBeGreaterThanOrEqual(before - 1000);
    });

    it("uses vercel-workers/<version> as User-Agent by default", async () => {
      const client = await clientFor(sent);
      await client.send("orders", 1);
      expect(stub?.requests[0]?.headers["user-agent"]).toBe(`vercel-workers/${VERSION}`);
    });

    it("never lets custom headers override Authorization, Content-Type or Vqs-*", async () => {
      const client = await clientFor(sent, {
        headers: {
          authorization: "Bearer evil",
          "CONTENT-TYPE": "text/evil",
          "Vqs-Delay-Seconds": "9",
        },
      });
      await client.send("orders", 1, { headers: { "vqs-idempotency-key": "evil" } });
      const headers = stub?.requests[0]?.headers ?? {};

      expect(headers.authorization).toBe("Bearer secret");
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["vqs-delay-seconds"]).toBeUndefined();
      expect(headers["vqs-idempotency-key"]).toBeUndefined();
    });

    it("sends no Vqs-Deployment-Id for null despite VERCEL_DEPLOYMENT_ID", async () => {
      vi.stubEnv("VERCEL_DEPLOYMENT_ID", "dpl_env");
      const client = await clientFor(sent, { deploymentId: null });
      await client.send("orders", 1);
      expect(stub?.requests[0]?.headers["vqs-deployment-id"]).toBeUndefined();
    });

    it("pins to VERCEL_DEPLOYMENT_ID when deploymentId is absent", async () => {
      vi.stubEnv("VERCEL_DEPLOYMENT_ID", "dpl_env");
      stub = await startStubService(sent);
      const client = new QueueClient({ token: "t", baseUrl: stub.url, fetch: fetchImpl });
      await client.send("orders", 1);
      expect(stub.requests[0]?.headers["vqs-deployment-id"]).toBe("dpl_env");
    });

    it("encodes path segments (message ids, receipt handles)", async () => {
      const client = await clientFor(() => ({ status: 204 }));
      await client.acknowledge("orders", "billing", "rh/2 :x");
      expect(stub?.requests[0]?.url).toBe(
        "/api/v3/topic/orders/consumer/billing/lease/rh%2F2%20%3Ax",
      );
    });

    it("honours baseUrl path prefixes and basePath", async () => {
      stub = await startStubService(sent);
      const client = new QueueClient({
        token: "t",
        baseUrl: `${stub.url}/_svc/_queues/`,
        basePath: "v9/topics",
        deploymentId: null,
        fetch: fetchImpl,
      });
      await client.send("orders", 1);
      expect(stub.requests[0]?.url).toBe("/_svc/_queues/v9/topics/orders");
    });
  });

  describe("token", () => {
    it("is looked up at the first call, so a client can be built before it exists", async () => {
      vi.stubEnv("VERCEL_QUEUE_TOKEN", "");
      vi.stubEnv("VERCEL_OIDC_TOKEN", "");
      stub = await startStubService(sent);
      const client = new QueueClient({ baseUrl: stub.url, deploymentId: null, fetch: fetchImpl });

      const missing = await failureOf(client.send("orders", 1));
      expect(missing.code).toBe("missing_token");
      expect(missing.message).toContain("VERCEL_QUEUE_TOKEN");
      expect(stub.requests).toHaveLength(0);

      vi.stubEnv("VERCEL_OIDC_TOKEN", "late-oidc");
      await client.send("orders", 1);
      expect(stub.requests[0]?.headers.authorization).toBe("Bearer late-oidc");
    });
  });

  describe("retries", () => {
    it("retries an idempotent call after 5xx, then succeeds", async () => {
      const client = await clientFor((_, i) => (i < 2 ? { status: 503 } : { status: 204 }), {
        retry: fastRetry,
      });
      await client.acknowledge("orders", "billing", "rh");
      expect(stub?.requests).toHaveLength(3);
    });

    it("gives up after `attempts` and throws the last error", async () => {
      const client = await clientFor(() => ({ status: 500, body: "boom" }), { retry: fastRetry });
      const error = await failureOf(client.changeVisibility("orders", "billing", "rh", 5));
      expect(error.code).toBe("internal_server_error");
      expect(error.message).toContain("boom");
      expect(stub?.requests).toHaveLength(3);
    });

    it("retries a 429 that carries Retry-After (the wait capped by maxDelayMs)", async () => {
      const client = await clientFor(
        (_, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 204 }),
        { retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 20 } },
      );
      await client.acknowledge("orders", "billing", "rh");
      expect(stub?.requests).toHaveLength(2);
    });

    it("retries a send only when it carries an idempotency key", async () => {
      const client = await clientFor((_, i) => (i === 0 ? { status: 502 } : sent()), {
        retry: fastRetry,
      });
      const error = await failureOf(client.send("orders", 1));
      expect(error.code).toBe("internal_server_error");
      expect(stub?.requests).toHaveLength(1);

      stub?.requests.splice(0);
      const result = await client.send("orders", 1, { idempotencyKey: "k" });
      expect(result).toEqual({ status: "sent", messageId: "m1" });
    });

    it("does not retry a receive after a 5xx (the lost answer may have leased some)", async () => {
      const client = await clientFor(() => ({ status: 500 }), { retry: fastRetry });
      await failureOf(client.receive("orders", "billing"));
      expect(stub?.requests).toHaveLength(1);
    });

    it("retries a receive after a 429, which leased nothing", async () => {
      const client = await clientFor((_, i) => (i === 0 ? { status: 429 } : { status: 204 }), {
        retry: fastRetry,
      });
      expect(await client.receive("orders", "billing")).toEqual([]);
      expect(stub?.requests).toHaveLength(2);
    });

    it("never retries 4xx answers", async () => {
      const client = await clientFor(() => ({ status: 404 }), { retry: fastRetry });
      const error = await failureOf(client.acknowledge("orders", "billing", "rh"));
      expect(error.code).toBe("message_not_found");
      expect(stub?.requests).toHaveLength(1);
    });

    it("retries a dropped connection as a CommunicationError", async () => {
      const client = await clientFor(
        (_, i) => (i === 0 ? { status: 0, destroy: true } : { status: 204 }),
        {
          retry: fastRetry,
        },
      );
      await client.acknowledge("orders", "billing", "rh");
      expect(stub?.requests).toHaveLength(2);
    });
  });

  describe("failures without a response", () => {
    it("turns a dropped connection into a CommunicationError", async () => {
      const client = await clientFor(() => ({ status: 0, destroy: true }), {
        retry: { attempts: 1 },
      });
      const error = await failureOf(client.acknowledge("orders", "billing", "rh"));
      expect(error.code).toBe("communication_error");
      expect(error.cause).toBeInstanceOf(Error);
    });

    it("turns a refused connection into a retryable CommunicationError with the URL", async () => {
      stub = await startStubService(sent);
      const url = stub.url;
      await stub.close();
      stub = undefined;
      const client = new QueueClient({
        token: "t",
        baseUrl: url,
        deploymentId: null,
        retry: { attempts: 1 },
        fetch: fetchImpl,
      });

      const error = await failureOf(client.send("orders", 1));
      expect(error.code).toBe("communication_error");
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(url);
      expect(error.message).toContain('send on topic "orders"');
    });

    it("times out per attempt via the timeout option", async () => {
      const client = await clientFor(() => ({ ...sent(), delayMs: 2000 }), {
        timeout: 0.2,
        retry: { attempts: 1 },
      });
      const error = await failureOf(client.send("orders", 1));
      expect(error.code).toBe("communication_error");
      expect(error.message).toContain("timed out after 0.2 s");
    });
  });

  describe("debug logging", () => {
    it("logs requests and responses, secrets redacted, when VERCEL_WORKERS_DEBUG=1", async () => {
      vi.stubEnv("VERCEL_WORKERS_DEBUG", "1");
      const lines: string[] = [];
      const client = await clientFor(() => ({ status: 204 }), {
        logger: { debug: (line: string) => lines.push(line) },
      });
      await client.acknowledge("orders", "billing", "very-secret-handle");

      expect(lines).toHaveLength(2);
      expect(lines.join("\n")).not.toContain("secret");
      expect(lines[0]).toContain("-> DELETE");
      expect(lines[1]).toContain("<- 204 DELETE");
    });

    it("stays silent without the switch", async () => {
      const lines: string[] = [];
      const client = await clientFor(() => ({ status: 204 }), {
        logger: {
          debug: (line: string) => lines.push(line),
          info: (line: string) => lines.push(line),
        },
      });
      await client.acknowledge("orders", "billing", "rh");
      expect(lines).toEqual([]);
    });
  });
});
