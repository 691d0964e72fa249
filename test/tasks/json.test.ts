/**
 * The JSON rules (src/tasks/json.ts): Django's `tests/utils_tests/test_json.py`
 * (`JSONNormalizeTestCase`) ported, then the TypeScript-specific rules, one test each.
 */

import { describe, expect, it } from "vitest";
import {
  isUnsupportedJsonValue,
  toJsonArgs,
  toJsonValue,
  UnsupportedJsonValue,
} from "../../src/tasks/index.js";

const dumps = (value: unknown) => JSON.stringify(toJsonValue(value));

class Decimal {
  constructor(readonly digits: string) {}
}

describe("JSONNormalizeTestCase", () => {
  it("test_converts_json_types", () => {
    class UserList extends Array<number> {}
    const userList = UserList.from([1, 2]);
    const defaultDict = Object.create(null);

    const cases: [unknown, string][] = [
      [null, "null"],
      [true, "true"],
      [false, "false"],
      [2, "2"],
      [3.0, "3"],
      [1e23 + 1, "1e+23"],
      ["1", '"1"'],
      [new TextEncoder().encode("hello"), '"hello"'],
      [[], "[]"],
      [userList, "[1,2]"],
      [{}, "{}"],
      [{ 1: "a" }, '{"1":"a"}'],
      [{ foo: [1, 2, 3] as const }, '{"foo":[1,2,3]}'],
      [defaultDict, "{}"],
    ];

    for (const [input, expected] of cases) {
      expect(dumps(input)).toBe(expected);
    }
  });

  it("test_converts_json_types: NaN and Infinity are refused (Django passes them through)", () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => toJsonValue(value)).toThrow(`Unsupported value ${value} at value`);
    }
  });

  it("test_bytes_decode_error", () => {
    expect(() => toJsonValue(new Uint8Array([0xff]))).toThrow(TypeError);
    expect(() => toJsonValue(new Uint8Array([0xff]))).toThrow("Unsupported value");
  });

  it("test_encode_error", () => {
    const cases: unknown[] = [
      new (class TestCase {})(),
      Math.max,
      new (class {})(),
      new Set(),
      new Decimal("3.42"),
      new Map(),
    ];

    for (const value of cases) {
      expect(() => toJsonValue(value)).toThrow(TypeError);
      expect(() => toJsonValue(value)).toThrow("Unsupported type");
    }
  });
});

