/**
 * Public shapes of the Queue Service client. The wire protocol they map to is the Queue Service
 * API v3 (`/api/v3/topic/{topic}` …) as the official `@vercel/queue` SDK speaks it.
 */

/** Something that can log; `console` fits. The library is silent unless one is given. */
export interface Logger {
  debug?(message: string, ...rest: unknown[]): void;
  info?(message: string, ...rest: unknown[]): void;
  warn?(message: string, ...rest: unknown[]): void;
  error?(message: string, ...rest: unknown[]): void;
}

/** How transient failures (network errors, 5xx, 429) of idempotent calls are retried. */
export interface RetryPolicy {
  /**
   * Attempts in all, the first included. `1` turns retrying off.
   * @default 3
   */
  attempts?: number;
  /**
   * Delay before the first retry, in milliseconds; doubled for each later one, with jitter.
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
   * Origin of the Queue Service, e.g. `http://127.0.0.1:4417` for the local Queue Service.
   * Env: `VERCEL_QUEUE_BASE_URL`. Default: `https://{region}.vercel-queue.com`.
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
   * Deployment the calls are pinned to (`Vqs-Deployment-Id`). A string pins, `null` never sends
   * the header, absent reads `VERCEL_DEPLOYMENT_ID` (and sends nothing when it is unset).
   */
  deploymentId?: string | null;
  /**
   * Default retention of sent messages, in seconds (60…604800). Env: none.
   * Default: the service's own (86400).
   */
  retentionSeconds?: number;
  /** Timeout of one HTTP call, in seconds. @default 10 */
  timeout?: number;
  /** Extra headers sent on every call. They can never override auth, content type or `Vqs-*`. */
  headers?: Record<string, string>;
  /** Retry policy for transient failures. See {@link RetryPolicy}. */
  retry?: RetryPolicy;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Where debug lines go when `VERCEL_WORKERS_DEBUG=1`. @default silent */
  logger?: Logger;
}

/** Per-message options of a send. */
export interface SendOptions {
  /**
   * Deduplicates sends within the service's window (min(retention, 24 h)). A send carrying one
   * is also retried on transient failures; a send without one is not, since it could duplicate.
   */
  idempotencyKey?: string;
  /** Retention of this message, in seconds (60…604800). Default: the client's `retentionSeconds`. */
  retentionSeconds?: number;
  /** Seconds before the message becomes visible (0…retention). @default 0 */
  delaySeconds?: number;
  /** Extra headers; `Authorization`, `Content-Type` and `Vqs-*` names are dropped. */
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
  /** How many times this consumer group has leased the message, this lease included. */
  deliveryCount: number;
  createdAt: Date;
  /** When the message expires; `null` when the service did not say. */
  expiresAt: Date | null;
  /** Content type the message was sent with. */
  contentType: string;
  /** Parsed JSON for `application/json`, else the raw bytes. */
  payload: T;
  topic: string;
  consumerGroup: string;
}
