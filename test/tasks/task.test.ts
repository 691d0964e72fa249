/**
 * Django's `tests/tasks/test_tasks.py` (`TaskTestCase`), ported case by case. Cases that cannot
 * apply in TypeScript (the async twins, exception class import paths) are listed with reasons in
 * docs/notes/tasks.md.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  DummyBackend,
  getTask,
  ImmediateBackend,
  InvalidTask,
  InvalidTaskBackend,
  isTaskException,
  resetTaskConfiguration,
  Task,
  TaskResultDoesNotExist,
  TaskResultMismatch,
  TaskResultStatus,
  task,
  taskBackends,
  UnsupportedJsonValue,
} from "../../src/tasks/index.js";
import {
  calculateMeaningOfLife,
  captureLogger,
  failingTaskValueError,
  noopTask,
  noopTaskAsync,
  noopTaskFromBareDecorator,
} from "./fixtures.js";

function dummy(): DummyBackend {
  return taskBackends.get("default") as DummyBackend;
}

describe("TaskTestCase", () => {
  beforeEach(() => {
    configureTasks({
      default: { backend: DummyBackend, queues: ["default", "queue_1"] },
      immediate: { backend: ImmediateBackend, queues: [] },
    });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("test_using_correct_backend", () => {
    expect(taskBackends.default).toBe(taskBackends.get("default"));
    expect(taskBackends.default).toBeInstanceOf(DummyBackend);
  });

  it("test_task_decorator", () => {
    expect(noopTask).toBeInstanceOf(Task);
    expect(noopTaskAsync).toBeInstanceOf(Task);
    expect(noopTaskFromBareDecorator).toBeInstanceOf(Task);
  });

  it("test_enqueue_task", async () => {
    const result = await noopTask.enqueue();

    expect(result.status).toBe(TaskResultStatus.READY);
    expect(result.task).toBe(noopTask);
    expect(result.args).toEqual([]);
    expect(dummy().results).toEqual([result]);
  });

  it("test_enqueue_with_invalid_argument", async () => {
    // Django refuses a datetime; in TypeScript a Date converts, so a Map stands in for it.
    const enqueued = noopTask.enqueue({ tags: new Map([["a", 1]]) });

    await expect(enqueued).rejects.toThrow(UnsupportedJsonValue);
    await expect(enqueued).rejects.toThrow("Unsupported type Map at args[0].tags");
    await expect(enqueued).rejects.toBeInstanceOf(TypeError);
    expect(dummy().results).toEqual([]);
  });

  it("test_using_priority", () => {
    expect(noopTask.priority).toBe(0);
    expect(noopTask.using({ priority: 1 }).priority).toBe(1);
    expect(noopTask.priority).toBe(0);
  });

  it("test_using_queue_name", () => {
    expect(noopTask.queueName).toBe("default");
    expect(noopTask.using({ queueName: "queue_1" }).queueName).toBe("queue_1");
    expect(noopTask.queueName).toBe("default");
  });

  it("test_using_run_after", () => {
    const now = new Date();

    expect(noopTask.runAfter).toBeNull();
    expect(noopTask.using({ runAfter: now }).runAfter).toEqual(now);
    expect(noopTask.runAfter).toBeNull();
  });

  it("test_using_unknown_backend", () => {
    expect(() => noopTask.using({ backend: "unknown" })).toThrow(InvalidTaskBackend);
    expect(() => noopTask.using({ backend: "unknown" })).toThrow(
      "The connection 'unknown' doesn't exist.",
    );
  });

  it("test_using_missing_backend", () => {
    // Django names a dotted path that does not import; a TypeScript configuration names the
    // class itself, so the same mistake is a value that is not a class, caught at configure time.
    const configure = () =>
      configureTasks({ missing: { backend: "does.not.exist" as unknown as typeof DummyBackend } });

    expect(configure).toThrow(InvalidTaskBackend);
    expect(configure).toThrow("Could not find backend 'does.not.exist'");
  });

  it("test_using_creates_new_instance", () => {
    const copy = noopTask.using({});

    expect(copy).toEqual(noopTask);
    expect(copy).not.toBe(noopTask);
  });

  it("test_chained_using", () => {
    const now = new Date();
    const runAfterTask = noopTask.using({ runAfter: now });
    const chained = runAfterTask.using({ priority: 10 });

    expect(chained.runAfter).toEqual(now);
    expect(chained.priority).toBe(10);
    expect(runAfterTask.priority).toBe(0);
  });

  it("test_refresh_result", async () => {
    const result = await noopTask.enqueue();
    const before = result.toRecord();

    await result.refresh();

    expect(result.toRecord()).toEqual(before);
  });

  it("test_naive_datetime", () => {
    // A JavaScript Date is always an absolute time; the broken case is an invalid Date.
    expect(() => noopTask.using({ runAfter: new Date("not a date") })).toThrow(InvalidTask);
    expect(() => noopTask.using({ runAfter: new Date("not a date") })).toThrow(
      "runAfter must be a valid Date.",
    );
  });

  it("test_invalid_priority", () => {
    for (const priority of [-101, 101, 3.1]) {
      expect(() => noopTask.using({ priority })).toThrow(
        "priority must be a whole number between -100 and 100.",
      );
    }

    for (const priority of [100, -100, 0]) {
      expect(noopTask.using({ priority }).priority).toBe(priority);
    }
  });

  it("test_unknown_queue_name", () => {
    expect(() => noopTask.using({ queueName: "queue-2" })).toThrow(
      "Queue 'queue-2' is not valid for backend.",
    );

    const onImmediate = noopTask.using({ queueName: "queue-2", backend: "immediate" });
    expect(onImmediate.queueName).toBe("queue-2");
  });

  it("test_call_task", async () => {
    await expect(calculateMeaningOfLife.call()).resolves.toBe(42);
  });

  it("test_call_async_task_sync", async () => {
    // `call` covers Django's call and acall: it always returns a promise.
    await expect(noopTaskAsync.call()).resolves.toBeUndefined();
  });

  it("test_get_result", async () => {
    const result = await dummy().enqueue(noopTask, []);
    const fetched = await noopTask.getResult(result.id);

    expect(fetched).toEqual(result);
  });

  it("test_get_missing_result", async () => {
    await expect(noopTask.getResult("123")).rejects.toThrow(TaskResultDoesNotExist);
  });

  it("test_get_incorrect_result", async () => {
    const result = await dummy().enqueue(noopTaskAsync, []);

    await expect(noopTask.getResult(result.id)).rejects.toThrow(TaskResultMismatch);
    await expect(noopTask.getResult(result.id)).rejects.toThrow(
      "Task does not match (received 'noopTaskAsync')",
    );
  });

  it("test_invalid_function", () => {
    // "Module level" becomes "a function with a usable name": a non-function, a bound function
    // (Django's bound method) and an anonymous function are refused.
    const bound = calculateMeaningOfLife.fn.bind(null);

    expect(() => task({}, 42 as never)).toThrow("Task function must be a function, got number.");
    expect(() => task(bound)).toThrow(InvalidTask);
    expect(() => task(bound)).toThrow("Task function name 'bound calculateMeaningOfLife'");
    expect(() =>
      task(
        {},
        (
          () => () =>
            1
        )(),
      ),
    ).toThrow("Task function has no name");
  });

  it("test_get_backend", () => {
    expect(noopTask.backend).toBe("default");
    expect(noopTask.getBackend()).toBeInstanceOf(DummyBackend);

    const immediateTask = noopTask.using({ backend: "immediate" });
    expect(immediateTask.backend).toBe("immediate");
    expect(immediateTask.getBackend()).toBeInstanceOf(ImmediateBackend);
  });

  it("test_name", () => {
    expect(noopTask.name).toBe("noopTask");
    expect(noopTaskAsync.name).toBe("noopTaskAsync");
  });

  it("test_module_path", () => {
    // Django re-imports `module_path` and gets the same Task; here the registry does that.
    expect(getTask("noopTask")).toBe(noopTask);
    expect(getTask("noopTaskAsync")).toBe(noopTaskAsync);
  });

  it("test_no_backends", async () => {
    configureTasks({});

    const enqueued = noopTask.enqueue();
    await expect(enqueued).rejects.toThrow(InvalidTaskBackend);
    await expect(enqueued).rejects.toThrow("The connection 'default' doesn't exist.");
  });

  it("test_task_error_invalid_exception", async () => {
    // The failing half of Django's case: one error, one ERROR log line. Resolving the recorded
    // class by import path does not apply (see docs/notes/tasks.md).
    const { logger, records } = captureLogger();
    configureTasks({ default: { backend: ImmediateBackend } }, { logger });

    const result = await failingTaskValueError.enqueue();

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.className).toBe("ValueError");
    expect(records.filter((record) => record.level === "error")).toHaveLength(1);
  });

  it("test_takes_context_without_taking_context", () => {
    const define = () =>
      task({ takesContext: true, name: "meaningWithContext" }, calculateMeaningOfLife.fn);

    expect(define).toThrow(InvalidTask);
    expect(define).toThrow("Task takes context but does not have a first argument of 'context'.");
  });
});

describe("Task (TypeScript additions)", () => {
  afterEach(() => {
    resetTaskConfiguration();
  });

  it("is frozen", () => {
    expect(Object.isFrozen(noopTask)).toBe(true);
    expect(() => {
      (noopTask as { priority: number }).priority = 5;
    }).toThrow(TypeError);
  });

  it("using() does not register the copy again", () => {
    configureTasks({ default: { backend: DummyBackend, queues: [] } });

    const copy = noopTask.using({ queueName: "other" });

    expect(copy.name).toBe("noopTask");
    expect(getTask("noopTask")).toBe(noopTask);
  });

  it("using({ runAfter: null }) clears a runAfter set earlier", () => {
    configureTasks({ default: { backend: DummyBackend } });

    const deferred = noopTask.using({ runAfter: new Date() });

    expect(deferred.using({ runAfter: null }).runAfter).toBeNull();
    expect(deferred.using({}).runAfter).toEqual(deferred.runAfter);
  });

  it("using() refuses options it cannot change, naming them", () => {
    configureTasks({ default: { backend: DummyBackend } });

    expect(() => noopTask.using({ queue: "x", name: "y" } as never)).toThrow(
      "Task 'noopTask': using() cannot change queue, name;",
    );
  });

  it("keeps its own copy of runAfter", () => {
    configureTasks({ default: { backend: DummyBackend } });
    const when = new Date("2030-01-01T00:00:00Z");

    const deferred = noopTask.using({ runAfter: when });
    when.setFullYear(2040);

    expect(deferred.runAfter?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });

  it("call() runs the function with `this` undefined, not the Task", async () => {
    const seesThis = task({ name: "seesThis" }, function (this: unknown) {
      return this === undefined;
    });

    await expect(seesThis.call()).resolves.toBe(true);
  });

  it("call() of a context task takes the context first and skips every check", async () => {
    const withContext = task(
      { takesContext: true, name: "contextCall" },
      (context: { attempt: number }, value: Date) => [context.attempt, value] as const,
    );
    const when = new Date(0);

    const [attempt, value] = await withContext.call({ attempt: 7 } as never, when);

    expect(attempt).toBe(7);
    expect(value).toBe(when);
  });

  it("getResult on a backend without results says so", async () => {
    configureTasks({ default: { backend: ImmediateBackend } });

    const read = noopTask.getResult("123");

    await expect(read).rejects.toSatisfy((error) =>
      isTaskException(error, "not_supported_by_backend"),
    );
  });
});
