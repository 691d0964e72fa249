/**
 * Behaviour every ResultStore must share, run against each store by its own test file, so that
 * code tested against the memory store behaves the same on Redis.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isResultStoreError } from "../../src/results/errors.js";
import type { JsonValue, ResultStore } from "../../src/results/store.js";

/** Creates a fresh, empty store for one test and disposes of it afterwards. */
export interface StoreFixture {
  create(): Promise<ResultStore> | ResultStore;
  dispose(store: ResultStore): Promise<void>;
}

const TTL = { ttlSeconds: 60 };

const record: JsonValue = {
  version: 1,
  id: "r-1",
  status: "READY",
  args: [1, "two", { three: 3 }],
  kwargs: { text: 'héllo ✓ \u0000 "quoted"' },
  errors: [],
  returnValue: null,
  nested: { deep: { deeper: [true, false, -1.5, 0] } },
};

async function expectCode(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isResultStoreError(error), `expected a result-store error, got ${error}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);

  return error as Error;
}

/** `[1, <hole>, 3]`: JSON would write the hole as null. */
function holeyArray(): unknown[] {
  const items: unknown[] = [1];
  items[2] = 3;

  return items;
}

function increment(current: JsonValue | null): JsonValue {
  return typeof current === "number" ? current + 1 : 1;
}

export function describeResultStoreContract(name: string, fixture: StoreFixture): void {
  describe(`${name} (ResultStore contract)`, () => {
    let store: ResultStore;

    beforeEach(async () => {
      store = await fixture.create();
    });

    afterEach(async () => {
      await fixture.dispose(store);
    });

    it("reads null for a key that was never written", async () => {
      expect(await store.get("missing")).toBeNull();
    });

    it("reads back what was set, unchanged", async () => {
      await store.set("a", record, TTL);

      expect(await store.get("a")).toEqual(record);
    });

    it("keeps top-level strings, numbers, booleans and arrays", async () => {
      await store.set("s", "text", TTL);
      await store.set("n", 0, TTL);
      await store.set("b", false, TTL);
      await store.set("l", [], TTL);

      expect(await store.get("s")).toBe("text");
      expect(await store.get("n")).toBe(0);
      expect(await store.get("b")).toBe(false);
      expect(await store.get("l")).toEqual([]);
    });

    it("replaces a value on set", async () => {
      await store.set("a", { v: 1 }, TTL);
      await store.set("a", { w: 2 }, TTL);

      expect(await store.get("a")).toEqual({ w: 2 });
    });

    it("keeps keys apart", async () => {
      await store.set("a", 1, TTL);
      await store.set("b", 2, TTL);

      expect(await store.get("a")).toBe(1);
      expect(await store.get("b")).toBe(2);
    });

    it("does not let callers change stored values through references", async () => {
      const input = { list: [1, 2], inner: { x: 1 } };
      await store.set("a", input, TTL);
      input.list.push(3);
      input.inner.x = 99;

      const first = (await store.get("a")) as { list: number[]; inner: { x: number } };
      first.list.push(4);
      first.inner.x = 42;

      expect(await store.get("a")).toEqual({ list: [1, 2], inner: { x: 1 } });
    });

    it("deletes a value, and deleting a missing key does nothing", async () => {
      await store.set("a", 1, TTL);
      await store.delete("a");
      await store.delete("never-written");

      expect(await store.get("a")).toBeNull();
    });

    it("update passes null for a missing key and stores the result", async () => {
      const seen: (JsonValue | null)[] = [];
      const stored = await store.update(
        "u",
        (current) => {
          seen.push(current);
          return { status: "READY" };
        },
        TTL,
      );

      expect(seen).toEqual([null]);
      expect(stored).toEqual({ status: "READY" });
      expect(await store.get("u")).toEqual({ status: "READY" });
    });

    it("update passes the current value and returns the new one", async () => {
      await store.set("u", { status: "READY", attempts: 0 }, TTL);

      const stored = await store.update(
        "u",
        (current) => {
          const value = current as { status: string; attempts: number };
          return { status: "RUNNING", attempts: value.attempts + 1 };
        },
        TTL,
      );

      expect(stored).toEqual({ status: "RUNNING", attempts: 1 });
      expect(await store.get("u")).toEqual({ status: "RUNNING", attempts: 1 });
    });

    it("update returning undefined leaves the value and returns it", async () => {
      await store.set("u", { status: "SUCCESSFUL" }, TTL);

      const stored = await store.update("u", () => undefined, TTL);

      expect(stored).toEqual({ status: "SUCCESSFUL" });
      expect(await store.get("u")).toEqual({ status: "SUCCESSFUL" });
    });

    it("update returning undefined on a missing key stores nothing and returns null", async () => {
      expect(await store.update("none", () => undefined, TTL)).toBeNull();
      expect(await store.get("none")).toBeNull();
    });

    it("update ignores in-place changes to `current` when mutate returns undefined", async () => {
      await store.set("u", { status: "READY" }, TTL);

      const stored = await store.update(
        "u",
        (current) => {
          (current as { status: string }).status = "CHANGED";
          return undefined;
        },
        TTL,
      );

      expect(stored).toEqual({ status: "READY" });
      expect(await store.get("u")).toEqual({ status: "READY" });
    });

    it("update returns a copy that callers cannot use to change the stored value", async () => {
      const stored = (await store.update("u", () => ({ list: [1] }), TTL)) as { list: number[] };
      stored.list.push(2);

      expect(await store.get("u")).toEqual({ list: [1] });
    });

    it("update lets an exception from mutate through and writes nothing", async () => {
      await store.set("u", 1, TTL);

      const failing = store.update(
        "u",
        () => {
          throw new Error("boom in mutate");
        },
        TTL,
      );

      await expect(failing).rejects.toThrow("boom in mutate");
      expect(await store.get("u")).toBe(1);
    });

    it("update refuses an async mutate and writes nothing", async () => {
      await store.set("u", 1, TTL);
      const asyncMutate = (async () => 2) as unknown as () => JsonValue;

      const error = await expectCode(
        store.update("u", asyncMutate, TTL),
        "RESULT_STORE_INVALID_ARGUMENT",
      );

      expect(error.message).toContain("synchronous");
      expect(await store.get("u")).toBe(1);
    });

    it("concurrent updates of one key lose no write", async () => {
      await Promise.all(Array.from({ length: 25 }, () => store.update("n", increment, TTL)));

      expect(await store.get("n")).toBe(25);
    });

    it("update with a right `expected` guess writes mutate(current)", async () => {
      await store.set("g", { n: 1 }, TTL);
      const seen: (JsonValue | null)[] = [];

      const stored = await store.update(
        "g",
        (current) => {
          seen.push(current);
          return { n: ((current as { n: number }).n ?? 0) + 1 };
        },
        { ...TTL, expected: { n: 1 } },
      );

      expect(stored).toEqual({ n: 2 });
      expect(await store.get("g")).toEqual({ n: 2 });
      expect(seen.at(-1)).toEqual({ n: 1 });
    });

    it("update with a wrong `expected` guess still mutates the real value", async () => {
      await store.set("g", 5, TTL);

      const stored = await store.update("g", increment, { ...TTL, expected: 41 });

      expect(stored).toBe(6);
      expect(await store.get("g")).toBe(6);
    });

    it("update guessing a missing key that exists mutates the real value", async () => {
      await store.set("g", 7, TTL);

      expect(await store.update("g", increment, { ...TTL, expected: null })).toBe(8);
    });

    it("update guessing a value for a missing key passes null to mutate", async () => {
      const seen: (JsonValue | null)[] = [];
      const stored = await store.update(
        "none",
        (current) => {
          seen.push(current);
          return current === null ? "made" : "changed";
        },
        { ...TTL, expected: "guess" },
      );

      expect(stored).toBe("made");
      expect(seen.at(-1)).toBeNull();
    });

    it("update decides to leave a value alone on the real value, not the guess", async () => {
      await store.set("g", { done: false }, TTL);

      const stored = await store.update(
        "g",
        (current) => ((current as { done: boolean }).done ? undefined : { done: true }),
        { ...TTL, expected: { done: true } },
      );

      expect(stored).toEqual({ done: true });
      expect(await store.get("g")).toEqual({ done: true });
    });

    it("concurrent updates with stale guesses lose no write", async () => {
      await store.set("n", 0, TTL);

      await Promise.all(
        Array.from({ length: 25 }, () => store.update("n", increment, { ...TTL, expected: 0 })),
      );

      expect(await store.get("n")).toBe(25);
    });

    const badValues: [string, unknown, string][] = [
      ["undefined property", { a: 1, b: undefined }, "value.b"],
      ["Date", { at: new Date(0) }, "value.at"],
      ["NaN", { list: [1, Number.NaN] }, "value.list[1]"],
      ["Infinity", Number.POSITIVE_INFINITY, "value"],
      ["function", { f: () => 1 }, "value.f"],
      ["bigint", { big: 1n }, "value.big"],
      ["Map", new Map(), "value"],
      ["top-level null", null, "value"],
      ["undefined item", [1, undefined, 3], "value[1]"],
      ["array hole", holeyArray(), "value[1]"],
      ["odd property name", { "a b": { c: undefined } }, 'value["a b"].c'],
    ];

    for (const [label, value, path] of badValues) {
      it(`set and update refuse a value that is not plain JSON: ${label}`, async () => {
        const viaSet = await expectCode(
          store.set("bad", value as JsonValue, TTL),
          "RESULT_STORE_INVALID_VALUE",
        );
        const viaUpdate = await expectCode(
          store.update("bad", () => value as JsonValue, TTL),
          "RESULT_STORE_INVALID_VALUE",
        );

        expect(viaSet.message).toContain(`${path} `);
        expect(viaUpdate.message).toContain(`${path} `);
        expect(await store.get("bad")).toBeNull();
      });
    }

    it("refuses a value that refers to itself", async () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = { back: cyclic };

      const error = await expectCode(
        store.set("bad", cyclic as JsonValue, TTL),
        "RESULT_STORE_INVALID_VALUE",
      );

      expect(error.message).toContain("value.self.back");
      expect(error.message).toContain("cycle");
    });

    it("accepts the same object twice in one value (shared, not cyclic)", async () => {
      const shared = { x: 1 };
      await store.set("shared", { a: shared, b: shared }, TTL);

      expect(await store.get("shared")).toEqual({ a: { x: 1 }, b: { x: 1 } });
    });

    for (const ttlSeconds of [0, -1, 1.5, Number.NaN, "60", undefined]) {
      it(`refuses ttlSeconds ${String(ttlSeconds)}`, async () => {
        const options = { ttlSeconds } as unknown as { ttlSeconds: number };

        const error = await expectCode(store.set("t", 1, options), "RESULT_STORE_INVALID_ARGUMENT");
        await expectCode(
          store.update("t", () => 1, options),
          "RESULT_STORE_INVALID_ARGUMENT",
        );

        expect(error.message).toContain("ttlSeconds");
        expect(await store.get("t")).toBeNull();
      });
    }

    it("refuses an empty or non-string key", async () => {
      await expectCode(store.get(""), "RESULT_STORE_INVALID_ARGUMENT");
      await expectCode(store.set(42 as unknown as string, 1, TTL), "RESULT_STORE_INVALID_ARGUMENT");
      await expectCode(store.delete(""), "RESULT_STORE_INVALID_ARGUMENT");
      await expectCode(
        store.update("", () => 1, TTL),
        "RESULT_STORE_INVALID_ARGUMENT",
      );
    });

    it("refuses a mutate that is not a function", async () => {
      const notAFunction = "increment" as unknown as () => JsonValue;

      await expectCode(store.update("u", notAFunction, TTL), "RESULT_STORE_INVALID_ARGUMENT");
    });
  });
}
