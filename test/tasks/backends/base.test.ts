/**
 * Django's `tests/tasks/test_custom_backend.py` (`CustomBackendTestCase`), plus the contract a
 * backend subclass relies on: Django's validation rules in Django's order, and `createResult`.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/queue/types.js";
import {
  BaseTaskBackend,
  configureTasks,
  InvalidTask,
  InvalidTaskArguments,
  InvalidTaskBackend,
  resetTaskConfiguration,
  Task,
  type TaskBackendParams,
  type TaskInit,
  type TaskResult,
  TaskResultStatus,
  task,
  taskBackends,
} from "../../../src/tasks/index.js";
import { captureLogger, noopTask, noopTaskAsync } from "../fixtures.js";

interface CustomOptions {
  prefix: string;
  logger: Logger;
}

/** Django's CustomBackend: logs "<prefix>Task enqueued." and stores nothing. */
class CustomBackend extends BaseTaskBackend<CustomOptions> {
  async enqueue(enqueued: Task, args: readonly unknown[]): Promise<TaskResult> {
    this.options.logger.info?.(`${this.options.prefix}Task enqueued.`);

    return this.createResult(enqueued, args);
  }
}

// @ts-expect-error: deliberately lacks enqueue(), like Django's CustomBackendNoEnqueue.
class CustomBackendNoEnqueue extends BaseTaskBackend {}

describe("CustomBackendTestCase", () => {
  let capture: ReturnType<typeof captureLogger>;

  beforeEach(() => {
    capture = captureLogger();
    configureTasks({
      default: { backend: CustomBackend, options: { prefix: "PREFIX: ", logger: capture.logger } },
      no_enqueue: { backend: CustomBackendNoEnqueue },
    });
  });

  afterEach(() => {
    resetTaskConfiguration();
  });

  it("test_using_correct_backend", () => {
    expect(taskBackends.default).toBeInstanceOf(CustomBackend);
    expect(taskBackends.default.alias).toBe("default");
    expect(taskBackends.default.options).toMatchObject({ prefix: "PREFIX: " });
  });

  it("test_enqueue_async_task_on_non_async_backend", () => {
    expect(() => taskBackends.default.validateTask(noopTaskAsync)).toThrow(
      "Backend does not support async Tasks.",
    );
  });

  it("test_backend_does_not_support_priority", () => {
    expect(() => noopTask.using({ priority: 10 })).toThrow(InvalidTask);
    expect(() => noopTask.using({ priority: 10 })).toThrow(
      "Backend does not support setting priority of tasks.",
    );
  });

  it("test_options", async () => {
    await noopTask.enqueue();

    expect(capture.records).toHaveLength(1);
    expect(capture.records[0]?.level).toBe("info");
    expect(capture.records[0]?.message).toContain("PREFIX: Task enqueued");
  });

  it("test_no_enqueue", () => {
    const use = () => noopTask.using({ backend: "no_enqueue" });

    expect(use).toThrow(InvalidTaskBackend);
    expect(use).toThrow(
      "Can't instantiate abstract class CustomBackendNoEnqueue without an implementation for " +
        "abstract method 'enqueue'",
    );
  });
});

/** A backend that supports nothing, to see each rule fire in order. */
class BareBackend extends BaseTaskBackend {
  async enqueue(enqueued: Task, args: readonly unknown[]): Promise<TaskResult> {
    return this.createResult(enqueued, args);
  }

  /** Exposes the protected id maker to the tests. */
  newId(): string {
    return this.createResultId();
  }
}

