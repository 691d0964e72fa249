/** The backend configuration (src/tasks/config.ts): Django's TASKS setting and task_backends. */

import { afterEach, describe, expect, it } from "vitest";
import {
  BaseTaskBackend,
  configureTasks,
  DummyBackend,
  ImmediateBackend,
  InvalidTaskBackend,
  isTaskException,
  resetTaskConfiguration,
  type Task,
  type TaskBackendParams,
  type TaskResult,
  taskBackends,
} from "../../src/tasks/index.js";
import { noopTask } from "./fixtures.js";

class CountingBackend extends DummyBackend {
  static built = 0;
  closed = false;

  constructor(alias: string, params?: TaskBackendParams) {
    super(alias, params);
    CountingBackend.built += 1;
  }

  override async close(): Promise<void> {
    this.closed = true;
  }
}

describe("configureTasks / taskBackends", () => {
  afterEach(() => {
    resetTaskConfiguration();
    CountingBackend.built = 0;
  });

  it("defaults to one Immediate backend under 'default', as Django does", () => {
    expect(taskBackends.aliases).toEqual(["default"]);
    expect(taskBackends.default).toBeInstanceOf(ImmediateBackend);
    expect([...taskBackends.default.queues]).toEqual(["default"]);
  });

  it("replaces the whole configuration instead of merging it", () => {
    configureTasks({ other: { backend: DummyBackend } });

    expect(taskBackends.aliases).toEqual(["other"]);
    expect(() => taskBackends.default).toThrow("The connection 'default' doesn't exist.");
  });

  it("builds each backend lazily, once, with its alias, queues and options", () => {
    configureTasks({
      default: { backend: CountingBackend, queues: ["a", "b"], options: { x: 1 } },
    });
    expect(CountingBackend.built).toBe(0);

    const first = taskBackends.get("default");
    const second = taskBackends.get();

    expect(first).toBe(second);
    expect(CountingBackend.built).toBe(1);
    expect(first.alias).toBe("default");
    expect([...first.queues]).toEqual(["a", "b"]);
    expect(first.options).toEqual({ x: 1 });
  });

  it("accepts a factory function instead of a class", () => {
    const made: string[] = [];
    configureTasks({
      default: {
        backend: (alias, params) => {
          made.push(alias);
          return new DummyBackend(alias, params);
        },
        queues: [],
      },
    });

    expect(taskBackends.default).toBeInstanceOf(DummyBackend);
    expect(made).toEqual(["default"]);
  });

  it("refuses a factory that does not produce a backend", () => {
    configureTasks({ default: { backend: (() => ({})) as never } });

    expect(() => taskBackends.default).toThrow("did not produce a BaseTaskBackend");
  });

  it("rebuilds backends after a new configuration (Django's setting_changed)", () => {
    configureTasks({ default: { backend: DummyBackend } });
    const before = taskBackends.default;

    configureTasks({ default: { backend: DummyBackend } });

    expect(taskBackends.default).not.toBe(before);
  });

  it("all() builds every configured backend", () => {
    configureTasks({ a: { backend: DummyBackend }, b: { backend: ImmediateBackend } });

    expect(taskBackends.all().map((backend) => backend.constructor.name)).toEqual([
      "DummyBackend",
      "ImmediateBackend",
    ]);
  });

  it("close() closes the built backends and forgets them", async () => {
    configureTasks({ default: { backend: CountingBackend } });
    const built = taskBackends.default as CountingBackend;

    await taskBackends.close();

    expect(built.closed).toBe(true);
    expect(taskBackends.default).not.toBe(built);
  });

  it("checks each entry at once and names the alias", () => {
    const cases: [unknown, string][] = [
      [{ default: { backend: DummyBackend, QUEUES: [] } }, "Unknown key(s) 'QUEUES'"],
      [
        { default: { backend: DummyBackend, queues: "default" } },
        "queues of task backend 'default'",
      ],
      [{ default: { backend: DummyBackend, queues: [""] } }, "non-empty strings"],
      [{ default: { backend: DummyBackend, options: 3 } }, "options of task backend 'default'"],
      [{ default: {} }, "Could not find backend 'undefined'"],
      [{ default: null }, "must be an object"],
      [null, "configureTasks() takes an object"],
    ];

    for (const [config, message] of cases) {
      expect(() => configureTasks(config as never)).toThrow(message);
      expect(() => configureTasks(config as never)).toThrow(InvalidTaskBackend);
    }
  });

  it("keeps the earlier configuration when a new one is refused", () => {
    configureTasks({ default: { backend: DummyBackend } });

    expect(() => configureTasks({ default: { backend: 1 as never } })).toThrow();

    expect(taskBackends.default).toBeInstanceOf(DummyBackend);
  });

  it("reports an unknown alias with the configured ones and the code", () => {
    configureTasks({ a: { backend: DummyBackend } });

    try {
      taskBackends.get("b");
      expect.unreachable();
    } catch (error) {
      expect(isTaskException(error, "invalid_task_backend")).toBe(true);
      expect((error as InvalidTaskBackend).alias).toBe("b");
      expect((error as Error).message).toContain("Configured task backends: a");
    }
  });

  it("an alias named like an Object property is still unknown", () => {
    expect(() => taskBackends.get("toString")).toThrow("The connection 'toString' doesn't exist.");
  });

  it("resetTaskConfiguration() restores the default and drops the logger", async () => {
    const lines: string[] = [];
    configureTasks(
      { default: { backend: DummyBackend } },
      { logger: { debug: (line: string) => lines.push(line) } },
    );

    resetTaskConfiguration();
    await noopTask.enqueue();

    expect(taskBackends.default).toBeInstanceOf(ImmediateBackend);
    expect(lines).toEqual([]);
  });

  it("a backend constructor's own error comes through unchanged", () => {
    class Picky extends BaseTaskBackend {
      constructor(alias: string, params?: TaskBackendParams) {
        super(alias, params);
        throw new RangeError(`backend ${alias} refuses its options`);
      }

      async enqueue(_task: Task, _args: readonly unknown[]): Promise<TaskResult> {
        throw new Error("unreachable");
      }
    }
    configureTasks({ default: { backend: Picky } });

    expect(() => taskBackends.default).toThrow(RangeError);
  });
});
