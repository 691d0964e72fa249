/**
 * The queue callback route for tasks: the TypeScript counterpart of the seed's
 * `get_asgi_app(backend_alias=…)` / `get_wsgi_app(…)`. Vercel Queues (or the local Queue Service)
 * POSTs a CloudEvent per message; the route claims the message, keeps its lease alive every
 * `visibilityRefreshIntervalSeconds`, runs the task and records the outcome. Every CloudEvent
 * form, the lease and the acknowledgement are the consumer layer's work; see `delivery.ts` for
 * what happens to each task message.
 *
 * The backend is resolved on the first request (and again after `configureTasks()` replaces
 * it), so the route module can be loaded before the configuration. A backend that cannot be
 * resolved is answered with 500 and a JSON body naming the problem (the message is then
 * delivered again, once the configuration is fixed).
 */

import type { ServerResponse } from "node:http";
import { createCallbackHandler, type FetchHandler } from "../../../consumer/callback-handler.js";
import type { Consumer } from "../../../consumer/consumer.js";
import {
  createNodeCallbackHandler,
  type NodeCallbackHandler,
  type NodeCallbackRequest,
} from "../../../http/node.js";
import type { Task } from "../../task.js";
import type { VercelQueuesBackend } from "./backend.js";
import {
  createTaskConsumer,
  resolveVercelBackend,
  type TaskRunnerOptions,
  taskMap,
} from "./binding.js";

/** Options of {@link createTaskCallbackHandler} and {@link createNodeTaskCallbackHandler}. */
export interface TaskCallbackHandlerOptions extends TaskRunnerOptions {
  /**
   * Largest accepted request body in bytes; a larger one is answered with 413.
   * @default 10485760 (10 MiB)
   */
  maxBodyBytes?: number;
}

/**
 * Creates the task callback route as a web-standard `(Request) => Promise<Response>` handler,
 * for Next.js App Router, Hono, Bun, Deno and Vercel Functions.
 * @example
 * // app/api/tasks/route.ts
 * export const POST = createTaskCallbackHandler({ backend: "default", tasks: [sendEmail] });
 */
export function createTaskCallbackHandler(options: TaskCallbackHandlerOptions): FetchHandler {
  const route = new TaskRoute(options, (consumer) =>
    createCallbackHandler(consumer, { maxBodyBytes: options.maxBodyBytes }),
  );

  return async (request) => {
    let handler: FetchHandler;

    try {
      handler = route.handler();
    } catch (error) {
      route.logFailure(error);
      return Response.json(failureBody(error), { status: 500 });
    }

    return handler(request);
  };
}

/**
 * Creates the task callback route as a Node `(req, res)` handler, for `node:http`, Express,
 * Fastify (`reply.raw`) and Vercel's Node functions.
 * @example
 * app.post("/api/tasks", createNodeTaskCallbackHandler({ tasks: [sendEmail] }));
 */
export function createNodeTaskCallbackHandler(
  options: TaskCallbackHandlerOptions,
): NodeCallbackHandler {
  const route = new TaskRoute(options, (consumer) =>
    createNodeCallbackHandler(consumer, { maxBodyBytes: options.maxBodyBytes }),
  );

  return async (req: NodeCallbackRequest, res: ServerResponse) => {
    let handler: NodeCallbackHandler;

    try {
      handler = route.handler();
    } catch (error) {
      route.logFailure(error);
      writeFailure(res, error);
      return;
    }

    await handler(req, res);
  };
}

/** Builds the adapter for the current backend instance and keeps it while the backend lives. */
class TaskRoute<H> {
  readonly #options: TaskRunnerOptions;
  readonly #tasks: ReadonlyMap<string, Task>;
  readonly #adapt: (consumer: Consumer) => H;
  #backend: VercelQueuesBackend | undefined;
  #handler: H | undefined;

  constructor(options: TaskCallbackHandlerOptions, adapt: (consumer: Consumer) => H) {
    this.#options = options;
    this.#tasks = taskMap(options?.tasks);
    this.#adapt = adapt;
  }

  handler(): H {
    const backend = resolveVercelBackend(this.#options.backend);

    if (backend !== this.#backend || this.#handler === undefined) {
      const consumer = createTaskConsumer(backend, this.#tasks, this.#options.onEvent, ["*"]);
      this.#handler = this.#adapt(consumer);
      this.#backend = backend;
    }

    return this.#handler;
  }

  logFailure(error: unknown): void {
    // No backend means no configured logger; the caller sees the 500 and its JSON body.
    this.#backend?.settings.logger.error?.("vercel-workers: task callback unusable", error);
  }
}

function failureBody(error: unknown): { error: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;

  return { error: message, code: typeof code === "string" ? code : "internal_error" };
}

function writeFailure(res: ServerResponse, error: unknown): void {
  const body = JSON.stringify(failureBody(error));

  res.statusCode = 500;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", new TextEncoder().encode(body).byteLength);
  res.end(body);
}
