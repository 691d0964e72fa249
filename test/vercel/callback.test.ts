/**
 * The task callback route, end to end: the local Queue Service pushes v2beta CloudEvents over
 * real HTTP to `createNodeTaskCallbackHandler` on node:http; results live in the real Redis.
 * Small configured delays (retry base 1 s, factor 2) keep it fast; timing checks are lower
 * bounds only (a retry never comes sooner than its delay).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isQueueError } from "../../src/queue/index.js";
import { createTaskEnvelope, type TaskEnvelope } from "../../src/tasks/backends/vercel/index.js";
import { isTaskException, type TaskContext, task } from "../../src/tasks/index.js";
import {
  CONSUMER_GROUP,
  eventsOf,
  type Rig,
  startRig,
  TOKEN,
  waitFor,
  waitForFinished,
} from "./helpers/harness.js";

const RETRY_BASE_SECONDS = 1;
const RETRY_FACTOR = 2;
/** Tolerance for timer granularity when comparing observed gaps with configured delays. */
const TIMER_SLACK_MS = 50;

const runs: { name: string; resultId: string; attempt: number; at: number; signal: unknown }[] = [];

function noteRun(name: string, context: TaskContext): void {
  runs.push({
    name,
    resultId: context.taskResult.id,
    attempt: context.attempt,
    at: Date.now(),
    signal: context.signal,
  });
}

function runsOf(resultId: string) {
  return runs.filter((run) => run.resultId === resultId);
}

const flaky = task(
  { name: "callback-test.flaky", takesContext: true },
  (context: TaskContext, value: string) => {
    noteRun("flaky", context);
    if (context.attempt < 3) throw new Error(`flaky failure ${context.attempt}`);
    return `done ${value}`;
  },
);

const broken = task(
  { name: "callback-test.broken", takesContext: true },
  (context: TaskContext) => {
    noteRun("broken", context);
    throw new TypeError("always broken");
  },
);

const record = task(
  { name: "callback-test.record", takesContext: true },
  (context: TaskContext, value: number) => {
    noteRun("record", context);
    return value * 2;
  },
);

const slow = task(
  { name: "callback-test.slow", takesContext: true },
  async (context: TaskContext, ms: number) => {
    noteRun("slow", context);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return context.signal.aborted ? "aborted" : "finished";
  },
);

const measure = task(
  { name: "callback-test.measure", takesContext: true },
  (context: TaskContext, text: string) => {
    noteRun("measure", context);
    return text.length;
  },
);

/** Defined in this process but not given to the route: the route must treat it as unknown. */
const notGiven = task({ name: "callback-test.not-given" }, () => "never");

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({
    name: "vercel-callback",
    tasks: [flaky, broken, record, slow, measure],
    queues: ["default"],
    pushVisibilityTimeoutSeconds: 2,
    options: {
      maxAttempts: 3,
      retryBackoffBaseSeconds: RETRY_BASE_SECONDS,
      retryBackoffFactor: RETRY_FACTOR,
      visibilityTimeoutSeconds: 4,
      visibilityRefreshIntervalSeconds: 1,
    },
  });
});

afterAll(async () => {
  await rig?.close();
});

function envelope(overrides: Partial<TaskEnvelope> = {}): TaskEnvelope {
  return createTaskEnvelope({
    resultId: randomUUID(),
    task: record.name,
    queue: "default",
    backend: "default",
    args: [21],
    runAfter: null,
    enqueuedAt: new Date().toISOString(),
    ...overrides,
  });
}

function startsOf(resultId: string): number[] {
  return rig.lifecycle
    .filter((event) => event.name === "taskStarted" && event.resultId === resultId)
    .map((event) => event.at);
}

/** Waits until the Queue Service says the message was acknowledged (receive by id: 410). */
async function expectAcknowledged(topic: string, messageId: string): Promise<void> {
  const code = await waitFor(async () => {
    const outcome = await rig.client
      .receiveById(topic, CONSUMER_GROUP, messageId, { visibilityTimeoutSeconds: 1 })
      .then(() => "leased")
      .catch((error: unknown) => (isQueueError(error) ? error.code : "other"));
    return outcome === "message_already_processed" ? outcome : undefined;
  }, `message ${messageId} to be acknowledged`);

  expect(code).toBe("message_already_processed");
}

async function messageIdOf(resultId: string): Promise<string> {
  const stored = (await rig.store.get(rig.backend.recordKey(resultId))) as {
    vercel: { messageId: string };
  };
  return stored.vercel.messageId;
}

