/** The per-message `Vqs-*` headers of a send, checked against the service's limits. */
import {
  DEFAULT_RETENTION_SECONDS,
  MAX_DELAY_SECONDS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_RETENTION_SECONDS,
  MIN_RETENTION_SECONDS,
  NAME_PATTERN,
} from "../limits.js";
import { badRequest } from "./api-error.js";
import { type HeaderReader, integerHeader, quote } from "./request.js";

/** Content type stored for a message sent without one. */
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

export interface MessageOptions {
  contentType: string;
  retentionSeconds: number;
  delaySeconds: number;
  idempotencyKey: string | undefined;
}

export function readMessageOptions(read: HeaderReader): MessageOptions {
  const retentionSeconds =
    integerHeader(read, "Vqs-Retention-Seconds", {
      min: MIN_RETENTION_SECONDS,
      max: MAX_RETENTION_SECONDS,
    }) ?? DEFAULT_RETENTION_SECONDS;
  const delaySeconds =
    integerHeader(read, "Vqs-Delay-Seconds", { min: 0, max: MAX_DELAY_SECONDS }) ?? 0;

  if (delaySeconds > retentionSeconds) {
    throw badRequest(
      `Vqs-Delay-Seconds (${delaySeconds}) cannot exceed the retention time ` +
        `(${retentionSeconds} s); the message would expire before it is delivered.`,
    );
  }

  return {
    contentType: internContentType(read("content-type")),
    retentionSeconds,
    delaySeconds,
    idempotencyKey: idempotencyKey(read("vqs-idempotency-key")),
  };
}

/** `Vqs-Deployment-Id`, recorded with the message when present. */
export function readDeploymentId(read: HeaderReader): string | undefined {
  const value = read("vqs-deployment-id");
  if (value === undefined || NAME_PATTERN.test(value)) return value;

  throw badRequest(
    `Header Vqs-Deployment-Id ${quote(value)} is invalid: use only letters, digits, "_" and "-".`,
  );
}

function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;

  if (value.length === 0) {
    throw badRequest("Header Vqs-Idempotency-Key is empty; leave it out or give a key.");
  }
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badRequest(
      `Header Vqs-Idempotency-Key is ${value.length} characters long; ` +
        `the limit is ${MAX_IDEMPOTENCY_KEY_LENGTH}.`,
    );
  }
  return value;
}

// Most messages share a handful of content types; keep one string per type instead of one per
// message.
const contentTypes = new Map<string, string>();

function internContentType(value: string | undefined): string {
  if (value === undefined || value === "") return DEFAULT_CONTENT_TYPE;

  const known = contentTypes.get(value);
  if (known !== undefined) return known;

  if (contentTypes.size < 1000) contentTypes.set(value, value);
  return value;
}
