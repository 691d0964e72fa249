/**
 * `createTaskCallbackHandler`, the web-standard `(Request) => Promise<Response>` route (Next.js
 * App Router, Hono…): the local Queue Service pushes to it through a minimal node:http bridge,
 * with results in the real Redis. The Node handler is covered in depth by callback.test.ts;
 * this pins that the web variant runs, retries and reports the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskCallbackHandler } from "../../src/tasks/backends/vercel/index.js";
import { type TaskContext, task } from "../../src/tasks/index.js";
import { eventsOf, type Rig, startRig, waitFor, waitForFinished } from "./helpers/harness.js";

const double = task({ name: "fetch-test.double" }, (n: number) => n * 2);

const onceFlaky = task(
  { name: "fetch-test.once-flaky", takesContext: true },
  (context: TaskContext) => {
    if (context.attempt === 1) throw new RangeError("not yet");
    return context.attempt;
  },
);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({
    name: "vercel-fetch",
    tasks: [double, onceFlaky],
    handler: "fetch",
    options: { retryBackoffBaseSeconds: 1 },
  });
});

afterAll(async () => {
  await rig?.close();
});

describe("createTaskCallbackHandler", () => {
  it("runs a pushed task to SUCCESSFUL", async () => {
    const enqueued = await double.enqueue(21);

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.returnValue).toBe(42);
    await waitFor(
      () => eventsOf(rig.events, "message.acknowledged").length > 0,
      "the acknowledgement event",
    );
  });

  it("retries a failed attempt and records its error", async () => {
    const enqueued = await onceFlaky.enqueue();

    const finished = await waitForFinished(rig.backend, enqueued.id);

    expect(finished.status).toBe("SUCCESSFUL");
    expect(finished.returnValue).toBe(2);
    expect(finished.errors.map((error) => error.className)).toEqual(["RangeError"]);
  });

  it("answers 500 with a JSON error while its backend alias is not configured", async () => {
    const handler = createTaskCallbackHandler({ backend: "missing", tasks: [double] });

    const response = await handler(new Request("http://app.local/api/tasks", { method: "POST" }));

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      code: "invalid_task_backend",
      error: expect.stringContaining("The connection 'missing' doesn't exist."),
    });
  });

  it("refuses a `tasks` option that is not a list of tasks", () => {
    expect(() => createTaskCallbackHandler({ tasks: [(() => 1) as never] })).toThrowError(
      /tasks\[0\] is not a task/,
    );
  });
});
