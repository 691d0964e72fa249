/**
 * Push delivery. For each subscription and each matching topic the dispatcher leases the next
 * visible message under the subscription's consumer group and POSTs it as a v2beta CloudEvent,
 * keeping at most `maxConcurrency` pushes in flight per subscription.
 *
 * Nothing polls: the store tells the dispatcher when messages may have become visible (a send,
 * a delay or lease that ended), and the dispatcher fills the free slots of the subscriptions
 * concerned on the next turn of the event loop. A failed push changes nothing but the optional
 * retry floor: the message comes back when its lease ends, or sooner only if the consumer gave
 * it back with a visibility change, as with the hosted service.
 */
import { setMaxListeners } from "node:events";
import { InvalidSubscriptionError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ConsumerGroup } from "../store/consumer-group.js";
import type { MessageStore, PushLeasePolicy, StoreListener } from "../store/message-store.js";
import type { Delivery } from "../store/records.js";
import type { Topic } from "../store/topic.js";
import { cloudEventHeaders } from "./cloud-event.js";
import { createPushAgents, destroyPushAgents, postPush } from "./post.js";
import {
  type ResolvedSubscription,
  resolveSubscription,
  type Subscription,
  type SubscriptionDefaults,
  topicMatches,
} from "./subscription.js";

export interface DispatcherOptions extends SubscriptionDefaults {
  region: string;
  inlineThresholdBytes: number;
  pushTimeoutMs: number;
  logger: Logger;
}

/** Counters of one subscription, as `stats()` reports them. */
export interface SubscriptionStats {
  topic: string;
  consumerGroup: string;
  url: string;
  inFlight: number;
  delivered: number;
  failed: number;
  dropped: number;
}

class ActiveSubscription {
  readonly config: ResolvedSubscription;
  readonly policy: PushLeasePolicy;
  readonly url: URL;
  readonly groups: ConsumerGroup[] = [];
  inFlight = 0;
  delivered = 0;
  failed = 0;
  dropped = 0;
  removed = false;
  private turn = 0;

  constructor(config: ResolvedSubscription, policy: PushLeasePolicy) {
    this.config = config;
    this.policy = policy;
    this.url = new URL(config.url);
  }

  /** Groups in turn, starting after the one served last, so no topic starves the others. */
  *groupsInTurn(): Generator<ConsumerGroup> {
    const count = this.groups.length;
    // Fixed before the loop: `turn` moves with each group visited, and offsetting from the
    // moved value would visit some groups twice and skip others (a message left unpushed).
    const start = this.turn;
    for (let i = 0; i < count; i++) {
      const index = (start + i) % count;
      this.turn = index + 1;
      yield this.groups[index] as ConsumerGroup;
    }
  }
}

export class PushDispatcher implements StoreListener {
  private readonly store: MessageStore;
  private readonly options: DispatcherOptions;
  private readonly subscriptions = new Map<string, ActiveSubscription>();
  private readonly byTopic = new Map<string, ActiveSubscription[]>();
  private readonly dirty = new Set<ActiveSubscription>();
  private readonly agents = createPushAgents();
  private readonly abort = sharedAbortController();
  private pumpScheduled = false;
  private closed = false;

  constructor(store: MessageStore, options: DispatcherOptions) {
    this.store = store;
    this.options = options;
  }

  add(subscription: Subscription): ResolvedSubscription {
    const config = resolveSubscription(subscription, this.options);
    const key = subscriptionKey(config.topic, config.consumerGroup);
    if (this.subscriptions.has(key)) {
      throw duplicate(config);
    }

    const active = new ActiveSubscription(config, this.leasePolicy(config));
    this.subscriptions.set(key, active);
    for (const name of this.store.topicNames()) {
      if (topicMatches(config.topic, name)) this.attach(active, this.store.topic(name));
    }
    this.markDirty(active);
    return config;
  }

  remove(topic: string, consumerGroup: string): boolean {
    const key = subscriptionKey(topic, consumerGroup);
    const active = this.subscriptions.get(key);
    if (active === undefined) return false;

    active.removed = true;
    this.subscriptions.delete(key);
    for (const [name, list] of this.byTopic) {
      const rest = list.filter((entry) => entry !== active);
      if (rest.length === 0) this.byTopic.delete(name);
      else this.byTopic.set(name, rest);
    }
    return true;
  }

  list(): ResolvedSubscription[] {
    return [...this.subscriptions.values()].map((active) => active.config);
  }

  stats(): SubscriptionStats[] {
    return [...this.subscriptions.values()].map((active) => ({
      topic: active.config.topic,
      consumerGroup: active.config.consumerGroup,
      url: active.config.url,
      inFlight: active.inFlight,
      delivered: active.delivered,
      failed: active.failed,
      dropped: active.dropped,
    }));
  }

  topicCreated(topic: Topic): void {
    for (const active of this.subscriptions.values()) {
      if (topicMatches(active.config.topic, topic.name)) this.attach(active, topic);
    }
  }

