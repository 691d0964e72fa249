import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createNodeTaskCallbackHandler,
  VercelQueuesBackend,
} from "../../src/tasks/backends/vercel/index.js";
import {
  configureTasks,
  DummyBackend,
  resetTaskConfiguration,
  task,
} from "../../src/tasks/index.js";
import {
  LOCAL_QUEUE_TOKEN,
  type LocalQueue,
  ResultWaitTimeoutError,
  startLocalQueue,
  waitForResult,
} from "../../src/testing/index.js";

const double = task({ name: "testing.double" }, (n: number) => n * 2);

let queue: LocalQueue | undefined;
let route: Server | undefined;

afterEach(async () => {
  resetTaskConfiguration();
  await new Promise<void>((resolve) => (route ? route.close(() => resolve()) : resolve()));
  await queue?.close();
  route = undefined;
  queue = undefined;
});

describe("startLocalQueue", () => {
  it("gives a client that sends to and receives from the started service", async () => {
    queue = await startLocalQueue();

    const sent = await queue.client.send("orders", { id: 7 });
    const [message] = await queue.client.receive("orders", "reader");

    expect(sent.status).toBe("sent");
    expect(message?.messageId).toBe(sent.messageId);
    expect(message?.payload).toEqual({ id: 7 });
    expect(queue.env).toEqual({
      VERCEL_QUEUE_BASE_URL: queue.url,
      VERCEL_QUEUE_TOKEN: LOCAL_QUEUE_TOKEN,
    });
  });

  it("refuses a request with another token (the token option is enforced)", async () => {
    queue = await startLocalQueue();

    const response = await fetch(`${queue.url}/api/v3/topic/orders`, {
      method: "POST",
      headers: { authorization: "Bearer wrong", "content-type": "application/json" },
      body: "{}",
    });

    expect(response.status).toBe(401);
  });
});

describe("waitForResult", () => {
  it("returns once a pushed task has run on the Vercel backend", async () => {
    queue = await startLocalQueue();
    configureTasks({
      default: {
        backend: VercelQueuesBackend,
        queues: [],
        options: { baseUrl: queue.url, token: LOCAL_QUEUE_TOKEN, deploymentId: null },
      },
    });
    const handler = createNodeTaskCallbackHandler({ tasks: [double] });
    route = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => route?.listen(0, "127.0.0.1", resolve));
    const { port } = route.address() as AddressInfo;
    queue.service.addSubscription({
      topic: "default",
      consumerGroup: "route",
      url: `http://127.0.0.1:${port}/`,
    });

    const result = await waitForResult(await double.enqueue(21));

    expect(result.status).toBe("SUCCESSFUL");
    expect(result.returnValue).toBe(42);
  });

  it("throws ResultWaitTimeoutError naming the result when nothing runs it", async () => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
    const pending = await double.enqueue(1);

    const waiting = waitForResult(pending, { timeoutMs: 100, intervalMs: 10 });

    await expect(waiting).rejects.toBeInstanceOf(ResultWaitTimeoutError);
    await expect(waiting).rejects.toThrow(pending.id);
  });

  it.each([
    ["timeoutMs", Number.NaN, RangeError],
    ["timeoutMs", -1, RangeError],
    ["timeoutMs", Number.POSITIVE_INFINITY, RangeError],
    ["timeoutMs", "100", TypeError],
    ["intervalMs", Number.NaN, RangeError],
    ["intervalMs", -5, RangeError],
    ["intervalMs", "10", TypeError],
  ])("refuses %s = %s instead of waiting forever", async (name, value, kind) => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
    const pending = await double.enqueue(1);

    const waiting = waitForResult(pending, { [name]: value } as never);

    await expect(waiting).rejects.toBeInstanceOf(kind);
    await expect(waiting).rejects.toThrow(name);
  });
});
