/**
 * multipart/mixed in both directions: receive answers are written here (one part per leased
 * message, with the part headers the official SDK requires), batch sends are read with
 * `mixpart`, the parser the official SDK itself uses.
 */
import { randomBytes } from "node:crypto";
import { parseMultipartStream } from "mixpart";
import { formatReceiptHandle } from "../store/receipt-handle.js";
import type { Delivery } from "../store/records.js";
import { badRequest } from "./api-error.js";

export interface EncodedMultipart {
  contentType: string;
  body: Buffer;
}

/** One multipart/mixed body holding every leased message with its lease headers. */
export function encodeDeliveries(deliveries: readonly Delivery[]): EncodedMultipart {
  const boundary = pickBoundary(deliveries);
  const pieces: Buffer[] = [];

  for (const delivery of deliveries) {
    pieces.push(Buffer.from(`--${boundary}\r\n${partHeaders(delivery)}\r\n`, "latin1"));
    pieces.push(delivery.message.payload, CRLF);
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`, "latin1"));

  return {
    contentType: `multipart/mixed; boundary=${boundary}`,
    body: Buffer.concat(pieces),
  };
}

export interface BatchPart {
  readonly headers: Headers;
  readonly payload: Buffer;
}

/** The parts of a batch send body, each with its headers and its whole payload. */
export async function decodeBatch(body: Buffer, contentType: string): Promise<BatchPart[]> {
  if (!/^multipart\/mixed\s*(;|$)/i.test(contentType)) {
    throw badRequest(
      `A batch send needs Content-Type multipart/mixed with a boundary; got "${contentType}".`,
    );
  }

  const response = new Response(new Uint8Array(body), {
    headers: { "content-type": contentType },
  });
  const parts: BatchPart[] = [];
  try {
    for await (const part of parseMultipartStream(response)) {
      const payload = Buffer.from(await new Response(part.payload).arrayBuffer());
      parts.push({ headers: part.headers, payload });
    }
  } catch (error) {
    throw badRequest(`The multipart batch body is malformed: ${(error as Error).message}.`);
  }
  return parts;
}

const CRLF = Buffer.from("\r\n", "latin1");

function partHeaders(delivery: Delivery): string {
  const message = delivery.message;
  const handle = formatReceiptHandle(delivery.leaseSeq, message.id);

  return (
    `Content-Type: ${message.contentType}\r\n` +
    `Vqs-Message-Id: ${message.id}\r\n` +
    `Vqs-Receipt-Handle: ${handle}\r\n` +
    `Vqs-Delivery-Count: ${delivery.deliveryCount}\r\n` +
    `Vqs-Timestamp: ${new Date(message.createdAt).toISOString()}\r\n` +
    `Vqs-Expires-At: ${new Date(message.expiresAt).toISOString()}\r\n`
  );
}

/** A boundary that occurs in none of the payloads. */
function pickBoundary(deliveries: readonly Delivery[]): string {
  while (true) {
    const boundary = `vqs-${randomBytes(12).toString("hex")}`;
    const clash = deliveries.some((d) => d.message.payload.includes(boundary, 0, "latin1"));
    if (!clash) return boundary;
  }
}
