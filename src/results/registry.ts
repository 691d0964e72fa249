/**
 * Result stores registered under aliases, the way Django names its caches: a task backend's
 * `cacheAlias` option (default `"default"`) picks the store it keeps results in.
 *
 * The alias `"default"` needs no registration: unless something else is registered under it, it
 * resolves on first use to a process-local {@link MemoryResultStore}. That is right for tests
 * and single-process development; register a `RedisResultStore` as `"default"` wherever results
 * must be shared between processes (any deployment).
 *
 * The table lives on `globalThis` under a `Symbol.for` key, so that a store registered through
 * one copy of this package is found through another copy bundled into the same process.
 */

import { ResultStoreArgumentError, ResultStoreNotRegisteredError } from "./errors.js";
import { MemoryResultStore } from "./memory.js";
import type { ResultStore } from "./store.js";

/** Alias used when none is given, and the one that falls back to a memory store. */
export const DEFAULT_RESULT_STORE_ALIAS = "default";

const REGISTRY = Symbol.for("vercel-workers.results.registry");

const STORE_METHODS = ["get", "set", "update", "delete"] as const;

/**
 * Registers `store` under `alias`, replacing any store registered there before (which is not
 * closed: its owner closes it).
 *
 * @example registerResultStore("default", new RedisResultStore({ url: process.env.REDIS_URL }))
 */
export function registerResultStore(alias: string, store: ResultStore): void {
  checkAlias(alias);
  const missing = STORE_METHODS.filter((name) => typeof store?.[name] !== "function");
  if (missing.length > 0) {
    throw new ResultStoreArgumentError(
      "store",
      `the object registered as "${alias}" lacks ${missing.join(", ")}; ` +
        "pass a MemoryResultStore, a RedisResultStore or your own ResultStore implementation",
    );
  }

  registry().set(alias, store);
}

/**
 * Returns the store registered under `alias`. `"default"` falls back to a process-local
 * `MemoryResultStore` (created once, then kept); any other unknown alias throws a
 * `ResultStoreNotRegisteredError` that lists the registered aliases.
 *
 * @param alias @default "default"
 */
export function getResultStore(alias: string = DEFAULT_RESULT_STORE_ALIAS): ResultStore {
  checkAlias(alias);
  const stores = registry();

  const store = stores.get(alias);
  if (store !== undefined) {
    return store;
  }

  if (alias !== DEFAULT_RESULT_STORE_ALIAS) {
    throw new ResultStoreNotRegisteredError(alias, [...stores.keys()]);
  }

  const fallback = new MemoryResultStore();
  stores.set(alias, fallback);

  return fallback;
}

/** Aliases registered so far (the lazily created `"default"` included once it exists). */
export function resultStoreAliases(): string[] {
  return [...registry().keys()];
}

/** Forgets every registered store without closing any; for tests. */
export function resetResultStores(): void {
  registry().clear();
}

function registry(): Map<string, ResultStore> {
  const holder = globalThis as { [REGISTRY]?: Map<string, ResultStore> };
  holder[REGISTRY] ??= new Map();

  return holder[REGISTRY];
}

function checkAlias(alias: unknown): asserts alias is string {
  if (typeof alias !== "string" || alias.length === 0) {
    throw new ResultStoreArgumentError("alias", "expected a non-empty string");
  }
}
