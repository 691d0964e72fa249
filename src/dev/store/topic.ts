/**
 * A topic: its messages, in the order they became visible (the log every consumer group reads
 * with its own cursor), its consumer groups, and its idempotency keys.
 */
import type { ConsumerGroup } from "./consumer-group.js";
import type { StoredMessage } from "./records.js";

/** First send of an idempotency key, remembered until the key's window closes. */
export interface IdempotencyRecord {
  readonly messageId: string;
  readonly until: number;
}

/** Compact the log once this many expired messages sit at its head. */
const COMPACT_AFTER = 1024;

export class Topic {
  readonly name: string;
  /** Messages that exist (delayed or available), by id. */
  readonly messages = new Map<string, StoredMessage>();
  readonly groups = new Map<string, ConsumerGroup>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Ids handed out for duplicate sends (when configured so) and the id they duplicate. */
  readonly duplicates = new Map<string, string>();

  // Positions are absolute: position p lives at log[p - offset]. Cursors stay valid when the
  // expired head of the log is cut off.
  private log: StoredMessage[] = [];
  private head = 0;
  private offset = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Position of the oldest message still in the log. */
  get start(): number {
    return this.offset + this.head;
  }

  /** Position the next visible message will get. */
  get end(): number {
    return this.offset + this.log.length;
  }

  at(position: number): StoredMessage | undefined {
    return this.log[position - this.offset];
  }

  append(message: StoredMessage): void {
    this.log.push(message);
  }

  /** Cuts expired messages off the head of the log so their records can be collected. */
  trimExpiredHead(): void {
    const log = this.log;
    while (this.head < log.length && log[this.head]?.state === "expired") {
      log[this.head] = undefined as unknown as StoredMessage;
      this.head++;
    }

    if (this.head >= COMPACT_AFTER && this.head * 2 >= log.length) {
      this.log = log.slice(this.head);
      this.offset += this.head;
      this.head = 0;
    }
  }
}
