/**
 * The one-call `send()`: a `QueueClient.send` on a client built from the options given, or on
 * a shared default client when only per-message options are given.
 */

import { QueueClient } from "./client.js";
import { processEnv } from "./config.js";
import type { QueueClientOptions, SendOptions, SendResult } from "./types.js";

// Options that shape the client itself; `headers` and `retentionSeconds` also exist per
// message and have the same effect on a single send, so they stay per-message options.
const CLIENT_OPTION_KEYS = [
  "token",
  "baseUrl",
  "basePath",
  "region",
  "deploymentId",
  "timeout",
  "retry",
  "fetch",
  "logger",
] as const satisfies readonly (keyof QueueClientOptions)[];

// The environment that the default client was built from; it is rebuilt when that changes.
const ENV_KEYS = [
  "VERCEL_QUEUE_TOKEN",
  "VERCEL_OIDC_TOKEN",
  "VERCEL_QUEUE_BASE_URL",
  "VERCEL_QUEUE_BASE_PATH",
  "VERCEL_REGION",
  "VERCEL_DEPLOYMENT_ID",
  "VERCEL_WORKERS_DEBUG",
] as const;

let defaultClient: { client: QueueClient; envKey: string } | undefined;

/**
 * Sends one message to `topic` (see {@link QueueClient.send}). Client options (`token`,
 * `baseUrl`, `region` …) fall back to their environment variables, as in `new QueueClient()`.
 * Without client options a shared client is reused; with them a new one is built per call,
 * so hot paths should create one `QueueClient` and call its `send`.
 *
 * @example
 * await send("emails", { to: "ada@example.com" }, { idempotencyKey: "welcome-42" });
 */
export function send(
  topic: string,
  payload: unknown,
  options?: SendOptions & QueueClientOptions,
): Promise<SendResult> {
  try {
    const client = hasClientOptions(options) ? new QueueClient(options) : sharedClient();
    return client.send(topic, payload, messageOptions(options));
  } catch (error) {
    return Promise.reject(error);
  }
}

function hasClientOptions(options: QueueClientOptions | undefined): boolean {
  if (options === undefined) return false;

  return CLIENT_OPTION_KEYS.some((key) => options[key] !== undefined);
}

function sharedClient(): QueueClient {
  const env = processEnv();
  const envKey = ENV_KEYS.map((key) => env[key] ?? "").join("\u0000");

  if (defaultClient === undefined || defaultClient.envKey !== envKey) {
    defaultClient = { client: new QueueClient(), envKey };
  }

  return defaultClient.client;
}

function messageOptions(options: (SendOptions & QueueClientOptions) | undefined) {
  if (options === undefined) return undefined;

  const { idempotencyKey, retentionSeconds, delaySeconds, headers, contentType } = options;
  return { idempotencyKey, retentionSeconds, delaySeconds, headers, contentType };
}
