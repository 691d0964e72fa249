import { describe, expect, it } from "vitest";
import { isResultStoreError } from "../../src/results/errors.js";
import { DEFAULT_MAX_ENTRIES, MemoryResultStore } from "../../src/results/memory.js";
import { DEFAULT_KEY_PREFIX } from "../../src/results/store.js";
import { describeResultStoreContract } from "./contract.js";

describeResultStoreContract("MemoryResultStore", {
  create: () => new MemoryResultStore(),
  dispose: async () => undefined,
});

/** A store on a clock the test moves by hand. */
function storeOnClock(options: { maxEntries?: number } = {}) {
  let nowMs = 1_000_000;
  const store = new MemoryResultStore({ ...options, now: () => nowMs });
  const advance = (seconds: number) => {
    nowMs += seconds * 1000;
  };

  return { store, advance };
}

describe("MemoryResultStore TTL", () => {
  it("keeps a value until its TTL has passed, then reads null", async () => {
    const { store, advance } = storeOnClock();
    await store.set("a", 1, { ttlSeconds: 10 });

    advance(9.999);
    expect(await store.get("a")).toBe(1);

    advance(0.001);
    expect(await store.get("a")).toBeNull();
    expect(store.size).toBe(0);
  });

  it("restarts the TTL on every set and update", async () => {
    const { store, advance } = storeOnClock();
    await store.set("a", 1, { ttlSeconds: 10 });

    advance(8);
    await store.set("a", 2, { ttlSeconds: 10 });
    advance(8);
    await store.update("a", (n) => (n as number) + 1, { ttlSeconds: 10 });
    advance(8);

    expect(await store.get("a")).toBe(3);
  });

  it("an update that returns undefined does not restart the TTL", async () => {
    const { store, advance } = storeOnClock();
    await store.set("a", 1, { ttlSeconds: 10 });

    advance(8);
    await store.update("a", () => undefined, { ttlSeconds: 10 });
    advance(2);

    expect(await store.get("a")).toBeNull();
  });

  it("update sees an expired value as missing", async () => {
    const { store, advance } = storeOnClock();
    await store.set("a", { stale: true }, { ttlSeconds: 1 });
    advance(1);

    const seen: unknown[] = [];
    await store.update(
      "a",
      (current) => {
        seen.push(current);
        return { fresh: true };
      },
      { ttlSeconds: 1 },
    );

    expect(seen).toEqual([null]);
    expect(await store.get("a")).toEqual({ fresh: true });
  });

  it("drops expired values on later writes without their keys being read", async () => {
    const { store, advance } = storeOnClock();
    for (const key of ["a", "b", "c", "d", "e"]) {
      await store.set(key, key, { ttlSeconds: 1 });
    }

    advance(1);
    await store.set("f", "f", { ttlSeconds: 60 });

    expect(store.size).toBe(1);
  });

  it("bounds the sweep, so one write does not scan a huge store", async () => {
    const { store, advance } = storeOnClock();
    for (let index = 0; index < 100; index++) {
      await store.set(`k${index}`, index, { ttlSeconds: 1 });
    }

    advance(1);
    await store.set("new", 1, { ttlSeconds: 60 });

    // Some expired values went, not all 100: the rest go on later writes or reads.
    expect(store.size).toBeGreaterThan(1);
    expect(store.size).toBeLessThan(101);
    expect(await store.get("k99")).toBeNull();
  });
});

describe("MemoryResultStore eviction", () => {
  it("drops the value written longest ago when maxEntries is reached", async () => {
    const { store } = storeOnClock({ maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) {
      await store.set(key, key, { ttlSeconds: 60 });
    }

    expect(await store.get("a")).toBeNull();
    expect(await store.get("d")).toBe("d");
    expect(store.size).toBe(3);
  });

  it("counts a rewrite as recent, so the next eviction takes another key", async () => {
    const { store } = storeOnClock({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) {
      await store.set(key, key, { ttlSeconds: 60 });
    }

    await store.update("a", () => "a2", { ttlSeconds: 60 });
    await store.set("d", "d", { ttlSeconds: 60 });

    expect(await store.get("a")).toBe("a2");
    expect(await store.get("b")).toBeNull();
  });

  it("drops expired values before evicting live ones", async () => {
    const { store, advance } = storeOnClock({ maxEntries: 2 });
    await store.set("short", 1, { ttlSeconds: 1 });
    await store.set("long", 2, { ttlSeconds: 100 });

    advance(2);
    await store.set("new", 3, { ttlSeconds: 100 });

    expect(await store.get("long")).toBe(2);
    expect(await store.get("new")).toBe(3);
  });

  it("defaults to 10,000 entries and the shared key prefix", () => {
    const store = new MemoryResultStore();

    expect(store.maxEntries).toBe(DEFAULT_MAX_ENTRIES);
    expect(DEFAULT_MAX_ENTRIES).toBe(10_000);
    expect(store.keyPrefix).toBe(DEFAULT_KEY_PREFIX);
  });
});

describe("MemoryResultStore options and helpers", () => {
  it("refuses a maxEntries below 1 or not whole", () => {
    for (const maxEntries of [0, -5, 2.5]) {
      const create = () => new MemoryResultStore({ maxEntries });

      expect(create).toThrow(/maxEntries/);
      try {
        create();
      } catch (error) {
        expect(isResultStoreError(error, "RESULT_STORE_INVALID_ARGUMENT")).toBe(true);
      }
    }
  });

  it("refuses a keyPrefix that is not a string", () => {
    expect(() => new MemoryResultStore({ keyPrefix: 7 as unknown as string })).toThrow(/keyPrefix/);
  });

  it("keeps values of two stores apart (each process-local map is its own)", async () => {
    const one = new MemoryResultStore();
    const two = new MemoryResultStore();
    await one.set("a", 1, { ttlSeconds: 60 });

    expect(await two.get("a")).toBeNull();
  });

  it("clear() removes every value", async () => {
    const store = new MemoryResultStore();
    await store.set("a", 1, { ttlSeconds: 60 });

    store.clear();

    expect(await store.get("a")).toBeNull();
    expect(store.size).toBe(0);
  });

  it("a mutate that changes `current` in place and returns it stores the change", async () => {
    const store = new MemoryResultStore();
    await store.set("a", { n: 1 }, { ttlSeconds: 60 });

    await store.update(
      "a",
      (current) => {
        const value = current as { n: number };
        value.n += 1;
        return value;
      },
      { ttlSeconds: 60 },
    );

    expect(await store.get("a")).toEqual({ n: 2 });
  });
});
