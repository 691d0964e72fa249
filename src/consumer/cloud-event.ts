/**
 * Parsing of the push callback: the CloudEvents the queue POSTs to a consumer route.
 *
 * - v2beta, binary mode (`ce-type: com.vercel.queue.v2beta`): metadata in `ce-vqs*` headers.
 *   With a receipt handle the body IS the payload and the message is already leased
 *   ("inline"); without one the body is empty and the message must be claimed by id.
 * - v1beta, structured mode (`Content-Type: application/cloudevents+json`): a JSON envelope
 *   whose `data` names the message; always claimed by id.
 *
 * Parsing is pure: it reads headers and bytes and returns a description or throws a 400-kind
 * `ConsumerError`. The standard `ce-id`/`ce-source`/`ce-time` attributes are not needed.
 */

import { InvalidCallbackError, InvalidRegionError, UnsupportedContentTypeError } from "./errors.js";

/** `ce-type` of the binary (current) format. */
export const CLOUD_EVENT_TYPE_V2BETA = "com.vercel.queue.v2beta";
/** `type` of the structured (older) format. */
export const CLOUD_EVENT_TYPE_V1BETA = "com.vercel.queue.v1beta";
/** Content type of a structured CloudEvent. */
export const STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

const REGION_PATTERN = /^[a-z]{2,5}[0-9]{1,2}$/;
const DELIVERY_COUNT_PATTERN = /^[1-9][0-9]*$/;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Request headers as web `Headers` or a Node-style record (lower-case names). */
export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>;

/** What a callback names, whatever its format. */
export interface CallbackEventBase {
  format: "v1beta" | "v2beta";
  topic: string;
  consumerGroup: string;
  messageId: string;
  /** Region holding the message, when the callback said; follow-up calls go there. */
  region: string | null;
}

/** A v2beta delivery with the payload in the body and the lease already taken. */
export interface InlineCallbackEvent extends CallbackEventBase {
  mode: "inline";
  receiptHandle: string;
  /** `1` when the header is missing or not a positive integer. */
  deliveryCount: number;
  /** The time of parsing when the header is missing or unreadable. */
  createdAt: Date;
  expiresAt: Date | null;
  /** End of the lease the service took for this push, when it said. */
  visibilityDeadline: Date | null;
  contentType: string;
  body: Uint8Array;
}

/** A delivery that names the message only; the consumer claims it by id. */
export interface ClaimCallbackEvent extends CallbackEventBase {
  mode: "claim";
}

/** A parsed push callback. */
export type CallbackEvent = InlineCallbackEvent | ClaimCallbackEvent;

/** Reads one header by (case-insensitive) name. */
export type HeaderReader = (name: string) => string | undefined;

