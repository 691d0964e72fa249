/**
 * Reading a callback body with a size limit, so that an oversized or endless request costs at
 * most `maxBytes` of memory before it is refused.
 */

import { concatBytes } from "../queue/bytes.js";
import { PayloadTooLargeError } from "./errors.js";

/**
 * Default limit of a callback body: 10 MiB. The queue sends payloads above its inline threshold
 * as metadata-only callbacks (claimed by id), so an inline body stays far below this.
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Throws {@link PayloadTooLargeError} when a declared `Content-Length` exceeds the limit. */
export function checkContentLength(value: string | null | undefined, maxBytes: number): void {
  if (value === null || value === undefined || value.trim() === "") return;

  const length = Number(value);
  if (Number.isFinite(length) && length > maxBytes) throw new PayloadTooLargeError(maxBytes);
}

/** Reads a web `Request` body; throws {@link PayloadTooLargeError} past `maxBytes`. */
export async function readRequestBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  checkContentLength(request.headers.get("content-length"), maxBytes);

  if (request.body === null) return new Uint8Array(0);
  return readStream(request.body, maxBytes);
}

async function readStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;

  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;

    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }

    chunks.push(value);
  }

  // A single chunk is the request's own buffer: no need to copy it.
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  return concatBytes(chunks, total);
}
