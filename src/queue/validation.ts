/**
 * Client-side checks of names and per-call values, mirroring the service's limits so that a
 * mistake fails fast with a `ConfigurationError` naming the argument and the accepted range,
 * instead of a round trip ending in a terse HTTP 400.
 */

import { ConfigurationError } from "./errors.js";

/** Retention bounds of the service, in seconds (1 minute to 7 days). */
export const MIN_RETENTION_SECONDS = 60;
export const MAX_RETENTION_SECONDS = 604_800;
/** A delay can be up to 7 days, and never beyond the message's retention. */
export const MAX_DELAY_SECONDS = 604_800;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
/** Messages one receive may lease. */
export const MIN_RECEIVE_LIMIT = 1;
export const MAX_RECEIVE_LIMIT = 10;
/** Lease length bounds, in seconds. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 3_600;
/** Messages one batch send may carry. */
export const MAX_BATCH_SIZE = 100;

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Topic names: `[A-Za-z0-9_-]+`. */
export function validateTopic(topic: string): void {
  validateName("topic", topic);
}

/** Consumer group names: `[A-Za-z0-9_-]+`. */
export function validateConsumerGroup(consumerGroup: string): void {
  validateName("consumerGroup", consumerGroup);
}

/** Deployment ids: `[A-Za-z0-9_-]+` (e.g. `dpl_abc123`). */
export function validateDeploymentId(deploymentId: string, source: string): void {
  validateName(source, deploymentId);
}

/** Message ids and receipt handles: opaque, but non-empty strings. */
export function validateOpaqueId(name: string, value: string): void {
  if (typeof value !== "string" || value === "") {
    throw new ConfigurationError(name, `Invalid ${name}: expected a non-empty string.`);
  }
}

/** Integer seconds in 60…604800. */
export function validateRetentionSeconds(value: number, name = "retentionSeconds"): void {
  validateIntegerRange(name, value, MIN_RETENTION_SECONDS, MAX_RETENTION_SECONDS, "seconds");
}

/** Integer seconds in 0…604800, and at most the retention when one is known. */
export function validateDelaySeconds(value: number, retentionSeconds: number | undefined): void {
  validateIntegerRange("delaySeconds", value, 0, MAX_DELAY_SECONDS, "seconds");

  if (retentionSeconds !== undefined && value > retentionSeconds) {
    throw new ConfigurationError(
      "delaySeconds",
      `Invalid delaySeconds ${value}: a message cannot be delayed beyond its retention ` +
        `(${retentionSeconds} s). Raise retentionSeconds or shorten the delay.`,
    );
  }
}

/** 1…256 printable ASCII characters (it travels as an HTTP header). */
export function validateIdempotencyKey(key: string): void {
  const valid =
    typeof key === "string" &&
    key.length <= MAX_IDEMPOTENCY_KEY_LENGTH &&
    PRINTABLE_ASCII.test(key);

  if (!valid) {
    throw new ConfigurationError(
      "idempotencyKey",
      `Invalid idempotencyKey: expected 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII ` +
        "characters (a UUID or a hash works well).",
    );
  }
}

/** Integer 1…10. */
export function validateReceiveLimit(limit: number): void {
  validateIntegerRange("limit", limit, MIN_RECEIVE_LIMIT, MAX_RECEIVE_LIMIT, "messages");
}

/** Integer seconds 0…3600. */
export function validateVisibilityTimeout(
  seconds: number,
  name = "visibilityTimeoutSeconds",
): void {
  validateIntegerRange(name, seconds, 0, MAX_VISIBILITY_TIMEOUT_SECONDS, "seconds");
}

/** An array of 1…100 messages. */
export function validateBatchSize(messages: readonly unknown[]): void {
  const size = Array.isArray(messages) ? messages.length : Number.NaN;

  if (!(size >= 1 && size <= MAX_BATCH_SIZE)) {
    const what = Array.isArray(messages) ? `a batch of ${size} messages` : "a non-array";
    throw new ConfigurationError(
      "messages",
      `Invalid messages (${what}): a batch send carries an array of 1 to ${MAX_BATCH_SIZE} ` +
        "messages. Split larger batches.",
    );
  }
}

/** A media type such as `application/json` or `text/plain; charset=utf-8`. */
export function validateContentType(contentType: string): void {
  if (
    typeof contentType !== "string" ||
    !/^[^\s/;]+\/[^\s;]+(\s*;[\x20-\x7e]*)?$/.test(contentType)
  ) {
    throw new ConfigurationError(
      "contentType",
      `Invalid contentType ${JSON.stringify(contentType)}: expected a media type such as ` +
        '"application/json" or "application/octet-stream".',
    );
  }
}

/** `"earliest"` or `"latest"`. */
export function validateCursorFallback(value: string): void {
  if (value !== "earliest" && value !== "latest") {
    throw new ConfigurationError(
      "cursorFallback",
      `Invalid cursorFallback ${JSON.stringify(value)}: expected "earliest" or "latest".`,
    );
  }
}

function validateName(name: string, value: string): void {
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) {
    throw new ConfigurationError(
      name,
      `Invalid ${name} ${JSON.stringify(value)}: expected letters, digits, "_" and "-" only ` +
        "(pattern ^[A-Za-z0-9_-]+$).",
    );
  }
}

function validateIntegerRange(
  name: string,
  value: number,
  min: number,
  max: number,
  unit: string,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      name,
      `Invalid ${name} ${String(value)}: expected an integer number of ${unit} ` +
        `from ${min} to ${max}.`,
    );
  }
}