/** Wraps either kind of header source in one reader. */
export function headerReader(headers: HeaderSource): HeaderReader {
  if (typeof (headers as Headers).get === "function") {
    return (name) => (headers as Headers).get(name) ?? undefined;
  }

  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  return (name) => {
    const value = record[name] ?? record[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}

/**
 * Parses a callback from its headers and raw body. Throws `UnsupportedContentTypeError`,
 * `InvalidCallbackError` or `InvalidRegionError` (all HTTP 400) when it is not one.
 */
export function parseCallbackEvent(headers: HeaderSource, body: Uint8Array): CallbackEvent {
  const header = headerReader(headers);
  const ceType = nonEmpty(header("ce-type"));

  if (ceType !== undefined) return parseBinary(ceType, header, body);

  const contentType = header("content-type");
  if (mediaType(contentType) === STRUCTURED_CONTENT_TYPE) return parseStructured(body);

  throw new UnsupportedContentTypeError(contentType);
}

function parseBinary(ceType: string, header: HeaderReader, body: Uint8Array): CallbackEvent {
  if (ceType !== CLOUD_EVENT_TYPE_V2BETA) {
    throw new InvalidCallbackError(
      `Unsupported CloudEvent type "${ceType}" in binary mode: expected ` +
        `"${CLOUD_EVENT_TYPE_V2BETA}".`,
    );
  }

  // Objects are built in one literal each: spreading into a literal with further properties
  // is a slow path in V8, and this runs once per delivery.
  const { topic, consumerGroup, messageId } = requiredHeaders(header);
  const region = parseRegion(header("ce-vqsregion"));
  const receiptHandle = nonEmpty(header("ce-vqsreceipthandle"));

  if (receiptHandle === undefined) {
    return { format: "v2beta", mode: "claim", topic, consumerGroup, messageId, region };
  }

  return {
    format: "v2beta",
    mode: "inline",
    topic,
    consumerGroup,
    messageId,
    region,
    receiptHandle,
    deliveryCount: parseDeliveryCount(header("ce-vqsdeliverycount")),
    createdAt: parseDate(header("ce-vqscreatedat")) ?? new Date(),
    expiresAt: parseDate(header("ce-vqsexpiresat")),
    visibilityDeadline: parseDate(header("ce-vqsvisibilitydeadline")),
    contentType: nonEmpty(header("content-type")) ?? DEFAULT_CONTENT_TYPE,
    body,
  };
}

function requiredHeaders(header: HeaderReader) {
  const topic = nonEmpty(header("ce-vqsqueuename"));
  const consumerGroup = nonEmpty(header("ce-vqsconsumergroup"));
  const messageId = nonEmpty(header("ce-vqsmessageid"));

  if (topic === undefined || consumerGroup === undefined || messageId === undefined) {
    const missing = [
      topic === undefined && "ce-vqsqueuename",
      consumerGroup === undefined && "ce-vqsconsumergroup",
      messageId === undefined && "ce-vqsmessageid",
    ].filter(Boolean);

    throw new InvalidCallbackError(
      `Missing required CloudEvent header(s): ${missing.join(", ")}.`,
      { topic, consumerGroup, messageId },
    );
  }

  return { topic, consumerGroup, messageId };
}

function parseStructured(body: Uint8Array): ClaimCallbackEvent {
  const envelope = parseJsonObject(body);

  if (envelope.type !== CLOUD_EVENT_TYPE_V1BETA) {
    throw new InvalidCallbackError(
      `Unsupported CloudEvent type ${JSON.stringify(envelope.type ?? null)} in structured ` +
        `mode: expected "${CLOUD_EVENT_TYPE_V1BETA}".`,
    );
  }

  const data = envelope.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidCallbackError('Invalid CloudEvent: "data" must be an object.');
  }

  const fields = data as Record<string, unknown>;
  const { topic, consumerGroup, messageId } = requiredDataFields(fields);
  const region = parseRegion(typeof fields.region === "string" ? fields.region : undefined);

  return { format: "v1beta", mode: "claim", topic, consumerGroup, messageId, region };
}

function parseJsonObject(body: Uint8Array): Record<string, unknown> {
  if (body.byteLength === 0) {
    throw new InvalidCallbackError("Empty body: a structured CloudEvent needs a JSON body.");
  }

  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    throw new InvalidCallbackError(
      `Body is not valid JSON: ${(error as Error).message}. A structured CloudEvent is a ` +
        "JSON object.",
      { cause: error },
    );
  }

  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidCallbackError("Invalid CloudEvent: the body must be a JSON object.");
  }

  return value as Record<string, unknown>;
}

function requiredDataFields(data: Record<string, unknown>) {
  const names = ["queueName", "consumerGroup", "messageId"] as const;
  const values = names.map((name) => idValue(data[name]));
  const missing = names.filter((_, index) => values[index] === undefined);

  if (missing.length > 0) {
    throw new InvalidCallbackError(
      `Missing required CloudEvent data field(s): ${missing.join(", ")}.`,
    );
  }

  const [topic, consumerGroup, messageId] = values as [string, string, string];
  return { topic, consumerGroup, messageId };
}

/** Ids may arrive as strings or (in hand-written events) numbers. */
function idValue(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" ? nonEmpty(value) : undefined;
}

function parseRegion(value: string | undefined): string | null {
  const region = nonEmpty(value);
  if (region === undefined) return null;

  if (!REGION_PATTERN.test(region)) throw new InvalidRegionError(region);
  return region;
}

function parseDeliveryCount(value: string | undefined): number {
  const text = value?.trim();
  if (text === undefined || !DELIVERY_COUNT_PATTERN.test(text)) return 1;

  const count = Number(text);
  return Number.isSafeInteger(count) ? count : 1;
}

function parseDate(value: string | undefined): Date | null {
  const text = nonEmpty(value);
  if (text === undefined) return null;

  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The `type/subtype` part of a content type, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function nonEmpty(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text === undefined || text === "" ? undefined : text;
}
