/**
 * `vercel-workers/http/node`: the push callback as a Node `(req, res)` handler, for plain
 * `node:http`, Express, Fastify (through `reply.raw`) and Vercel's Node.js functions.
 *
 * Raw body: the handler reads the request stream itself whenever nobody has read it yet, so a
 * JSON body parser mounted before it does no harm as long as it skipped the request. When the
 * stream was already consumed, `req.body` is used: bytes or a string as they are; a parsed
 * JSON value (Express `express.json()` on an `application/json` message) is serialised again,
 * which keeps its meaning (JSON.parse already rounded any number beyond double precision);
 * anything else is answered with 500 `raw_body_required`, naming the fix.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { checkContentLength } from "../consumer/body.js";
import { type CallbackResult, errorResult, processCallback } from "../consumer/callback.js";
import {
  type CallbackHandlerOptions,
  type HandlerCallbackOptions,
  resolveMaxBodyBytes,
} from "../consumer/callback-handler.js";
import { mediaType } from "../consumer/cloud-event.js";
import { type Consumer, consumerFor } from "../consumer/consumer.js";
import { isConsumerError, PayloadTooLargeError, RawBodyRequiredError } from "../consumer/errors.js";
import type { MessageHandler } from "../consumer/types.js";

/** A Node request, possibly with a `body` a framework's parser left on it. */
export type NodeCallbackRequest = IncomingMessage & { body?: unknown };

/**
 * A Node request handler. It never rejects and never calls `next`: every outcome, errors
 * included, is answered with a JSON response.
 */
export type NodeCallbackHandler = (
  req: NodeCallbackRequest,
  res: ServerResponse,
  next?: unknown,
) => Promise<void>;

/**
 * Creates the push callback handler for Node's `(req, res)` signature.
 * @example
 * // plain Node
 * http.createServer(createNodeCallbackHandler(consumer)).listen(3000);
 * // Express
 * app.post("/api/queue", createNodeCallbackHandler(consumer));
 */
export function createNodeCallbackHandler(
  consumer?: Consumer,
  options?: CallbackHandlerOptions,
): NodeCallbackHandler;
export function createNodeCallbackHandler<T>(
  handler: MessageHandler<T>,
  options?: HandlerCallbackOptions,
): NodeCallbackHandler;
export function createNodeCallbackHandler<T>(
  target?: Consumer | MessageHandler<T>,
  options: HandlerCallbackOptions = {},
): NodeCallbackHandler {
  const consumer = consumerFor(target, options);
  const maxBodyBytes = resolveMaxBodyBytes(options.maxBodyBytes);

  return async (req, res) => {
    let result: CallbackResult;

    try {
      const method = (req.method ?? "GET").toUpperCase();
      const body = method === "POST" ? await readNodeBody(req, maxBodyBytes) : new Uint8Array(0);
      result = await processCallback(consumer, { method, headers: req.headers, body });
    } catch (error) {
      result = errorResult(consumer, error);
      // The rest of an oversized body is not worth reading: close after answering.
      if (isConsumerError(error) && error.code === "payload_too_large") {
        result.headers.connection = "close";
      }
    }

    writeResult(res, result);
  };
}

/**
 * The raw body of a Node request: read from the stream when it is unread, else recovered from
 * `req.body` (see the module doc). Throws `PayloadTooLargeError` or `RawBodyRequiredError`.
 */
export async function readNodeBody(
  req: NodeCallbackRequest,
  maxBytes: number,
): Promise<Uint8Array> {
  if (req.readableEnded !== true) {
    checkContentLength(headerValue(req.headers["content-length"]), maxBytes);
    return readStream(req, maxBytes);
  }

  const body = bodyFromParser(req);
  if (body.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return body;
}

function bodyFromParser(req: NodeCallbackRequest): Uint8Array {
  const body = req.body;

  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body === undefined) throw new RawBodyRequiredError("nothing (the stream was already read)");

  if (isJsonMediaType(headerValue(req.headers["content-type"]))) {
    return new TextEncoder().encode(JSON.stringify(body));
  }

  throw new RawBodyRequiredError(`a parsed ${body === null ? "null" : typeof body} value`);
}

function readStream(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;

    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= maxBytes) return void chunks.push(chunk);

      cleanup();
      // Keep draining (and dropping) the rest so the 413 answer can still be written.
      req.resume();
      reject(new PayloadTooLargeError(maxBytes));
    };
    const onEnd = () => {
      cleanup();
      const body = Buffer.concat(chunks, total);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };

    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function writeResult(res: ServerResponse, result: CallbackResult): void {
  if (res.headersSent || res.writableEnded) return;

  const body = result.body === null ? "" : JSON.stringify(result.body);
  // The result's headers are its own fresh object.
  result.headers["content-length"] = String(Buffer.byteLength(body));

  res.writeHead(result.status, result.headers);
  res.end(body);
}

function isJsonMediaType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === "application/json" || type.endsWith("+json");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}
