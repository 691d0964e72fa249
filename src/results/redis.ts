/**
 * `vercel-workers/results/redis`: a result store in Redis, shared by every process that points
 * at the same server (the push callbacks, polling workers and the web app that reads results).
 * Node only; needs the optional peer dependency `ioredis` (`npm install ioredis`).
 *
 * Each value is a JSON string written with `SET key value EX ttl`. `update()` is optimistic:
 * it reads the value, runs `mutate` in JavaScript, and writes the result with a small Lua script
 * that compares and sets in one atomic step; when another writer got there first it reads again,
 * up to `maxUpdateAttempts` times. Unlike WATCH/MULTI/EXEC, this needs no connection of its own
 * per update (WATCH state belongs to a connection, and ioredis shares one connection between all
 * calls), so it is safe on a caller's shared client and costs two round trips when uncontended.
 *
 * With `options.expected` (the caller's guess of the stored value) the read is skipped: the
 * guess goes to the script as the value to compare with, so a right guess costs one round trip.
 * On a wrong guess the script answers with the real value (it read it anyway), and the update
 * goes on from there as if it had read it; the guess never counts as a lost race.
 *
 * A client the store creates uses ioredis `enableAutoPipelining`: commands issued in the same
 * event-loop turn (by concurrent tasks) leave in one socket write instead of one each, which
 * under load is most of ioredis's CPU time. A caller's own client keeps its own setting.
 */