describe("toJsonValue", () => {
  it("converts a Date to its ISO string", () => {
    expect(toJsonValue({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) })).toEqual({
      at: "2025-01-02T03:04:05.000Z",
    });
  });

  it("refuses an invalid Date", () => {
    expect(() => toJsonValue([new Date("nope")], "args")).toThrow(
      "Unsupported value Invalid Date at args[0]",
    );
  });

  it("uses toJSON() when a value has one, then converts its result", () => {
    const money = { toJSON: () => ({ amount: 5n.toString(), at: new Date(0) }) };

    expect(toJsonValue({ money })).toEqual({
      money: { amount: "5", at: "1970-01-01T00:00:00.000Z" },
    });
  });

  it("passes the property key to toJSON, as JSON.stringify does", () => {
    const keyed = { toJSON: (key: string) => `key:${key}` };

    expect(toJsonValue({ field: keyed, list: [keyed] })).toEqual({
      field: "key:field",
      list: ["key:0"],
    });
  });

  it("refuses a toJSON() that returns a class instance instead of data", () => {
    class Wrapper {
      toJSON() {
        return this;
      }
    }

    expect(() => toJsonValue({ w: new Wrapper() }, "returnValue")).toThrow(
      "Unsupported type Wrapper at returnValue.w",
    );
  });

  it("drops undefined object properties and turns undefined array items into null", () => {
    expect(toJsonValue({ a: undefined, b: [undefined, 1], c: 2 })).toEqual({ b: [null, 1], c: 2 });
  });

  // biome-ignore lint/suspicious/noSparseArray: a hole is the case under test.
  const sparse = [1, , 3];

  it("turns array holes into null", () => {
    expect(toJsonValue(sparse)).toEqual([1, null, 3]);
  });

  it("turns a top-level undefined into null", () => {
    expect(toJsonValue(undefined)).toBeNull();
  });

  it("turns -0 into 0", () => {
    expect(Object.is(toJsonValue(-0), 0)).toBe(true);
    expect(Object.is((toJsonValue([-0]) as number[])[0], 0)).toBe(true);
  });

  it("refuses bigint, symbols and functions, naming the path", () => {
    expect(() => toJsonValue({ n: 1n }, "args[0]")).toThrow("Unsupported type bigint at args[0].n");
    expect(() => toJsonValue({ s: Symbol("x") }, "args[0]")).toThrow(
      "Unsupported type symbol at args[0].s",
    );
    expect(() => toJsonValue({ f: () => 1 }, "args[0]")).toThrow(
      "Unsupported type function at args[0].f",
    );
  });

  it("refuses Map, Set, Promise, Error and RegExp with a hint for each", () => {
    const hints: [unknown, string][] = [
      [new Map(), "Object.fromEntries"],
      [new Set(), "[...set]"],
      [Promise.resolve(1), "await it"],
      [new Error("x"), "error.message"],
      [/x/, "source"],
      [new ArrayBuffer(1), "base64"],
      [new Uint16Array(1), "base64"],
    ];

    for (const [value, hint] of hints) {
      expect(() => toJsonValue({ value })).toThrow(hint);
    }
  });

  it("refuses a class instance without toJSON", () => {
    class User {
      constructor(readonly name: string) {}
    }

    const convert = () => toJsonValue({ user: new User("ada") }, "args[0]");

    expect(convert).toThrow("Unsupported type User at args[0].user");
    expect(convert).toThrow("toJSON()");
  });

  it("refuses a cycle, and accepts the same object reached twice without one", () => {
    const shared = { id: 1 };
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;

    expect(toJsonValue({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
    expect(() => toJsonValue(cyclic, "args[0]")).toThrow(
      "Unsupported value (circular reference) at args[0].self",
    );
  });

  it("refuses enumerable symbol keys", () => {
    expect(() => toJsonValue({ [Symbol("k")]: 1 }, "args[0]")).toThrow(
      "Unsupported key Symbol(k) at args[0]",
    );
  });

  it("keeps a '__proto__' key as a plain key", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}');

    const converted = toJsonValue(parsed) as Record<string, unknown>;

    expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
    expect(Object.keys(converted)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("decodes a Buffer (a Uint8Array) as UTF-8, like Django's bytes", () => {
    expect(toJsonValue(Buffer.from("héllo"))).toBe("héllo");
  });

  it("writes paths with brackets for keys that are not identifiers", () => {
    expect(() => toJsonValue({ "my key": [{ ok: new Set() }] }, "args[2]")).toThrow(
      'at args[2]["my key"][0].ok',
    );
  });

  it("returns a fresh copy, so later changes to the input do not leak in", () => {
    const input = { list: [1, { deep: "x" }] };

    const converted = toJsonValue(input) as { list: [number, { deep: string }] };
    (input.list[1] as { deep: string }).deep = "changed";

    expect(converted.list[1].deep).toBe("x");
    expect(converted).not.toBe(input);
  });

  it("throws UnsupportedJsonValue: a TypeError with a code and the path", () => {
    try {
      toJsonValue({ a: [1n] }, "returnValue");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedJsonValue);
      expect(error).toBeInstanceOf(TypeError);
      expect(isUnsupportedJsonValue(error)).toBe(true);
      expect((error as UnsupportedJsonValue).code).toBe("unsupported_json_value");
      expect((error as UnsupportedJsonValue).path).toBe("returnValue.a[0]");
    }
  });
});

describe("toJsonArgs", () => {
  it("drops trailing undefined arguments, so optional parameters stay undefined", () => {
    expect(toJsonArgs(["a", undefined, undefined])).toEqual(["a"]);
  });

  it("turns an undefined argument before others into null", () => {
    expect(toJsonArgs([undefined, "b"])).toEqual([null, "b"]);
  });

  it("names the argument position in errors", () => {
    expect(() => toJsonArgs(["ok", { user: { createdAt: new Date(Number.NaN) } }])).toThrow(
      "at args[1].user.createdAt",
    );
  });
});