describe("retries", () => {
  it("retries a failing task with backoff and records one error per failed attempt", async () => {
    const enqueued = await flaky.enqueue("x");

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.returnValue).toBe("done x");
    expect(finished.attempts).toBe(3);
    expect(finished.errors.map((error) => error.message)).toEqual([
      "flaky failure 1",
      "flaky failure 2",
    ]);

    const [first = 0, second = 0, third = 0] = startsOf(enqueued.id);
    expect(startsOf(enqueued.id)).toHaveLength(3);
    expect(second - first).toBeGreaterThanOrEqual(RETRY_BASE_SECONDS * 1000 - TIMER_SLACK_MS);
    expect(third - second).toBeGreaterThanOrEqual(
      RETRY_BASE_SECONDS * RETRY_FACTOR * 1000 - TIMER_SLACK_MS,
    );
  });

  it("gives the task its attempt number and an abort signal", async () => {
    const enqueued = await flaky.enqueue("y");
    await waitForFinished(rig.backend, enqueued.id);

    const seen = runsOf(enqueued.id);

    expect(seen.map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(seen.every((run) => run.signal instanceof AbortSignal)).toBe(true);
  });

  it("fails for good after maxAttempts: FAILED, three errors, acknowledged, one taskFinished", async () => {
    const enqueued = await broken.enqueue();

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("FAILED");
    expect(finished.attempts).toBe(3);
    expect(finished.errors).toHaveLength(3);
    expect(finished.errors.every((error) => error.className === "TypeError")).toBe(true);
    expect(() => finished.returnValue).toThrowError(/Task failed/);

    await expectAcknowledged("default", await messageIdOf(enqueued.id));
    const finishedEvents = rig.lifecycle.filter(
      (event) => event.name === "taskFinished" && event.resultId === enqueued.id,
    );
    expect(finishedEvents).toHaveLength(1);
    expect(runsOf(enqueued.id)).toHaveLength(3);
  });
});

describe("claim by id", () => {
  it("claims a large message pushed as metadata only, with the backend's own credentials", async () => {
    // Above the service's inline threshold (256 KiB) the push carries no payload: the route
    // must claim it by id, with the token and base URL of the backend options (no env vars).
    const text = "x".repeat(300 * 1024);
    const enqueued = await measure.enqueue(text);

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.returnValue).toBe(text.length);
    expect(process.env.VERCEL_QUEUE_BASE_URL).toBeUndefined();
    expect(process.env.VERCEL_QUEUE_TOKEN).toBeUndefined();
  });
});

describe("runAfter", () => {
  it("does not start a task before its runAfter", async () => {
    const runAfter = new Date(Date.now() + 2_000);
    const enqueued = await record.using({ runAfter }).enqueue(1);

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.startedAt?.getTime()).toBeGreaterThanOrEqual(runAfter.getTime());
    expect(runsOf(enqueued.id)[0]?.at).toBeGreaterThanOrEqual(runAfter.getTime());
  });

  it("pushes an early delivery back until runAfter without counting an attempt", async () => {
    const runAfter = new Date(Date.now() + 2_000);
    const early = envelope({ runAfter: runAfter.toISOString() });

    // Sent without a delay, so the service delivers it at once: before runAfter.
    await rig.client.send("default", early);

    const deferred = await waitFor(
      () => eventsOf(rig.events, "task.deferred").find((e) => e.resultId === early.resultId),
      "the early delivery to be pushed back",
    );
    expect(deferred.delaySeconds).toBeGreaterThanOrEqual(1);

    const finished = await waitForFinished(rig.backend, early.resultId);
    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.attempts).toBe(1);
    expect(finished.errors).toEqual([]);
    expect(runsOf(early.resultId)[0]?.at).toBeGreaterThanOrEqual(runAfter.getTime());
  });
});

describe("redelivery after success", () => {
  it("acknowledges a copy of the message (new message id, same result id) without running", async () => {
    const enqueued = await record.enqueue(5);
    await waitForFinished(rig.backend, enqueued.id);

    const copy = envelope({
      resultId: enqueued.id,
      args: [5],
      enqueuedAt: enqueued.enqueuedAt?.toISOString(),
    });
    const sent = await rig.client.send("default", copy);

    await waitFor(
      () => eventsOf(rig.events, "task.already_finished").find((e) => e.resultId === enqueued.id),
      "the copy to be recognised as finished",
    );
    expect(runsOf(enqueued.id)).toHaveLength(1);
    await expectAcknowledged("default", sent.messageId ?? "");
  });

  it("does not run again when the same inline CloudEvent is replayed", async () => {
    const enqueued = await record.enqueue(6);
    await waitForFinished(rig.backend, enqueued.id);
    const messageId = await messageIdOf(enqueued.id);
    const now = new Date();

    const response = await fetch(rig.routeUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-type": "com.vercel.queue.v2beta",
        "ce-vqsqueuename": "default",
        "ce-vqsconsumergroup": CONSUMER_GROUP,
        "ce-vqsmessageid": messageId,
        "ce-vqsreceipthandle": "replayed-handle",
        "ce-vqsdeliverycount": "1",
        "ce-vqscreatedat": now.toISOString(),
        "ce-vqsexpiresat": new Date(now.getTime() + 3_600_000).toISOString(),
      },
      body: JSON.stringify(
        envelope({ resultId: enqueued.id, args: [6], enqueuedAt: now.toISOString() }),
      ),
    });

    expect(response.status).toBe(200);
    expect(runsOf(enqueued.id)).toHaveLength(1);
    expect((await rig.backend.getResult(enqueued.id)).returnValue).toBe(12);
  });
});

