/**
 * The polling worker: leases batches of messages for (topic, consumer group) pairs and runs
 * their handlers with bounded concurrency, with the same outcomes and lease keep-alive as a
 * push callback. For local development, CI, and consumers that run outside Vercel Functions.
 *
 * Shutdown (`stop()`, or SIGINT/SIGTERM with `handleSignals`): no new batch is leased; a batch
 * that arrives while stopping is released at once (visibility 0); running handlers get
 * `shutdownGraceSeconds` to finish and settle normally; after that their signals abort and
 * their messages are released, never acknowledged. A second signal skips the grace period.
 */

import { ConfigurationError, isQueueError } from "../queue/errors.js";
import type { ReceivedMessage } from "../queue/types.js";
import { type Consumer, consumerFor, type Subscription } from "./consumer.js";
import { type DeliveryContext, deliver } from "./delivery.js";
import { emit } from "./events.js";
import { changeVisibility } from "./settle.js";
import { backoffMs, sleep } from "./timing.js";
import type { ConsumerOptions, MessageHandler, SubscribeOptions } from "./types.js";

const MAX_BATCH_SIZE = 10;
const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Options of a polling worker. */
export interface PollingWorkerOptions {
  /**
   * Topics to poll. Wildcard subscriptions need this, since a pattern cannot be polled.
   * @default the exact (non-wildcard) topics of the consumer's subscriptions
   */
  topics?: string[];
  /**
   * Consumer group to poll every topic as.
   * @default each subscription's `consumer` option (required when a topic has none)
   */
  consumerGroup?: string;
  /** Handlers running at once, across all topics. @default 8 */
  concurrency?: number;
  /** Messages leased per receive (1…10), never more than free handler slots. @default 10 */
  batchSize?: number;
  /** First wait after an empty receive, in ms; doubles per empty receive. @default 250 */
  idleDelayMs?: number;
  /** Longest wait between receives when the queue stays empty, in ms. @default 5000 */
  maxIdleDelayMs?: number;
  /** Seconds running handlers get to finish when the worker stops. @default 30 */
  shutdownGraceSeconds?: number;
  /**
   * Stop on SIGINT/SIGTERM (a second signal skips the grace period). Handlers are installed by
   * `run()` and removed when the worker stops; nothing is installed unless asked.
   * @default false
   */
  handleSignals?: boolean;
}

/** Options of a worker built around a bare handler function. */
export type HandlerPollingWorkerOptions = PollingWorkerOptions & ConsumerOptions & SubscribeOptions;

interface Pair {
  topic: string;
  consumerGroup: string;
}

interface ResolvedWorkerOptions {
  concurrency: number;
  batchSize: number;
  idleDelayMs: number;
  maxIdleDelayMs: number;
  shutdownGraceMs: number;
}

/**
 * A polling worker over a consumer's subscriptions.
 * @example
 * const worker = createPollingWorker(consumer, { consumerGroup: "billing", handleSignals: true });
 * await worker.run(); // until SIGINT/SIGTERM or worker.stop()
 */
export class PollingWorker {
  readonly #consumer: Consumer;
  readonly #options: PollingWorkerOptions;
  readonly #settings: ResolvedWorkerOptions;
  readonly #slots: Slots;
  /** Aborts when stopping: wakes idle waits. */
  readonly #stopping = new AbortController();
  /** Aborts when the grace period is over: releases unfinished messages. */
  readonly #shutdown = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #loops: Promise<void>[] = [];
  #started = false;
  #stopped: Promise<void> | undefined;
  #fatal: unknown;
  #removeSignalHandlers: (() => void) | undefined;

  /** @throws ConfigurationError when an option is invalid. */
  constructor(consumer: Consumer, options: PollingWorkerOptions = {}) {
    this.#consumer = consumer;
    this.#options = options;
    this.#settings = resolveWorkerOptions(options);
    this.#slots = new Slots(this.#settings.concurrency);
  }

