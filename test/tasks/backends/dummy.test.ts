/**
 * Django's `tests/tasks/test_dummy_backend.py` (`DummyBackendTestCase`), ported case by case.
 * The async twins, `check()` and the transaction case do not apply (docs/notes/tasks.md).
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BaseTaskBackend,
  configureTasks,
  DummyBackend,
  InvalidTask,
  markTaskSucceeded,
  ReturnValueUnavailable,
  resetTaskConfiguration,
  TaskResultDoesNotExist,
  TaskResultStatus,
  task,
  taskBackends,
} from "../../../src/tasks/index.js";
import { captureLogger, getTaskId, noopTask, noopTaskAsync } from "../fixtures.js";

function backend(): DummyBackend {
  return taskBackends.get("default") as DummyBackend;
}

describe("DummyBackendTestCase", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("test_using_correct_backend", () => {
    expect(taskBackends.default).toBeInstanceOf(DummyBackend);
    expect(taskBackends.default.alias).toBe("default");
    expect(taskBackends.default.options).toEqual({});
  });

  it("test_enqueue_task", async () => {
    for (const definedTask of [noopTask, noopTaskAsync]) {
      const result = await definedTask.enqueue(1, { two: 3 });

      expect(result.status).toBe(TaskResultStatus.READY);
      expect(result.isFinished).toBe(false);
      expect(result.startedAt).toBeNull();
      expect(result.lastAttemptedAt).toBeNull();
      expect(result.finishedAt).toBeNull();
      expect(() => result.returnValue).toThrow(ReturnValueUnavailable);
      expect(() => result.returnValue).toThrow("Task has not finished yet");
      expect(result.task).toEqual(definedTask);
      expect(result.args).toEqual([1, { two: 3 }]);
      expect(result.attempts).toBe(0);
      expect(backend().results).toContainEqual(result);
    }
  });

  it("test_get_result", async () => {
    const result = await backend().enqueue(noopTask, []);

    const fetched = await backend().getResult(result.id);

    expect(fetched).toEqual(result);
  });

  it("test_refresh_result", async () => {
    const result = await backend().enqueue(noopTask, []);
    const stored = backend().results[0];
    if (stored === undefined) throw new Error("nothing stored");

    // Django sets the stored result's status directly; backends move results with mark*.
    markTaskSucceeded(stored, null);
    expect(result.status).toBe(TaskResultStatus.READY);

    await result.refresh();

    expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
  });

  it("test_get_missing_result", async () => {
    await expect(backend().getResult("123")).rejects.toThrow(TaskResultDoesNotExist);
  });

  it("test_enqueue_logs", async () => {
    const { logger, records } = captureLogger();
    configureTasks({ default: { backend: DummyBackend, queues: [] } }, { logger });

    const result = await noopTask.enqueue();

    expect(records).toHaveLength(1);
    expect(records[0]?.level).toBe("debug");
    expect(records[0]?.message).toContain("enqueued");
    expect(records[0]?.message).toContain(result.id);
  });

  it("test_errors", async () => {
    const result = await noopTask.enqueue();

    expect(result.errors).toEqual([]);
  });

  it("test_validate_disallowed_async_task", () => {
    class SyncOnlyDummy extends DummyBackend {
      override readonly supportsAsyncTask = false;
    }
    configureTasks({ default: { backend: SyncOnlyDummy, queues: [] } });

    expect(() => taskBackends.default.validateTask(noopTaskAsync)).toThrow(InvalidTask);
    expect(() => taskBackends.default.validateTask(noopTaskAsync)).toThrow(
      "Backend does not support async Tasks.",
    );
  });

  it("test_takes_context", async () => {
    const result = await getTaskId.enqueue();

    expect(result.status).toBe(TaskResultStatus.READY);
  });

  it("test_clear", async () => {
    const result = await noopTask.enqueue();

    backend().clear();

    await expect(backend().getResult(result.id)).rejects.toThrow(TaskResultDoesNotExist);
    await expect(backend().getResult(result.id)).rejects.toThrow(result.id);
  });

  it("test_validate_on_enqueue", async () => {
    const unknownQueueTask = task(
      { name: "unknownQueueTask", queueName: "unknown_queue" },
      function unknownQueueTask() {},
    );
    configureTasks({ default: { backend: DummyBackend, queues: ["queue-1"] } });

    await expect(unknownQueueTask.enqueue()).rejects.toThrow(
      "Queue 'unknown_queue' is not valid for backend",
    );
  });
});

describe("DummyBackend (TypeScript additions)", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("returns a copy: changing the returned result leaves the stored one alone", async () => {
    const returned = await noopTask.enqueue({ list: [1] });
    const stored = backend().results[0];

    markTaskSucceeded(returned, 1);
    (returned.args[0] as { list: number[] }).list.push(2);

    expect(stored?.status).toBe(TaskResultStatus.READY);
    expect(stored?.args).toEqual([{ list: [1] }]);
  });

  it("stores runAfter and priority without acting on them", async () => {
    const when = new Date("2030-01-01T00:00:00Z");

    const result = await noopTask.using({ runAfter: when, priority: 50 }).enqueue();

    expect(result.task.runAfter).toEqual(when);
    expect(result.task.priority).toBe(50);
    expect(result.status).toBe(TaskResultStatus.READY);
  });

  it("getResult returns the stored object itself", async () => {
    const result = await noopTask.enqueue();

    expect(await backend().getResult(result.id)).toBe(backend().results[0]);
  });

  it("advertises Django's capabilities", () => {
    const dummy = backend();

    expect(dummy).toBeInstanceOf(BaseTaskBackend);
    expect(dummy.supportsDefer).toBe(true);
    expect(dummy.supportsAsyncTask).toBe(true);
    expect(dummy.supportsPriority).toBe(true);
    expect(dummy.supportsGetResult).toBe(false);
  });
});