describe("lease", () => {
  it("keeps the lease alive while a task outlasts the push lease, so it runs once", async () => {
    const enqueued = await slow.enqueue(3_000);

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.returnValue).toBe("finished");
    expect(finished.attempts).toBe(1);
    expect(runsOf(enqueued.id)).toHaveLength(1);
    const messageId = await messageIdOf(enqueued.id);
    const renewals = eventsOf(rig.events, "lease.renewed").filter((e) => e.messageId === messageId);
    expect(renewals.length).toBeGreaterThanOrEqual(1);
  });
});

describe("messages that are not runnable tasks", () => {
  it("acknowledges and reports a JSON message that is not a task envelope", async () => {
    const sent = await rig.client.send("default", { hello: "world" });

    const poison = await waitFor(
      () => eventsOf(rig.events, "task.poison_message").find((e) => e.messageId === sent.messageId),
      "the poison report",
    );

    expect(poison.problem).toContain('"kind" is nothing');
    await expectAcknowledged("default", sent.messageId ?? "");
  });

  it("acknowledges and reports a message whose JSON does not parse", async () => {
    // Our client always serialises JSON payloads, so the broken body goes over the raw API.
    const response = await fetch(`${rig.service.url}/api/v3/topic/default`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    const sent = (await response.json()) as { messageId: string };

    await waitFor(
      () => eventsOf(rig.events, "message.poison").find((e) => e.messageId === sent.messageId),
      "the unparsable message to be reported",
    );
    await expectAcknowledged("default", sent.messageId ?? "");
  });

  it("acknowledges and reports a message that is not JSON at all", async () => {
    const sent = await rig.client.send("default", "plain words", { contentType: "text/plain" });

    const poison = await waitFor(
      () => eventsOf(rig.events, "task.poison_message").find((e) => e.messageId === sent.messageId),
      "the poison report",
    );

    expect(poison.problem).toContain("expected a JSON object");
    await expectAcknowledged("default", sent.messageId ?? "");
  });

  it("records an unknown task as failed attempts, retried until attempts run out", async () => {
    const message = envelope({ task: notGiven.name, args: [] });
    await rig.client.send("default", message);

    const finished = await waitForFinished(rig.backend, message.resultId);

    expect(finished.status).toBe("FAILED");
    expect(finished.attempts).toBe(3);
    expect(finished.errors).toHaveLength(3);
    expect(finished.errors[0]?.className).toBe("TaskNotRunnableHere");
    expect(finished.errors[0]?.message).toContain("callback-test.not-given");
    expect(
      eventsOf(rig.events, "task.unknown_task").filter((e) => e.resultId === message.resultId),
    ).toHaveLength(3);
  });

  it("records FAILED and acknowledges a task message on a topic outside `queues`", async () => {
    const message = envelope({ queue: "other" });
    const sent = await rig.client.send("other", message);

    const refused = await waitFor(
      () => eventsOf(rig.events, "task.refused").find((e) => e.resultId === message.resultId),
      "the refusal",
    );
    expect(refused.reason).toBe("queue_not_allowed");

    const finished = await waitForFinished(rig.backend, message.resultId);
    expect(finished.status).toBe("FAILED");
    expect(finished.errors).toHaveLength(1);
    expect(finished.errors[0]?.message).toMatch(/^Queue 'other' is not valid for backend\./);
    await expectAcknowledged("other", sent.messageId ?? "");
  });

  it("acknowledges a task message of another backend alias without recording it", async () => {
    const message = envelope({ backend: "elsewhere" });
    const sent = await rig.client.send("default", message);

    const refused = await waitFor(
      () => eventsOf(rig.events, "task.refused").find((e) => e.resultId === message.resultId),
      "the refusal",
    );

    expect(refused.reason).toBe("other_backend");
    await expectAcknowledged("default", sent.messageId ?? "");
    const error = await rig.backend.getResult(message.resultId).catch((e: unknown) => e);
    expect(isTaskException(error, "task_result_does_not_exist")).toBe(true);
  });
});
