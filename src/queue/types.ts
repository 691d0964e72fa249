/**
 * Public shapes of the Queue Service client. The wire protocol they map to is the Queue Service
 * API v3 (`/api/v3/topic/{topic}` …) as the official `@vercel/queue` SDK speaks it.
 */

import type { ProtocolError } from "./errors.js";

/** Something that can log; `console` fits. The library is silent unless one is given. */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info?(message: string, ...rest: unknown[]): void;
  warn?(message: string, ...rest: unknown[]): void;
  error?(message: string, ...rest: unknown[]): void;
}

/**
 * How transient failures (network errors, timeouts, 5xx, 429) are retried: exponential backoff
 * with full jitter, or the service's `Retry-After` when it sends one, each wait capped by
 * `maxDelayMs`. Only calls that are safe to repeat are retried: receive by id, acknowledge,
 * change visibility, and sends that carry an idempotency key (a batch: when all its messages
 * do). A receive is retried only after a 429, which leased nothing.
 */
export interface RetryPolicy {
  /**
   * Attempts in all, the first included. `1` turns retrying off.
   * @default 3
   */
  attempts?: number;
  /**
   * Ceiling of the first wait, in milliseconds; doubled for each later one. The wait itself is
   * a random value below the ceiling (full jitter).
   * @default 100
   */
  minDelayMs?: number;
  /**
   * Upper bound of one delay (a `Retry-After` beyond it is cut to it), in milliseconds.
   * @default 5000
   */
  maxDelayMs?: number;
}

/** Options of a {@link QueueClient}; every one falls back to an env var, then a default. */
export interface QueueClientOptions {
  /**
   * Bearer token sent on every call.
   * Env: `VERCEL_QUEUE_TOKEN`, then `VERCEL_OIDC_TOKEN`. No default: a call without one throws
   * a `MissingTokenError` that lists every way to supply it.
   */
  token?: string;
  /**
   * Origin of the Queue Service, e.g. `http://127.0.0.1:4417` for the local Queue Service; a
   * path prefix is kept (`http://localhost:3000/_svc/_queues`). When set (or from the env), it
   * wins over `region`.
   * Env: `VERCEL_QUEUE_BASE_URL`. @default `https://{region}.vercel-queue.com`
   */
  baseUrl?: string;
  /**
   * Path of the topic API under `baseUrl`.
   * Env: `VERCEL_QUEUE_BASE_PATH`. @default "/api/v3/topic"
   */
  basePath?: string;
  /**
   * Region whose host serves the calls (a message is readable only in the region it was sent
   * to). Must match `^[a-z]{2,5}[0-9]{1,2}$`. Env: `VERCEL_REGION`. @default "iad1"
   */
  region?: string;
  /**
   * Deployment the calls are pinned to (`Vqs-Deployment-Id`, sent on every call). A string
   * pins, `null` never sends the header, absent reads `VERCEL_DEPLOYMENT_ID` (and sends nothing
   * when it is unset). Ids match `^[A-Za-z0-9_-]+$`.
   * Env: `VERCEL_DEPLOYMENT_ID`. @default undefined (read the env)
   */
  deploymentId?: string | null;
  /**
   * Default retention of sent messages, in whole seconds (60…604800); a send's own
   * `retentionSeconds` wins. No env var.
   * @default undefined (no header: the service keeps messages 86400 s)
   */
  retentionSeconds?: number;
  /**
   * Timeout of one attempt of an HTTP call (request and response body), in seconds; more
   * than 0, at most 86400. No env var. @default 10
   */
  timeout?: number;
  /**
   * Extra headers sent on every call (and on every part of a batch). `Authorization`,
   * `Content-Type`, `Accept` and `Vqs-*` names are dropped, case-insensitively: the client
   * owns those. @default {}
   */
  headers?: Record<string, string>;
  /** Retry policy for transient failures. See {@link RetryPolicy}. @default {attempts: 3} */
  retry?: RetryPolicy;
  /**
   * The `fetch` to use. The default, `dispatcherFetch`, sends through Node's undici dispatcher
   * directly (more than twice as fast for small calls) and uses `globalThis.fetch` on other
   * runtimes. Pass `globalThis.fetch` when a tool must intercept the client's requests by
   * replacing `globalThis.fetch` (some HTTP mocking libraries do).
   * @default dispatcherFetch
   */
  fetch?: typeof fetch;
  /**
   * Where debug lines go (its `debug`, else `info` method) when `VERCEL_WORKERS_DEBUG=1`; the
   * client logs nothing else. With the switch on and no logger, lines go to the console.
   * @default undefined (silent)
   */
  logger?: Logger;
}

