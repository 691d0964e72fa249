/**
 * An end-to-end rig for the Vercel backend: the local Queue Service over real HTTP, the task
 * callback route on a real node:http server, and results in the real Redis at 127.0.0.1:6379
 * under a key prefix unique to the test file (deleted afterwards).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import type { ConsumerEvent } from "../../../src/consumer/index.js";
import { type QueueService, startQueueService } from "../../../src/dev/index.js";
import { QueueClient } from "../../../src/queue/index.js";
import { registerResultStore, resetResultStores } from "../../../src/results/index.js";
import { RedisResultStore } from "../../../src/results/redis.js";
import {
  createNodeTaskCallbackHandler,
  createTaskCallbackHandler,
  type TaskHandlerEvent,
  type VercelQueuesBackend,
  VercelQueuesBackend as VercelQueuesBackendClass,
  type VercelQueuesBackendOptions,
} from "../../../src/tasks/backends/vercel/index.js";
import {
  configureTasks,
  resetTaskConfiguration,
  type Task,
  type TaskEventName,
  type TaskResult,
  taskBackends,
  taskEvents,
} from "../../../src/tasks/index.js";

export const REDIS_URL = "redis://127.0.0.1:6379";
export const TOKEN = "test-token";
export const CONSUMER_GROUP = "tasks-route";

/** What the local Queue Service warned about (failed pushes, drops), for failure messages. */
export const serviceWarnings: string[] = [];

/** A lifecycle event as observed, with when it happened. */
export interface SeenTaskEvent {
  name: TaskEventName;
  at: number;
  resultId: string;
  status: string;
  attempts: number;
}

export interface RigOptions {
  /** File-unique prefix part, e.g. "vercel-backend". */
  name: string;
  tasks: Task[];
  queues?: string[];
  options?: VercelQueuesBackendOptions;
  /** Topic pattern the local service pushes to the route. @default "*" */
  pushTopic?: string;
  /** Lease of each push, in seconds. @default 60 */
  pushVisibilityTimeoutSeconds?: number;
  /** Serve a push route; `false` leaves the messages for a polling worker. @default true */
  push?: boolean;
  /**
   * Which handler serves the route: the Node `(req, res)` one, or the web `(Request) =>
   * Response` one behind a minimal node:http bridge. @default "node"
   */
  handler?: "node" | "fetch";
}

export interface Rig {
  service: QueueService;
  routeUrl: string;
  keyPrefix: string;
  client: QueueClient;
  backend: VercelQueuesBackend;
  store: RedisResultStore;
  events: TaskHandlerEvent[];
  lifecycle: SeenTaskEvent[];
  close(): Promise<void>;
}

/** Starts everything; `close()` stops it and deletes this file's Redis keys. */
export async function startRig(options: RigOptions): Promise<Rig> {
  const keyPrefix = `vw-test:${options.name}:${randomUUID()}:`;
  const store = new RedisResultStore({ url: REDIS_URL, keyPrefix });
  registerResultStore("default", store);

  const events: TaskHandlerEvent[] = [];
  const route = await listenRoute(options.tasks, options.handler ?? "node", (event) =>
    events.push(event),
  );
  const push = options.push ?? true;
  const service = await startQueueService({
    token: TOKEN,
    logger: { warn: (...args: unknown[]) => serviceWarnings.push(args.map(String).join(" ")) },
    subscriptions: push
      ? [
          {
            topic: options.pushTopic ?? "*",
            consumerGroup: CONSUMER_GROUP,
            url: route.url,
            visibilityTimeoutSeconds: options.pushVisibilityTimeoutSeconds ?? 60,
          },
        ]
      : [],
  });

  configureTasks({
    default: {
      backend: VercelQueuesBackendClass,
      queues: options.queues ?? ["default"],
      options: { baseUrl: service.url, token: TOKEN, deploymentId: null, ...options.options },
    },
  });

  const lifecycle = recordLifecycle();
  const client = new QueueClient({ baseUrl: service.url, token: TOKEN, deploymentId: null });
  const backend = taskBackends.get("default") as VercelQueuesBackend;

  return {
    service,
    routeUrl: route.url,
    keyPrefix,
    client,
    backend,
    store,
    events,
    lifecycle: lifecycle.seen,
    async close() {
      lifecycle.stop();
      await service.close();
      await closeServer(route.server);
      await deleteKeys(keyPrefix);
      await store.close();
      resetTaskConfiguration();
      resetResultStores();
    },
  };
}

async function listenRoute(
  tasks: Task[],
  kind: "node" | "fetch",
  onEvent: (event: TaskHandlerEvent) => void,
): Promise<{ server: Server; url: string }> {
  const options = { backend: "default", tasks, onEvent };
  const handler =
    kind === "node"
      ? createNodeTaskCallbackHandler(options)
      : bridge(createTaskCallbackHandler(options));
  const server = createServer((req, res) => void handler(req, res));

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return { server, url: `http://127.0.0.1:${port}/api/tasks` };
}

/** Serves a web handler from node:http, as a framework would. */
function bridge(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }

    const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
    });
    const response = await handler(request);

    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

function recordLifecycle(): { seen: SeenTaskEvent[]; stop(): void } {
  const seen: SeenTaskEvent[] = [];
  const names: TaskEventName[] = ["taskEnqueued", "taskStarted", "taskFinished"];
  const stops = names.map((name) =>
    taskEvents.on(name, ({ taskResult }) => {
      seen.push({
        name,
        at: Date.now(),
        resultId: taskResult.id,
        status: taskResult.status,
        attempts: taskResult.attempts,
      });
    }),
  );

  return {
    seen,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a value other than `undefined`/`false`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;

  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const warnings = serviceWarnings.slice(-5).join("\n  ") || "none";
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}. Last Queue Service warnings:\n  ${warnings}`,
  );
}

/** Waits until the result is SUCCESSFUL or FAILED, and returns it. */
export function waitForFinished(backend: VercelQueuesBackend, id: string): Promise<TaskResult> {
  return waitFor(async () => {
    const result = await backend.getResult(id).catch(() => undefined);
    return result?.isFinished === true ? result : undefined;
  }, `result ${id} to finish`);
}

/** Events of one type, narrowed. */
export function eventsOf<T extends TaskHandlerEvent["type"]>(
  events: TaskHandlerEvent[],
  type: T,
): Extract<TaskHandlerEvent, { type: T }>[] {
  return events.filter((event) => event.type === type) as Extract<TaskHandlerEvent, { type: T }>[];
}

export type { ConsumerEvent };
