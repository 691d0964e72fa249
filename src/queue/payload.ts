/**
 * Payload encoding: JSON for the JSON content type (the default), the caller's own bytes or
 * text for any other. Receiving mirrors it: JSON parts are parsed, others stay bytes.
 */

import { InvalidPayloadError, ProtocolError, type ProtocolErrorDetails } from "./errors.js";

/** Content type of a send unless the caller names another. */
export const JSON_CONTENT_TYPE = "application/json";

/** Whether the media type (parameters ignored) is `application/json`. */
export function isJsonContentType(contentType: string): boolean {
  const semicolon = contentType.indexOf(";");
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon);

  return mediaType.trim().toLowerCase() === JSON_CONTENT_TYPE;
}

/** Encodes a payload for sending; throws `InvalidPayloadError` naming the topic. */
export function encodePayload(
  payload: unknown,
  contentType: string,
  topic: string,
): string | Uint8Array {
  if (contentType === JSON_CONTENT_TYPE || isJsonContentType(contentType)) {
    return encodeJson(payload, topic);
  }

  if (typeof payload === "string" || payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);

  throw new InvalidPayloadError(
    `Cannot send to topic "${topic}": with contentType "${contentType}" the payload must be a ` +
      `string, Uint8Array or ArrayBuffer, not ${describeType(payload)}. Serialise it first, or ` +
      "leave contentType at its default to send JSON.",
    { topic },
  );
}

/** Decodes the bytes of a received message according to its content type. */
export function decodePayload(
  bytes: Uint8Array,
  contentType: string,
  details: ProtocolErrorDetails,
): unknown {
  if (!isJsonContentType(contentType)) return bytes;

  try {
    return JSON.parse(textDecoder.decode(bytes));
  } catch (error) {
    throw new ProtocolError(
      `Message "${details.messageId}" on topic "${details.topic}" has content type ` +
        `"${contentType}" but its payload is not valid JSON (${(error as Error).message}). ` +
        "Acknowledge it (error.receiptHandle) to stop its redelivery.",
      { ...details, cause: error },
    );
  }
}

const textDecoder = new TextDecoder();

function encodeJson(payload: unknown, topic: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new InvalidPayloadError(
      `Cannot send to topic "${topic}": the payload is not JSON-serialisable ` +
        `(${(error as Error).message}). Convert BigInt values, break cycles, or send bytes ` +
        "with another contentType.",
      { topic, cause: error },
    );
  }

  if (text === undefined) {
    throw new InvalidPayloadError(
      `Cannot send to topic "${topic}": ${describeType(payload)} has no JSON form. Send null ` +
        "or a value instead.",
      { topic },
    );
  }

  return text;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;

  return value.constructor?.name ?? "object";
}
