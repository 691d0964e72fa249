/**
 * Reading a receive response: `multipart/mixed`, one part per leased message, each part
 * carrying the message's `Content-Type`, the `Vqs-*` lease headers and the raw payload.
 *
 * Parsing uses `mixpart`, Vercel's streaming multipart/mixed parser (the one `@vercel/queue`
 * uses), so both clients read the service's bodies the same way.
 */

import { MultipartParseError, parseMultipartStream } from "mixpart";
import { concatBytes } from "./bytes.js";
import { CommunicationError, isQueueError, ProtocolError } from "./errors.js";
import type { Answer } from "./exchange.js";
import { decodePayload } from "./payload.js";
import type { CallContext } from "./response-errors.js";
import type { ReceivedMessage } from "./types.js";

const MULTIPART_MIXED = "multipart/mixed";
const DEFAULT_PART_CONTENT_TYPE = "application/octet-stream";

/** How a reader treats a part whose JSON payload does not parse. */
export type UnreadablePayload =
  /** Throw the `ProtocolError` (one message was asked for: a claim by id). */
  | "throw"
  /** Return the message with `payloadError` set and the raw bytes (a batch: spare the rest). */
  | "mark";

/** Reads every message of a 200 receive response. */
export async function readReceivedMessages<T>(
  answer: Pick<Answer, "status" | "header" | "response">,
  context: CallContext,
  signal: AbortSignal,
  unreadable: UnreadablePayload = "throw",
): Promise<ReceivedMessage<T>[]> {
  requireMultipart(answer, context);

  const messages: ReceivedMessage<T>[] = [];
  try {
    const response = await answer.response();
    for await (const part of parseMultipartStream(response)) {
      const bytes = await readAll(part.payload);
      messages.push(toReceivedMessage<T>(part.headers, bytes, context, unreadable));
    }
  } catch (error) {
    throw asReadError(error, context, signal);
  }

  // mixpart ends a stream quietly when a read is aborted, so a timeout midway would look like
  // a shorter (or truncated) body; the signal tells the two apart.
  if (signal.aborted) throw timedOut(context, signal);

  return messages;
}

/**
 * Builds a message from one part's headers and payload; throws `ProtocolError` if its headers
 * are unreadable, and for a payload that does not parse unless `unreadable` is `"mark"`.
 */
export function toReceivedMessage<T>(
  headers: Headers,
  bytes: Uint8Array,
  context: CallContext,
  unreadable: UnreadablePayload = "throw",
): ReceivedMessage<T> {
  const messageId = requiredHeader(headers, "Vqs-Message-Id", context);
  const receiptHandle = requiredHeader(headers, "Vqs-Receipt-Handle", context);
  const details = { ...context, messageId, receiptHandle };
  const createdAt = parseDate(
    requiredHeader(headers, "Vqs-Timestamp", context),
    "Vqs-Timestamp",
    details,
  );
  const expiresRaw = headers.get("vqs-expires-at");
  const contentType = headers.get("content-type") ?? DEFAULT_PART_CONTENT_TYPE;

  const message: ReceivedMessage<T> = {
    messageId,
    receiptHandle,
    deliveryCount: parseDeliveryCount(headers.get("vqs-delivery-count"), details),
    createdAt,
    expiresAt: expiresRaw === null ? null : parseDate(expiresRaw, "Vqs-Expires-At", details),
    contentType,
    payload: bytes as T,
    topic: context.topic,
    consumerGroup: context.consumerGroup ?? "",
  };

  try {
    message.payload = decodePayload(bytes, contentType, details) as T;
  } catch (error) {
    if (unreadable === "throw" || !(error instanceof ProtocolError)) throw error;
    message.payloadError = error;
  }

  return message;
}

function requireMultipart(answer: Pick<Answer, "status" | "header">, context: CallContext): void {
  const contentType = answer.header("content-type") ?? "";

  if (!contentType.toLowerCase().startsWith(MULTIPART_MIXED)) {
    throw new ProtocolError(
      `${context.operation} on topic "${context.topic}" got HTTP ${answer.status} with ` +
        `content type "${contentType}" instead of ${MULTIPART_MIXED}; check that baseUrl ` +
        "points at a Queue Service (API v3).",
      { ...context, status: answer.status },
    );
  }
}

function requiredHeader(headers: Headers, name: string, context: CallContext): string {
  const value = headers.get(name);

  if (value === null || value === "") {
    throw new ProtocolError(
      `${context.operation} on topic "${context.topic}": a message part lacks the required ` +
        `${name} header; the response does not follow the Queue Service protocol.`,
      { ...context, messageId: headers.get("vqs-message-id") ?? context.messageId },
    );
  }

  return value;
}

function parseDeliveryCount(raw: string | null, details: ProtocolDetails): number {
  // The count is optional on the wire; the lease being read is at least the first delivery.
  if (raw === null) return 1;

  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) {
    throw headerError("Vqs-Delivery-Count", raw, "a non-negative integer", details);
  }

  return count;
}

function parseDate(raw: string, name: string, details: ProtocolDetails): Date {
  const date = /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);

  if (Number.isNaN(date.getTime())) {
    throw headerError(name, raw, "an ISO-8601 date", details);
  }

  return date;
}

type ProtocolDetails = CallContext & { messageId: string; receiptHandle: string };

function headerError(name: string, raw: string, expected: string, details: ProtocolDetails) {
  return new ProtocolError(
    `Message "${details.messageId}" on topic "${details.topic}" has an unreadable ${name} ` +
      `header ${JSON.stringify(raw)}: expected ${expected}.`,
    details,
  );
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;

  // A reader loop rather than `for await`: not every runtime makes streams async-iterable.
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    length += read.value.byteLength;
  }

  // Copy even a single chunk: it is a view into a larger network buffer that would stay alive.
  return concatBytes(chunks, length);
}

function timedOut(context: CallContext, signal: AbortSignal): CommunicationError {
  return new CommunicationError(
    `${context.operation} on topic "${context.topic}" timed out while reading the response ` +
      "(option `timeout`)",
    { ...context, cause: signal.reason },
  );
}

function asReadError(error: unknown, context: CallContext, signal: AbortSignal): Error {
  if (isQueueError(error)) return error;
  if (signal.aborted) return timedOut(context, signal);

  if (error instanceof MultipartParseError) {
    return new ProtocolError(
      `${context.operation} on topic "${context.topic}" got a malformed multipart/mixed body: ` +
        `${error.message}`,
      { ...context, cause: error },
    );
  }

  return new CommunicationError(
    `${context.operation} on topic "${context.topic}" lost the connection while reading the ` +
      `response: ${(error as Error)?.message ?? String(error)}`,
    { ...context, cause: error },
  );
}
