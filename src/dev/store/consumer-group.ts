/**
 * One consumer group of one topic. Every group sees every message of its topic: it reads the
 * topic's log with its own cursor (messages it has never received) and keeps a ready heap of
 * messages it received before whose lease ran out or was given back. Choosing the next message
 * is therefore O(log n), never a scan.
 */
import { MinHeap } from "./min-heap.js";
import { type Delivery, newDelivery } from "./records.js";
import type { Topic } from "./topic.js";

/** Where a new consumer group starts reading: the oldest retained message, or the next one. */
export type CursorFallback = "earliest" | "latest";

export class ConsumerGroup {
  readonly name: string;
  readonly topic: Topic;
  /** This group's state of every message it has received, claimed or been pushed. */
  readonly deliveries = new Map<string, Delivery>();

  private cursor: number;
  private readonly ready = new MinHeap<Delivery>((a, b) => a.message.seq < b.message.seq);

  constructor(topic: Topic, name: string, fallback: CursorFallback) {
    this.topic = topic;
    this.name = name;
    this.cursor = fallback === "latest" ? topic.end : topic.start;
  }

  /** The next message this group may receive, or `undefined` when none is visible. */
  nextVisible(): Delivery | undefined {
    return this.nextRedelivery() ?? this.nextFromLog();
  }

  /** Puts a delivery whose lease or hold ended back in line. */
  makeReady(delivery: Delivery): void {
    if (delivery.inReady) return;

    delivery.inReady = true;
    this.ready.push(delivery);
  }

  private nextRedelivery(): Delivery | undefined {
    for (let next = this.ready.pop(); next !== undefined; next = this.ready.pop()) {
      next.inReady = false;
      const current = this.deliveries.get(next.message.id) === next;
      if (current && next.state === "visible") return next;
    }
    return undefined;
  }

  private nextFromLog(): Delivery | undefined {
    const topic = this.topic;
    if (this.cursor < topic.start) this.cursor = topic.start;

    while (this.cursor < topic.end) {
      const message = topic.at(this.cursor);
      this.cursor++;

      // A message claimed by id before the cursor reached it already has its delivery.
      if (message === undefined || message.state !== "available") continue;
      if (this.deliveries.has(message.id)) continue;

      const delivery = newDelivery(message, this);
      this.deliveries.set(message.id, delivery);
      return delivery;
    }
    return undefined;
  }
}
