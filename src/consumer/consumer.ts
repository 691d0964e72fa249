/**
 * The subscription registry. A `Consumer` holds the handlers of an app, its Queue Service
 * client settings and its delivery defaults; the push callback handler and the polling worker
 * both dispatch through one.
 *
 * Matching rule: a message runs EXACTLY ONE handler, the most specific subscription that
 * matches its topic and consumer group:
 * 1. an exact topic beats any wildcard, and a longer wildcard prefix beats a shorter one
 *    (`orders-eu` > `orders-*` > `orders*` > `*`);
 * 2. between equal topic patterns, one limited to the message's consumer group beats one that
 *    accepts any group.
 * Two subscriptions with the same pattern and the same group (or both without one) are
 * ambiguous and rejected when the second is made, so a match never depends on the order of
 * `subscribe()` calls.
 */

import { QueueClient } from "../queue/client.js";
import { ConfigurationError } from "../queue/errors.js";
import type { Logger } from "../queue/types.js";
import { validateConsumerGroup } from "../queue/validation.js";
import { SubscriptionConflictError } from "./errors.js";
import type { ConsumerEvent } from "./events.js";
import { type ResolvedDeliveryOptions, resolveDeliveryOptions } from "./options.js";
import {
  matchesTopic,
  parseTopicPattern,
  type TopicPattern,
  topicSpecificity,
} from "./topic-pattern.js";
import type { ConsumerOptions, MessageHandler, SubscribeOptions } from "./types.js";

/** A registered handler. */
export interface Subscription<T = unknown> {
  /** The topic pattern as given to `subscribe()`. */
  readonly topic: string;
  /** The consumer group it is limited to; `undefined` for any. */
  readonly consumer: string | undefined;
  readonly handler: MessageHandler<T>;
  /** Lease and retry settings after merging with the consumer's defaults. */
  readonly options: ResolvedDeliveryOptions;
  /** Removes the subscription from its consumer. */
  unsubscribe(): void;
}

interface Entry {
  pattern: TopicPattern;
  subscription: Subscription;
}

/**
 * A registry of subscriptions plus the client settings to settle their messages with. It does
 * nothing until used: no client is built and no environment variable read before the first
 * message needs one.
 * @example
 * const consumer = createConsumer({ visibilityTimeoutSeconds: 120 });
 * consumer.subscribe("orders", async (order, { deliveryCount }) => ship(order));
 * export const POST = createCallbackHandler(consumer);
 */
export class Consumer {
  /** Where warnings and errors go. @default silent */
  readonly logger: Logger | undefined;
  /** Receives typed events. @default none */
  readonly onEvent: ((event: ConsumerEvent) => void) | undefined;

  readonly #options: ConsumerOptions;
  readonly #entries: Entry[] = [];
  #client: QueueClient | undefined;

  /** @throws ConfigurationError when a delivery option is invalid. */
  constructor(options: ConsumerOptions = {}) {
    resolveDeliveryOptions(options);

    this.#options = options;
    this.#client = options.client;
    this.logger = options.logger;
    this.onEvent = options.onEvent;
  }

  /**
   * Registers `handler` for messages whose topic matches `topic` (a name, or a prefix ending
   * in `*`). See the module doc for which subscription runs when several match.
   * @throws InvalidTopicPatternError, SubscriptionConflictError, ConfigurationError
   */
  subscribe<T = unknown>(
    topic: string,
    handler: MessageHandler<T>,
    options: SubscribeOptions = {},
  ): Subscription<T> {
    const pattern = parseTopicPattern(topic);
    const consumer = options.consumer;

    if (typeof handler !== "function") {
      throw new ConfigurationError("handler", "subscribe() needs a handler function.");
    }
    if (consumer !== undefined) validateConsumerGroup(consumer);
    if (
      this.#entries.some((e) => e.pattern.source === topic && e.subscription.consumer === consumer)
    ) {
      throw new SubscriptionConflictError(topic, consumer);
    }

    const subscription: Subscription<T> = {
      topic,
      consumer,
      handler,
      options: resolveDeliveryOptions(options, this.#options),
      unsubscribe: () => this.#remove(subscription as Subscription),
    };

    this.#entries.push({ pattern, subscription: subscription as Subscription });
    return subscription;
  }

  /** The subscription that handles `topic` for `consumerGroup`, if any. */
  match(topic: string, consumerGroup: string): Subscription | undefined {
    let best: Entry | undefined;
    let bestRank = -1;

    for (const entry of this.#entries) {
      const { consumer } = entry.subscription;
      if (consumer !== undefined && consumer !== consumerGroup) continue;
      if (!matchesTopic(entry.pattern, topic)) continue;

      // Topic specificity first; a named group breaks ties between equal patterns.
      const rank = topicSpecificity(entry.pattern) * 2 + (consumer === undefined ? 0 : 1);
      if (rank > bestRank) {
        best = entry;
        bestRank = rank;
      }
    }

    return best?.subscription;
  }

  /** Every subscription, in registration order. */
  get subscriptions(): readonly Subscription[] {
    return this.#entries.map((entry) => entry.subscription);
  }

  /** The Queue Service client, built on first use from the consumer's options. */
  get client(): QueueClient {
    this.#client ??= new QueueClient(this.#options);
    return this.#client;
  }

  /** The client for `region` (a push callback's `ce-vqsregion`); the default one for none. */
  clientFor(region: string | null | undefined): QueueClient {
    const client = this.client;
    return region == null ? client : client.forRegion(region);
  }

  #remove(subscription: Subscription): void {
    const index = this.#entries.findIndex((entry) => entry.subscription === subscription);
    if (index !== -1) this.#entries.splice(index, 1);
  }
}

/** Creates a {@link Consumer}. Same as `new Consumer(options)`. */
export function createConsumer(options?: ConsumerOptions): Consumer {
  return new Consumer(options);
}

let defaultConsumer: Consumer | undefined;

/**
 * The process-wide consumer that the top-level {@link subscribe} registers on, created on first
 * use with default options (client settings from the environment).
 */
export function getDefaultConsumer(): Consumer {
  defaultConsumer ??= new Consumer();
  return defaultConsumer;
}

/**
 * Registers a handler on the default consumer. See {@link Consumer.subscribe}.
 * @example
 * subscribe("emails-*", async (email, { signal }) => sendEmail(email, { signal }));
 */
export function subscribe<T = unknown>(
  topic: string,
  handler: MessageHandler<T>,
  options?: SubscribeOptions,
): Subscription<T> {
  return getDefaultConsumer().subscribe(topic, handler, options);
}

/**
 * The consumer an adapter serves: the given one, the default one when none is given, or, for
 * a bare handler, a new consumer built from `options` on which the handler takes every topic.
 */
export function consumerFor<T>(
  target: Consumer | MessageHandler<T> | undefined,
  options: ConsumerOptions & SubscribeOptions = {},
): Consumer {
  if (target === undefined) return getDefaultConsumer();
  if (typeof target !== "function") return target;

  const consumer = new Consumer(options);
  consumer.subscribe("*", target, { consumer: options.consumer });
  return consumer;
}
