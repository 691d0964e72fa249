/**
 * The record transitions of a delivery, on their own: what the store's atomic update applies.
 * The end-to-end behaviour is in callback.test.ts; these pin the rules that are hard to provoke
 * over the wire (a lost lease overtaken by a newer attempt, a crashed attempt).
 */
import { describe, expect, it } from "vitest";
import {
  fromStoredRecord,
  idleVercelState,
  type StoredResult,
  toStoredRecord,
} from "../../src/tasks/backends/vercel/record.js";
import {
  type AttemptIdentity,
  planFailWithoutRunning,
  planFinish,
  planStart,
  recordedError,
} from "../../src/tasks/backends/vercel/transitions.js";
import { Task, TaskResult } from "../../src/tasks/index.js";

const job = new Task({
  name: "transitions-test.job",
  fn: () => "ok",
  queueName: "default",
  priority: 0,
  backend: "default",
  takesContext: false,
  runAfter: null,
  argsSchema: undefined,
});

function fresh(): StoredResult {
  const result = new TaskResult({ id: "r1", task: job, backend: "default", args: [1] });
  return { result, vercel: idleVercelState() };
}

/** A store round trip, as every transition sees the record. */
function roundTrip(stored: StoredResult): StoredResult {
  const read = fromStoredRecord(JSON.parse(JSON.stringify(toStoredRecord(stored))), () => job);
  if (read === null) throw new Error("unreadable");
  return read;
}

function identity(token: string, messageId = "m1"): AttemptIdentity {
  return { token, messageId, workerId: `worker-${token}`, now: new Date() };
}

const failure = (message: string) => ({
  ok: false as const,
  error: recordedError(new Error(message)),
  retry: true,
});

describe("planStart", () => {
  it("starts the first attempt under the delivery's token", () => {
    const plan = planStart(fresh(), identity("a"), 3);

    expect(plan.kind).toBe("started");
    if (plan.kind !== "started") return;
    expect(plan.stored.result.status).toBe("RUNNING");
    expect(plan.stored.result.attempts).toBe(1);
    expect(plan.stored.vercel).toMatchObject({ attemptToken: "a", messageId: "m1" });
  });

  it("leaves a finished result alone", () => {
    const started = planStart(fresh(), identity("a"), 3);
    if (started.kind !== "started") throw new Error("not started");
    const done = planFinish(
      roundTrip(started.stored),
      "a",
      { ok: true, returnValue: 2 },
      new Date(),
    );
    if (done === "stale") throw new Error("stale");

    const plan = planStart(roundTrip(done), identity("b"), 3);

    expect(plan).toEqual({ kind: "finished", status: "SUCCESSFUL" });
  });

  it("leaves a result that another message is running alone", () => {
    const started = planStart(fresh(), identity("a", "m1"), 3);
    if (started.kind !== "started") throw new Error("not started");

    const plan = planStart(roundTrip(started.stored), identity("b", "m2"), 3);

    expect(plan).toEqual({ kind: "busy", messageId: "m1" });
  });

  it("gives an abandoned attempt of the same message its error, then starts the next", () => {
    const started = planStart(fresh(), identity("a"), 3);
    if (started.kind !== "started") throw new Error("not started");

    const plan = planStart(roundTrip(started.stored), identity("b"), 3);

    expect(plan.kind).toBe("started");
    if (plan.kind !== "started") return;
    expect(plan.stored.result.attempts).toBe(2);
    expect(plan.stored.result.errors.map((error) => error.className)).toEqual(["AttemptAbandoned"]);
    expect(plan.stored.vercel.attemptToken).toBe("b");
  });

  it("fails the result when the abandoned attempt was the last one", () => {
    const started = planStart(fresh(), identity("a"), 1);
    if (started.kind !== "started") throw new Error("not started");

    const plan = planStart(roundTrip(started.stored), identity("b"), 1);

    expect(plan.kind).toBe("exhausted");
    if (plan.kind !== "exhausted") return;
    expect(plan.stored.result.status).toBe("FAILED");
    expect(plan.stored.result.errors).toHaveLength(1);
    expect(plan.stored.result.attempts).toBe(1);
  });
});

describe("planFinish", () => {
  it("drops the outcome of an attempt that a newer attempt took over", () => {
    const first = planStart(fresh(), identity("a"), 3);
    if (first.kind !== "started") throw new Error("not started");
    const second = planStart(roundTrip(first.stored), identity("b"), 3);
    if (second.kind !== "started") throw new Error("not started");
    const current = roundTrip(second.stored);

    const late = planFinish(current, "a", { ok: true, returnValue: "late" }, new Date());

    expect(late).toBe("stale");
    expect(current.result.status).toBe("RUNNING");
    expect(current.vercel.attemptToken).toBe("b");
  });

  it("puts a failed attempt back to READY with exactly one error when it will be retried", () => {
    const started = planStart(fresh(), identity("a"), 3);
    if (started.kind !== "started") throw new Error("not started");

    const written = planFinish(roundTrip(started.stored), "a", failure("boom"), new Date());

    if (written === "stale") throw new Error("stale");
    expect(written.result.status).toBe("READY");
    expect(written.result.errors).toHaveLength(1);
    expect(written.vercel.attemptToken).toBeNull();
  });
});

describe("planFailWithoutRunning", () => {
  it("counts one attempt with one error and finishes FAILED", () => {
    const failed = planFailWithoutRunning(fresh(), recordedError(new Error("refused")), {
      messageId: "m1",
      workerId: "w",
      now: new Date(),
    });

    expect(failed?.result.status).toBe("FAILED");
    expect(failed?.result.attempts).toBe(1);
    expect(failed?.result.errors).toEqual([
      { className: "Error", message: "refused", traceback: "Error: refused" },
    ]);
  });
});
