/**
 * `vercel-workers/http`: the push callback as a web-standard `(Request) => Promise<Response>`
 * handler. Runtime-neutral (Next.js App Router, Hono, Bun, Deno, Vercel Functions); the Node
 * `(req, res)` adapter lives in `vercel-workers/http/node`.
 *
 * @example
 * // app/api/queue/route.ts (Next.js App Router)
 * import { createCallbackHandler } from "vercel-workers/http";
 * import { consumer } from "@/lib/queue";
 * export const POST = createCallbackHandler(consumer);
 *
 * @example
 * // Hono
 * const handler = createCallbackHandler(consumer);
 * app.post("/api/queue", (c) => handler(c.req.raw));
 */

export {
  type CallbackHandlerOptions,
  type CallbackInput,
  type CallbackResponseBody,
  type CallbackResult,
  createCallbackHandler,
  DEFAULT_MAX_BODY_BYTES,
  type FetchHandler,
  type HandlerCallbackOptions,
  parseCallback,
  processCallback,
  toResponse,
} from "../consumer/index.js";
