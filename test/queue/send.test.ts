import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isQueueError } from "../../src/queue/errors.js";
import { send } from "../../src/queue/send.js";
import { type StubService, startStubService } from "./helpers/stub-service.js";

let stub: StubService;

beforeEach(async () => {
  stub = await startStubService(() => ({ status: 201, body: '{"messageId":"m1"}' }));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await stub.close();
});

describe("send()", () => {
  it("uses the environment when given no client options", async () => {
    vi.stubEnv("VERCEL_QUEUE_TOKEN", "env-token");
    vi.stubEnv("VERCEL_QUEUE_BASE_URL", stub.url);
    vi.stubEnv("VERCEL_DEPLOYMENT_ID", "");

    expect(await send("orders", { a: 1 })).toEqual({ status: "sent", messageId: "m1" });
    expect(stub.requests[0]?.headers.authorization).toBe("Bearer env-token");
    expect(stub.requests[0]?.body.toString()).toBe('{"a":1}');
  });

  it("rebuilds its shared client when the environment changes", async () => {
    vi.stubEnv("VERCEL_QUEUE_BASE_URL", stub.url);
    vi.stubEnv("VERCEL_QUEUE_TOKEN", "first");
    await send("orders", 1);
    vi.stubEnv("VERCEL_QUEUE_TOKEN", "second");
    await send("orders", 1);

    expect(stub.requests.map((r) => r.headers.authorization)).toEqual([
      "Bearer first",
      "Bearer second",
    ]);
  });

  it("takes client options and message options in one object", async () => {
    await send("orders", "hi", {
      token: "explicit",
      baseUrl: stub.url,
      deploymentId: "dpl_9",
      idempotencyKey: "k",
      delaySeconds: 5,
      retentionSeconds: 600,
      headers: { "x-a": "1" },
    });
    const { headers } = stub.requests[0] ?? ({} as never);
    expect(headers).toMatchObject({
      authorization: "Bearer explicit",
      "vqs-deployment-id": "dpl_9",
      "vqs-idempotency-key": "k",
      "vqs-delay-seconds": "5",
      "vqs-retention-seconds": "600",
      "x-a": "1",
    });
  });

  it("rejects (never throws synchronously) on bad options and a missing token", async () => {
    vi.stubEnv("VERCEL_QUEUE_TOKEN", "");
    vi.stubEnv("VERCEL_OIDC_TOKEN", "");
    const badRegion = send("orders", 1, { region: "Mars" });
    await expect(badRegion).rejects.toSatisfy(isQueueError);
    await expect(send("orders", 1, { baseUrl: stub.url })).rejects.toMatchObject({
      code: "missing_token",
    });
    expect(stub.requests).toHaveLength(0);
  });
});