  messagesVisible(topic: Topic, group?: ConsumerGroup): void {
    const list = this.byTopic.get(topic.name);
    if (list === undefined) return;

    for (const active of list) {
      if (group === undefined || active.config.consumerGroup === group.name) {
        this.markDirty(active);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    destroyPushAgents(this.agents);
    this.dirty.clear();
  }

  private attach(active: ActiveSubscription, topic: Topic): void {
    active.groups.push(this.store.group(topic.name, active.config.consumerGroup));

    const list = this.byTopic.get(topic.name) ?? [];
    list.push(active);
    this.byTopic.set(topic.name, list);
    this.markDirty(active);
  }

  private markDirty(active: ActiveSubscription): void {
    if (this.closed || active.removed) return;

    this.dirty.add(active);
    if (this.pumpScheduled) return;

    this.pumpScheduled = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    this.pumpScheduled = false;
    if (this.closed) return;

    this.store.catchUp();
    const work = [...this.dirty];
    this.dirty.clear();
    for (const active of work) this.fill(active);
  }

  /** Starts pushes until the subscription's slots are full or nothing is visible. */
  private fill(active: ActiveSubscription): void {
    while (!active.removed && active.inFlight < active.config.maxConcurrency) {
      const delivery = this.nextDelivery(active);
      if (delivery === undefined) return;

      active.inFlight++;
      void this.push(active, delivery);
    }
  }

  private nextDelivery(active: ActiveSubscription): Delivery | undefined {
    for (const group of active.groupsInTurn()) {
      const delivery = this.store.leaseForPush(group, active.policy);
      if (delivery !== undefined) return delivery;
    }
    return undefined;
  }

  private async push(active: ActiveSubscription, delivery: Delivery): Promise<void> {
    const group = delivery.group;
    const inline = delivery.state === "leased";
    const version = delivery.version;
    const headers = cloudEventHeaders(
      delivery,
      {
        topic: group.topic.name,
        consumerGroup: group.name,
        region: this.options.region,
        now: this.store.now,
      },
      inline,
    );
    const body = inline ? delivery.message.payload : Buffer.alloc(0);

    const failure = await this.post(active, headers, body);
    if (failure === undefined) {
      active.delivered++;
      this.log("debug", "pushed", active, delivery, inline ? "inline" : "metadata-only");
    } else if (!this.closed) {
      active.failed++;
      this.store.pushFailed(delivery, version, active.config.retryAfterSeconds);
      this.log("warn", `push failed (${failure}); retried when its lease ends`, active, delivery);
    }

    active.inFlight--;
    this.markDirty(active);
  }

  /** `undefined` for a 2xx answer, otherwise why the push failed. */
  private async post(
    active: ActiveSubscription,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<string | undefined> {
    try {
      const status = await postPush({
        url: active.url,
        headers,
        body,
        timeoutMs: this.options.pushTimeoutMs,
        agents: this.agents,
        signal: this.abort.signal,
      });
      return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
    } catch (error) {
      return (error as Error).message ?? String(error);
    }
  }

  private leasePolicy(config: ResolvedSubscription): PushLeasePolicy {
    return {
      visibilitySeconds: config.visibilityTimeoutSeconds,
      inlineThresholdBytes: this.options.inlineThresholdBytes,
      maxDeliveries: config.maxDeliveries,
      initialDelaySeconds: config.initialDelaySeconds,
      onDrop: (delivery) => {
        const active = this.subscriptions.get(subscriptionKey(config.topic, config.consumerGroup));
        if (active !== undefined) active.dropped++;
        this.options.logger.warn?.(
          `[queue-service] dropped message ${delivery.message.id} of topic ` +
            `${delivery.message.topic} for group ${config.consumerGroup} after ` +
            `${config.maxDeliveries} deliveries without an acknowledgement`,
        );
      },
    };
  }

  private log(
    level: "debug" | "warn",
    what: string,
    active: ActiveSubscription,
    delivery: Delivery,
    detail = "",
  ): void {
    const message = delivery.message;
    this.options.logger[level]?.(
      `[queue-service] ${what}: message ${message.id} of topic ${message.topic} to ` +
        `${active.config.url} (group ${active.config.consumerGroup}, delivery ` +
        `${Math.max(delivery.deliveryCount, delivery.pushAttempts)})${detail ? ` ${detail}` : ""}`,
    );
  }
}

function subscriptionKey(topic: string, consumerGroup: string): string {
  return `${topic}\u0000${consumerGroup}`;
}

function duplicate(config: ResolvedSubscription): InvalidSubscriptionError {
  return new InvalidSubscriptionError(
    `topic "${config.topic}" is already pushed to consumer group "${config.consumerGroup}"; ` +
      "remove that subscription first or use another consumer group",
  );
}

/**
 * One controller aborts every push in flight when the service closes. Each push adds a listener
 * to its signal, so the default cap of 10 listeners would print a MaxListenersExceededWarning
 * on stderr as soon as more than 10 pushes run at once; the cap is lifted for this signal only.
 */
function sharedAbortController(): AbortController {
  const controller = new AbortController();

  setMaxListeners(0, controller.signal);
  return controller;
}