  /** Messages whose handlers are running (or settling) now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Polls until {@link stop} is called (or a signal arrives with `handleSignals`); resolves
   * once every in-flight message is settled or released. Rejects with the error when polling
   * cannot go on (bad token, forbidden, unknown topic API: errors a retry cannot fix).
   * @throws ConfigurationError when called twice or when a topic has no consumer group.
   */
  async run(): Promise<void> {
    if (this.#started) {
      throw new ConfigurationError("run", "This worker has already run; create a new one.");
    }
    this.#started = true;
    if (this.#stopping.signal.aborted) return;

    const pairs = this.#resolvePairs();
    if (this.#options.handleSignals === true) this.#installSignalHandlers();

    this.#loops = pairs.map((pair) => this.#poll(pair));
    await this.#untilStopped();

    if (this.#fatal !== undefined) throw this.#fatal;
  }

  /**
   * Stops polling and waits for running handlers up to the grace period, then releases what is
   * still running. Idempotent; every call returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdownNow();
    return this.#stopped;
  }

  #untilStopped(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopping.signal.aborted) return resolve(this.stop());
      this.#stopping.signal.addEventListener("abort", () => resolve(this.stop()), { once: true });
    });
  }

  async #shutdownNow(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#loops);

    const finished = Promise.allSettled([...this.#inFlight]);
    const graceOver = new AbortController();
    const inTime = await Promise.race([
      finished.then(() => true),
      sleep(this.#settings.shutdownGraceMs, graceOver.signal).then(() => false),
    ]);
    graceOver.abort();

    if (!inTime) {
      this.#shutdown.abort();
      await Promise.allSettled([...this.#inFlight]);
    }

    this.#removeSignalHandlers?.();
  }

  async #poll(pair: Pair): Promise<void> {
    const stopping = this.#stopping.signal;
    let idleFailures = 0;

    while (!stopping.aborted) {
      const limit = await this.#slots.acquire(this.#settings.batchSize, stopping);
      if (limit === 0) break;

      const received = await this.#receive(pair, limit);
      if (received === "fatal") break;

      if (received === "retry" || received.messages.length === 0) {
        idleFailures++;
        const { idleDelayMs, maxIdleDelayMs } = this.#settings;
        await sleep(backoffMs(idleFailures, idleDelayMs, maxIdleDelayMs), stopping);
        continue;
      }

      idleFailures = 0;
      for (const message of received.messages) this.#start(message, received.subscription);
    }
  }

  /** Leases up to `limit` messages; the caller has taken `limit` slots, unused ones go back. */
  async #receive(
    pair: Pair,
    limit: number,
  ): Promise<{ messages: ReceivedMessage[]; subscription: Subscription } | "retry" | "fatal"> {
    const subscription = this.#consumer.match(pair.topic, pair.consumerGroup);
    if (subscription === undefined) {
      this.#slots.give(limit);
      this.#fail(noSubscriptionFor(pair));
      return "fatal";
    }

    try {
      const messages = await this.#consumer.client.receive(pair.topic, pair.consumerGroup, {
        limit,
        visibilityTimeoutSeconds: subscription.options.visibilityTimeoutSeconds,
      });
      this.#slots.give(limit - messages.length);

      if (this.#stopping.signal.aborted) {
        await this.#releaseUnstarted(messages);
        return { messages: [], subscription };
      }

      return { messages, subscription };
    } catch (error) {
      this.#slots.give(limit);
      return this.#onReceiveError(pair, error);
    }
  }

  #onReceiveError(pair: Pair, error: unknown): "retry" | "fatal" {
    if (isQueueError(error) && !error.retryable) {
      this.#fail(error);
      return "fatal";
    }

