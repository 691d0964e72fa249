import { afterEach, describe, expect, it } from "vitest";
import { QueueClient } from "../../src/queue/client.js";
import { dispatcherFetch, findDispatcher } from "../../src/queue/dispatcher-fetch.js";
import { type StubService, startStubService } from "./helpers/stub-service.js";

let stub: StubService | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe("dispatcherFetch", () => {
  it("finds Node's undici dispatcher once the process has fetched", async () => {
    await fetch("data:,x");
    expect(typeof findDispatcher()?.request).toBe("function");
  });

  it("answers like fetch: status, headers, body, null body on 204", async () => {
    stub = await startStubService((request) =>
      request.url === "/empty"
        ? { status: 204 }
        : {
            status: 201,
            headers: { "content-type": "application/json", "x-echo": request.method },
            body: `{"got":${JSON.stringify(request.body.toString())}}`,
          },
    );
    const response = await dispatcherFetch(`${stub.url}/x`, {
      method: "POST",
      headers: new Headers({ "x-a": "1" }),
      body: "hello",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-echo")).toBe("POST");
    expect(await response.json()).toEqual({ got: "hello" });
    expect(stub.requests[0]?.headers["x-a"]).toBe("1");

    const empty = await dispatcherFetch(`${stub.url}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
  });

  it("goes straight to the dispatcher: it does not follow redirects, unlike fetch", async () => {
    stub = await startStubService((request) =>
      request.url === "/moved"
        ? { status: 302, headers: { location: "/target" } }
        : { status: 200, body: "target" },
    );
    expect((await dispatcherFetch(`${stub.url}/moved`)).status).toBe(302);
    expect((await fetch(`${stub.url}/moved`)).status).toBe(200);
  });

  it("hands what it cannot send (data: URLs, streams) to globalThis.fetch", async () => {
    expect(await (await dispatcherFetch("data:,plain")).text()).toBe("plain");
  });

  it("lets QueueClient use the dispatcher directly (no redirect following either)", async () => {
    stub = await startStubService(() => ({ status: 307, headers: { location: "/elsewhere" } }));
    const client = new QueueClient({
      token: "t",
      baseUrl: stub.url,
      deploymentId: null,
      fetch: dispatcherFetch,
    });
    await expect(client.send("orders", 1)).rejects.toMatchObject({
      code: "unexpected_status",
      status: 307,
    });
    expect(stub.requests).toHaveLength(1);
  });

  it("times out through the client's deadline", async () => {
    stub = await startStubService(() => ({
      status: 201,
      body: '{"messageId":"m"}',
      delayMs: 2000,
    }));
    const client = new QueueClient({
      token: "t",
      baseUrl: stub.url,
      deploymentId: null,
      fetch: dispatcherFetch,
      timeout: 0.2,
      retry: { attempts: 1 },
    });
    await expect(client.send("orders", 1)).rejects.toMatchObject({
      code: "communication_error",
      message: expect.stringContaining("timed out after 0.2 s"),
    });
  });
});
