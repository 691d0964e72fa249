/** Starting and stopping the local Queue Service: store, push dispatcher and HTTP server. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ServiceListenError } from "./errors.js";
import { createApiServer } from "./http/server.js";
import { type QueueServiceOptions, resolveServiceOptions } from "./options.js";
import { PushDispatcher, type SubscriptionStats } from "./push/dispatcher.js";
import type { ResolvedSubscription, Subscription } from "./push/subscription.js";
import { MessageStore } from "./store/message-store.js";

/** Figures of a running service, as `service.stats()` and `GET /_stats` report them. */
export interface QueueServiceStats {
  url: string;
  region: string;
  topics: number;
  consumerGroups: number;
  /** Messages stored and not expired (delayed, visible, leased or acknowledged by some group). */
  messages: number;
  /** Messages whose delay has not passed. */
  delayed: number;
  /** Leases held right now, over all consumer groups. */
  leased: number;
  /** Deadlines waiting in the scheduler (delays, leases, expiries). */
  scheduledEvents: number;
  subscriptions: SubscriptionStats[];
  /** Memory of the process the service runs in, in bytes. */
  memory: { rss: number; heapUsed: number };
}

/** A running local Queue Service. */
export interface QueueService {
  /** Base URL, e.g. `http://127.0.0.1:4417`; the API lives at `${url}/api/v3/topic/...`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  /** The required bearer token, or `undefined` when any token is accepted. */
  readonly token: string | undefined;
  /** Starts pushing a topic to a callback URL; throws `InvalidSubscriptionError`. */
  addSubscription(subscription: Subscription): ResolvedSubscription;
  /** Stops pushing; pushes in flight finish. Returns whether the subscription existed. */
  removeSubscription(topic: string, consumerGroup: string): boolean;
  /** The subscriptions served, with their defaults applied. */
  subscriptions(): ResolvedSubscription[];
  stats(): QueueServiceStats;
  /** Stops the server, drops open connections and pushes, and forgets every message. */
  close(): Promise<void>;
}

/** Scheduler wake-up cap with a test clock, which may jump ahead of the real timers. */
const TEST_CLOCK_MAX_SLEEP_MS = 250;
const REAL_CLOCK_MAX_SLEEP_MS = 60_000;

/**
 * Starts the local Queue Service: the Queue Service API v3 over HTTP, as the official
 * `@vercel/queue` SDK speaks it, plus push delivery of v2beta CloudEvents to subscriptions.
 *
 * @example
 * const service = await startQueueService({ subscriptions: [
 *   { topic: "orders", consumerGroup: "orders-route", url: "http://localhost:3000/api/queue" },
 * ] });
 * process.env.VERCEL_QUEUE_BASE_URL = service.url;
 * // ...
 * await service.close();
 */
export async function startQueueService(options?: QueueServiceOptions): Promise<QueueService> {
  const config = resolveServiceOptions(options);
  const store = new MessageStore({
    now: config.now,
    duplicateIds: config.duplicateMessageIds,
    maxSchedulerSleepMs: config.customClock ? TEST_CLOCK_MAX_SLEEP_MS : REAL_CLOCK_MAX_SLEEP_MS,
  });
  const dispatcher = new PushDispatcher(store, {
    region: config.region,
    inlineThresholdBytes: config.inlineThresholdBytes,
    pushTimeoutMs: config.pushTimeoutSeconds * 1000,
    visibilityTimeoutSeconds: config.pushVisibilityTimeoutSeconds,
    maxConcurrency: config.maxConcurrency,
    maxDeliveries: config.maxDeliveries,
    logger: config.logger,
  });
  store.setListener(dispatcher);
  for (const subscription of config.subscriptions) dispatcher.add(subscription);

  let url = "";
  const stats = (): QueueServiceStats => ({
    url,
    region: config.region,
    ...store.counts(),
    subscriptions: dispatcher.stats(),
    memory: memory(),
  });
  const server = createApiServer({
    context: { store, maxPayloadBytes: config.maxPayloadBytes, stats },
    token: config.token,
    logger: config.logger,
  });

  let port: number;
  try {
    port = await listen(server, config.host, config.port);
  } catch (error) {
    dispatcher.close();
    store.close();
    throw new ServiceListenError(config.host, config.port, error);
  }
  url = `http://${formatHost(config.host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    host: config.host,
    port,
    region: config.region,
    token: config.token,
    addSubscription: (subscription) => dispatcher.add(subscription),
    removeSubscription: (topic, group) => dispatcher.remove(topic, group),
    subscriptions: () => dispatcher.list(),
    stats,
    close() {
      closing ??= shutDown(server, () => {
        dispatcher.close();
        store.close();
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutDown(server: Server, release: () => void): Promise<void> {
  release();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function memory(): QueueServiceStats["memory"] {
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}
