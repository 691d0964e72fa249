/**
 * `task()` (src/tasks/define.ts): its options, and Django's `IsModuleLevelFunctionTestCase`
 * (tests/utils_tests/test_inspect.py) mapped to the naming rule that replaces it: a task needs
 * a stable, unique name, given or taken from the function.
 */

import { afterEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  DummyBackend,
  InvalidTask,
  isTaskException,
  resetTaskConfiguration,
  type TaskContext,
  task,
  taskRegistry,
} from "../../src/tasks/index.js";

function moduleFunction(): number {
  return 1;
}

async function coroutineFunction(): Promise<number> {
  return 1;
}

class Example {
  method(): number {
    return 1;
  }

  static staticMethod(): number {
    return 1;
  }

  lambdaInMethod() {
    return () => 1;
  }
}

describe("IsModuleLevelFunctionTestCase (as task naming rules)", () => {
  afterEach(() => {
    taskRegistry.clear();
  });

  it("test_builtin: a builtin has a name, so it is accepted with it", () => {
    // JavaScript cannot tell builtins from other functions; the name is what matters.
    expect(task(Math.max).name).toBe("max");
  });

  it("test_from_module: a named function is accepted under its name", () => {
    expect(task(moduleFunction).name).toBe("moduleFunction");
  });

  it("test_private_function / test_nested_function: a named inner function is accepted", () => {
    function nested(): number {
      return 1;
    }

    expect(task(nested).name).toBe("nested");
  });

  it("test_coroutine: an async function is accepted", () => {
    expect(task(coroutineFunction).name).toBe("coroutineFunction");
  });

  it("test_method: a bound method is refused unless given a name", () => {
    const bound = new Example().method.bind(new Example());

    expect(() => task(bound)).toThrow("'bound method'");
    expect(task({ name: "example.method" }, bound).name).toBe("example.method");
  });

  it("test_unbound_method: a method read from the prototype is accepted", () => {
    expect(task(Example.prototype.method).name).toBe("method");
  });

  it("test_lambda: an anonymous arrow is refused unless given a name", () => {
    const lambda = new Example().lambdaInMethod();

    expect(() => task(lambda)).toThrow("Task function has no name");
    expect(() => task(lambda)).toThrow(InvalidTask);
  });

  it("test_staticmethod: a static method is accepted", () => {
    expect(task(Example.staticMethod).name).toBe("staticMethod");
  });
});

describe("task()", () => {
  afterEach(() => {
    taskRegistry.clear();
    resetTaskConfiguration();
  });

  it("applies Django's defaults", () => {
    const defined = task(function defaults() {});

    expect(defined).toMatchObject({
      name: "defaults",
      queueName: "default",
      priority: 0,
      backend: "default",
      takesContext: false,
      runAfter: null,
      argsSchema: undefined,
    });
  });

  it("takes every option", () => {
    configureTasks({ other: { backend: DummyBackend, queues: ["emails"] } });

    const defined = task(
      {
        name: "emails.send",
        queueName: "emails",
        priority: 10,
        backend: "other",
        takesContext: true,
      },
      (_context: TaskContext, _to: string) => {},
    );

    expect(defined).toMatchObject({
      name: "emails.send",
      queueName: "emails",
      priority: 10,
      backend: "other",
      takesContext: true,
    });
  });

  it("takes the name of an arrow function assigned to a const", () => {
    const sendWelcome = (_userId: string) => {};

    expect(task(sendWelcome).name).toBe("sendWelcome");
  });

  it("refuses runAfter, as Django 6.1 does in @task", () => {
    expect(() => task({ runAfter: new Date() } as never, function deferred() {})).toThrow(
      "runAfter cannot be defined statically with task(). Use .using({ runAfter })",
    );
  });

  it("refuses unknown options, naming them", () => {
    expect(() => task({ queue: "emails" } as never, function typo() {})).toThrow(
      "Unknown task option(s): queue.",
    );
  });

  it("refuses names with whitespace and overly long names", () => {
    expect(() => task({ name: "send email" }, function spaced() {})).toThrow("is not valid");
    expect(() => task({ name: "x".repeat(201) }, function long() {})).toThrow("is not valid");
  });

  it("refuses an argsSchema that is not a Standard Schema", () => {
    expect(() => task({ argsSchema: { parse() {} } } as never, function bad() {})).toThrow(
      "argsSchema must be a Standard Schema",
    );
  });

  it("refuses a takesContext that is not a boolean", () => {
    expect(() => task({ takesContext: "yes" } as never, function ctx(_c: unknown) {})).toThrow(
      "takesContext must be true or false",
    );
  });

  it("refuses options that are not an object", () => {
    expect(() => task(null as never, function nullOptions() {})).toThrow(
      "task() takes an options object and a function",
    );
  });

  it("before configureTasks(), checks only what needs no backend", () => {
    // The default Immediate backend allows only the queue "default"; the configuration that
    // follows may allow more, so the queue is not checked yet.
    const early = task({ queueName: "reports" }, function earlyTask() {});
    expect(early.queueName).toBe("reports");

    expect(() => task({ priority: 500 }, function tooUrgent() {})).toThrow(
      "priority must be a whole number between -100 and 100.",
    );
  });

  it("after configureTasks(), validates against the backend at once", () => {
    configureTasks({ default: { backend: DummyBackend, queues: ["default"] } });

    const define = () => task({ queueName: "reports" }, function lateTask() {});

    expect(define).toThrow("Queue 'reports' is not valid for backend.");
    expect(taskRegistry.has("lateTask")).toBe(false);
  });

  it("registers the task under its name", () => {
    const defined = task(function registered() {});

    expect(taskRegistry.get("registered")).toBe(defined);
  });

  it("throws InvalidTask with the stable code invalid_task", () => {
    try {
      task({}, 1 as never);
      expect.unreachable();
    } catch (error) {
      expect(isTaskException(error, "invalid_task")).toBe(true);
      expect((error as InvalidTask).code).toBe("invalid_task");
    }
  });
});
