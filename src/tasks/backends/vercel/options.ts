/**
 * The options of {@link VercelQueuesBackend}: one camelCase name per setting of the Python seed
 * (`result_ttl_seconds` → `resultTtlSeconds` …), each checked when the backend is built. A bad
 * value or an unknown key throws an {@link InvalidBackendOptionError} naming the option and what
 * it accepts; nothing is silently dropped (the seed ignored bad values and kept its defaults).
 *
 * One resolved object feeds the producer (enqueue) and the consumer (claim, lease renewal, ack,
 * retry in the callback and in the polling worker), so both sides talk to the same Queue Service
 * with the same credentials.
 */

import {
  MAX_RETENTION_SECONDS,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  MIN_RETENTION_SECONDS,
} from "../../../queue/index.js";
import type { Logger, QueueClientOptions } from "../../../queue/types.js";
import { InvalidBackendOptionError } from "./errors.js";

/** Options of a `VercelQueuesBackend`, given as `options` to `configureTasks`. */
export interface VercelQueuesBackendOptions {
  /**
   * Alias of the result store (see `registerResultStore`) that keeps the TaskResult records.
   * `"default"` is a process-local memory store unless another one is registered under it; use
   * a shared store (Redis) when results must be read from another process.
   * @default "default"
   */
  cacheAlias?: string;
  /**
   * Prefix of the record keys inside the result store; the full key is
   * `<store prefix><cacheKeyPrefix>:<backend alias>:<result id>`.
   * @default "tasks"
   */
  cacheKeyPrefix?: string;
  /**
   * Seconds a record is kept after its latest write (every write restarts the clock).
   * @default 86400
   */
  resultTtlSeconds?: number;
  /**
   * Lease taken when a delivery is claimed, and renewed while the task runs, in seconds
   * (1…3600). A task that stops renewing (crash, blocked event loop) is delivered again after it.
   * @default 30
   */
  visibilityTimeoutSeconds?: number;
  /**
   * Seconds between two lease renewals while a task runs; `0` turns renewal off. Must be shorter
   * than `visibilityTimeoutSeconds`.
   * @default 10, or a third of `visibilityTimeoutSeconds` when that is under 30
   */
  visibilityRefreshIntervalSeconds?: number;
  /**
   * Attempts in all, the first included. A task that fails this many times is recorded FAILED
   * and its message acknowledged.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Delay before the second attempt, in seconds.
   * @default 5
   */
  retryBackoffBaseSeconds?: number;
  /**
   * Multiplier of the delay for each further attempt: attempt n waits
   * `retryBackoffBaseSeconds × retryBackoffFactor^(n − 1)`.
   * @default 2
   */
  retryBackoffFactor?: number;
  /**
   * Upper bound of one retry delay, in seconds (0…3600, the longest visibility change the
   * Queue Service accepts).
   * @default 3600
   */
  maxRetryDelaySeconds?: number;
  /**
   * Bearer token of every Queue Service call (enqueue and callback alike).
   * Env: `VERCEL_QUEUE_TOKEN`, then `VERCEL_OIDC_TOKEN`.
   */
  token?: string;
  /**
   * Origin of the Queue Service, e.g. the local one's URL.
   * Env: `VERCEL_QUEUE_BASE_URL`. Default: `https://{region}.vercel-queue.com`.
   */
  baseUrl?: string;
  /**
   * Path of the topic API under `baseUrl`.
   * Env: `VERCEL_QUEUE_BASE_PATH`. @default "/api/v3/topic"
   */
  basePath?: string;
  /**
   * Region whose host serves the calls (`^[a-z]{2,5}[0-9]{1,2}$`).
   * Env: `VERCEL_REGION`. @default "iad1"
   */
  region?: string;
  /**
   * Retention of each task message, in seconds (60…604800). A `runAfter` must fall inside it.
   * Default: the service's own (86400).
   */
  retentionSeconds?: number;
  /**
   * Deployment the messages are pinned to. A string pins, `null` never pins, absent reads
   * `VERCEL_DEPLOYMENT_ID`. Env: `VERCEL_DEPLOYMENT_ID`.
   */
  deploymentId?: string | null;
  /**
   * Timeout of one Queue Service call, in seconds.
   * @default 10
   */
  timeout?: number;
  /** Where warnings (poison messages, refused deliveries) and debug lines go. @default silent */
  logger?: Logger;
}

/** The options after validation, with every default applied. */
export interface ResolvedVercelOptions {
  cacheAlias: string;
  cacheKeyPrefix: string;
  resultTtlSeconds: number;
  visibilityTimeoutSeconds: number;
  visibilityRefreshIntervalSeconds: number;
  maxAttempts: number;
  retryBackoffBaseSeconds: number;
  retryBackoffFactor: number;
  maxRetryDelaySeconds: number;
  /** What is handed to the Queue Service client; unset keys fall back to env vars there. */
  client: QueueConnectionOptions;
  logger: Logger;
}