    emit(this.#consumer, () => ({ type: "worker.receive_failed", ...pair, error }));
    this.#consumer.logger?.warn?.(
      `vercel-workers: receive on topic "${pair.topic}" (group "${pair.consumerGroup}") ` +
        "failed; backing off",
      error,
    );
    return "retry";
  }

  #start(message: ReceivedMessage, subscription: Subscription): void {
    const context = this.#context() as DeliveryContext;
    context.handler = subscription.handler;
    context.options = subscription.options;
    context.shutdown = this.#shutdown.signal;

    // A poison message of the batch is acknowledged by deliver() in its slot; the others run.
    const settling = deliver(message, context);

    const running = settling
      .then(() => undefined)
      .catch((error: unknown) => {
        this.#consumer.logger?.error?.(
          `vercel-workers: message "${message.messageId}" could not be settled`,
          error,
        );
      })
      .finally(() => {
        this.#inFlight.delete(running);
        this.#slots.give(1);
      });

    this.#inFlight.add(running);
  }

  #context(): Omit<DeliveryContext, "handler" | "options"> {
    const client = this.#consumer.client;
    return {
      client,
      region: client.region,
      logger: this.#consumer.logger,
      onEvent: this.#consumer.onEvent,
    };
  }

  /** Gives back messages leased after the worker began to stop, without running them. */
  async #releaseUnstarted(messages: ReceivedMessage[]): Promise<void> {
    const client = this.#consumer.client;

    await Promise.all(
      messages.map(async (message) => {
        try {
          await changeVisibility(client, message, 0, "release");
          emit(this.#consumer, () => ({ type: "message.released", ...refOf(message) }));
        } catch (error) {
          this.#consumer.logger?.error?.("vercel-workers: releasing a message failed", error);
        }
      }),
    );
    this.#slots.give(messages.length);
  }

  #fail(error: unknown): void {
    this.#fatal ??= error;
    this.#consumer.logger?.error?.("vercel-workers: polling stopped", error);
    void this.stop();
  }

  #resolvePairs(): Pair[] {
    const topics = this.#options.topics ?? exactTopics(this.#consumer.subscriptions);

    if (topics.length === 0) {
      throw new ConfigurationError(
        "topics",
        "The worker has no topic to poll: subscribe() at least one exact topic (a wildcard " +
          "pattern cannot be polled) or pass the `topics` option.",
      );
    }

    const pairs = topics.flatMap((topic) => this.#pairsOf(topic));
    for (const pair of pairs) {
      if (this.#consumer.match(pair.topic, pair.consumerGroup) === undefined) {
        throw noSubscriptionFor(pair);
      }
    }

    return pairs;
  }

  #pairsOf(topic: string): Pair[] {
    if (this.#options.consumerGroup !== undefined) {
      return [{ topic, consumerGroup: this.#options.consumerGroup }];
    }

    const groups = new Set<string>();
    for (const subscription of this.#consumer.subscriptions) {
      if (subscription.topic === topic && subscription.consumer !== undefined) {
        groups.add(subscription.consumer);
      }
    }

    if (groups.size === 0) {
      throw new ConfigurationError(
        "consumerGroup",
        `The worker does not know which consumer group to poll topic "${topic}" as: pass the ` +
          "`consumerGroup` option, or the `consumer` option of its subscribe() call.",
      );
    }

    return [...groups].map((consumerGroup) => ({ topic, consumerGroup }));
  }

  #installSignalHandlers(): void {
    const proc = (globalThis as { process?: NodeLikeProcess }).process;
    const on = proc?.on?.bind(proc);
    const off = proc?.off?.bind(proc);

    if (on === undefined || off === undefined) {
      throw new ConfigurationError(
        "handleSignals",
        "handleSignals needs a runtime with Node-style process signals; call stop() instead.",
      );
    }

    let signals = 0;
    const onSignal = () => {
      signals++;
      // A second signal means "now": skip the rest of the grace period.
      if (signals > 1) this.#shutdown.abort();
      void this.stop();
    };

    for (const name of SHUTDOWN_SIGNALS) on(name, onSignal);
    this.#removeSignalHandlers = () => {
      for (const name of SHUTDOWN_SIGNALS) off(name, onSignal);
    };
  }
}

