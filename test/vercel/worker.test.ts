/**
 * `createTaskWorker`: the same task execution as the callback route, fed by polling the local
 * Queue Service (no push subscription), with results in the real Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PollingWorker } from "../../src/consumer/index.js";
import { createTaskWorker, type TaskHandlerEvent } from "../../src/tasks/backends/vercel/index.js";
import {
  configureTasks,
  ImmediateBackend,
  isTaskException,
  type TaskContext,
  task,
} from "../../src/tasks/index.js";
import { type Rig, startRig, waitFor, waitForFinished } from "./helpers/harness.js";

const attempts = new Map<string, number>();

const square = task({ name: "worker-test.square", queueName: "jobs" }, (n: number) => n * n);

const flaky = task(
  { name: "worker-test.flaky", queueName: "jobs", takesContext: true },
  (context: TaskContext) => {
    attempts.set(context.taskResult.id, context.attempt);
    if (context.attempt === 1) throw new Error("first try fails");
    return "second try";
  },
);

let rig: Rig;
let worker: PollingWorker | undefined;
let running: Promise<void> | undefined;
const events: TaskHandlerEvent[] = [];

beforeAll(async () => {
  rig = await startRig({
    name: "vercel-worker",
    tasks: [square, flaky],
    queues: ["jobs"],
    push: false,
    options: { retryBackoffBaseSeconds: 1, visibilityTimeoutSeconds: 5 },
  });
});

afterEach(async () => {
  await worker?.stop();
  await running;
  worker = undefined;
});

afterAll(async () => {
  await rig?.close();
});

function startWorker(): void {
  worker = createTaskWorker({
    tasks: [square, flaky],
    consumerGroup: "workers",
    idleDelayMs: 20,
    maxIdleDelayMs: 200,
    onEvent: (event) => events.push(event),
  });
  running = worker.run();
}

describe("createTaskWorker", () => {
  it("polls the backend's queues and runs tasks to SUCCESSFUL", async () => {
    startWorker();

    const enqueued = await square.enqueue(7);
    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.returnValue).toBe(49);
    // The result is stored before the acknowledgement goes out, so wait for the ack itself.
    const acked = await waitFor(
      () => events.some((event) => event.type === "message.acknowledged"),
      "the worker to acknowledge the message",
    );
    expect(acked).toBe(true);
  });

  it("retries a failed attempt after the backoff delay", async () => {
    startWorker();

    const enqueued = await flaky.enqueue();
    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.attempts).toBe(2);
    expect(finished.errors).toHaveLength(1);
    expect(attempts.get(enqueued.id)).toBe(2);
  });

  it("refuses to poll a queue the backend does not allow", () => {
    expect(() => createTaskWorker({ tasks: [square], queues: ["elsewhere"] })).toThrowError(
      /option "queues" cannot be polled as asked/,
    );
  });

  it("refuses a backend that is not a VercelQueuesBackend", () => {
    configureTasks({ other: { backend: ImmediateBackend } });

    let error: unknown;
    try {
      createTaskWorker({ tasks: [square], backend: "other" });
    } catch (thrown) {
      error = thrown;
    }

    expect(isTaskException(error, "invalid_task_backend")).toBe(true);
    expect((error as Error).message).toContain("expected VercelQueuesBackend");
  });
});
