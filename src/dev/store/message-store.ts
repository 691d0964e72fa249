/**
 * The in-memory state of the local Queue Service and every rule of the Queue Service API v3
 * that is not HTTP: fan-out to consumer groups, delays, retention, idempotency keys, leases with
 * receipt handles, delivery counts. Inputs are already validated by the HTTP layer; outcomes are
 * returned as small tagged results that the HTTP layer maps to status codes.
 *
 * Invariants:
 * - a message is in its topic's log once it is visible (its delay passed), never before;
 * - a (message, group) pair has at most one Delivery, and only after the group touched it;
 * - every lease end is a scheduler event tagged with the Delivery's version; any change to the
 *   Delivery bumps the version, which turns the old event into a no-op.
 */
import { randomBytes } from "node:crypto";
import { MAX_IDEMPOTENCY_WINDOW_SECONDS } from "../limits.js";
import { ConsumerGroup, type CursorFallback } from "./consumer-group.js";
import { PayloadArena } from "./payload-arena.js";
import { parseReceiptHandle } from "./receipt-handle.js";
import { type Delivery, EMPTY_PAYLOAD, newDelivery, type StoredMessage } from "./records.js";
import { type Clock, Scheduler } from "./scheduler.js";
import { Topic } from "./topic.js";

/** What the store tells the push dispatcher. */
export interface StoreListener {
  /** A topic came into existence (first send or receive). */
  topicCreated(topic: Topic): void;
  /** Messages may have become receivable in `topic` (for every group, or only `group`). */
  messagesVisible(topic: Topic, group?: ConsumerGroup): void;
}

export interface SendInput {
  topic: string;
  payload: Buffer;
  contentType: string;
  retentionSeconds: number;
  delaySeconds: number;
  idempotencyKey: string | undefined;
  deploymentId: string | undefined;
}

export interface SendOutcome {
  messageId: string;
  /** True when the idempotency key was seen within its window; nothing new is delivered. */
  duplicate: boolean;
}

export type ClaimOutcome =
  | { kind: "leased"; delivery: Delivery }
  | { kind: "not_found" }
  | { kind: "duplicate"; originalMessageId: string }
  | { kind: "locked"; retryAfterSeconds: number }
  | { kind: "delayed"; retryAfterSeconds: number }
  | { kind: "acked" };

export type LeaseOutcome =
  | { kind: "ok" }
  | { kind: "not_found" }
  | { kind: "superseded" }
  | { kind: "expired" }
  | { kind: "acked" }
  | { kind: "beyond_expiry"; messageExpiresAt: number; requestedExpiresAt: number };

export interface MessageStoreOptions {
  now: Clock;
  /** What a duplicate send answers: the first message's id, or a new id of its own. */
  duplicateIds: "original" | "new";
  /** Longest real sleep of the scheduler timer. */
  maxSchedulerSleepMs: number;
}

export interface StoreCounts {
  topics: number;
  consumerGroups: number;
  /** Messages that exist (delayed or visible, not yet expired). */
  messages: number;
  /** Messages whose delay has not passed yet. */
  delayed: number;
  /** Leases currently held, over all groups. */
  leased: number;
  scheduledEvents: number;
}

export class MessageStore {
  readonly scheduler: Scheduler;
  /** Where the HTTP layer copies payloads before handing them to `send`. */
  readonly payloads = new PayloadArena();
  private readonly topics = new Map<string, Topic>();
  private readonly options: MessageStoreOptions;
  private readonly idPrefix = randomBytes(3).toString("hex");
  private listener: StoreListener | undefined;
  private messageSeq = 0;
  private leaseSeq = 0;

  constructor(options: MessageStoreOptions) {
    this.options = options;
    this.scheduler = new Scheduler({
      now: options.now,
      maxSleepMs: options.maxSchedulerSleepMs,
    });
  }

  get now(): number {
    return this.options.now();
  }

  setListener(listener: StoreListener): void {
    this.listener = listener;
  }

  /** Applies every deadline that has passed; call before serving a request. */
  catchUp(): void {
    this.scheduler.runDue();
  }

