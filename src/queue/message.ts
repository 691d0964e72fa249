/**
 * Preparing one message for the wire: validates its send options, encodes its payload, and
 * builds the headers that travel with it (on the request for a send, on the part for a batch).
 */

import type { ResolvedConfig } from "./config.js";
import { resolveHeaders } from "./config.js";
import { encodePayload, JSON_CONTENT_TYPE } from "./payload.js";
import type { SendOptions } from "./types.js";
import {
  validateContentType,
  validateDelaySeconds,
  validateIdempotencyKey,
  validateRetentionSeconds,
} from "./validation.js";

/** The service's retention when a send names none, in seconds (24 h). */
export const SERVICE_DEFAULT_RETENTION_SECONDS = 86_400;

/** A message ready to send. */
export interface PreparedMessage {
  /** Lower-case names: content type, `vqs-*` options, per-message custom headers. */
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** Whether it carries an idempotency key, which makes a repeated send harmless. */
  idempotent: boolean;
}

// Shared by every plain JSON send; never mutated (request headers are spread into a new object).
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": JSON_CONTENT_TYPE,
});

/** Validates `options` and encodes `payload`; throws `ConfigurationError`/`InvalidPayloadError`. */
export function prepareMessage(
  topic: string,
  payload: unknown,
  options: SendOptions | undefined,
  config: ResolvedConfig,
): PreparedMessage {
  if (options === undefined && config.retentionSeconds === undefined) {
    const body = encodePayload(payload, JSON_CONTENT_TYPE, topic);
    return { headers: JSON_HEADERS as Record<string, string>, body, idempotent: false };
  }

  const contentType = options?.contentType ?? JSON_CONTENT_TYPE;
  if (contentType !== JSON_CONTENT_TYPE) validateContentType(contentType);

  const headers = optionHeaders(options ?? {}, config);
  headers["content-type"] = contentType;

  return {
    headers,
    body: encodePayload(payload, contentType, topic),
    idempotent: options?.idempotencyKey !== undefined,
  };
}

function optionHeaders(options: SendOptions, config: ResolvedConfig): Record<string, string> {
  const headers: Record<string, string> = {
    ...resolveHeaders(options.headers, "options.headers"),
  };
  const retention = options.retentionSeconds ?? config.retentionSeconds;

  if (options.idempotencyKey !== undefined) {
    validateIdempotencyKey(options.idempotencyKey);
    headers["vqs-idempotency-key"] = options.idempotencyKey;
  }
  if (retention !== undefined) {
    validateRetentionSeconds(retention);
    headers["vqs-retention-seconds"] = String(retention);
  }
  if (options.delaySeconds !== undefined) {
    validateDelaySeconds(options.delaySeconds, retention ?? SERVICE_DEFAULT_RETENTION_SECONDS);
    headers["vqs-delay-seconds"] = String(options.delaySeconds);
  }

  return headers;
}
