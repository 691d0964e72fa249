/**
 * The fixture tasks of Django's `tests/tasks/tasks.py`, in TypeScript, plus a logger that
 * records what the task model logs. Imported by several test files; each test file has its own
 * module graph, hence its own registry, so the names do not collide.
 */

import type { Logger } from "../../src/queue/types.js";
import { type TaskContext, task } from "../../src/tasks/index.js";

/** Python's ValueError, so that messages and class names read as in Django's tests. */
export class ValueError extends Error {
  override name = "ValueError";
}

/** `@task()` form: options object given (empty). */
export const noopTask = task({}, function noopTask(..._args: unknown[]): void {});

/** Bare `@task` form: only the function. */
export const noopTaskFromBareDecorator = task(function noopTaskFromBareDecorator(): void {});

export const noopTaskAsync = task({}, async function noopTaskAsync(..._args: unknown[]) {});

export const calculateMeaningOfLife = task({}, function calculateMeaningOfLife(): number {
  return 42;
});

export const failingTaskValueError = task({}, function failingTaskValueError(): never {
  throw new ValueError("This Task failed due to ValueError");
});

/** Stands in for Django's SystemExit task: JavaScript can throw anything, not only Errors. */
export const failingTaskThrowsString = task({}, function failingTaskThrowsString(): never {
  throw "This Task failed by throwing a string";
});

/** Django raises ValueError(ValueError(...)); the JavaScript idiom is an error `cause`. */
export const complexException = task({}, function complexException(): never {
  throw new ValueError("This task failed", { cause: new ValueError("inner failure") });
});

/** Returns something JSON cannot hold (Django returns a lambda). */
export const complexReturnValue = task({}, function complexReturnValue() {
  return () => 42;
});

export const getTaskId = task(
  { takesContext: true },
  function getTaskId(context: TaskContext): string {
    return context.taskResult.id;
  },
);

/** Django's `test_context(context, attempt)`: checks what the context says. */
export const testContext = task(
  { takesContext: true },
  function testContext(context: TaskContext, attempt: number): void {
    if (typeof context.taskResult.id !== "string") throw new Error("context has no result");
    if (context.attempt !== attempt) {
      throw new Error(`expected attempt ${attempt}, got ${context.attempt}`);
    }
  },
);

/** One line the task model logged. */
export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  rest: unknown[];
}

/** A console-compatible logger that keeps every line. */
export function captureLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const keep =
    (level: LogRecord["level"]) =>
    (message: string, ...rest: unknown[]) => {
      records.push({ level, message, rest });
    };

  return {
    logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") },
    records,
  };
}
