/** The task registry (src/tasks/registry.ts): lookup by name and the uniqueness rule. */

import { afterEach, describe, expect, it } from "vitest";
import {
  getTask,
  isTaskException,
  TaskRegistry,
  task,
  taskRegistry,
} from "../../src/tasks/index.js";

describe("taskRegistry", () => {
  afterEach(() => {
    taskRegistry.clear();
  });

  it("refuses a different function under a taken name", () => {
    task({ name: "reports.build" }, function first() {});

    expect(() => task({ name: "reports.build" }, function second() {})).toThrow(
      "A different task is already registered under the name 'reports.build'.",
    );
  });

  it("refuses the same function under a taken name with other options", () => {
    function build() {}
    task({ name: "build" }, build);

    expect(() => task({ name: "build", priority: 5 }, build)).toThrow("already registered");
  });

  it("accepts the same definition again (a module evaluated twice) and keeps the newest", () => {
    const make = () => task({ name: "twice" }, function twice() {});
    make();

    const second = make();

    expect(getTask("twice")).toBe(second);
  });

  it("getTask throws UnknownTask listing the registered names", () => {
    task(function known() {});

    expect(() => getTask("missing")).toThrow(
      "No task is registered under the name 'missing' (registered: known).",
    );
    try {
      getTask("missing");
    } catch (error) {
      expect(isTaskException(error, "unknown_task")).toBe(true);
    }
  });

  it("unregister and clear remove tasks", () => {
    task(function removable() {});
    task(function other() {});

    expect(taskRegistry.unregister("removable")).toBe(true);
    expect(taskRegistry.unregister("removable")).toBe(false);
    expect(taskRegistry.names).toEqual(["other"]);

    taskRegistry.clear();
    expect(taskRegistry.names).toEqual([]);
  });

  it("a separate TaskRegistry shares nothing with the default one", () => {
    const registry = new TaskRegistry();
    const defined = task(function shared() {});

    registry.register(defined);
    taskRegistry.clear();

    expect(registry.get("shared")).toBe(defined);
    expect(taskRegistry.has("shared")).toBe(false);
  });
});
