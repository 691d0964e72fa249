/** Reading requests: bounded bodies and strictly parsed `Vqs-*` headers. */
import type { IncomingMessage } from "node:http";
import { ApiError, badRequest } from "./api-error.js";

/** A short body (a JSON document) in one Buffer. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const { chunks, size } = await readChunks(req, limitBytes);
  return Buffer.concat(chunks, size);
}

export interface BodyChunks {
  chunks: Buffer[];
  size: number;
}

/**
 * The body as the socket delivered it, refused with a 413 beyond `limitBytes`. The chunks are
 * only borrowed: copy them before keeping them (see `PayloadArena`).
 */
export function readChunks(req: IncomingMessage, limitBytes: number): Promise<BodyChunks> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }

  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;

    req.on("data", (chunk: Buffer) => {
      if (chunks === undefined) return;

      size += chunk.length;
      if (size > limitBytes) {
        // Keep reading (and dropping) the rest, so the answer reaches the client intact.
        chunks = undefined;
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (chunks !== undefined) resolve({ chunks, size });
    });
    req.on("error", reject);
    req.on("aborted", () => reject(new ApiError(400, "The request body was cut off.")));
  });
}

/** Reads and throws away a body the route does not use, so the connection can be reused. */
export function discardBody(req: IncomingMessage): void {
  req.resume();
}

/** One header value; repeated headers arrive joined by Node, which the parsers then reject. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Reads headers of a request or of one part of a batch. */
export type HeaderReader = (name: string) => string | undefined;

export interface IntegerRule {
  min: number;
  max: number;
}

/**
 * A header holding a whole number of seconds or messages, checked against its range;
 * `undefined` when the header is absent.
 */
export function integerHeader(
  read: HeaderReader,
  name: string,
  rule: IntegerRule,
): number | undefined {
  const raw = read(name.toLowerCase());
  if (raw === undefined) return undefined;

  const text = raw.trim();
  if (!/^\d{1,10}$/.test(text)) {
    throw badRequest(
      `Header ${name} must be a whole number from ${rule.min} to ${rule.max}; got ${quote(raw)}.`,
    );
  }

  const value = Number(text);
  if (value < rule.min || value > rule.max) {
    throw badRequest(`Header ${name} must be from ${rule.min} to ${rule.max}; got ${value}.`);
  }
  return value;
}

/** A value for an error message: JSON-quoted and cut short. */
export function quote(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return JSON.stringify(short);
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `The payload is larger than the limit of ${limitBytes} bytes.`, {
    limitBytes,
  });
}
