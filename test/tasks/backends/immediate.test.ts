/**
 * Django's `tests/tasks/test_immediate_backend.py` (`ImmediateBackendTestCase`), ported case by
 * case. KeyboardInterrupt, the async twins and the transaction case do not apply
 * (docs/notes/tasks.md).
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  ImmediateBackend,
  InvalidTask,
  isTaskException,
  NotSupportedByBackend,
  resetTaskConfiguration,
  TaskResultStatus,
  task,
  taskBackends,
  taskEvents,
} from "../../../src/tasks/index.js";
import {
  calculateMeaningOfLife,
  captureLogger,
  complexException,
  complexReturnValue,
  failingTaskThrowsString,
  failingTaskValueError,
  getTaskId,
  noopTask,
  noopTaskAsync,
  testContext,
} from "../fixtures.js";

describe("ImmediateBackendTestCase", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: ImmediateBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
    taskEvents.removeAllListeners();
  });

  it("test_using_correct_backend", () => {
    expect(taskBackends.default).toBeInstanceOf(ImmediateBackend);
    expect(taskBackends.default.alias).toBe("default");
    expect(taskBackends.default.options).toEqual({});
  });

  it("test_enqueue_task", async () => {
    for (const definedTask of [noopTask, noopTaskAsync]) {
      const result = await definedTask.enqueue(1, { two: 3 });

      expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
      expect(result.isFinished).toBe(true);
      expect(result.enqueuedAt).not.toBeNull();
      expect(result.startedAt).not.toBeNull();
      expect(result.lastAttemptedAt).not.toBeNull();
      expect(result.finishedAt).not.toBeNull();
      expect(result.startedAt?.getTime()).toBeGreaterThanOrEqual(result.enqueuedAt?.getTime() ?? 0);
      expect(result.finishedAt?.getTime()).toBeGreaterThanOrEqual(result.startedAt?.getTime() ?? 0);
      expect(result.returnValue).toBeNull();
      expect(result.task).toEqual(definedTask);
      expect(result.args).toEqual([1, { two: 3 }]);
      expect(result.attempts).toBe(1);
    }
  });

  it("test_catches_exception", async () => {
    const cases = [
      { failing: failingTaskValueError, className: "ValueError", message: "ValueError" },
      // Django's SystemExit case: any thrown value is caught, an Error or not.
      { failing: failingTaskThrowsString, className: "string", message: "throwing a string" },
    ];

    for (const { failing, className, message } of cases) {
      const { logger, records } = captureLogger();
      configureTasks({ default: { backend: ImmediateBackend, queues: [] } }, { logger });

      const result = await failing.enqueue();

      const errorRecords = records.filter((record) => record.level === "error");
      expect(errorRecords).toHaveLength(1);
      expect(String(errorRecords[0]?.rest[0])).toContain(message);
      expect(result.status).toBe(TaskResultStatus.FAILED);
      expect(() => result.returnValue).toThrow("Task failed");
      expect(result.startedAt?.getTime()).toBeGreaterThanOrEqual(result.enqueuedAt?.getTime() ?? 0);
      expect(result.finishedAt?.getTime()).toBeGreaterThanOrEqual(result.startedAt?.getTime() ?? 0);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.className).toBe(className);
      expect(result.args).toEqual([]);
    }
  });

  it("test_catches_exception: the traceback starts with the class and message", async () => {
    const result = await failingTaskValueError.enqueue();

    // Python ends the traceback with the message line; a JavaScript stack starts with it.
    expect(result.errors[0]?.traceback).toMatch(
      /^ValueError: This Task failed due to ValueError\n {4}at /,
    );
  });

  it("test_complex_exception", async () => {
    const result = await complexException.enqueue();

    expect(result.status).toBe(TaskResultStatus.FAILED);
    expect(result.toRecord().returnValue).toBeUndefined();
    expect(result.errors[0]?.className).toBe("ValueError");
    expect(result.errors[0]?.traceback).toContain("ValueError: This task failed");
    expect(result.errors[0]?.traceback).toContain("Caused by: ValueError: inner failure");
  });

  it("test_complex_return_value", async () => {
    const result = await complexReturnValue.enqueue();

    expect(result.status).toBe(TaskResultStatus.FAILED);
    expect(result.errors[0]?.className).toBe("UnsupportedJsonValue");
    expect(result.errors[0]?.traceback).toContain("Unsupported type function at returnValue");
  });

  it("test_result", async () => {
    const result = await calculateMeaningOfLife.enqueue();

    expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
    expect(result.returnValue).toBe(42);
  });

  it("test_cannot_get_result", async () => {
    const read = taskBackends.default.getResult("123");

    await expect(read).rejects.toThrow(NotSupportedByBackend);
    await expect(read).rejects.toThrow(
      "This backend does not support retrieving or refreshing results.",
    );
  });

  it("test_cannot_refresh_result", async () => {
    const result = await calculateMeaningOfLife.enqueue();

    await expect(result.refresh()).rejects.toThrow(
      "This backend does not support retrieving or refreshing results.",
    );
  });

  it("test_cannot_pass_run_after", () => {
    expect(() => noopTask.using({ runAfter: new Date() })).toThrow(InvalidTask);
    expect(() => noopTask.using({ runAfter: new Date() })).toThrow(
      "Backend does not support runAfter.",
    );
  });

  it("test_enqueue_logs", async () => {
    const { logger, records } = captureLogger();
    configureTasks({ default: { backend: ImmediateBackend, queues: [] } }, { logger });

    const result = await noopTask.enqueue();

    expect(records.map((record) => [record.level, record.message])).toEqual([
      ["debug", `Task id=${result.id} name=noopTask enqueued backend=default`],
      ["info", `Task id=${result.id} name=noopTask state=RUNNING`],
      ["info", `Task id=${result.id} name=noopTask state=SUCCESSFUL`],
    ]);
  });

  it("test_failed_logs", async () => {
    const { logger, records } = captureLogger();
    configureTasks({ default: { backend: ImmediateBackend, queues: [] } }, { logger });

    const result = await failingTaskValueError.enqueue();

    expect(records).toHaveLength(3);
    expect(records[1]?.message).toContain("state=RUNNING");
    expect(records[1]?.message).toContain(result.id);
    expect(records[2]?.level).toBe("error");
    expect(records[2]?.message).toContain("state=FAILED");
    expect(records[2]?.rest[0]).toBe(result.errors[0]?.traceback);
  });

  it("test_takes_context", async () => {
    const result = await getTaskId.enqueue();

    expect(result.returnValue).toBe(result.id);
  });

  it("test_context", async () => {
    const result = await testContext.enqueue(1);

    expect(result.errors).toEqual([]);
    expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
  });

  it("test_validate_on_enqueue", async () => {
    const unknownQueueTask = task(
      { name: "unknownQueueTask", queueName: "unknown_queue" },
      function unknownQueueTask() {},
    );
    configureTasks({ default: { backend: ImmediateBackend, queues: ["queue-1"] } });

    await expect(unknownQueueTask.enqueue()).rejects.toThrow(
      "Queue 'unknown_queue' is not valid for backend",
    );
  });
});

describe("ImmediateBackend (TypeScript additions)", () => {
  beforeEach(() => {
    configureTasks({ default: { backend: ImmediateBackend, queues: [] } });
  });

  afterEach(() => {
    resetTaskConfiguration();
    taskEvents.removeAllListeners();
  });

  it("sends taskEnqueued, taskStarted and taskFinished in Django's states", async () => {
    const seen: string[] = [];
    for (const name of ["taskEnqueued", "taskStarted", "taskFinished"] as const) {
      taskEvents.on(name, ({ backend, taskResult }) => {
        expect(backend).toBe(taskBackends.default);
        seen.push(`${name}:${taskResult.status}:${taskResult.attempts}`);
      });
    }

    await calculateMeaningOfLife.enqueue();

    expect(seen).toEqual([
      "taskEnqueued:READY:0",
      "taskStarted:RUNNING:1",
      "taskFinished:SUCCESSFUL:1",
    ]);
  });

  it("runs the function with the JSON form of its arguments, as a worker would", async () => {
    const echo = task({ name: "echoArgs" }, (when: Date, list: number[]) => ({ when, list }));

    const result = await echo.enqueue(new Date(0), [1, 2]);

    expect(result.returnValue).toEqual({ when: "1970-01-01T00:00:00.000Z", list: [1, 2] });
  });

  it("gives the function its own copy of the arguments, as a worker's parse would", async () => {
    const mutate = task({ name: "mutateArgs" }, (order: { items: string[] }) => {
      order.items.push("added by the task");
    });

    const result = await mutate.enqueue({ items: ["a"] });

    expect(result.args).toEqual([{ items: ["a"] }]);
  });

  it("records one worker id per attempt, the instance's own", async () => {
    const result = await noopTask.enqueue();

    expect(result.workerIds).toEqual([(taskBackends.default as ImmediateBackend).workerId]);
    expect(result.workerIds[0]).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("throws before running when an argument cannot be converted", async () => {
    let ran = false;
    const marker = task({ name: "marker" }, (_value: unknown) => {
      ran = true;
    });

    await expect(marker.enqueue(10n)).rejects.toThrow("Unsupported type bigint at args[0]");
    expect(ran).toBe(false);
  });

  it("a rejected promise fails the task like a throw", async () => {
    const rejecting = task({ name: "rejecting" }, async () => {
      await Promise.resolve();
      throw new RangeError("out of range");
    });

    const result = await rejecting.enqueue();

    expect(result.status).toBe(TaskResultStatus.FAILED);
    expect(result.errors.map((error) => [error.className, error.message])).toEqual([
      ["RangeError", "out of range"],
    ]);
    expect(isTaskException(new Error("plain"))).toBe(false);
  });
});
