/**
 * The Redis connection behind a `RedisResultStore`: loads the optional `ioredis` package on first
 * use, resolves the URL (option → `REDIS_URL` → default), connects with a bounded wait, and turns
 * transport failures into `ResultStoreConnectionError`s that name the URL without its password.
 *
 * A client the store creates connects lazily and gives up on a command after one reconnect
 * attempt, so an unreachable server fails the call quickly instead of queueing it forever, and
 * pipelines automatically (commands issued in one event-loop turn leave in one write). A client
 * passed in by the caller keeps the caller's settings and is never closed here.
 */

import type { Redis, RedisOptions } from "ioredis";
import type { Logger } from "../queue/types.js";
import {
  ResultStoreArgumentError,
  ResultStoreClosedError,
  ResultStoreConnectionError,
  ResultStoreDependencyError,
} from "./errors.js";

/** Redis URL used when neither the `url` option nor `REDIS_URL` is set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Constructor of an ioredis client. */
export type RedisConstructor = new (url: string, options: RedisOptions) => Redis;

/** Imports the `ioredis` module; replaceable in tests. */
export type IoredisImporter = () => Promise<unknown>;

/** Settings of a {@link RedisConnection}. */
export interface RedisConnectionOptions {
  url?: string | undefined;
  client?: Redis | undefined;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger?: Logger | undefined;
  importIoredis?: IoredisImporter | undefined;
}

/** Resolves the Redis URL: the option, then `REDIS_URL`, then {@link DEFAULT_REDIS_URL}. */
export function resolveRedisUrl(url: string | undefined): string {
  const resolved = url ?? readEnv("REDIS_URL") ?? DEFAULT_REDIS_URL;

  let parsed: URL;
  try {
    parsed = new URL(resolved);
  } catch {
    throw new ResultStoreArgumentError(
      "url",
      `${redactUrl(resolved)} is not a URL; expected e.g. redis://127.0.0.1:6379 ` +
        "(set the `url` option or REDIS_URL)",
    );
  }

  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ResultStoreArgumentError(
      "url",
      `${redactUrl(resolved)} must start with redis:// or rediss:// (TLS)`,
    );
  }

  return resolved;
}

/** Returns `url` with its password (if any) replaced by `***`, safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") {
      parsed.password = "***";
    }

    return parsed.toString();
  } catch {
    // Not a URL: drop anything between "//" and "@", where credentials would sit.
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/** Loads the ioredis client class, or explains how to install it. */
export async function loadIoredis(
  importIoredis: IoredisImporter = () => import("ioredis"),
): Promise<RedisConstructor> {
  let loaded: unknown;
  try {
    loaded = await importIoredis();
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new ResultStoreDependencyError("ioredis", error);
    }
    throw error;
  }

  const module = loaded as { Redis?: unknown; default?: unknown };
  const RedisClass = module.Redis ?? module.default;
  if (typeof RedisClass !== "function") {
    throw new ResultStoreDependencyError("ioredis", new Error("the module exports no Redis class"));
  }

  return RedisClass as RedisConstructor;
}

/** One Redis client (created here or given by the caller) and its lifecycle. */
export class RedisConnection {
  /** URL of the server with the password redacted. */
  readonly url: string;

  readonly #options: RedisConnectionOptions;
  readonly #owned: boolean;
  #client: Redis | undefined;
  #connecting: Promise<Redis> | undefined;
  #lastError: Error | undefined;
  #closed = false;

  constructor(options: RedisConnectionOptions) {
    if (options.client !== undefined && options.url !== undefined) {
      throw new ResultStoreArgumentError("url", "pass either `url` or `client`, not both");
    }

    this.#options = options;
    this.#owned = options.client === undefined;
    this.#client = options.client;
    this.url = this.#owned
      ? redactUrl(resolveRedisUrl(options.url))
      : describeClient(options.client as Redis);
  }

  /**
   * Runs one Redis call. Transport failures become a `ResultStoreConnectionError`; errors
   * that Redis itself answered with (`ReplyError`, e.g. WRONGTYPE) pass through unchanged.
   */
  async call<T>(operation: string, run: (client: Redis) => Promise<T>): Promise<T> {
    const client = await this.#ready(operation);

    try {
      return await run(client);
    } catch (error) {
      if (isReplyError(error)) {
        throw error;
      }
      throw new ResultStoreConnectionError(this.url, describeFailure(error), error);
    }
  }

  /** Closes a client created here (a caller's client is left open); later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;

    const client = this.#client;
    if (!this.#owned || client === undefined) {
      return;
    }

    this.#client = undefined;
    if (client.status !== "ready") {
      client.disconnect();
      return;
    }

    // QUIT waits for pending replies; disconnect is the fallback when the server went away.
    await client.quit().catch(() => client.disconnect());
  }

  async #ready(operation: string): Promise<Redis> {
    if (this.#closed) {
      throw new ResultStoreClosedError(operation);
    }

    const client = this.#client;
    if (!this.#owned || (client !== undefined && !needsConnect(client))) {
      return client as Redis;
    }

    // Concurrent first calls share one connection attempt; a failed attempt is forgotten so
    // that the next call tries again.
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });

    return this.#connecting;
  }

  async #connect(): Promise<Redis> {
    this.#client ??= await this.#create();
    const client = this.#client;
    const { connectTimeoutMs } = this.#options;
    this.#lastError = undefined;

    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer within ${connectTimeoutMs} ms (connectTimeoutMs)`));
      }, connectTimeoutMs);
    });

    const connecting = client.connect();
    // The race below may be lost to the timer; the late rejection must not go unhandled.
    connecting.catch(() => undefined);

    try {
      await Promise.race([connecting, timeout]);
      return client;
    } catch (error) {
      // Stop ioredis from reconnecting in the background; the next call connects afresh.
      client.disconnect();
      const cause = this.#lastError ?? error;
      throw new ResultStoreConnectionError(this.url, describeFailure(cause), cause);
    } finally {
      clearTimeout(timer);
    }
  }

  async #create(): Promise<Redis> {
    const Redis = await loadIoredis(this.#options.importIoredis);
    const client = new Redis(resolveRedisUrl(this.#options.url), {
      lazyConnect: true,
      connectTimeout: this.#options.connectTimeoutMs,
      commandTimeout: this.#options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      // Concurrent tasks' commands of one event-loop turn share one socket write.
      enableAutoPipelining: true,
    });

    // Without a listener ioredis prints every connection error to the console.
    client.on("error", (error: Error) => {
      this.#lastError = error;
      this.#options.logger?.warn?.("vercel-workers: Redis result store error", {
        url: this.url,
        error: error.message,
      });
    });

    return client;
  }
}

function needsConnect(client: Redis): boolean {
  return client.status === "wait" || client.status === "end";
}

function describeClient(client: Redis): string {
  const options = (client as { options?: RedisOptions }).options;
  const host = options?.host ?? "127.0.0.1";
  const port = options?.port ?? 6379;

  return `redis://${host}:${port} (caller's client)`;
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }

  const code = (error as { code?: unknown }).code;

  return typeof code === "string" && !error.message.includes(code)
    ? `${code} ${error.message}`
    : error.message;
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

function isModuleNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }

  const code = (error as { code?: unknown }).code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
    return error.message.includes("ioredis");
  }

  return /cannot find (module|package)|failed to (load|resolve)/i.test(error.message)
    ? error.message.includes("ioredis")
    : false;
}

function readEnv(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env[name];

  return value === undefined || value === "" ? undefined : value;
}
