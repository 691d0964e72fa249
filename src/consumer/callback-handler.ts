/**
 * The push callback as a web-standard `(Request) => Promise<Response>` handler, the shape of
 * Next.js App Router route handlers, Hono, Bun, Deno and Vercel Functions. It lives in the
 * consumer layer (not `src/http/`) so that layers above the HTTP adapters, such as the task
 * backend, can build on it; `vercel-workers/http` re-exports it.
 */

import { ConfigurationError } from "../queue/errors.js";
import { DEFAULT_MAX_BODY_BYTES, readRequestBody } from "./body.js";
import { type CallbackResult, errorResult, processCallback } from "./callback.js";
import { type CallbackEvent, parseCallbackEvent } from "./cloud-event.js";
import { type Consumer, consumerFor } from "./consumer.js";
import type { ConsumerOptions, MessageHandler, SubscribeOptions } from "./types.js";

/** Options of the HTTP side of a callback handler. */
export interface CallbackHandlerOptions {
  /**
   * Largest accepted request body in bytes; a larger one is answered with 413 before it is
   * read to the end.
   * @default 10485760 (10 MiB)
   */
  maxBodyBytes?: number;
}

/** Options of a callback handler built around a bare handler function. */
export type HandlerCallbackOptions = CallbackHandlerOptions & ConsumerOptions & SubscribeOptions;

/** A web-standard request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Creates the push callback route handler for a consumer (default: the one `subscribe()`
 * registers on), or for one bare handler that then takes every topic.
 * @example
 * // app/api/queue/route.ts (Next.js App Router)
 * export const POST = createCallbackHandler(consumer);
 * // Hono
 * app.post("/api/queue", (c) => handler(c.req.raw));
 */
export function createCallbackHandler(
  consumer?: Consumer,
  options?: CallbackHandlerOptions,
): FetchHandler;
export function createCallbackHandler<T>(
  handler: MessageHandler<T>,
  options?: HandlerCallbackOptions,
): FetchHandler;
export function createCallbackHandler<T>(
  target?: Consumer | MessageHandler<T>,
  options: HandlerCallbackOptions = {},
): FetchHandler {
  const consumer = consumerFor(target, options);
  const maxBodyBytes = resolveMaxBodyBytes(options.maxBodyBytes);

  return async (request) => {
    try {
      const method = request.method.toUpperCase();
      const body =
        method === "POST" ? await readRequestBody(request, maxBodyBytes) : new Uint8Array(0);
      const result = await processCallback(consumer, { method, headers: request.headers, body });

      return toResponse(result);
    } catch (error) {
      return toResponse(errorResult(consumer, error));
    }
  };
}

/**
 * Reads and parses a callback `Request` without handling it (for code that runs its own
 * delivery). Throws the same 400/413-kind `ConsumerError`s the handler answers with.
 */
export async function parseCallback(
  request: Request,
  options: CallbackHandlerOptions = {},
): Promise<CallbackEvent> {
  const body = await readRequestBody(request, resolveMaxBodyBytes(options.maxBodyBytes));
  return parseCallbackEvent(request.headers, body);
}

/** Turns a callback result into a web `Response`. */
export function toResponse(result: CallbackResult): Response {
  const body = result.body === null ? null : JSON.stringify(result.body);
  return new Response(body, { status: result.status, headers: result.headers });
}

/** Validates `maxBodyBytes` and applies its default. */
export function resolveMaxBodyBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BODY_BYTES;

  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(
      "maxBodyBytes",
      `Invalid maxBodyBytes ${String(value)}: expected a positive whole number of bytes.`,
    );
  }

  return value;
}
