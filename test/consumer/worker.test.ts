/**
 * The polling worker against the real local Queue Service: outcomes, bounded concurrency,
 * graceful shutdown, configuration errors, and a consumer process killed mid-message.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createConsumer } from "../../src/consumer/consumer.js";
import { ack, retryAfter } from "../../src/consumer/directives.js";
import { isConsumerError } from "../../src/consumer/errors.js";
import type { ConsumerEvent } from "../../src/consumer/events.js";
import type { MessageMetadata } from "../../src/consumer/types.js";
import { createPollingWorker, type PollingWorker } from "../../src/consumer/worker.js";
import type { QueueService } from "../../src/dev/index.js";
import { isQueueError, type QueueClient } from "../../src/queue/index.js";
import {
  clientOf,
  clientOptions,
  closeAll,
  sendOne,
  sleep,
  startService,
  TOKEN,
  waitFor,
} from "./helpers/harness.js";

let service: QueueService;
let client: QueueClient;
const workers: PollingWorker[] = [];

beforeAll(async () => {
  service = await startService();
  client = clientOf(service);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});

afterAll(closeAll);

let topicSeq = 0;
function freshTopic(): string {
  topicSeq++;
  return `wk-${topicSeq}`;
}

/** Runs a worker in the background; the returned promise settles when it stops. */
function runInBackground(worker: PollingWorker): Promise<unknown> {
  workers.push(worker);
  return worker.run().then(
    () => "stopped",
    (error: unknown) => error,
  );
}

async function claimCode(topic: string, group: string, messageId: string): Promise<string> {
  try {
    await client.receiveById(topic, group, messageId, { visibilityTimeoutSeconds: 5 });
    return "claimed";
  } catch (error) {
    if (isQueueError(error)) return error.code;
    throw error;
  }
}

const fast = { idleDelayMs: 20, maxIdleDelayMs: 100 };

describe("outcomes", () => {
  it("processes every message once and acknowledges it", async () => {
    const topic = freshTopic();
    const seen: unknown[] = [];
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(
      topic,
      (payload) => {
        seen.push(payload);
      },
      { consumer: "workers" },
    );
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await sendOne(client, topic, { n }));

    void runInBackground(createPollingWorker(consumer, fast));
    await waitFor(() => seen.length === 5, "five messages");

    expect(seen.map((p) => (p as { n: number }).n).sort()).toEqual([0, 1, 2, 3, 4]);
    await waitFor(
      async () =>
        (await claimCode(topic, "workers", ids[4] as string)) === "message_already_processed",
      "the last acknowledge",
    );
    for (const id of ids) {
      expect(await claimCode(topic, "workers", id)).toBe("message_already_processed");
    }
  });

  it("a handler that throws is retried after its retry delay with deliveryCount 2", async () => {
    const topic = freshTopic();
    const deliveries: MessageMetadata[] = [];
    const times: number[] = [];
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(
      topic,
      (_payload, metadata) => {
        deliveries.push(metadata);
        times.push(Date.now());
        if (metadata.deliveryCount === 1) throw new Error("first attempt fails");
      },
      { consumer: "workers", retryDelaySeconds: 1, visibilityTimeoutSeconds: 120 },
    );
    await sendOne(client, topic, "retry me");

    void runInBackground(createPollingWorker(consumer, fast));
    await waitFor(() => deliveries.length === 2, "the retry", 20_000);

    expect(deliveries.map((m) => m.deliveryCount)).toEqual([1, 2]);
    // The 1 s delay was honoured; and since waitFor gives up after 20 s, the message came back
    // long before its 120 s lease would have ended.
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(900);
  });

  it("retryAfter and ack directives behave as in push mode", async () => {
    const topic = freshTopic();
    const events: ConsumerEvent[] = [];
    const counts: number[] = [];
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(
      topic,
      (_payload, { deliveryCount }) => {
        counts.push(deliveryCount);
        return deliveryCount === 1 ? retryAfter(1) : ack("second time is enough");
      },
      { consumer: "workers" },
    );
    const messageId = await sendOne(client, topic, "x");

    void runInBackground(createPollingWorker(consumer, fast));
    await waitFor(
      () => events.some((e) => e.type === "message.acknowledged"),
      "the acknowledge on delivery 2",
    );

    expect(counts).toEqual([1, 2]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "message.rescheduled",
        reason: "retry_after",
        delaySeconds: 1,
      }),
    );
    expect(await claimCode(topic, "workers", messageId)).toBe("message_already_processed");
  });
});