describe("BaseTaskBackend", () => {
  afterEach(() => {
    resetTaskConfiguration();
  });

  it("defaults: no capabilities, queues ['default'], options {}", () => {
    const backend = new BareBackend("bare");

    expect(backend.alias).toBe("bare");
    expect([...backend.queues]).toEqual(["default"]);
    expect(backend.options).toEqual({});
    expect(backend.supportsDefer).toBe(false);
    expect(backend.supportsAsyncTask).toBe(false);
    expect(backend.supportsGetResult).toBe(false);
    expect(backend.supportsPriority).toBe(false);
  });

  it("validateTask applies Django's rules in Django's order", () => {
    const backend = new BareBackend("bare", { queues: ["only"] });
    const broken: TaskInit = {
      name: "has space",
      fn: async () => {},
      queueName: "elsewhere",
      priority: 3.5,
      backend: "bare",
      takesContext: true,
      runAfter: new Date(),
      argsSchema: undefined,
    };

    // Each step repairs the rule that fired, which reveals the next one.
    const steps: [Partial<TaskInit>, string][] = [
      [{}, 'Task name "has space" is not valid'],
      [{ name: "ordered" }, "Backend does not support async Tasks."],
      [{ fn: () => {} }, "Task takes context but does not have a first argument of 'context'."],
      [{ takesContext: false }, "Backend does not support setting priority of tasks."],
      [{ priority: 0 }, "Backend does not support runAfter."],
      [{ runAfter: null }, "Queue 'elsewhere' is not valid for backend."],
    ];

    let init = broken;
    for (const [repair, message] of steps) {
      init = { ...init, ...repair };
      const candidate = new Task(init);
      expect(() => backend.validateTask(candidate)).toThrow(message);
    }

    expect(() => backend.validateTask(new Task({ ...init, queueName: "only" }))).not.toThrow();
  });

  it("checks the priority range after priority support, as Django does", () => {
    class PriorityBackend extends BareBackend {
      override readonly supportsPriority = true;
      override readonly supportsDefer = true;
    }
    const backend = new PriorityBackend("p", { queues: [] });

    expect(() => backend.validateTask(noopTask.withOptions({ priority: 3.1 }))).toThrow(
      "priority must be a whole number between -100 and 100.",
    );
    expect(() =>
      backend.validateTask(noopTask.withOptions({ runAfter: new Date(Number.NaN) })),
    ).toThrow("runAfter must be a valid Date.");
  });

  it("an empty queue list allows any queue", () => {
    const backend = new BareBackend("open", { queues: [] });

    expect(() =>
      backend.validateTask(noopTask.withOptions({ queueName: "anything" })),
    ).not.toThrow();
  });

  it("a subclass can add rules after Django's", async () => {
    class StrictBackend extends BareBackend {
      override validateTask(candidate: Task): void {
        super.validateTask(candidate);
        if (candidate.name.startsWith("noop")) {
          throw new InvalidTask(`Task '${candidate.name}' is refused here.`, candidate.name);
        }
      }
    }
    configureTasks({ default: { backend: StrictBackend } });

    await expect(noopTask.enqueue()).rejects.toThrow("Task 'noopTask' is refused here.");
  });

  it("createResult validates, converts the arguments and builds a READY result", async () => {
    configureTasks({ default: { backend: BareBackend } });
    const backend = taskBackends.default;

    const result = await backend.enqueue(noopTask, [new Date(0), undefined]);

    expect(result.status).toBe(TaskResultStatus.READY);
    expect(result.args).toEqual(["1970-01-01T00:00:00.000Z"]);
    expect(result.backend).toBe("default");
    expect(result.id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(result.enqueuedAt).toBeNull();
  });

  it("createResult checks the argument schema on the converted arguments", async () => {
    const { z } = await import("zod");
    configureTasks({ default: { backend: BareBackend } });
    const withSchema = task(
      { name: "withDateSchema", argsSchema: [z.string().datetime()] },
      (_when: Date | string) => {},
    );

    // The Date becomes an ISO string before the schema sees it, as it would in a worker.
    await expect(taskBackends.default.enqueue(withSchema, [new Date(0)])).resolves.toBeTruthy();
    await expect(taskBackends.default.enqueue(withSchema, ["yesterday"])).rejects.toThrow(
      InvalidTaskArguments,
    );
  });

  it("getResult is not supported by default", async () => {
    await expect(new BareBackend("bare").getResult("abc")).rejects.toThrow(
      "Task backend 'bare' (BareBackend) keeps no results",
    );
  });

  it("createResultId makes distinct 32-character ids", () => {
    const backend = new BareBackend("ids");

    expect(backend.newId()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(backend.newId()).not.toBe(backend.newId());
  });

  it("takes typed options through TaskBackendParams", () => {
    const params: TaskBackendParams<CustomOptions> = {
      options: { prefix: "P", logger: {} },
    };

    expect(new CustomBackend("typed", params).options.prefix).toBe("P");
  });
});
