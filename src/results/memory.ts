/**
 * A result store in this process's memory, like Django's LocMemCache: results written here are
 * visible only to code running in the same process. A push callback served by another process
 * (another serverless instance, the CLI worker) cannot see them, so a task backend that uses it
 * can read results back only when the work runs in the same process (tests, the local Queue
 * Service with an in-process callback). Use the Redis store to share results.
 *
 * Expiry is lazy (an expired value reads as missing and is dropped then) plus a bounded sweep on
 * every write; no timer runs, so the store never keeps the process alive.
 */

import type {
  JsonValue,
  ResultStore,
  ResultStoreMutate,
  ResultStoreWriteOptions,
} from "./store.js";
import { DEFAULT_KEY_PREFIX } from "./store.js";
import {
  assertStorableValue,
  checkKey,
  checkKeyPrefix,
  checkMutate,
  checkMutateResult,
  checkPositiveInteger,
  checkTtlSeconds,
} from "./validate.js";

/** Options of a {@link MemoryResultStore}. */
export interface MemoryResultStoreOptions {
  /**
   * Prefix put in front of every key.
   * @default "vercel-workers:"
   */
  keyPrefix?: string;
  /**
   * Most values kept at once. A write beyond it first drops the value written longest ago
   * (expired values go first), so a busy process cannot grow without bound.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * Clock in milliseconds since the epoch, for tests that move time.
   * @default Date.now
   */
  now?: () => number;
}

/** Default of {@link MemoryResultStoreOptions.maxEntries}. */
export const DEFAULT_MAX_ENTRIES = 10_000;

// Entries looked at per write when dropping expired ones: enough to keep pace with writes
// (every write can retire several), small enough to keep each write cheap.
const SWEEP_LIMIT = 16;

interface Entry {
  value: JsonValue;
  expiresAt: number;
}

/** Process-local {@link ResultStore}; values are deep-copied on the way in and out. */
export class MemoryResultStore implements ResultStore {
  /** Prefix put in front of every key. */
  readonly keyPrefix: string;
  /** Most values kept at once. */
  readonly maxEntries: number;

  readonly #now: () => number;
  // Map order is write order: each write re-inserts its key, so the first entry is the one
  // written longest ago, which is the one eviction drops.
  readonly #entries = new Map<string, Entry>();

  constructor(options: MemoryResultStoreOptions = {}) {
    const { keyPrefix = DEFAULT_KEY_PREFIX, maxEntries = DEFAULT_MAX_ENTRIES } = options;
    checkKeyPrefix(keyPrefix);
    checkPositiveInteger("maxEntries", maxEntries);

    this.keyPrefix = keyPrefix;
    this.maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** Reads a copy of the value under `key`; `null` when it is missing or expired. */
  async get(key: string): Promise<JsonValue | null> {
    checkKey(key);

    const entry = this.#read(this.keyPrefix + key);

    return entry === undefined ? null : structuredClone(entry.value);
  }

  /** Stores a copy of `value` under `key` for `ttlSeconds`. */
  async set(key: string, value: JsonValue, options: ResultStoreWriteOptions): Promise<void> {
    checkKey(key);
    const ttlSeconds = checkTtlSeconds(options);
    assertStorableValue(key, value);

    this.#write(this.keyPrefix + key, structuredClone(value), ttlSeconds);
  }

  /**
   * Replaces the value under `key` with `mutate(current)`. Atomic because nothing awaits
   * between the read and the write; `mutate` gets a copy, so changing it in place is harmless.
   */
  async update(
    key: string,
    mutate: ResultStoreMutate,
    options: ResultStoreWriteOptions,
  ): Promise<JsonValue | null> {
    checkKey(key);
    checkMutate(mutate);
    const ttlSeconds = checkTtlSeconds(options);

    const storedKey = this.keyPrefix + key;
    const current = this.#read(storedKey)?.value ?? null;
    const next = mutate(current === null ? null : structuredClone(current));
    checkMutateResult(next);
    if (next === undefined) {
      return current === null ? null : structuredClone(current);
    }

    assertStorableValue(key, next);
    const stored = structuredClone(next);
    this.#write(storedKey, stored, ttlSeconds);

    return structuredClone(stored);
  }

  /** Removes the value under `key`. */
  async delete(key: string): Promise<void> {
    checkKey(key);

    this.#entries.delete(this.keyPrefix + key);
  }

  /** Values held right now, expired ones that were not dropped yet included. */
  get size(): number {
    return this.#entries.size;
  }

  /** Removes every value (for tests). */
  clear(): void {
    this.#entries.clear();
  }

  #read(storedKey: string): Entry | undefined {
    const entry = this.#entries.get(storedKey);
    if (entry !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(storedKey);
      return undefined;
    }

    return entry;
  }

  #write(storedKey: string, value: JsonValue, ttlSeconds: number): void {
    const now = this.#now();
    this.#entries.delete(storedKey);
    this.#sweep(now);

    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }

    this.#entries.set(storedKey, { value, expiresAt: now + ttlSeconds * 1000 });
  }

  #sweep(now: number): void {
    let looked = 0;
    for (const [storedKey, entry] of this.#entries) {
      if (looked++ === SWEEP_LIMIT) {
        return;
      }

      if (entry.expiresAt <= now) {
        this.#entries.delete(storedKey);
      }
    }
  }
}
