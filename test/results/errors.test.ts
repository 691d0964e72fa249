import { describe, expect, it } from "vitest";
import {
  isResultStoreError,
  ResultStoreArgumentError,
  ResultStoreClosedError,
  ResultStoreConflictError,
  ResultStoreConnectionError,
  ResultStoreCorruptValueError,
  ResultStoreDependencyError,
  ResultStoreError,
  ResultStoreNotRegisteredError,
  ResultStoreValueError,
} from "../../src/results/errors.js";

describe("result store errors", () => {
  const cases: [ResultStoreError, string, string][] = [
    [
      new ResultStoreArgumentError("ttlSeconds", "too small"),
      "RESULT_STORE_INVALID_ARGUMENT",
      "ttlSeconds",
    ],
    [new ResultStoreValueError("r1", "value.at", "is a Date"), "RESULT_STORE_INVALID_VALUE", "r1"],
    [
      new ResultStoreCorruptValueError("r1", "p:r1", new SyntaxError("x")),
      "RESULT_STORE_CORRUPT_VALUE",
      "p:r1",
    ],
    [new ResultStoreConflictError("r1", 7), "RESULT_STORE_UPDATE_CONFLICT", "7 attempts"],
    [new ResultStoreNotRegisteredError("a", []), "RESULT_STORE_NOT_REGISTERED", '"a"'],
    [
      new ResultStoreConnectionError("redis://h:1", "ECONNREFUSED"),
      "RESULT_STORE_CONNECTION_FAILED",
      "redis://h:1",
    ],
    [
      new ResultStoreDependencyError("ioredis", undefined),
      "RESULT_STORE_MISSING_DEPENDENCY",
      "npm install ioredis",
    ],
    [new ResultStoreClosedError("get a result"), "RESULT_STORE_CLOSED", "get a result"],
  ];

  for (const [error, code, mention] of cases) {
    it(`${error.name} has code ${code}, its own name, and names ${mention}`, () => {
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
      expect(error.message).toContain(mention);
      expect(error).toBeInstanceOf(ResultStoreError);
      expect(isResultStoreError(error)).toBe(true);
      expect(isResultStoreError(error, code as never)).toBe(true);
      expect(isResultStoreError(error, "RESULT_STORE_CLOSED")).toBe(code === "RESULT_STORE_CLOSED");
    });
  }

  it("recognises an error branded by another copy of the package", () => {
    const foreign = Object.assign(new Error("from another copy"), { code: "RESULT_STORE_CLOSED" });
    Object.defineProperty(foreign, Symbol.for("vercel-workers.results.error"), { value: true });

    expect(isResultStoreError(foreign, "RESULT_STORE_CLOSED")).toBe(true);
  });

  it("does not recognise other errors or values", () => {
    const lookalike = Object.assign(new Error("x"), { code: "RESULT_STORE_CLOSED" });

    expect(isResultStoreError(lookalike)).toBe(false);
    expect(isResultStoreError(null)).toBe(false);
    expect(isResultStoreError("RESULT_STORE_CLOSED")).toBe(false);
  });

  it("keeps the cause of a connection error", () => {
    const cause = new Error("ECONNREFUSED");

    expect(new ResultStoreConnectionError("redis://h:1", "down", cause).cause).toBe(cause);
  });
});