/** The connection settings shared by producer and consumer: the Queue Service client's own. */
export type QueueConnectionOptions = Pick<
  QueueClientOptions,
  "token" | "baseUrl" | "basePath" | "region" | "retentionSeconds" | "deploymentId" | "timeout"
>;

/** The settings that have defaults (everything but the connection and the logger). */
export type BackendTunables = Omit<ResolvedVercelOptions, "client" | "logger">;

/** Defaults of the seed, kept by name so docs and tests can refer to them. */
export const VERCEL_BACKEND_DEFAULTS: Readonly<BackendTunables> = Object.freeze({
  cacheAlias: "default",
  cacheKeyPrefix: "tasks",
  resultTtlSeconds: 86_400,
  visibilityTimeoutSeconds: 30,
  visibilityRefreshIntervalSeconds: 10,
  maxAttempts: 3,
  retryBackoffBaseSeconds: 5,
  retryBackoffFactor: 2,
  maxRetryDelaySeconds: 3600,
});

/** The longest visibility timeout (lease or delay) the Queue Service accepts, in seconds. */
export const MAX_VISIBILITY_SECONDS = MAX_VISIBILITY_TIMEOUT_SECONDS;

export { MAX_RETENTION_SECONDS, MIN_RETENTION_SECONDS };

/** Retention the Queue Service applies when none is sent, in seconds. */
export const SERVICE_DEFAULT_RETENTION_SECONDS = 86_400;

const REGION_PATTERN = /^[a-z]{2,5}[0-9]{1,2}$/;

const SILENT_LOGGER: Logger = Object.freeze({});

type Check = (value: unknown, name: string) => void;

const CHECKS: Record<keyof VercelQueuesBackendOptions, Check> = {
  cacheAlias: nonEmptyString,
  cacheKeyPrefix: nonEmptyString,
  resultTtlSeconds: integerIn(1, Number.MAX_SAFE_INTEGER),
  visibilityTimeoutSeconds: integerIn(1, MAX_VISIBILITY_SECONDS),
  visibilityRefreshIntervalSeconds: numberIn(0, MAX_VISIBILITY_SECONDS),
  maxAttempts: integerIn(1, Number.MAX_SAFE_INTEGER),
  retryBackoffBaseSeconds: numberIn(0, MAX_VISIBILITY_SECONDS),
  retryBackoffFactor: numberIn(0, Number.MAX_VALUE),
  maxRetryDelaySeconds: numberIn(0, MAX_VISIBILITY_SECONDS),
  token: nonEmptyString,
  baseUrl: httpUrl,
  basePath: apiPath,
  region: region,
  retentionSeconds: integerIn(MIN_RETENTION_SECONDS, MAX_RETENTION_SECONDS),
  deploymentId: deploymentId,
  timeout: numberIn(Number.MIN_VALUE, Number.MAX_VALUE),
  logger: logger,
};

/** Names the seed used, mapped to ours, so a copied Python config gets a pointed message. */
const SEED_NAMES: Record<string, string> = {
  cache_alias: "cacheAlias",
  cache_key_prefix: "cacheKeyPrefix",
  result_ttl_seconds: "resultTtlSeconds",
  visibility_timeout_seconds: "visibilityTimeoutSeconds",
  visibility_refresh_interval_seconds: "visibilityRefreshIntervalSeconds",
  max_attempts: "maxAttempts",
  retry_backoff_base_seconds: "retryBackoffBaseSeconds",
  retry_backoff_factor: "retryBackoffFactor",
  max_retry_delay_seconds: "maxRetryDelaySeconds",
  base_url: "baseUrl",
  base_path: "basePath",
  retention: "retentionSeconds",
  retention_seconds: "retentionSeconds",
  deployment_id: "deploymentId",
};

/**
 * Checks `options` and applies the defaults. Throws {@link InvalidBackendOptionError} for the
 * first unknown key or bad value, naming it and what is accepted.
 */
export function resolveVercelOptions(options: unknown, alias: string): ResolvedVercelOptions {
  const given = asOptionsObject(options, alias);

  for (const [key, value] of Object.entries(given)) {
    checkOption(key, value, alias);
  }

  const merged: BackendTunables = { ...VERCEL_BACKEND_DEFAULTS, ...definedOnly(given) };
  if (given.visibilityRefreshIntervalSeconds === undefined) {
    merged.visibilityRefreshIntervalSeconds = defaultRefreshInterval(
      merged.visibilityTimeoutSeconds,
    );
  }
  checkRefreshShorterThanLease(merged, alias);

  return { ...merged, client: connectionOptions(given), logger: given.logger ?? SILENT_LOGGER };
}

