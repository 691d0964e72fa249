/** Lifecycle events (src/tasks/events.ts): the typed emitter and its failure isolation. */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  configureTasks,
  DummyBackend,
  emitTaskEvent,
  ImmediateBackend,
  resetTaskConfiguration,
  TaskEventEmitter,
  TaskResultStatus,
  taskBackends,
  taskEvents,
} from "../../src/tasks/index.js";
import {
  calculateMeaningOfLife,
  captureLogger,
  failingTaskValueError,
  noopTask,
} from "./fixtures.js";

describe("task lifecycle events", () => {
  let capture: ReturnType<typeof captureLogger>;

  beforeEach(() => {
    capture = captureLogger();
    configureTasks({ default: { backend: ImmediateBackend } }, { logger: capture.logger });
  });

  afterEach(() => {
    taskEvents.removeAllListeners();
    resetTaskConfiguration();
  });

  it("a throwing listener is reported to the logger and the task still succeeds", async () => {
    taskEvents.on("taskStarted", () => {
      throw new Error("listener broke");
    });

    const result = await calculateMeaningOfLife.enqueue();

    expect(result.status).toBe(TaskResultStatus.SUCCESSFUL);
    const reported = capture.records.find((record) => record.message.includes("listener threw"));
    expect(reported?.level).toBe("error");
    expect(reported?.message).toContain("taskStarted");
    expect(reported?.rest[0]).toMatchObject({ message: "listener broke" });
  });

  it("a rejecting async listener is reported too", async () => {
    let settle: () => void = () => {};
    const reportedLater = new Promise<void>((resolve) => {
      settle = resolve;
    });
    capture.logger.error = (message: string, ...rest: unknown[]) => {
      capture.records.push({ level: "error", message, rest });
      settle();
    };
    configureTasks({ default: { backend: ImmediateBackend } }, { logger: capture.logger });
    taskEvents.on("taskFinished", async () => {
      throw new Error("async listener broke");
    });

    await calculateMeaningOfLife.enqueue();
    await reportedLater;

    expect(capture.records.some((record) => record.message.includes("taskFinished listener"))).toBe(
      true,
    );
  });

  it("without a logger a throwing listener is silently contained", async () => {
    configureTasks({ default: { backend: ImmediateBackend } });
    taskEvents.on("taskEnqueued", () => {
      throw new Error("ignored");
    });

    await expect(noopTask.enqueue()).resolves.toMatchObject({ status: "SUCCESSFUL" });
  });

  it("taskFinished carries the FAILED state and its error", async () => {
    const finished: string[] = [];
    taskEvents.on("taskFinished", ({ taskResult }) => {
      finished.push(`${taskResult.status}:${taskResult.errors.length}`);
    });

    await failingTaskValueError.enqueue();

    expect(finished).toEqual(["FAILED:1"]);
  });

  it("on() returns an unsubscribe function; once() fires one time", async () => {
    const seen: string[] = [];
    const stop = taskEvents.on("taskEnqueued", () => {
      seen.push("on");
    });
    taskEvents.once("taskEnqueued", () => {
      seen.push("once");
    });

    await noopTask.enqueue();
    stop();
    await noopTask.enqueue();

    expect(seen).toEqual(["on", "once"]);
    expect(taskEvents.listenerCount("taskEnqueued")).toBe(0);
  });

  it("emitTaskEvent lets a backend send events and log Django's line", async () => {
    configureTasks({ default: { backend: DummyBackend } }, { logger: capture.logger });
    const result = await noopTask.enqueue();
    capture.records.length = 0;
    const payloads: unknown[] = [];
    taskEvents.on("taskStarted", (payload) => {
      payloads.push(payload);
    });

    emitTaskEvent("taskStarted", taskBackends.default, result);

    expect(payloads).toEqual([{ backend: taskBackends.default, taskResult: result }]);
    expect(capture.records.map((record) => record.message)).toEqual([
      `Task id=${result.id} name=noopTask state=RUNNING`,
    ]);
  });
});

describe("TaskEventEmitter", () => {
  it("keeps listeners per instance and per event", () => {
    const emitter = new TaskEventEmitter();
    const calls: string[] = [];
    emitter.on("taskStarted", () => {
      calls.push("started");
    });

    emitter.emit("taskFinished", {} as never);
    emitter.emit("taskStarted", {} as never);
    emitter.removeAllListeners("taskStarted");
    emitter.emit("taskStarted", {} as never);

    expect(calls).toEqual(["started"]);
    expect(taskEvents.listenerCount("taskStarted")).toBe(0);
  });
});
