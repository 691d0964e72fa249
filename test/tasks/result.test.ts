/**
 * `TaskResult` (src/tasks/result.ts, src/tasks/record.ts): return value access, the state
 * transitions backends use, and the stored record a backend writes to Redis and reads back.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cloneTaskResult,
  configureTasks,
  DummyBackend,
  isTaskException,
  markAttemptFailed,
  markAttemptStarted,
  markTaskEnqueued,
  markTaskSucceeded,
  parseTaskResultRecord,
  resetTaskConfiguration,
  TaskResult,
  type TaskResultRecord,
  TaskResultStatus,
  taskBackends,
  toTaskError,
} from "../../src/tasks/index.js";
import { calculateMeaningOfLife, noopTask } from "./fixtures.js";

function readyResult(): TaskResult {
  return new TaskResult({ id: "r1", task: noopTask, backend: "default", args: [1, { a: "b" }] });
}

describe("TaskResult.returnValue", () => {
  it("says 'Task has not finished yet' while READY or RUNNING", () => {
    const result = readyResult();
    expect(() => result.returnValue).toThrow("Task has not finished yet");

    markAttemptStarted(result, "w1");
    expect(() => result.returnValue).toThrow("Task has not finished yet: result 'r1' is RUNNING");
  });

  it("says 'Task failed' when FAILED, pointing at errors", () => {
    const result = readyResult();
    markAttemptStarted(result, "w1");
    markAttemptFailed(result, toTaskError(new Error("boom")));

    expect(() => result.returnValue).toThrow("Task failed: result 'r1' is FAILED");
    expect(() => result.returnValue).toThrow("result.errors");
    try {
      void result.returnValue;
    } catch (error) {
      expect(isTaskException(error, "return_value_unavailable")).toBe(true);
    }
  });

  it("gives the stored value once SUCCESSFUL, null included", () => {
    const result = readyResult();
    markTaskSucceeded(result, null);

    expect(result.returnValue).toBeNull();
    expect(result.isFinished).toBe(true);
  });
});

describe("TaskResult transitions", () => {
  it("markTaskEnqueued sets enqueuedAt and keeps READY", () => {
    const result = readyResult();
    const at = new Date(1000);

    markTaskEnqueued(result, at);

    expect(result.enqueuedAt).toBe(at);
    expect(result.status).toBe(TaskResultStatus.READY);
  });

  it("markAttemptStarted counts attempts and keeps the first start time", () => {
    const result = readyResult();

    markAttemptStarted(result, "w1", new Date(1000));
    markAttemptFailed(result, toTaskError(new Error("first")), { retry: true });
    markAttemptStarted(result, "w2", new Date(2000));

    expect(result.status).toBe(TaskResultStatus.RUNNING);
    expect(result.attempts).toBe(2);
    expect(result.workerIds).toEqual(["w1", "w2"]);
    expect(result.startedAt).toEqual(new Date(1000));
    expect(result.lastAttemptedAt).toEqual(new Date(2000));
  });

  it("markAttemptFailed with retry goes back to READY; without, FAILED; one error each", () => {
    const result = readyResult();

    markAttemptStarted(result, "w1");
    markAttemptFailed(result, toTaskError(new Error("one")), { retry: true });
    expect(result.status).toBe(TaskResultStatus.READY);
    expect(result.finishedAt).toBeNull();

    markAttemptStarted(result, "w1");
    markAttemptFailed(result, toTaskError(new Error("two")), { at: new Date(5000) });

    expect(result.status).toBe(TaskResultStatus.FAILED);
    expect(result.finishedAt).toEqual(new Date(5000));
    expect(result.errors.map((error) => error.message)).toEqual(["one", "two"]);
  });

  it("an earlier copy of errors does not change when a later attempt fails", () => {
    const result = readyResult();
    const before = result.errors;

    markAttemptFailed(result, toTaskError(new Error("x")), { retry: true });

    expect(before).toEqual([]);
  });
});

describe("TaskResult records", () => {
  afterEach(() => {
    resetTaskConfiguration();
  });

  it("toRecord gives plain JSON with ISO times and the task's options", () => {
    const result = readyResult();
    markTaskEnqueued(result, new Date(0));
    markAttemptStarted(result, "w1", new Date(1000));
    markTaskSucceeded(result, { ok: true }, new Date(2000));

    const record = result.toRecord();

    expect(record).toEqual({
      version: 1,
      id: "r1",
      backend: "default",
      task: { name: "noopTask", queueName: "default", priority: 0, runAfter: null },
      status: "SUCCESSFUL",
      enqueuedAt: "1970-01-01T00:00:00.000Z",
      startedAt: "1970-01-01T00:00:01.000Z",
      lastAttemptedAt: "1970-01-01T00:00:01.000Z",
      finishedAt: "1970-01-01T00:00:02.000Z",
      args: [1, { a: "b" }],
      errors: [],
      workerIds: ["w1"],
      attempts: 1,
      returnValue: { ok: true },
    } satisfies TaskResultRecord);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it("leaves returnValue out unless SUCCESSFUL", () => {
    expect("returnValue" in readyResult().toRecord()).toBe(false);
  });

  it("fromRecord(toRecord()) round-trips through JSON text, finding the task by name", () => {
    configureTasks({ default: { backend: DummyBackend } });
    const result = readyResult();
    markTaskEnqueued(result, new Date(0));
    markAttemptStarted(result, "w1", new Date(10));
    markAttemptFailed(result, toTaskError(new RangeError("bad")), { at: new Date(20) });

    const restored = TaskResult.fromRecord(JSON.parse(JSON.stringify(result.toRecord())));

    expect(restored.task).toBe(noopTask);
    expect(restored.toRecord()).toEqual(result.toRecord());
    expect(restored.errors[0]?.className).toBe("RangeError");
    expect(restored.attempts).toBe(1);
  });

  it("fromRecord rebuilds the task with the queue, priority and runAfter it had", () => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
    const variant = noopTask.using({ queueName: "q", priority: 7, runAfter: new Date(0) });
    const result = new TaskResult({ id: "v", task: variant, backend: "default", args: [] });

    const restored = TaskResult.fromRecord(result.toRecord());

    expect(restored.task.name).toBe("noopTask");
    expect(restored.task.fn).toBe(noopTask.fn);
    expect(restored.task).toMatchObject({ queueName: "q", priority: 7, runAfter: new Date(0) });
  });

  it("fromRecord with a task of another name throws TaskResultMismatch", () => {
    const record = readyResult().toRecord();

    expect(() => TaskResult.fromRecord(record, calculateMeaningOfLife)).toThrow(
      "Task does not match (received 'noopTask')",
    );
  });

  it("fromRecord of an unregistered task name throws UnknownTask", () => {
    const record = { ...readyResult().toRecord(), task: { ...readyResult().toRecord().task } };
    record.task.name = "gone";

    expect(() => TaskResult.fromRecord(record)).toThrow(
      "No task is registered under the name 'gone'",
    );
  });

  it("parseTaskResultRecord names the first wrong field", () => {
    const good = readyResult().toRecord();
    const cases: [unknown, string][] = [
      ["text", "'record' is not an object"],
      [{ ...good, version: 2 }, "'version' is 2, expected 1"],
      [{ ...good, id: "" }, "'id' is not a non-empty string"],
      [{ ...good, status: "DONE" }, "'status' is \"DONE\""],
      [{ ...good, startedAt: "yesterday" }, "'startedAt' is neither null nor an ISO 8601 time"],
      [{ ...good, task: { ...good.task, priority: 1.5 } }, "'task.priority' is not a whole number"],
      [{ ...good, args: {} }, "'args' is not an array"],
      [{ ...good, errors: [{ className: "E", message: "m" }] }, "'errors[0].traceback'"],
      [{ ...good, workerIds: [1] }, "'workerIds[0]'"],
    ];

    for (const [value, message] of cases) {
      expect(() => parseTaskResultRecord(value)).toThrow(message);
    }
    try {
      parseTaskResultRecord(null);
    } catch (error) {
      expect(isTaskException(error, "invalid_task_result_record")).toBe(true);
    }
  });

  it("cloneTaskResult makes an independent deep copy", () => {
    const result = readyResult();

    const copy = cloneTaskResult(result);
    markAttemptStarted(copy, "w9");

    expect(copy).not.toBe(result);
    expect(copy.task).toBe(result.task);
    expect(result.status).toBe(TaskResultStatus.READY);
    expect(copy.args).toEqual(result.args);
    expect(copy.args[1]).not.toBe(result.args[1]);
  });
});

describe("TaskResult.refresh", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("copies the state Django copies and keeps id, task, args and backend", async () => {
    const result = await noopTask.enqueue("x");
    const stored = (taskBackends.default as DummyBackend).results[0] as TaskResult;
    markAttemptStarted(stored, "w1", new Date(1));
    markTaskSucceeded(stored, [1, 2], new Date(2));

    await result.refresh();

    expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
    expect(result.returnValue).toEqual([1, 2]);
    expect(result.workerIds).toEqual(["w1"]);
    expect(result.finishedAt).toEqual(new Date(2));
    expect(result.args).toEqual(["x"]);
    expect(result).not.toBe(stored);
  });
});
