/**
 * One timer for every deadline of the service: delayed messages becoming visible, leases
 * running out, messages and idempotency keys expiring. Deadlines sit in a min-heap; the timer
 * sleeps until the earliest one. Stale entries (a lease that was extended or acknowledged since)
 * are left in the heap and ignored when they come up, which keeps every change O(log n).
 *
 * Every API call runs the due events first (`runDue`), so the store is always exact with respect
 * to the clock, even when an injected test clock jumps ahead of the real timer.
 */
import { MinHeap } from "./min-heap.js";

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

/**
 * What runs when an event is due. Handlers are shared functions that get their subject (and a
 * number, e.g. a version) from the event, so scheduling allocates no closure per message.
 */
export type EventHandler<T> = (subject: T, tag: number) => void;

interface ScheduledEvent {
  readonly at: number;
  readonly order: number;
  readonly fire: EventHandler<never>;
  readonly subject: unknown;
  readonly tag: number;
}

export interface SchedulerOptions {
  now: Clock;
  /** Longest real sleep between two checks, so a jumping test clock is noticed. */
  maxSleepMs: number;
  /** Called after due events ran from the timer (not from `runDue` inside a request). */
  onTimerRun?: () => void;
}

export class Scheduler {
  private readonly heap = new MinHeap<ScheduledEvent>(
    (a, b) => a.at < b.at || (a.at === b.at && a.order < b.order),
  );
  private readonly options: SchedulerOptions;
  private order = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(options: SchedulerOptions) {
    this.options = options;
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Runs `fire(subject, tag)` once the clock reaches `at` (milliseconds since the epoch). */
  at<T>(at: number, fire: EventHandler<T>, subject: T, tag = 0): void {
    this.heap.push({ at, order: this.order++, fire, subject, tag });
    if (at < this.timerAt) this.arm();
  }

  /** Runs every event whose time has come. */
  runDue(): void {
    const now = this.options.now();

    for (let next = this.heap.peek(); next !== undefined && next.at <= now; ) {
      this.heap.pop();
      (next.fire as EventHandler<unknown>)(next.subject, next.tag);
      next = this.heap.peek();
    }
  }

  close(): void {
    this.closed = true;
    this.disarm();
    this.heap.clear();
  }

  private arm(): void {
    if (this.closed) return;
    this.disarm();

    const next = this.heap.peek();
    if (next === undefined) return;

    const delay = Math.min(Math.max(0, next.at - this.options.now()), this.options.maxSleepMs);
    this.timerAt = next.at;
    this.timer = setTimeout(() => this.onTimer(), delay);
    // The HTTP server keeps the process alive; the timer alone must not.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.runDue();
    this.options.onTimerRun?.();
    this.arm();
  }
}