/** The seed's 10 s, or a third of a shorter lease, so that renewals land before it ends. */
function defaultRefreshInterval(visibilityTimeoutSeconds: number): number {
  return Math.min(
    VERCEL_BACKEND_DEFAULTS.visibilityRefreshIntervalSeconds,
    visibilityTimeoutSeconds / 3,
  );
}

function asOptionsObject(options: unknown, alias: string): VercelQueuesBackendOptions {
  if (options === undefined || options === null) {
    return {};
  }

  if (typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidBackendOptionError(
      alias,
      "options",
      `must be an object of options, got ${describe(options)}`,
    );
  }

  return options as VercelQueuesBackendOptions;
}

function checkOption(key: string, value: unknown, alias: string): void {
  const check = CHECKS[key as keyof VercelQueuesBackendOptions];

  if (check === undefined) {
    throw new InvalidBackendOptionError(alias, key, unknownOptionProblem(key));
  }

  // An explicit `undefined` means "not given"; `deploymentId: null` is a value (never pin).
  if (value === undefined) {
    return;
  }

  try {
    check(value, key);
  } catch (problem) {
    throw new InvalidBackendOptionError(alias, key, String((problem as Error).message));
  }
}

function unknownOptionProblem(key: string): string {
  const known = Object.keys(CHECKS).join(", ");
  const hint = SEED_NAMES[key];
  const suggestion = hint === undefined ? "" : ` Did you mean "${hint}"?`;

  return `is not an option of VercelQueuesBackend.${suggestion} Known options: ${known}`;
}

function checkRefreshShorterThanLease(merged: typeof VERCEL_BACKEND_DEFAULTS, alias: string): void {
  const refresh = merged.visibilityRefreshIntervalSeconds;
  const lease = merged.visibilityTimeoutSeconds;

  if (refresh > 0 && refresh >= lease) {
    throw new InvalidBackendOptionError(
      alias,
      "visibilityRefreshIntervalSeconds",
      `(${refresh}) must be shorter than visibilityTimeoutSeconds (${lease}), or 0 to turn ` +
        "lease renewal off; otherwise the lease runs out before it is renewed",
    );
  }
}

function connectionOptions(given: VercelQueuesBackendOptions): QueueConnectionOptions {
  const keys = [
    "token",
    "baseUrl",
    "basePath",
    "region",
    "retentionSeconds",
    "deploymentId",
    "timeout",
  ] as const;
  const connection: Record<string, unknown> = {};

  for (const key of keys) {
    if (given[key] !== undefined) {
      connection[key] = given[key];
    }
  }

  return connection as QueueConnectionOptions;
}

function definedOnly(given: VercelQueuesBackendOptions): Partial<BackendTunables> {
  const result: Record<string, unknown> = {};

  for (const key of Object.keys(VERCEL_BACKEND_DEFAULTS)) {
    const value = given[key as keyof VercelQueuesBackendOptions];

    if (value !== undefined) {
      result[key] = value;
    }
  }

  return result as Partial<BackendTunables>;
}

function nonEmptyString(value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`must be a non-empty string, got ${describe(value)}`);
  }
}

function integerIn(min: number, max: number): Check {
  return (value) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`must be a whole number from ${min} to ${max}, got ${describe(value)}`);
    }
  };
}

function numberIn(min: number, max: number): Check {
  return (value) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.MAX_VALUE ? `at least ${min}` : `from ${min} to ${max}`;
      throw new Error(`must be a finite number ${range}, got ${describe(value)}`);
    }
  };
}

function httpUrl(value: unknown): void {
  nonEmptyString(value);

  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new Error(`must be an absolute URL such as "http://127.0.0.1:4417", got "${value}"`);
  }

  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`must be an http: or https: URL, got "${value}"`);
  }
}

function apiPath(value: unknown): void {
  nonEmptyString(value);

  if (!(value as string).startsWith("/")) {
    throw new Error(`must start with "/", such as "/api/v3/topic", got "${value}"`);
  }
}

function region(value: unknown): void {
  if (typeof value !== "string" || !REGION_PATTERN.test(value)) {
    throw new Error(`must be a Vercel region id such as "iad1", got ${describe(value)}`);
  }
}

function deploymentId(value: unknown): void {
  if (value === null) {
    return;
  }

  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`must be a non-empty string, or null to never pin, got ${describe(value)}`);
  }
}

function logger(value: unknown): void {
  if (typeof value !== "object" || value === null) {
    throw new Error(
      `must be a console-like object (debug/info/warn/error), got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }

  if (Array.isArray(value)) {
    return "an array";
  }

  if (value === null) {
    return "null";
  }

  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
