/**
 * One attempt (src/tasks/execution.ts) as the Immediate and Vercel backends both run it, and
 * the TaskContext it hands to context tasks (src/tasks/context.ts).
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  configureTasks,
  DummyBackend,
  resetTaskConfiguration,
  runTaskAttempt,
  TaskContext,
  TaskResult,
  task,
} from "../../src/tasks/index.js";
import { calculateMeaningOfLife, complexReturnValue, failingTaskValueError } from "./fixtures.js";

function contextFor(taskName: string, args: unknown[] = []): TaskContext {
  const defined = task({ name: `${taskName}-holder` }, () => {});
  return new TaskContext(
    new TaskResult({ id: "r", task: defined, backend: "default", args: args as never }),
  );
}

describe("runTaskAttempt", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("returns the converted return value on success", async () => {
    const outcome = await runTaskAttempt(calculateMeaningOfLife, [], contextFor("a"));

    expect(outcome).toEqual({ ok: true, returnValue: 42 });
  });

  it("returns null for a function that returns nothing", async () => {
    const nothing = task({ name: "returnsNothing" }, () => {});

    expect(await runTaskAttempt(nothing, [], contextFor("b"))).toEqual({
      ok: true,
      returnValue: null,
    });
  });

  it("reports a thrown error as retryable, with its TaskError", async () => {
    const outcome = await runTaskAttempt(failingTaskValueError, [], contextFor("c"));

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.retryable).toBe(true);
    expect(outcome.error.className).toBe("ValueError");
    expect((outcome.thrown as Error).message).toBe("This Task failed due to ValueError");
  });

  it("reports an unconvertible return value as not retryable", async () => {
    const outcome = await runTaskAttempt(complexReturnValue, [], contextFor("d"));

    expect(outcome).toMatchObject({ ok: false, retryable: false });
  });

  it("reports arguments that no longer fit the schema as not retryable, unrun", async () => {
    let ran = false;
    const strict = task({ name: "strict", argsSchema: [z.number()] }, (_n: number) => {
      ran = true;
    });

    const outcome = await runTaskAttempt(strict, ["one"], contextFor("e"));

    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(ran).toBe(false);
    if (!outcome.ok) expect(outcome.error.className).toBe("InvalidTaskArguments");
  });

  it("passes the context first to a context task, and the arguments after it", async () => {
    const seen: unknown[] = [];
    const withContext = task(
      { name: "withContext", takesContext: true },
      (context: TaskContext, a: number, b: string) => {
        seen.push(context, a, b);
      },
    );
    const context = contextFor("f");

    await runTaskAttempt(withContext, [1, "two"], context);

    expect(seen).toEqual([context, 1, "two"]);
  });

  it("never throws, whatever the function throws", async () => {
    const throwsNull = task({ name: "throwsNull" }, () => {
      throw null;
    });

    await expect(runTaskAttempt(throwsNull, [], contextFor("g"))).resolves.toMatchObject({
      ok: false,
      error: { className: "null" },
    });
  });
});

describe("TaskContext", () => {
  afterEach(() => {
    resetTaskConfiguration();
  });

  it("reads the attempt from the live result and carries a signal", () => {
    const context = contextFor("h");

    expect(context.attempt).toBe(0);
    expect(context.signal.aborted).toBe(false);
    expect(Object.isFrozen(context)).toBe(true);
  });

  it("passes on the signal a backend gives it", () => {
    const controller = new AbortController();
    const defined = task({ name: "signalled" }, () => {});
    const context = new TaskContext(
      new TaskResult({ id: "s", task: defined, backend: "default", args: [] }),
      controller.signal,
    );

    controller.abort(new Error("lease lost"));

    expect(context.signal.aborted).toBe(true);
  });
});
