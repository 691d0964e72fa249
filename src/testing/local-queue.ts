/**
 * A local Queue Service plus a client already pointed at it: what a test of code that sends
 * to, or consumes from, Vercel Queues needs, with no Vercel account and no network.
 */
import { type QueueService, type QueueServiceOptions, startQueueService } from "../dev/index.js";
import { QueueClient } from "../queue/index.js";

/** Token the local queue is started with unless `token` is given. */
export const LOCAL_QUEUE_TOKEN = "local-test-token";

/** A running local Queue Service, with a client and the env vars that reach it. */
export interface LocalQueue {
  /** The service itself (subscriptions, stats). */
  readonly service: QueueService;
  /** Base URL of the service, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** A client with `baseUrl`, `token` and `deploymentId: null` set for this service. */
  readonly client: QueueClient;
  /**
   * `VERCEL_QUEUE_BASE_URL` and `VERCEL_QUEUE_TOKEN` for this service, to spread into
   * `process.env` or a child process's environment.
   */
  readonly env: { VERCEL_QUEUE_BASE_URL: string; VERCEL_QUEUE_TOKEN: string };
  /** Stops the service; every message it held is gone. */
  close(): Promise<void>;
}

/**
 * Starts a local Queue Service on a free port of 127.0.0.1 and returns it with a client.
 * Options are those of `startQueueService`; `token` defaults to {@link LOCAL_QUEUE_TOKEN}.
 *
 * @example
 * const queue = await startLocalQueue();
 * await queue.client.send("orders", { id: 1 });
 * await queue.close();
 */
export async function startLocalQueue(options: QueueServiceOptions = {}): Promise<LocalQueue> {
  const token = options.token ?? LOCAL_QUEUE_TOKEN;
  const service = await startQueueService({ port: 0, ...options, token });
  const client = new QueueClient({ baseUrl: service.url, token, deploymentId: null });

  return {
    service,
    url: service.url,
    client,
    env: { VERCEL_QUEUE_BASE_URL: service.url, VERCEL_QUEUE_TOKEN: token },
    close: () => service.close(),
  };
}
