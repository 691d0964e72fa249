/** Options of {@link startQueueService}, their defaults, and their checks. */
import { InvalidServiceOptionError } from "./errors.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, MAX_VISIBILITY_SECONDS, REGION_PATTERN } from "./limits.js";
import { type Logger, SILENT_LOGGER } from "./logger.js";
import type { Subscription } from "./push/subscription.js";

/** Default port of `startQueueService` (any free port). The CLI uses {@link DEFAULT_CLI_PORT}. */
export const DEFAULT_PORT = 0;
/** Default port of `vercel-workers dev`. */
export const DEFAULT_CLI_PORT = 4417;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_REGION = "iad1";
export const DEFAULT_INLINE_THRESHOLD_BYTES = 256 * 1024;
export const DEFAULT_PUSH_VISIBILITY_TIMEOUT_SECONDS = 60;
export const DEFAULT_MAX_CONCURRENCY = 10;
export const DEFAULT_MAX_DELIVERIES = 32;
export const DEFAULT_PUSH_TIMEOUT_SECONDS = 300;

export interface QueueServiceOptions {
  /** TCP port; 0 takes any free port (read it from `service.url`). @default 0 */
  port?: number;
  /** Interface to bind. @default "127.0.0.1" */
  host?: string;
  /**
   * Bearer token every API call must carry (`Authorization: Bearer <token>`). When unset, any
   * non-empty bearer token is accepted; a call without one still gets a 401.
   * @default undefined
   */
  token?: string;
  /** Region the service claims to be (`ce-vqsregion` of pushes). @default "iad1" */
  region?: string;
  /** Push subscriptions served from the start; more can be added with `addSubscription`. */
  subscriptions?: Subscription[];
  /**
   * Largest payload pushed inline, in bytes. A larger message is pushed as metadata only (no
   * receipt handle, no body) and the consumer claims it by id.
   * @default 262144 (256 KiB)
   */
  inlineThresholdBytes?: number;
  /** Lease of a push when its subscription sets none, in seconds. @default 60 */
  pushVisibilityTimeoutSeconds?: number;
  /** Pushes in flight at once per subscription that sets none. @default 10 */
  maxConcurrency?: number;
  /** Deliveries of one message before a push subscription drops it. @default 32 */
  maxDeliveries?: number;
  /** How long a push waits for the callback's answer, in seconds. @default 300 */
  pushTimeoutSeconds?: number;
  /** Largest body of a send or batch send, in bytes; more gets a 413. @default 104857600 */
  maxPayloadBytes?: number;
  /**
   * The id a duplicate send (same idempotency key within its window) answers with: the first
   * message's id (`"original"`), or a new id of its own whose claim by id answers 409 with
   * `originalMessageId` (`"new"`, as some deployments of the hosted service do). Either way the
   * duplicate is never delivered.
   * @default "original"
   */
  duplicateMessageIds?: "original" | "new";
  /**
   * The clock, in milliseconds since the epoch. A test hook: a test can move time forward to
   * expire messages and leases without waiting. Timers still run in real time, checking the
   * clock at least every 250 ms.
   * @default Date.now
   */
  now?: () => number;
  /** Where the service reports push failures and drops (`console` fits). @default silent */
  logger?: Logger;
}

export interface ResolvedServiceOptions {
  port: number;
  host: string;
  token: string | undefined;
  region: string;
  subscriptions: Subscription[];
  inlineThresholdBytes: number;
  pushVisibilityTimeoutSeconds: number;
  maxConcurrency: number;
  maxDeliveries: number;
  pushTimeoutSeconds: number;
  maxPayloadBytes: number;
  duplicateMessageIds: "original" | "new";
  now: () => number;
  customClock: boolean;
  logger: Logger;
}

export function resolveServiceOptions(options: QueueServiceOptions = {}): ResolvedServiceOptions {
  const token = options.token;
  if (token !== undefined && (typeof token !== "string" || !/^\S+$/.test(token))) {
    throw new InvalidServiceOptionError("token", "must be a non-empty string without spaces");
  }

  return {
    port: integer("port", options.port ?? DEFAULT_PORT, 0, 65_535),
    host: text("host", options.host ?? DEFAULT_HOST),
    token,
    region: region(options.region ?? DEFAULT_REGION),
    subscriptions: list("subscriptions", options.subscriptions ?? []),
    inlineThresholdBytes: integer(
      "inlineThresholdBytes",
      options.inlineThresholdBytes ?? DEFAULT_INLINE_THRESHOLD_BYTES,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    pushVisibilityTimeoutSeconds: integer(
      "pushVisibilityTimeoutSeconds",
      options.pushVisibilityTimeoutSeconds ?? DEFAULT_PUSH_VISIBILITY_TIMEOUT_SECONDS,
      1,
      MAX_VISIBILITY_SECONDS,
    ),
    maxConcurrency: integer(
      "maxConcurrency",
      options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      1,
      10_000,
    ),
    maxDeliveries: integer(
      "maxDeliveries",
      options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
      1,
      1_000_000,
    ),
    pushTimeoutSeconds: integer(
      "pushTimeoutSeconds",
      options.pushTimeoutSeconds ?? DEFAULT_PUSH_TIMEOUT_SECONDS,
      1,
      86_400,
    ),
    maxPayloadBytes: integer(
      "maxPayloadBytes",
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      1,
      DEFAULT_MAX_PAYLOAD_BYTES,
    ),
    duplicateMessageIds: duplicateIds(options.duplicateMessageIds ?? "original"),
    now: clock(options.now),
    customClock: options.now !== undefined,
    logger: options.logger ?? SILENT_LOGGER,
  };
}

function integer(option: string, value: unknown, min: number, max: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new InvalidServiceOptionError(
    option,
    `must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`,
  );
}

function text(option: string, value: unknown): string {
  if (typeof value === "string" && value !== "") return value;
  throw new InvalidServiceOptionError(option, "must be a non-empty string");
}

function region(value: unknown): string {
  if (typeof value === "string" && REGION_PATTERN.test(value)) return value;
  throw new InvalidServiceOptionError(
    "region",
    `must look like "iad1" (${REGION_PATTERN}); got ${JSON.stringify(value)}`,
  );
}

function list<T>(option: string, value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  throw new InvalidServiceOptionError(option, "must be an array");
}

function duplicateIds(value: unknown): "original" | "new" {
  if (value === "original" || value === "new") return value;
  throw new InvalidServiceOptionError(
    "duplicateMessageIds",
    `must be "original" or "new"; got ${JSON.stringify(value)}`,
  );
}

function clock(value: unknown): () => number {
  if (value === undefined) return Date.now;
  if (typeof value === "function") return value as () => number;
  throw new InvalidServiceOptionError("now", "must be a function returning epoch milliseconds");
}