import type { Redis } from "ioredis";
import type { Logger } from "../queue/types.js";
import { ResultStoreConflictError, ResultStoreCorruptValueError } from "./errors.js";
import type { IoredisImporter } from "./redis-connection.js";
import { RedisConnection } from "./redis-connection.js";
import type {
  JsonValue,
  ResultStore,
  ResultStoreMutate,
  ResultStoreUpdateOptions,
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

export { DEFAULT_REDIS_URL, redactUrl } from "./redis-connection.js";

/** Options of a {@link RedisResultStore}. */
export interface RedisResultStoreOptions {
  /**
   * Server to connect to (`redis://` or `rediss://` for TLS, credentials and database number
   * allowed: `redis://:password@host:6379/2`). Ignored when `client` is given (passing both is an
   * error).
   * Env: `REDIS_URL`. @default "redis://127.0.0.1:6379"
   */
  url?: string;
  /**
   * An ioredis client of your own to use instead of creating one. It keeps its own settings and
   * `close()` leaves it open.
   */
  client?: Redis;
  /**
   * Prefix put in front of every key, so that several apps can share one database.
   * @default "vercel-workers:"
   */
  keyPrefix?: string;
  /**
   * How long connecting to a server may take before a call fails with a
   * `ResultStoreConnectionError` (only for a client the store creates).
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * How long one Redis command may wait for its answer (only for a client the store creates).
   * @default 5000
   */
  commandTimeoutMs?: number;
  /**
   * Read-modify-write rounds `update()` tries when other writers keep changing the key, before
   * it fails with a `ResultStoreConflictError`.
   * @default 50
   */
  maxUpdateAttempts?: number;
  /** Receives Redis connection errors as warnings. Silent by default. */
  logger?: Logger;
  /** Replaces `import("ioredis")`; for tests of the missing-package error. @internal */
  importIoredis?: IoredisImporter;
}

/** Default of {@link RedisResultStoreOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Default of {@link RedisResultStoreOptions.commandTimeoutMs}. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/** Default of {@link RedisResultStoreOptions.maxUpdateAttempts}. */
export const DEFAULT_MAX_UPDATE_ATTEMPTS = 50;

// Sets KEYS[1] to ARGV[3] with TTL ARGV[4] only if it still holds what the caller read (or
// guessed): ARGV[1] is "1" when a value was read (ARGV[2]) and "0" when the key was missing.
// Answers the integer 1 when it wrote; otherwise the value it found instead (nil: missing),
// which saves a caller that guessed wrong a second read.
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return current end
elseif current then
  return current
end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
return 1
`;

/** What the compare-and-set found: it wrote, or the key held `current` instead. */
type CompareAndSetAnswer = { written: true } | { written: false; current: string | null };

let compareAndSetSha: Promise<string> | undefined;

/** {@link ResultStore} in Redis, shared between processes. */
export class RedisResultStore implements ResultStore {
  /** Prefix put in front of every key. */
  readonly keyPrefix: string;
  /** Most read-modify-write rounds of one `update()`. */
  readonly maxUpdateAttempts: number;

  readonly #connection: RedisConnection;

  constructor(options: RedisResultStoreOptions = {}) {
    const { keyPrefix = DEFAULT_KEY_PREFIX, maxUpdateAttempts = DEFAULT_MAX_UPDATE_ATTEMPTS } =
      options;
    const { connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS } = options;
    const { commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options;
    checkKeyPrefix(keyPrefix);
    checkPositiveInteger("maxUpdateAttempts", maxUpdateAttempts);
    checkPositiveInteger("connectTimeoutMs", connectTimeoutMs);
    checkPositiveInteger("commandTimeoutMs", commandTimeoutMs);

    this.keyPrefix = keyPrefix;
    this.maxUpdateAttempts = maxUpdateAttempts;
    this.#connection = new RedisConnection({
      url: options.url,
      client: options.client,
      connectTimeoutMs,
      commandTimeoutMs,
      logger: options.logger,
      importIoredis: options.importIoredis,
    });
  }

  /** Server URL with the password redacted (for messages and logs). */
  get url(): string {
    return this.#connection.url;
  }

  /** Reads the value under `key`; `null` when it is missing or expired. */
  async get(key: string): Promise<JsonValue | null> {
    checkKey(key);

    const storedKey = this.keyPrefix + key;
    const raw = await this.#connection.call("get a result", (redis) => redis.get(storedKey));

    return raw === null ? null : decode(key, storedKey, raw);
  }

  /** Stores `value` under `key` with `SET … EX ttlSeconds`. */
  async set(key: string, value: JsonValue, options: ResultStoreWriteOptions): Promise<void> {
    checkKey(key);
    const ttlSeconds = checkTtlSeconds(options);
    assertStorableValue(key, value);

    const storedKey = this.keyPrefix + key;
    const encoded = JSON.stringify(value);
    await this.#connection.call("store a result", (redis) =>
      redis.set(storedKey, encoded, "EX", ttlSeconds),
    );
  }

  /**
   * Replaces the value under `key` with `mutate(current)`, atomically (see the module note).
   * `mutate` may run several times when other writers race; it gets a fresh copy each time.
   * `options.expected`, when given, replaces the first read (see the module note).
   */
  async update(
    key: string,
    mutate: ResultStoreMutate,
    options: ResultStoreUpdateOptions,
  ): Promise<JsonValue | null> {
    checkKey(key);
    checkMutate(mutate);
    const ttlSeconds = checkTtlSeconds(options);
    const storedKey = this.keyPrefix + key;

    let guess = encodeGuess(options.expected);
    let raw = guess === undefined ? await this.#read(storedKey) : guess;

    for (let attempt = 1; attempt <= this.maxUpdateAttempts; ) {
      const next = mutate(raw === null ? null : decode(key, storedKey, raw));
      checkMutateResult(next);
      if (next === undefined && guess === undefined) {
        return raw === null ? null : decode(key, storedKey, raw);
      }

      if (next === undefined) {
        // Leaving the value alone is decided on the real value, never on a guess.
        guess = undefined;
        raw = await this.#read(storedKey);
        continue;
      }

      assertStorableValue(key, next);
      const encoded = JSON.stringify(next);
      const answer = await this.#compareAndSet(storedKey, raw, encoded, ttlSeconds);
      if (answer.written) {
        return JSON.parse(encoded) as JsonValue;
      }

      if (guess !== undefined) {
        // A wrong guess is no lost race: go on at once from the value the script found.
        guess = undefined;
        raw = answer.current;
        continue;
      }

      await backOff(attempt);
      attempt++;
      raw = await this.#read(storedKey);
    }

    throw new ResultStoreConflictError(key, this.maxUpdateAttempts);
  }

  /** Removes the value under `key`. */
  async delete(key: string): Promise<void> {
    checkKey(key);

    const storedKey = this.keyPrefix + key;
    await this.#connection.call("delete a result", (redis) => redis.del(storedKey));
  }

  /** Quits the client the store created (a caller's client stays open); later calls fail. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  #read(storedKey: string): Promise<string | null> {
    return this.#connection.call("read a result", (redis) => redis.get(storedKey));
  }

  async #compareAndSet(
    storedKey: string,
    expected: string | null,
    encoded: string,
    ttlSeconds: number,
  ): Promise<CompareAndSetAnswer> {
    const args = [storedKey, expected === null ? "0" : "1", expected ?? "", encoded, ttlSeconds];
    const sha = await scriptSha();

    const answer = await this.#connection.call("update a result", async (redis) => {
      try {
        return await redis.evalsha(sha, 1, ...args);
      } catch (error) {
        // The server forgets scripts on restart or SCRIPT FLUSH; EVAL loads it again.
        if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
          return await redis.eval(COMPARE_AND_SET, 1, ...args);
        }
        throw error;
      }
    });

    if (answer === 1) {
      return { written: true };
    }

    return { written: false, current: typeof answer === "string" ? answer : null };
  }
}

/**
 * The stored form of a caller's guess; `undefined` when there is none, or when it cannot be
 * encoded (a guess is only a hint: the update then reads first, as without one).
 */
function encodeGuess(expected: JsonValue | null | undefined): string | null | undefined {
  if (expected === undefined || expected === null) {
    return expected;
  }

  try {
    const encoded: unknown = JSON.stringify(expected);
    return typeof encoded === "string" ? encoded : undefined;
  } catch {
    return undefined;
  }
}

function decode(key: string, storedKey: string, raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw new ResultStoreCorruptValueError(key, storedKey, error);
  }
}

function scriptSha(): Promise<string> {
  compareAndSetSha ??= crypto.subtle
    .digest("SHA-1", new TextEncoder().encode(COMPARE_AND_SET))
    .then((digest) => Array.from(new Uint8Array(digest), toHex).join(""));

  return compareAndSetSha;
}

function toHex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

// Losers of a race wait a random moment, growing with each loss, so that they do not all read
// and collide again at once.
function backOff(attempt: number): Promise<void> {
  const delayMs = Math.random() * Math.min(2 ** attempt, 100);

  return new Promise((resolve) => setTimeout(resolve, delayMs));
}
