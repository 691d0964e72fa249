/**
 * Settling a lease (acknowledge / visibility change) on the real local Queue Service, with a
 * fault proxy injecting the transient failures of the hosted one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createCallbackHandler } from "../../src/consumer/callback-handler.js";
import { createConsumer } from "../../src/consumer/consumer.js";
import { isConsumerError } from "../../src/consumer/errors.js";
import { acknowledge, changeVisibility, SETTLE_BUDGET_MS } from "../../src/consumer/settle.js";
import type { QueueService } from "../../src/dev/index.js";
import { CommunicationError, isQueueError, QueueClient } from "../../src/queue/index.js";
import { type FaultProxy, startFaultProxy } from "./helpers/fault-proxy.js";
import {
  clientOf,
  closeAll,
  inlineRequest,
  sendOne,
  startService,
  TOKEN,
} from "./helpers/harness.js";

let service: QueueService;
let client: QueueClient;
let proxy: FaultProxy;
let faultyClient: QueueClient;
const faultyOptions = () => ({
  token: TOKEN,
  baseUrl: proxy.url,
  region: "iad1",
  deploymentId: null,
  retry: { attempts: 1 },
});

beforeAll(async () => {
  service = await startService();
  client = clientOf(service);
  proxy = await startFaultProxy(service.url);
  faultyClient = new QueueClient(faultyOptions());
});

afterAll(closeAll);

let topicSeq = 0;
async function leased() {
  topicSeq++;
  const topic = `settle-${topicSeq}`;
  const messageId = await sendOne(client, topic, { n: topicSeq });
  const [message] = await client.receive(topic, "g", { visibilityTimeoutSeconds: 30 });
  if (message === undefined) throw new Error("nothing leased");
  return { ...message, messageId };
}

async function claimCode(topic: string, messageId: string): Promise<string> {
  try {
    await client.receiveById(topic, "g", messageId, { visibilityTimeoutSeconds: 5 });
    return "claimed";
  } catch (error) {
    if (isQueueError(error)) return error.code;
    throw error;
  }
}

/** Fails the first `count` requests with `method` with a 503. */
function failFirst(method: string, count: number): void {
  let seen = 0;
  proxy.setRule((request) => {
    if (request.method !== method) return "forward";
    seen++;
    return seen <= count ? { fail: 503 } : "forward";
  });
}

describe("acknowledge", () => {
  it("is retried after transient failures and lands", async () => {
    const message = await leased();
    failFirst("DELETE", 2);

    expect(await acknowledge(faultyClient, message)).toBe("done");
    expect(await claimCode(message.topic, message.messageId)).toBe("message_already_processed");
  });

  it("gives up after repeated transient failures with a typed 500-kind error", async () => {
    const message = await leased();
    failFirst("DELETE", 100);

    let caught: unknown;
    try {
      await acknowledge(faultyClient, message);
    } catch (error) {
      caught = error;
    }

    expect(isConsumerError(caught) && caught.code).toBe("acknowledge_failed");
    expect((caught as { status: number }).status).toBe(500);
    expect((caught as Error).message).toContain(message.messageId);
    expect(((caught as Error).cause as { code: string }).code).toBe("internal_server_error");
    proxy.setRule(() => "forward");
  });

  it("reports a lease that is already gone instead of failing", async () => {
    const message = await leased();
    await client.acknowledge(message.topic, "g", message.receiptHandle);
    proxy.setRule(() => "forward");

    expect(await acknowledge(faultyClient, message)).toBe("lease_lost");
  });
});

describe("an acknowledge the client retried by itself", () => {
  it("is reported done when the retry finds the lease gone (the first try landed)", async () => {
    const message = await leased();
    let seen = 0;
    proxy.setRule((request) => {
      if (request.method !== "DELETE") return "forward";
      seen++;
      return seen === 1 ? { loseAnswer: 503 } : "forward";
    });
    const retryingClient = new QueueClient({
      ...faultyOptions(),
      retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 5 },
    });

    try {
      expect(await acknowledge(retryingClient, message)).toBe("done");
      expect(await claimCode(message.topic, message.messageId)).toBe("message_already_processed");
      expect(seen).toBe(2);
    } finally {
      proxy.setRule(() => "forward");
    }
  });

  it("the error of a call records how many attempts the client made", async () => {
    const message = await leased();
    failFirst("DELETE", 100);
    const retryingClient = new QueueClient({
      ...faultyOptions(),
      retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 5 },
    });

    try {
      const error = await retryingClient
        .acknowledge(message.topic, "g", message.receiptHandle)
        .catch((e: unknown) => e);
      expect(isQueueError(error) && error.attempts).toBe(3);
    } finally {
      proxy.setRule(() => "forward");
    }
  });
});

describe("the settle time budget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops retrying once SETTLE_BUDGET_MS has passed, however slow each attempt is", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const slowClient = {
      acknowledge: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, SETTLE_BUDGET_MS * 0.6));
        throw new CommunicationError("timed out");
      },
      changeVisibility: async () => undefined,
    };
    const ref = { messageId: "m", topic: "t", consumerGroup: "g", receiptHandle: "h" };

    const settled = acknowledge(slowClient, ref).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SETTLE_BUDGET_MS * 5);
    const error = await settled;

    expect(isConsumerError(error) && error.code).toBe("acknowledge_failed");
    expect(calls).toBe(2);
  });
});

describe("changeVisibility", () => {
  it("is retried after a transient failure", async () => {
    const message = await leased();
    failFirst("PATCH", 1);

    expect(await changeVisibility(faultyClient, message, 0, "release")).toBe("done");
    expect((await client.receive(message.topic, "g"))[0]?.deliveryCount).toBe(2);
  });
});

describe("in the callback", () => {
  it("an acknowledge that keeps failing -> 500 JSON with acknowledge_failed", async () => {
    const message = await leased();
    failFirst("DELETE", 100);
    const consumer = createConsumer(faultyOptions());
    consumer.subscribe(message.topic, () => "done");

    const response = await createCallbackHandler(consumer)(
      inlineRequest(
        "http://app.test/queue",
        {
          topic: message.topic,
          consumerGroup: "g",
          messageId: message.messageId,
          receiptHandle: message.receiptHandle,
          contentType: "application/json",
        },
        JSON.stringify(message.payload),
      ),
    );

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "acknowledge_failed" });
    proxy.setRule(() => "forward");
  });
});