/** Per-message options of a send. Each `Vqs-*` header is sent only when its option is set. */
export interface SendOptions {
  /**
   * Deduplicates sends within the service's window (min(retention, 24 h)). A send carrying one
   * is also retried on transient failures; a send without one is not, since it could duplicate.
   */
  idempotencyKey?: string;
  /**
   * Retention of this message, in whole seconds (60…604800).
   * @default the client's `retentionSeconds`, else the service's 86400
   */
  retentionSeconds?: number;
  /**
   * Whole seconds before the message becomes visible (0…604800, and at most its retention).
   * @default 0
   */
  delaySeconds?: number;
  /**
   * Extra headers of this message, over the client's `headers`; `Authorization`,
   * `Content-Type`, `Accept` and `Vqs-*` names are dropped. @default {}
   */
  headers?: Record<string, string>;
  /**
   * Content type of the payload. With the default the payload is JSON-serialised; with any other
   * the payload must be a string or bytes and is sent as is. @default "application/json"
   */
  contentType?: string;
}

/** What a send produced. */
export type SendResult =
  /** The service stored the message under `messageId`. */
  | { status: "sent"; messageId: string }
  /** The service accepted the message but deferred it (HTTP 202); it has no id yet. */
  | { status: "deferred"; messageId: null };

/** One message of a batch send. */
export interface BatchMessage {
  payload: unknown;
  options?: SendOptions;
}

/** What a batch send produced for one message, in input order. */
export type BatchSendResult =
  | { status: "sent"; messageId: string }
  | { status: "deferred"; messageId: null }
  | { status: "failed"; statusCode: number; error: string; retryable: boolean };

/** Options of a receive (poll). */
export interface ReceiveOptions {
  /** Messages to lease at most (1…10). @default 1 */
  limit?: number;
  /** Lease length in seconds (0…3600). @default 60 */
  visibilityTimeoutSeconds?: number;
  /** Where a new consumer group starts reading. Sent only when set. */
  cursorFallback?: "earliest" | "latest";
}

/** Options of a receive by id (claim). */
export interface ReceiveByIdOptions {
  /** Lease length in seconds (0…3600). @default 60 */
  visibilityTimeoutSeconds?: number;
}

/** A message leased by a receive or a claim. */
export interface ReceivedMessage<T = unknown> {
  messageId: string;
  /** Opaque handle of this lease: the key to acknowledge or change visibility. */
  receiptHandle: string;
  /**
   * How many times this consumer group has leased the message, this lease included (1 when
   * the service did not say).
   */
  deliveryCount: number;
  createdAt: Date;
  /** When the message expires; `null` when the service did not say. */
  expiresAt: Date | null;
  /** Content type the message was sent with. */
  contentType: string;
  /**
   * Parsed JSON for `application/json`, else the raw bytes. When {@link payloadError} is set,
   * the raw bytes (a `Uint8Array`) whatever `T` says.
   */
  payload: T;
  topic: string;
  consumerGroup: string;
  /**
   * Set only on a message from `receive()` whose content type is JSON but whose payload does
   * not parse (a poison message): `payload` then holds the raw bytes. The other messages of
   * the batch are unaffected. Acknowledge it with its `receiptHandle` to stop its redelivery.
   * `receiveById()` never returns one: it throws the `ProtocolError` instead.
   * @default undefined (the payload was read)
   */
  payloadError?: ProtocolError;
}
