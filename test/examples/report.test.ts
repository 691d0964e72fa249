/** The verdict of the chunks example: every task kind must end in its own expected state. */
import { describe, expect, it } from "vitest";
import {
  checkBatch,
  type Expectations,
  type ResultView,
  summaryLines,
  type TrackedTask,
} from "../../examples/chunks/report.js";
import { aggregateLines, emptyTotals } from "../../examples/chunks/sales.js";

const LINES = ["2024-01-01,north,saw,2,10.00", "2024-01-02,south,saw,1,5.00"];
const RUN_AFTER = new Date("2025-01-01T00:00:03.000Z");

function result(overrides: Partial<ResultView> & { returnValue?: unknown }): ResultView {
  return {
    id: "r",
    status: "SUCCESSFUL",
    attempts: 1,
    errors: [],
    enqueuedAt: new Date("2025-01-01T00:00:00.000Z"),
    startedAt: new Date("2025-01-01T00:00:01.000Z"),
    finishedAt: new Date("2025-01-01T00:00:01.500Z"),
    isFinished: true,
    returnValue: null,
    ...overrides,
  };
}

const error = { className: "PlannedFailure", message: "on purpose" };

function goodBatch(): TrackedTask[] {
  return [
    { kind: "chunk", result: result({ id: "c0", returnValue: aggregateLines(LINES.slice(0, 1)) }) },
    { kind: "chunk", result: result({ id: "c1", returnValue: aggregateLines(LINES.slice(1), 3) }) },
    { kind: "flaky", result: result({ id: "f", attempts: 3, errors: [error, error] }) },
    {
      kind: "always-fails",
      result: result({ id: "a", status: "FAILED", attempts: 3, errors: [error, error, error] }),
    },
    {
      kind: "deferred",
      runAfter: RUN_AFTER,
      result: result({ id: "d", startedAt: new Date("2025-01-01T00:00:03.020Z") }),
    },
  ];
}

const expected: Expectations = {
  chunks: 2,
  maxAttempts: 3,
  flakyFailures: 2,
  directTotals: aggregateLines(LINES),
};

describe("checkBatch", () => {
  it("passes a batch where every task did what it should", () => {
    const verdict = checkBatch(goodBatch(), expected);

    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.combined.revenueCentsByRegion.north).toBe(2000);
  });

  it("fails when a chunk task failed", () => {
    const tasks = goodBatch();
    (tasks[0] as TrackedTask).result = result({ id: "c0", status: "FAILED", errors: [error] });

    const verdict = checkBatch(tasks, expected);

    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain("chunk task c0 ended FAILED after 1 attempt(s)");
  });

  it("fails when the totals differ from the direct computation", () => {
    const verdict = checkBatch(goodBatch(), { ...expected, directTotals: emptyTotals() });

    expect(verdict.problems).toContain(
      "the chunk totals added up differ from the totals computed from the CSV",
    );
  });

  it("fails when the flaky task succeeded at another attempt", () => {
    const tasks = goodBatch();
    (tasks[2] as TrackedTask).result = result({ id: "f", attempts: 1 });

    expect(checkBatch(tasks, expected).problems).toEqual([
      "flaky task f: expected SUCCESSFUL after 3 attempts, got SUCCESSFUL after 1 attempt(s) with 0 error(s)",
    ]);
  });

  it("fails when the always-failing task recorded fewer errors than attempts", () => {
    const tasks = goodBatch();
    (tasks[3] as TrackedTask).result = result({ id: "a", status: "FAILED", errors: [error] });

    expect(checkBatch(tasks, expected).problems[0]).toContain("expected FAILED with 3 errors");
  });

  it("fails when the deferred task started before its runAfter", () => {
    const tasks = goodBatch();
    (tasks[4] as TrackedTask).result = result({
      id: "d",
      startedAt: new Date("2025-01-01T00:00:02.999Z"),
    });

    expect(checkBatch(tasks, expected).problems[0]).toContain("before its runAfter");
  });

  it("fails when a task kind is missing", () => {
    const tasks = goodBatch().filter((tracked) => tracked.kind !== "deferred");

    expect(checkBatch(tasks, expected).problems).toEqual([
      "expected one deferred task, enqueued 0",
    ]);
  });
});

describe("summaryLines", () => {
  it("prints the counts, the regions side by side and the verdict", () => {
    const tasks = goodBatch();
    const lines = summaryLines(tasks, checkBatch(tasks, expected), {
      queueServiceUrl: "http://127.0.0.1:1",
      resultStore: "memory",
      elapsedMs: 1234,
      expected,
    });

    expect(lines).toContain("status: SUCCESSFUL 4, FAILED 1");
    expect(lines).toContain("  north             20.00 |          20.00  ok");
    expect(lines).toContain(
      "deferred: SUCCESSFUL, 1 attempt(s), 0 error(s); runAfter enqueue + 3.0 s, started 0.02 s after it",
    );
    expect(lines).toContain("elapsed: 1.23 s");
    expect(lines.at(-1)).toBe("result: OK, every task reached its expected state");
  });

  it("lists every problem under a FAILED verdict", () => {
    const tasks = goodBatch().slice(1);
    const lines = summaryLines(tasks, checkBatch(tasks, expected), {
      queueServiceUrl: "x",
      resultStore: "memory",
      elapsedMs: 0,
      expected,
    });

    expect(lines).toContain("result: FAILED");
    expect(lines).toContain("  problem: expected 2 chunk tasks, enqueued 1");
  });
});