interface NodeLikeProcess {
  on?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

/**
 * Creates a polling worker for a consumer (default: the one `subscribe()` registers on), or for
 * one bare handler (then `topics` and `consumerGroup` are needed).
 * @example
 * const worker = createPollingWorker(async (job) => run(job), {
 *   topics: ["jobs"], consumerGroup: "workers", handleSignals: true,
 * });
 * await worker.run();
 */
export function createPollingWorker(
  consumer?: Consumer,
  options?: PollingWorkerOptions,
): PollingWorker;
export function createPollingWorker<T>(
  handler: MessageHandler<T>,
  options: HandlerPollingWorkerOptions,
): PollingWorker;
export function createPollingWorker<T>(
  target?: Consumer | MessageHandler<T>,
  options: HandlerPollingWorkerOptions = {},
): PollingWorker {
  return new PollingWorker(consumerFor(target, options), options);
}

/** Handler slots shared by every polled pair; taken BEFORE a receive so none overshoots. */
class Slots {
  #free: number;
  #waiters: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  /**
   * Waits for a free slot, then takes up to `max` at once (check and take happen in one
   * synchronous step, so concurrent pollers cannot both take the last slot). Resolves 0 when
   * `signal` aborts first.
   */
  async acquire(max: number, signal: AbortSignal): Promise<number> {
    while (this.#free <= 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener("abort", wake);
          resolve();
        };
        this.#waiters.push(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }

    if (signal.aborted) return 0;

    const taken = Math.min(max, this.#free);
    this.#free -= taken;
    return taken;
  }

  give(count: number): void {
    if (count <= 0) return;
    this.#free += count;

    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

function resolveWorkerOptions(options: PollingWorkerOptions): ResolvedWorkerOptions {
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 8);
  const batchSize = positiveInteger("batchSize", options.batchSize ?? MAX_BATCH_SIZE);
  const idleDelayMs = nonNegative("idleDelayMs", options.idleDelayMs ?? 250);
  const maxIdleDelayMs = nonNegative("maxIdleDelayMs", options.maxIdleDelayMs ?? 5_000);
  const grace = nonNegative("shutdownGraceSeconds", options.shutdownGraceSeconds ?? 30);

  if (batchSize > MAX_BATCH_SIZE) {
    throw new ConfigurationError(
      "batchSize",
      `Invalid batchSize ${batchSize}: a receive leases at most ${MAX_BATCH_SIZE} messages.`,
    );
  }

  return {
    concurrency,
    batchSize,
    idleDelayMs,
    maxIdleDelayMs: Math.max(idleDelayMs, maxIdleDelayMs),
    shutdownGraceMs: grace * 1000,
  };
}

function positiveInteger(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new ConfigurationError(name, `Invalid ${name} ${String(value)}: expected an integer ≥ 1.`);
}

function nonNegative(name: string, value: number): number {
  if (Number.isFinite(value) && value >= 0) return value;
  throw new ConfigurationError(name, `Invalid ${name} ${String(value)}: expected a number ≥ 0.`);
}

function exactTopics(subscriptions: readonly Subscription[]): string[] {
  const topics = subscriptions.map((s) => s.topic).filter((topic) => !topic.endsWith("*"));
  return [...new Set(topics)];
}

function noSubscriptionFor(pair: Pair): ConfigurationError {
  return new ConfigurationError(
    "topics",
    `No subscription handles topic "${pair.topic}" for consumer group ` +
      `"${pair.consumerGroup}"; subscribe() one before running the worker.`,
  );
}

function refOf(message: ReceivedMessage) {
  return {
    messageId: message.messageId,
    topic: message.topic,
    consumerGroup: message.consumerGroup,
  };
}