describe("a poison message in a batch", () => {
  /** Stores a message whose content type is JSON but whose body does not parse. */
  async function sendPoison(topic: string): Promise<string> {
    const response = await fetch(`${service.url}/api/v3/topic/${topic}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { messageId: string }).messageId;
  }

  it("does not hold back the other messages of its batch", async () => {
    const topic = freshTopic();
    const seen: unknown[] = [];
    const events: ConsumerEvent[] = [];
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    // A long lease: a message held back by the poison one would not come back within the test.
    consumer.subscribe(topic, (payload) => void seen.push(payload), {
      consumer: "workers",
      visibilityTimeoutSeconds: 300,
    });
    const first = await sendOne(client, topic, { n: 1 });
    const poison = await sendPoison(topic);
    const last = await sendOne(client, topic, { n: 2 });

    void runInBackground(createPollingWorker(consumer, fast));
    await waitFor(() => seen.length === 2, "both readable messages", 10_000);

    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    await waitFor(
      async () => (await claimCode(topic, "workers", poison)) === "message_already_processed",
      "the poison message acknowledged",
    );
    expect(events.some((e) => e.type === "message.poison" && e.messageId === poison)).toBe(true);
    for (const id of [first, last]) {
      await waitFor(
        async () => (await claimCode(topic, "workers", id)) === "message_already_processed",
        "the readable messages acknowledged",
      );
    }
  });
});

describe("concurrency", () => {
  it("never runs more handlers at once than `concurrency`", async () => {
    const topic = freshTopic();
    let running = 0;
    let peak = 0;
    let done = 0;
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(
      topic,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(150);
        running--;
        done++;
      },
      { consumer: "workers" },
    );
    for (let n = 0; n < 8; n++) await sendOne(client, topic, n);

    void runInBackground(createPollingWorker(consumer, { ...fast, concurrency: 3 }));
    await waitFor(() => done === 8, "eight messages");

    expect(peak).toBe(3);
  });
});

describe("shutdown", () => {
  it("a handler finishing within the grace period is settled normally", async () => {
    const topic = freshTopic();
    const events: ConsumerEvent[] = [];
    let started = false;
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(
      topic,
      async () => {
        started = true;
        await sleep(300);
      },
      { consumer: "workers" },
    );
    const messageId = await sendOne(client, topic, "x");
    const worker = createPollingWorker(consumer, { ...fast, shutdownGraceSeconds: 10 });
    const finished = runInBackground(worker);

    await waitFor(() => started, "the handler to start");
    await worker.stop();

    expect(await finished).toBe("stopped");
    expect(events.map((e) => e.type)).toContain("message.acknowledged");
    expect(await claimCode(topic, "workers", messageId)).toBe("message_already_processed");
  });

  it("past the grace period the signal aborts and the message is released, not acked", async () => {
    const topic = freshTopic();
    const events: ConsumerEvent[] = [];
    const reasons: unknown[] = [];
    let started = false;
    const consumer = createConsumer({ ...clientOptions(service), onEvent: (e) => events.push(e) });
    consumer.subscribe(
      topic,
      async (_payload, { signal }) => {
        started = true;
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        reasons.push(signal.reason);
        return "finished after all";
      },
      { consumer: "workers", visibilityTimeoutSeconds: 60 },
    );
    const messageId = await sendOne(client, topic, "long");
    const worker = createPollingWorker(consumer, { ...fast, shutdownGraceSeconds: 0.3 });
    const finished = runInBackground(worker);

    await waitFor(() => started, "the handler to start");
    await worker.stop();

    expect(await finished).toBe("stopped");
    expect(isConsumerError(reasons[0]) && reasons[0].code).toBe("consumer_shutdown");
    expect(events.map((e) => e.type)).toContain("message.released");
    expect(events.map((e) => e.type)).not.toContain("message.acknowledged");
    // Visible again at once (not after its 60 s lease), with the next delivery count.
    const [again] = await client.receive(topic, "workers");
    expect(again).toMatchObject({ messageId, deliveryCount: 2 });
  });

  it("handleSignals: SIGTERM stops the worker; the listeners are removed after", async () => {
    const topic = freshTopic();
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(topic, () => undefined, { consumer: "workers" });
    const before = process.listenerCount("SIGTERM");
    const beforeInt = process.listenerCount("SIGINT");
    const worker = createPollingWorker(consumer, { ...fast, handleSignals: true });
    const finished = runInBackground(worker);

    await waitFor(() => process.listenerCount("SIGTERM") === before + 1, "the listener");
    process.emit("SIGTERM");

    expect(await finished).toBe("stopped");
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(process.listenerCount("SIGINT")).toBe(beforeInt);
  });

  it("installs no signal handlers unless asked", async () => {
    const topic = freshTopic();
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(topic, () => undefined, { consumer: "workers" });
    const before = process.listenerCount("SIGINT");
    const worker = createPollingWorker(consumer, fast);
    const finished = runInBackground(worker);

    await sleep(50);
    expect(process.listenerCount("SIGINT")).toBe(before);
    await worker.stop();
    expect(await finished).toBe("stopped");
  });
});

describe("configuration", () => {
  it("rejects run() when no topic can be polled", async () => {
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe("events-*", () => undefined, { consumer: "workers" });

    const error = await runInBackground(createPollingWorker(consumer));
    expect(error).toMatchObject({ code: "configuration_error", option: "topics" });
  });

  it("rejects run() when a topic has no consumer group", async () => {
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe("orders", () => undefined);

    const error = await runInBackground(createPollingWorker(consumer));
    expect(error).toMatchObject({ code: "configuration_error", option: "consumerGroup" });
  });

  it("polls wildcard subscriptions for the topics it is given", async () => {
    const topic = freshTopic();
    const seen: string[] = [];
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe("wk-*", (_p, metadata) => {
      seen.push(metadata.topic);
    });
    await sendOne(client, topic, 1);

    void runInBackground(
      createPollingWorker(consumer, { ...fast, topics: [topic], consumerGroup: "wild" }),
    );
    await waitFor(() => seen.length === 1, "the message");

    expect(seen).toEqual([topic]);
  });

  it("stops with the error when the service refuses the token (a retry cannot help)", async () => {
    const topic = freshTopic();
    const consumer = createConsumer({ ...clientOptions(service), token: "wrong-token" });
    consumer.subscribe(topic, () => undefined, { consumer: "workers" });

    const error = await runInBackground(createPollingWorker(consumer, fast));
    expect(error).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("validates its options eagerly", () => {
    const consumer = createConsumer(clientOptions(service));
    expect(() => createPollingWorker(consumer, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createPollingWorker(consumer, { batchSize: 11 })).toThrow(/batchSize/);
  });
});

describe("a consumer process killed mid-message", () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    // The whole process group: npx, tsx and the node process running the worker.
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });

  it("leads to redelivery with deliveryCount 2 and nothing is lost", {
    timeout: 60_000,
  }, async () => {
    const topic = freshTopic();
    const messageId = await sendOne(client, topic, { order: 7 });
    const fixture = fileURLToPath(new URL("./fixtures/crash-worker.ts", import.meta.url));

    const spawned = spawn("npx", ["tsx", fixture], {
      env: {
        ...process.env,
        QUEUE_URL: service.url,
        QUEUE_TOKEN: TOKEN,
        TOPIC: topic,
        GROUP: "crash",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = spawned;
    let output = "";
    spawned.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const started = await waitFor(
      () => output.includes("\n") && JSON.parse(output.split("\n")[0] as string),
      "the child's handler to start",
      25_000,
    );
    expect(started).toEqual({ started: messageId, deliveryCount: 1, payload: { order: 7 } });

    const exited = new Promise((resolve) => spawned.once("exit", resolve));
    process.kill(-(spawned.pid as number), "SIGKILL");
    await exited;

    const seen: MessageMetadata[] = [];
    const payloads: unknown[] = [];
    const consumer = createConsumer(clientOptions(service));
    consumer.subscribe(
      topic,
      (payload, metadata) => {
        payloads.push(payload);
        seen.push(metadata);
      },
      { consumer: "crash" },
    );
    void runInBackground(createPollingWorker(consumer, fast));

    await waitFor(() => seen.length > 0, "the redelivery after the dead lease ends");
    expect(seen[0]).toMatchObject({ messageId, deliveryCount: 2 });
    expect(payloads).toEqual([{ order: 7 }]);
    await waitFor(
      async () => (await claimCode(topic, "crash", messageId)) === "message_already_processed",
      "the acknowledge by the second consumer",
    );
  });
});
