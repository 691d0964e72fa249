import { afterEach, describe, expect, it, vi } from "vitest";
import {
  isResultStoreError,
  type ResultStoreNotRegisteredError,
} from "../../src/results/errors.js";
import { MemoryResultStore } from "../../src/results/memory.js";
import {
  DEFAULT_RESULT_STORE_ALIAS,
  getResultStore,
  registerResultStore,
  resetResultStores,
  resultStoreAliases,
} from "../../src/results/registry.js";
import type { ResultStore } from "../../src/results/store.js";

afterEach(() => {
  resetResultStores();
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }

  throw new Error("expected the call to throw");
}

describe("result store registry", () => {
  it('resolves "default" to one process-local MemoryResultStore without registration', () => {
    const store = getResultStore();

    expect(DEFAULT_RESULT_STORE_ALIAS).toBe("default");
    expect(store).toBeInstanceOf(MemoryResultStore);
    expect(getResultStore("default")).toBe(store);
    expect(resultStoreAliases()).toEqual(["default"]);
  });

  it("returns the store registered under an alias, replacing an earlier one", () => {
    const first = new MemoryResultStore();
    const second = new MemoryResultStore();

    registerResultStore("results", first);
    registerResultStore("results", second);

    expect(getResultStore("results")).toBe(second);
  });

  it('a store registered as "default" takes the place of the memory fallback', () => {
    const mine = new MemoryResultStore({ keyPrefix: "mine:" });

    registerResultStore("default", mine);

    expect(getResultStore()).toBe(mine);
  });

  it("an unknown alias throws RESULT_STORE_NOT_REGISTERED listing the registered aliases", () => {
    registerResultStore("redis", new MemoryResultStore());
    registerResultStore("other", new MemoryResultStore());

    const error = catchError(() => getResultStore("cache")) as ResultStoreNotRegisteredError;

    expect(isResultStoreError(error, "RESULT_STORE_NOT_REGISTERED")).toBe(true);
    expect(error.alias).toBe("cache");
    expect(error.registered).toEqual(["redis", "other"]);
    expect(error.message).toContain('"redis", "other"');
    expect(error.message).toContain('registerResultStore("cache"');
  });

  it("says none are registered when the table is empty", () => {
    const error = catchError(() => getResultStore("cache")) as Error;

    expect(error.message).toContain("registered: none");
  });

  it("refuses an empty alias and an object that is not a store", () => {
    const notAStore = { get() {} } as unknown as ResultStore;

    const badAlias = catchError(() => registerResultStore("", new MemoryResultStore()));
    const badStore = catchError(() => registerResultStore("x", notAStore)) as Error;

    expect(isResultStoreError(badAlias, "RESULT_STORE_INVALID_ARGUMENT")).toBe(true);
    expect(isResultStoreError(badStore, "RESULT_STORE_INVALID_ARGUMENT")).toBe(true);
    expect(badStore.message).toContain("set, update, delete");
    expect(() => getResultStore("")).toThrow(/alias/);
  });

  it("resetResultStores forgets every store, and default comes back fresh", async () => {
    const before = getResultStore();
    await before.set("k", 1, { ttlSeconds: 60 });
    registerResultStore("x", new MemoryResultStore());

    resetResultStores();

    expect(resultStoreAliases()).toEqual([]);
    expect(() => getResultStore("x")).toThrow(/No result store/);
    expect(getResultStore()).not.toBe(before);
    expect(await getResultStore().get("k")).toBeNull();
  });

  it("is shared with a second copy of the module in the same process", async () => {
    const mine = new MemoryResultStore();
    registerResultStore("shared", mine);

    vi.resetModules();
    const copy = await import("../../src/results/registry.js");

    expect(copy.getResultStore).not.toBe(getResultStore);
    expect(copy.getResultStore("shared")).toBe(mine);
  });
});