  close(): void {
    this.scheduler.close();
    this.topics.clear();
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  /** The topic, created empty when it does not exist yet. */
  topic(name: string): Topic {
    let topic = this.topics.get(name);
    if (topic !== undefined) return topic;

    topic = new Topic(name);
    this.topics.set(name, topic);
    this.listener?.topicCreated(topic);
    return topic;
  }

  /** The consumer group, created (reading from `fallback`) when it does not exist yet. */
  group(topicName: string, groupName: string, fallback: CursorFallback = "earliest") {
    const topic = this.topic(topicName);
    let group = topic.groups.get(groupName);
    if (group === undefined) {
      group = new ConsumerGroup(topic, groupName, fallback);
      topic.groups.set(groupName, group);
    }
    return group;
  }

  send(input: SendInput): SendOutcome {
    const topic = this.topic(input.topic);
    const now = this.now;

    const duplicateOf = this.idempotentOriginal(topic, input.idempotencyKey, now);
    if (duplicateOf !== undefined) return this.recordDuplicate(topic, duplicateOf, input, now);

    const message = this.createMessage(topic, input, now);
    if (input.idempotencyKey !== undefined) {
      this.rememberIdempotencyKey(topic, input.idempotencyKey, message, input.retentionSeconds);
    }
    return { messageId: message.id, duplicate: false };
  }

  /** Leases up to `max` visible messages to the group. */
  receive(
    topicName: string,
    groupName: string,
    max: number,
    visibilitySeconds: number,
    fallback: CursorFallback,
  ): Delivery[] {
    const group = this.group(topicName, groupName, fallback);
    const leased: Delivery[] = [];

    while (leased.length < max) {
      const delivery = group.nextVisible();
      if (delivery === undefined) break;

      this.lease(delivery, visibilitySeconds);
      leased.push(delivery);
    }
    return leased;
  }

  /** Leases one message by id to the group, when its state allows it. */
  claim(
    topicName: string,
    groupName: string,
    messageId: string,
    visibilitySeconds: number,
  ): ClaimOutcome {
    const topic = this.topics.get(topicName);
    const message = topic?.messages.get(messageId);
    if (topic === undefined || message === undefined) {
      const original = topic?.duplicates.get(messageId);
      return original === undefined
        ? { kind: "not_found" }
        : { kind: "duplicate", originalMessageId: original };
    }

    const now = this.now;
    if (message.state === "delayed") {
      return { kind: "delayed", retryAfterSeconds: secondsUntil(message.visibleAt, now) };
    }

    const group = this.group(topicName, groupName);
    let delivery = group.deliveries.get(messageId);
    if (delivery === undefined) {
      delivery = newDelivery(message, group);
      group.deliveries.set(messageId, delivery);
    }

    if (delivery.state === "acked") return { kind: "acked" };
    if (delivery.state === "leased" && delivery.deadline > now) {
      return { kind: "locked", retryAfterSeconds: secondsUntil(delivery.deadline, now) };
    }

    this.lease(delivery, visibilitySeconds);
    return { kind: "leased", delivery };
  }

  /** Acknowledges the lease a receipt handle names: the message is done for that group. */
  ack(topicName: string, groupName: string, handle: string): LeaseOutcome {
    const found = this.findLease(topicName, groupName, handle);
    if (found.kind !== "found") return found;

    const delivery = found.delivery;
    delivery.state = "acked";
    delivery.version++;
    return { kind: "ok" };
  }

  /**
   * Makes the message invisible to the group for `seconds` from now, under the same receipt
   * handle: extends a lease, or with 0 gives the message back at once.
   */
  changeVisibility(
    topicName: string,
    groupName: string,
    handle: string,
    seconds: number,
  ): LeaseOutcome {
    const found = this.findLease(topicName, groupName, handle);
    if (found.kind !== "found") return found;

    const delivery = found.delivery;
    const requested = this.now + seconds * 1000;
    if (requested > delivery.message.expiresAt) {
      return {
        kind: "beyond_expiry",
        messageExpiresAt: delivery.message.expiresAt,
        requestedExpiresAt: requested,
      };
    }

    this.setDeadline(delivery, "leased", requested);
    return { kind: "ok" };
  }

  /**
   * Hands the group's next visible message to a push subscription: leased when its payload
   * goes inline, held for a claim by id when only its metadata goes.
   */
  leaseForPush(group: ConsumerGroup, policy: PushLeasePolicy): Delivery | undefined {
    const now = this.now;

    for (let delivery = group.nextVisible(); delivery !== undefined; ) {
      if (Math.max(delivery.deliveryCount, delivery.pushAttempts) >= policy.maxDeliveries) {
        policy.onDrop(delivery);
        delivery.state = "acked";
        delivery.version++;
      } else if (this.beforeInitialDelay(delivery, policy, now)) {
        const until = delivery.message.createdAt + policy.initialDelaySeconds * 1000;
        this.setDeadline(delivery, "held", until);
      } else {
        delivery.pushAttempts++;
        if (delivery.message.payload.length > policy.inlineThresholdBytes) {
          this.setDeadline(delivery, "held", now + policy.visibilitySeconds * 1000);
        } else {
          this.lease(delivery, policy.visibilitySeconds);
        }
        return delivery;
      }
      delivery = group.nextVisible();
    }
    return undefined;
  }

  /**
   * Applies a failed push: the message stays invisible until its lease ends, but at least
   * `retryAfterSeconds` after the failure. Does nothing when the consumer changed the lease
   * meanwhile (acknowledged it, extended it, gave it back).
   */
  pushFailed(delivery: Delivery, version: number, retryAfterSeconds: number): void {
    if (delivery.version !== version || delivery.message.state === "expired") return;
    if (delivery.state !== "leased" && delivery.state !== "held") return;

    const earliest = this.now + retryAfterSeconds * 1000;
    if (earliest > delivery.deadline) this.setDeadline(delivery, delivery.state, earliest);
  }

  counts(): StoreCounts {
    const counts: StoreCounts = {
      topics: this.topics.size,
      consumerGroups: 0,
      messages: 0,
      delayed: 0,
      leased: 0,
      scheduledEvents: this.scheduler.pending,
    };
    const now = this.now;

    for (const topic of this.topics.values()) {
      counts.consumerGroups += topic.groups.size;
      counts.messages += topic.messages.size;
      for (const message of topic.messages.values()) {
        if (message.state === "delayed") counts.delayed++;
      }
      for (const group of topic.groups.values()) {
        for (const delivery of group.deliveries.values()) {
          if (delivery.state === "leased" && delivery.deadline > now) counts.leased++;
        }
      }
    }
    return counts;
  }

  private nextMessageId(): string {
    this.messageSeq++;
    return `${this.idPrefix}-${this.messageSeq}`;
  }

  private createMessage(topic: Topic, input: SendInput, now: number): StoredMessage {
    const visibleAt = now + input.delaySeconds * 1000;
    const message: StoredMessage = {
      id: this.nextMessageId(),
      seq: this.messageSeq,
      topic: topic.name,
      payload: input.payload,
      contentType: input.contentType,
      createdAt: now,
      visibleAt,
      expiresAt: now + input.retentionSeconds * 1000,
      deploymentId: input.deploymentId,
      state: "delayed",
    };
    topic.messages.set(message.id, message);
    this.scheduler.at(message.expiresAt, this.expire, message);

    if (input.delaySeconds > 0) {
      this.scheduler.at(visibleAt, this.makeAvailable, message);
    } else {
      this.makeAvailable(message);
    }
    return message;
  }

  private readonly makeAvailable = (message: StoredMessage): void => {
    const topic = this.topics.get(message.topic);
    if (message.state !== "delayed" || topic === undefined) return;

    message.state = "available";
    topic.append(message);
    this.listener?.messagesVisible(topic);
  };

  private readonly expire = (message: StoredMessage): void => {
    const topic = this.topics.get(message.topic);
    message.state = "expired";
    message.payload = EMPTY_PAYLOAD;
    if (topic === undefined) return;

    topic.messages.delete(message.id);
    for (const group of topic.groups.values()) group.deliveries.delete(message.id);
    topic.trimExpiredHead();
  };

  private idempotentOriginal(topic: Topic, key: string | undefined, now: number) {
    if (key === undefined) return undefined;

    const record = topic.idempotency.get(key);
    return record !== undefined && record.until > now ? record.messageId : undefined;
  }

  private rememberIdempotencyKey(
    topic: Topic,
    key: string,
    message: StoredMessage,
    retentionSeconds: number,
  ): void {
    const windowSeconds = Math.min(retentionSeconds, MAX_IDEMPOTENCY_WINDOW_SECONDS);
    const record = { messageId: message.id, until: message.createdAt + windowSeconds * 1000 };
    topic.idempotency.set(key, record);

    this.scheduler.at(
      record.until,
      () => {
        if (topic.idempotency.get(key) === record) topic.idempotency.delete(key);
      },
      undefined,
    );
  }

  private recordDuplicate(
    topic: Topic,
    originalId: string,
    input: SendInput,
    now: number,
  ): SendOutcome {
    if (this.options.duplicateIds === "original") {
      return { messageId: originalId, duplicate: true };
    }

    const duplicateId = this.nextMessageId();
    topic.duplicates.set(duplicateId, originalId);
    this.scheduler.at(
      now + input.retentionSeconds * 1000,
      () => {
        topic.duplicates.delete(duplicateId);
      },
      undefined,
    );
    return { messageId: duplicateId, duplicate: true };
  }

  private lease(delivery: Delivery, visibilitySeconds: number): void {
    if (delivery.leaseSeq !== 0) {
      delivery.pastLeases ??= [];
      delivery.pastLeases.push(delivery.leaseSeq);
    }
    delivery.leaseSeq = ++this.leaseSeq;
    delivery.deliveryCount++;
    this.setDeadline(delivery, "leased", this.now + visibilitySeconds * 1000);
  }

  /** Moves a delivery to `leased` or `held` until `deadline`, scheduling its return. */
  private setDeadline(delivery: Delivery, state: "leased" | "held", deadline: number): void {
    delivery.state = state;
    delivery.deadline = deadline;
    const version = ++delivery.version;

    // Even a deadline of "now" goes through the scheduler, so a receive that leases with a
    // visibility of 0 does not get the same message back within the same response.
    this.scheduler.at(deadline, this.endLease, delivery, version);
  }

  /** A lease or hold ran out; `version` tells whether it is still the current one. */
  private readonly endLease = (delivery: Delivery, version: number): void => {
    if (delivery.version !== version || delivery.message.state === "expired") return;
    if (delivery.state !== "leased" && delivery.state !== "held") return;

    const group = delivery.group;
    delivery.state = "visible";
    delivery.version++;
    group.makeReady(delivery);
    this.listener?.messagesVisible(group.topic, group);
  };

  private findLease(
    topicName: string,
    groupName: string,
    handle: string,
  ): { kind: "found"; delivery: Delivery } | LeaseOutcome {
    const parsed = parseReceiptHandle(handle);
    const group = this.topics.get(topicName)?.groups.get(groupName);
    const delivery = parsed === undefined ? undefined : group?.deliveries.get(parsed.messageId);
    if (parsed === undefined || group === undefined || delivery === undefined) {
      return { kind: "not_found" };
    }

    if (delivery.leaseSeq !== parsed.leaseSeq) {
      const known = delivery.pastLeases?.includes(parsed.leaseSeq) === true;
      if (!known) return { kind: "not_found" };
      return delivery.state === "acked" ? { kind: "acked" } : { kind: "superseded" };
    }

    if (delivery.state === "acked") return { kind: "acked" };
    if (delivery.state !== "leased" || delivery.deadline <= this.now) return { kind: "expired" };
    return { kind: "found", delivery };
  }

  private beforeInitialDelay(delivery: Delivery, policy: PushLeasePolicy, now: number): boolean {
    if (policy.initialDelaySeconds <= 0 || delivery.pushAttempts > 0) return false;
    return delivery.message.createdAt + policy.initialDelaySeconds * 1000 > now;
  }
}

/** How a push subscription leases messages; see `Subscription`. */
export interface PushLeasePolicy {
  visibilitySeconds: number;
  inlineThresholdBytes: number;
  maxDeliveries: number;
  initialDelaySeconds: number;
  /** Told about a message dropped because it reached `maxDeliveries`. */
  onDrop(delivery: Delivery): void;
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
