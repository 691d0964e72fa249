/**
 * Argument schemas (src/tasks/schema.ts) with zod, a Standard Schema library: checked at
 * enqueue and again before each run; the schema's output is what the function receives.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkTaskArgs,
  configureTasks,
  DummyBackend,
  ImmediateBackend,
  InvalidTask,
  InvalidTaskArguments,
  isTaskException,
  resetTaskConfiguration,
  TaskResultStatus,
  task,
  taskBackends,
} from "../../src/tasks/index.js";

const sendEmail = task(
  {
    name: "sendEmail",
    argsSchema: [z.string().email(), z.object({ subject: z.string().min(1) })],
  },
  (to: string, message: { subject: string }) => `${to}:${message.subject}`,
);

const schedule = task(
  { name: "schedule", argsSchema: z.tuple([z.coerce.date(), z.number().int().default(1)]) },
  (when: Date, times?: number) => ({ isDate: when instanceof Date, times }),
);

describe("argsSchema", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: ImmediateBackend } });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("accepts matching arguments", async () => {
    const result = await sendEmail.enqueue("ada@example.com", { subject: "Hi" });

    expect(result.returnValue).toBe("ada@example.com:Hi");
  });

  it("refuses bad arguments at enqueue, naming each one, before anything runs", async () => {
    const enqueued = sendEmail.enqueue("not-an-email", { subject: "" });

    await expect(enqueued).rejects.toThrow(InvalidTaskArguments);
    await expect(enqueued).rejects.toThrow(InvalidTask);
    await expect(enqueued).rejects.toThrow("Invalid arguments for task 'sendEmail': args[0]:");
    const error = await enqueued.catch((caught: unknown) => caught);
    expect((error as InvalidTaskArguments).issues.map((issue) => issue.path)).toEqual([
      "args[0]",
      "args[1].subject",
    ]);
    expect(isTaskException(error, "invalid_task_arguments")).toBe(true);
  });

  it("a schema for the whole list names positions from its own paths", async () => {
    await expect(schedule.enqueue("nonsense" as never, 1.5)).rejects.toThrow(
      /args\[0\].*args\[1\]/,
    );
  });

  it("hands the function the schema's output (coerced Date, default applied)", async () => {
    const result = await schedule.enqueue(new Date(0));

    expect(result.args).toEqual(["1970-01-01T00:00:00.000Z"]);
    expect(result.returnValue).toEqual({ isDate: true, times: 1 });
  });

  it("checks the stored arguments again before a run", async () => {
    configureTasks({ default: { backend: DummyBackend } });
    await sendEmail.enqueue("ada@example.com", { subject: "Hi" });

    // A worker of a newer deployment may read arguments an older one stored.
    await expect(checkTaskArgs(sendEmail, ["old-format"])).rejects.toThrow(InvalidTaskArguments);
    expect((taskBackends.default as DummyBackend).results[0]?.status).toBe(TaskResultStatus.READY);
  });

  it("leaves arguments without a schema untouched", async () => {
    const plain = task({ name: "plainArgs" }, (..._args: unknown[]) => {});

    await expect(checkTaskArgs(plain, [1, "a"])).resolves.toEqual([1, "a"]);
  });

  it("reports a schema whose output is not an argument list", async () => {
    const odd = task(
      { name: "oddSchema", argsSchema: z.any().transform(() => "x") as never },
      () => {},
    );

    await expect(checkTaskArgs(odd, [])).rejects.toThrow("argsSchema must produce an array");
  });

  it("accepts any Standard Schema, not only zod", async () => {
    const even = {
      "~standard": {
        version: 1 as const,
        vendor: "hand-made",
        validate: (value: unknown) =>
          typeof value === "number" && value % 2 === 0
            ? { value }
            : { issues: [{ message: "must be even", path: [{ key: "n" }] }] },
      },
    };
    const evenTask = task({ name: "evenTask", argsSchema: [even] }, (n: number) => n);

    await expect(evenTask.enqueue(3)).rejects.toThrow("args[0].n: must be even");
    await expect(evenTask.enqueue(4)).resolves.toMatchObject({ status: "SUCCESSFUL" });
  });
});
