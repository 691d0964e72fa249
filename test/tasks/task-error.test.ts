/** Error entries of failed attempts (src/tasks/task-error.ts); `ExceptionTracebackTestCase`. */

import { describe, expect, it } from "vitest";
import { toTaskError } from "../../src/tasks/index.js";
import { ValueError } from "./fixtures.js";

describe("ExceptionTracebackTestCase", () => {
  it("test_literal_exception: a never-thrown error gives its class and message", () => {
    const entry = toTaskError(new ValueError("Failure"));

    expect(entry.className).toBe("ValueError");
    expect(entry.message).toBe("Failure");
    expect(entry.traceback.split("\n")[0]).toBe("ValueError: Failure");
  });

  it("test_exception: a thrown error keeps its stack frames", () => {
    let caught: unknown;
    try {
      throw new ValueError("Failure");
    } catch (error) {
      caught = error;
    }

    const entry = toTaskError(caught);

    expect(entry.traceback).toMatch(/^ValueError: Failure\n {4}at /);
  });
});

describe("toTaskError", () => {
  it("names a subclass that does not set `name` by its constructor", () => {
    class PaymentDeclined extends Error {}

    const entry = toTaskError(new PaymentDeclined("card refused"));

    expect(entry.className).toBe("PaymentDeclined");
    expect(entry.traceback.startsWith("PaymentDeclined: card refused\n")).toBe(true);
  });

  it("appends the cause chain", () => {
    const entry = toTaskError(
      new Error("outer", { cause: new TypeError("middle", { cause: "root reason" }) }),
    );

    expect(entry.traceback).toContain("\nCaused by: TypeError: middle");
    expect(entry.traceback).toContain("\nCaused by: string: root reason");
  });

  it("stops at a cyclic cause chain", () => {
    const error = new Error("loop");
    (error as { cause?: unknown }).cause = error;

    const entry = toTaskError(error);

    expect(entry.traceback.match(/Caused by/g)?.length).toBe(8);
  });

  it("describes a thrown value that is not an Error", () => {
    expect(toTaskError("plain")).toEqual({
      className: "string",
      message: "plain",
      traceback: "Thrown string (not an Error): plain",
    });
    expect(toTaskError({ code: 42 })).toMatchObject({
      className: "Object",
      message: '{"code":42}',
    });
    expect(toTaskError(null)).toMatchObject({ className: "null", message: "null" });
  });

  it("is frozen plain data", () => {
    const entry = toTaskError(new Error("x"));

    expect(Object.isFrozen(entry)).toBe(true);
    expect(JSON.parse(JSON.stringify(entry))).toEqual({ ...entry });
  });
});
