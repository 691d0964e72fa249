/**
 * Batch send on the wire: the request body is `multipart/mixed` with one part per message
 * (its content type, `vqs-*` options and custom headers, then its payload); the response is
 * JSON `{"results": [...]}`, one entry per message in input order.
 */

import { concatBytes } from "./bytes.js";
import { ProtocolError } from "./errors.js";
import type { PreparedMessage } from "./message.js";
import type { CallContext } from "./response-errors.js";
import type { BatchSendResult } from "./types.js";

/** A batch request body and the content type that announces its boundary. */
export interface BatchBody {
  contentType: string;
  body: Uint8Array;
}

const textEncoder = new TextEncoder();

/** Encodes prepared messages as a `multipart/mixed` body with a `vqs-<uuid>` boundary. */
export function buildBatchBody(
  messages: readonly PreparedMessage[],
  boundary = `vqs-${crypto.randomUUID()}`,
): BatchBody {
  const chunks: Uint8Array[] = [];

  for (const message of messages) {
    chunks.push(latin1(`--${boundary}\r\n${headerBlock(message.headers)}\r\n`));
    chunks.push(toBytes(message.body));
    chunks.push(CRLF);
  }
  chunks.push(latin1(`--${boundary}--\r\n`));

  return { contentType: `multipart/mixed; boundary=${boundary}`, body: concatBytes(chunks) };
}

/** Reads `{"results": [...]}`; throws `ProtocolError` unless it holds `expected` valid entries. */
export function parseBatchResults(
  text: string,
  expected: number,
  context: CallContext,
): BatchSendResult[] {
  const results = readResultsArray(text, context);

  if (results.length !== expected) {
    throw new ProtocolError(
      `${context.operation} on topic "${context.topic}" sent ${expected} messages but the ` +
        `service answered ${results.length} results; some may be stored. Resend only with ` +
        "idempotency keys.",
      context,
    );
  }

  return results.map((entry, index) => toBatchResult(entry, index, context));
}

function readResultsArray(text: string, context: CallContext): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(
      `${context.operation} on topic "${context.topic}" got a response that is not JSON: ` +
        `${(error as Error).message}`,
      { ...context, cause: error },
    );
  }

  const results = (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    throw new ProtocolError(
      `${context.operation} on topic "${context.topic}" got a response without a "results" array.`,
      context,
    );
  }

  return results;
}

function toBatchResult(entry: unknown, index: number, context: CallContext): BatchSendResult {
  const result = (entry ?? {}) as Record<string, unknown>;

  if (result.status === "sent" && typeof result.messageId === "string") {
    return { status: "sent", messageId: result.messageId };
  }
  if (result.status === "deferred") {
    return { status: "deferred", messageId: null };
  }
  if (result.status === "failed" && typeof result.statusCode === "number") {
    return {
      status: "failed",
      statusCode: result.statusCode,
      error: typeof result.error === "string" ? result.error : `HTTP ${result.statusCode}`,
      retryable: result.retryable === true,
    };
  }

  throw new ProtocolError(
    `${context.operation} on topic "${context.topic}": result ${index} is unreadable ` +
      `(${JSON.stringify(entry)}); expected status "sent" with a messageId, "deferred", or ` +
      '"failed" with a statusCode.',
    context,
  );
}

const CRLF = new Uint8Array([13, 10]);

function headerBlock(headers: Readonly<Record<string, string>>): string {
  let block = "";
  for (const name in headers) block += `${name}: ${headers[name]}\r\n`;

  return block;
}

function toBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? textEncoder.encode(body) : body;
}

// Header values were checked to be Latin-1, which HTTP headers are; encode them byte for byte.
function latin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);

  return bytes;
}
