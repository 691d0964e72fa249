/**
 * `VercelQueuesBackend` enqueue and getResult, end to end: the local Queue Service pushes to the
 * task callback route over real HTTP, results live in the real Redis, and another process reads
 * them back.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isQueueError } from "../../src/queue/index.js";
import {
  EnqueueOutcomeUnknownError,
  VercelQueuesBackend,
} from "../../src/tasks/backends/vercel/index.js";
import { isTaskException, task } from "../../src/tasks/index.js";
import { startStubService } from "../queue/helpers/stub-service.js";
import { REDIS_URL, type Rig, startRig, waitFor, waitForFinished } from "./helpers/harness.js";

const run = promisify(execFile);
const READ_RESULT = fileURLToPath(new URL("./fixtures/read-result.ts", import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const add = task({ name: "backend-test.add" }, (a: number, b: number) => a + b);
const greet = task({ name: "backend-test.greet", queueName: "emails" }, (name: string) => {
  return { greeting: `hello ${name}` };
});

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({
    name: "vercel-backend",
    tasks: [add, greet],
    queues: ["default", "emails"],
  });
});

afterAll(async () => {
  await rig?.close();
});

describe("enqueue", () => {
  it("runs the task through the local Queue Service; another process reads the result", async () => {
    const enqueued = await greet.enqueue("Ada");
    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");

    const { stdout } = await run("npx", ["tsx", READ_RESULT, rig.keyPrefix, enqueued.id], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
    });
    const read = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");

    expect(read.pid).not.toBe(process.pid);
    expect(read).toMatchObject({
      id: enqueued.id,
      task: "backend-test.greet",
      status: "SUCCESSFUL",
      attempts: 1,
      returnValue: { greeting: "hello Ada" },
    });
  });

  it("stores a READY result under a fresh UUID before the message runs", async () => {
    const later = new Date(Date.now() + 60_000);
    const enqueued = await add.using({ runAfter: later }).enqueue(1, 2);

    expect(enqueued.id).toMatch(UUID);
    expect(enqueued.status).toBe("READY");
    expect(enqueued.enqueuedAt).toBeInstanceOf(Date);

    const stored = await rig.backend.getResult(enqueued.id);
    expect(stored.status).toBe("READY");
    expect(stored.attempts).toBe(0);
    expect(stored.args).toEqual([1, 2]);
    expect(stored.task.runAfter?.getTime()).toBe(later.getTime());
  });

  it("sends the versioned envelope, with the result id as idempotency key", async () => {
    const enqueued = await greet.enqueue("Grace");

    // Every consumer group gets its own copy of every message, so a second group can read the
    // envelope without disturbing the route's.
    const received = await waitFor(async () => {
      const messages = await rig.client.receive("emails", "inspector", {
        limit: 10,
        cursorFallback: "earliest",
      });
      return messages.find((m) => (m.payload as { resultId?: string }).resultId === enqueued.id);
    }, "the envelope on the inspector group");

    expect(received.payload).toEqual({
      kind: "vercel-workers.task",
      version: 1,
      resultId: enqueued.id,
      task: "backend-test.greet",
      queue: "emails",
      backend: "default",
      args: ["Grace"],
      runAfter: null,
      enqueuedAt: enqueued.enqueuedAt?.toISOString(),
    });
    expect(received.messageId).not.toBe(enqueued.id);
  });

  it("keeps the record format versioned, with the backend's own part", async () => {
    const later = new Date(Date.now() + 60_000);
    const enqueued = await greet.using({ runAfter: later }).enqueue("Grace");

    const stored = await rig.store.get(rig.backend.recordKey(enqueued.id));

    expect(stored).toMatchObject({
      version: 1,
      id: enqueued.id,
      backend: "default",
      status: "READY",
      task: { name: "backend-test.greet", queueName: "emails", priority: 0 },
      attempts: 0,
      vercel: { version: 1, attemptToken: null, messageId: null },
    });
  });

  it("refuses a non-default priority with Django's message", () => {
    expect(() => add.using({ priority: 5 })).toThrowError(
      /^Backend does not support setting priority of tasks\./,
    );
  });

  it("refuses a queue outside `queues` with Django's message", async () => {
    const elsewhere = add.withOptions({ queueName: "reports" });

    const error = await elsewhere.enqueue(1, 1).catch((e: unknown) => e);

    expect(isTaskException(error, "invalid_task")).toBe(true);
    expect((error as Error).message).toMatch(/^Queue 'reports' is not valid for backend\./);
  });

  it("refuses a runAfter beyond the message retention", () => {
    const tooLate = new Date(Date.now() + 2 * 86_400_000);

    expect(() => add.using({ runAfter: tooLate })).toThrowError(/Raise retentionSeconds/);
  });

  it("removes the stored result and throws when the service refuses the send", async () => {
    const refused = new VercelQueuesBackend("refused", {
      options: { baseUrl: rig.service.url, token: "wrong-token", deploymentId: null },
    });

    const error = await refused.enqueue(add, [1, 2]).catch((e: unknown) => e);

    expect(isQueueError(error) && error.code).toBe("unauthorized");
    const redis = new Redis(REDIS_URL);
    const left = await redis.keys(`${rig.keyPrefix}${refused.recordKey("*")}`);
    redis.disconnect();
    expect(left).toEqual([]);
  });

  it("keeps the READY result when a failed send may have been stored", async () => {
    // Nothing listens there: a network failure, after which the service may or may not hold
    // the message, so deleting the result would let a stored message rebuild and run it.
    const unreachable = new VercelQueuesBackend("unreachable", {
      options: {
        baseUrl: "http://127.0.0.1:9",
        token: "x",
        deploymentId: null,
        timeout: 1,
      },
    });

    const error = await unreachable.enqueue(add, [1, 2]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueOutcomeUnknownError);
    const { resultId, code, cause } = error as EnqueueOutcomeUnknownError;
    expect(code).toBe("enqueue_outcome_unknown");
    expect(isQueueError(cause) && cause.code).toBe("communication_error");
    expect((error as Error).message).toContain(resultId);
    const kept = await unreachable.getResult(resultId);
    expect(kept.status).toBe("READY");
    expect(kept.args).toEqual([1, 2]);
  });

  // The hosted service cannot exist here: a stub answers the first send attempt with a 500 (as
  // if the answer of a stored send was lost) and the retry with the given status.
  async function enqueueAfterLostAnswer(retryStatus: number): Promise<{
    backend: VercelQueuesBackend;
    outcome: unknown;
  }> {
    const stub = await startStubService((_request, index) =>
      index === 0
        ? { status: 500, body: '{"error":"lost answer"}' }
        : { status: retryStatus, body: '{"error":"retry answer"}' },
    );
    try {
      const backend = new VercelQueuesBackend(`lost-answer-${retryStatus}`, {
        options: { baseUrl: stub.url, token: "x", deploymentId: null, timeout: 2 },
      });
      const outcome = await backend.enqueue(add, [3, 4]).catch((e: unknown) => e);
      return { backend, outcome };
    } finally {
      await stub.close();
    }
  }

  it("counts a retried send answered 'duplicate idempotency key' as enqueued", async () => {
    const { backend, outcome } = await enqueueAfterLostAnswer(409);

    expect(outcome).not.toBeInstanceOf(Error);
    const kept = await backend.getResult((outcome as { id: string }).id);
    expect(kept.status).toBe("READY");
    expect(kept.args).toEqual([3, 4]);
  });

  it("keeps the READY result when a retried send ends in a 4xx (an earlier try may have landed)", async () => {
    const { backend, outcome } = await enqueueAfterLostAnswer(400);

    expect(outcome).toBeInstanceOf(EnqueueOutcomeUnknownError);
    const kept = await backend.getResult((outcome as EnqueueOutcomeUnknownError).resultId);
    expect(kept.status).toBe("READY");
  });
});

describe("getResult", () => {
  it("throws TaskResultDoesNotExist for an unknown id", async () => {
    const error = await rig.backend.getResult("no-such-result").catch((e: unknown) => e);

    expect(isTaskException(error, "task_result_does_not_exist")).toBe(true);
    expect((error as Error).message).toContain("no-such-result");
  });

  it("reads the result through the task too", async () => {
    const enqueued = await add.enqueue(20, 22);
    await waitForFinished(rig.backend, enqueued.id);

    const read = await add.getResult(enqueued.id);

    expect(read.returnValue).toBe(42);
  });
});
