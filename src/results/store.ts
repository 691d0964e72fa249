/**
 * The result-store contract: where a task backend keeps its TaskResult records (the analogue of
 * the Django cache in the Python package). A store keeps opaque JSON values under string keys,
 * each with a time to live; the backend owns the record format.
 *
 * Delivery is at-least-once, so two attempts of one task may write the same record at once.
 * `update()` is therefore an atomic read-modify-write: no write between its read and its write
 * is ever lost.
 */

/** A JSON value as the stores keep it: no `undefined`, no class instances, finite numbers. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Options of a write. */
export interface ResultStoreWriteOptions {
  /**
   * Time to live of the value, in whole seconds (at least 1). Every write restarts it; the
   * task backends pass their `resultTtlSeconds` (default 86400).
   */
  ttlSeconds: number;
}

/** Options of {@link ResultStore.update}. */
export interface ResultStoreUpdateOptions extends ResultStoreWriteOptions {
  /**
   * The value the caller believes is stored now (`null`: believes the key is missing), e.g. the
   * record it wrote itself a moment ago. Only a hint that lets a store skip its read: `mutate`
   * still sees the real value, so a wrong guess costs time, never correctness. Stores may ignore
   * it (the memory store does). @default undefined (no guess: the store reads first)
   */
  expected?: JsonValue | null;
}

/**
 * Computes the next value from the current one inside {@link ResultStore.update}. It must be
 * synchronous and free of side effects: a store may call it more than once when it loses a race.
 * Return `undefined` to leave the stored value (and its TTL) as it is.
 */
export type ResultStoreMutate = (current: JsonValue | null) => JsonValue | undefined;

/** Key-value storage for task results, with TTLs and an atomic update. */
export interface ResultStore {
  /** Reads the value under `key`; `null` when it is missing or expired. */
  get(key: string): Promise<JsonValue | null>;

  /**
   * Stores `value` under `key`, replacing any value there and restarting its TTL.
   * The top-level value may not be `null` (use {@link ResultStore.delete}).
   */
  set(key: string, value: JsonValue, options: ResultStoreWriteOptions): Promise<void>;

  /**
   * Atomically replaces the value under `key` with `mutate(current)` (`current` is `null` when
   * the key is missing) and restarts its TTL; resolves to the value now stored (`null` when
   * nothing is). Concurrent updates of one key never lose a write. `options.expected` may say
   * what the caller believes is stored, so that a store can skip reading it first.
   */
  update(
    key: string,
    mutate: ResultStoreMutate,
    options: ResultStoreUpdateOptions,
  ): Promise<JsonValue | null>;

  /** Removes the value under `key`; does nothing when there is none. */
  delete(key: string): Promise<void>;

  /** Releases what the store holds open (connections it created). Optional. */
  close?(): Promise<void>;
}

/** Prefix every store puts in front of the keys it is given. */
export const DEFAULT_KEY_PREFIX = "vercel-workers:";
