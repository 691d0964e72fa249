/**
 * Lease keep-alive: while a handler runs, renew the message's lease so that no other consumer
 * receives it, and tell the handler (through an `AbortSignal`) when the lease is gone for good.
 *
 * Invariants:
 * - Each renewal PATCHes the full visibility timeout, cut to the message's expiry (the service
 *   refuses a lease past it). Renewals start when the lease has `timeout − interval` left, so a
 *   push delivery whose service-side lease is long is not renewed until it needs to be, and a
 *   quick handler never renews at all.
 * - A transient failure (network, 5xx, 429) is retried with backoff; a definitive answer
 *   (404, 409, 410: unknown, superseded or acknowledged lease) aborts the signal at once.
 * - The deadline is tracked locally from the start of each successful renewal (earlier than
 *   the service's, never later). When it passes without a successful renewal the signal
 *   aborts as well: another consumer may hold the message by then.
 * - `stop()` waits for a renewal in flight, so a renewal can never land after (and undo) the
 *   visibility change that reschedules the message.
 */

import type { QueueClient } from "../queue/client.js";
import { isQueueError } from "../queue/errors.js";
import { LeaseLostError } from "./errors.js";
import { emit, type MessageRef, type Reporter } from "./events.js";
import { resolveLeaseTiming } from "./options.js";
import { LEASE_GONE_CODES } from "./settle.js";
import { backoffMs, clampTimer } from "./timing.js";

/** Clock-skew allowance for a deadline that a push callback announces. */
const ANNOUNCED_DEADLINE_GRACE_MS = 1_000;
const RENEW_RETRY_MIN_MS = 250;

/** The one client call a lease keeper needs. */
export type LeaseClient = Pick<QueueClient, "changeVisibility">;

/** Options of a {@link LeaseKeeper}. */
export interface LeaseKeeperOptions extends Reporter, MessageRef {
  client: LeaseClient;
  receiptHandle: string;
  /** Lease length each renewal asks for, in whole seconds (1…3600). */
  visibilityTimeoutSeconds: number;
  /**
   * Seconds between renewals; below `visibilityTimeoutSeconds`. `0` turns renewals off.
   * @default visibilityTimeoutSeconds / 3
   */
  renewIntervalSeconds?: number;
  /**
   * When the current lease ends (e.g. `ce-vqsvisibilitydeadline` of a push).
   * @default now + visibilityTimeoutSeconds
   */
  leaseDeadline?: Date | null;
  /** When the message expires; renewals never ask for a lease past it. @default unknown */
  expiresAt?: Date | null;
}

/**
 * Keeps one lease alive until stopped.
 * @example
 * const lease = new LeaseKeeper({ client, topic, consumerGroup, messageId, receiptHandle,
 *   visibilityTimeoutSeconds: 60 }).start();
 * try { await work(payload, lease.signal); } finally { await lease.stop(); }
 */
export class LeaseKeeper {
  readonly #options: LeaseKeeperOptions;
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  readonly #intervalMs: number;
  #deadline: number;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #inflight: Promise<void> | undefined;
  #failures = 0;
  #stopped = false;

  constructor(options: LeaseKeeperOptions) {
    const timing = resolveLeaseTiming(options);

    this.#options = options;
    this.#timeoutMs = timing.visibilityTimeoutSeconds * 1000;
    this.#intervalMs = timing.renewIntervalSeconds * 1000;
    this.#deadline = options.leaseDeadline?.getTime() ?? Date.now() + this.#timeoutMs;
  }

  /** Aborts when the lease is lost (reason: `LeaseLostError`) or on {@link abort}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** When the lease ends unless renewed again, as far as this process knows. */
  get deadline(): Date {
    return new Date(this.#deadline);
  }

  /** Starts renewing and watching the deadline. Returns `this`. */
  start(): this {
    const announced = this.#options.leaseDeadline != null;
    const grace = announced ? ANNOUNCED_DEADLINE_GRACE_MS : 0;

    this.#armDeadline(Math.max(this.#deadline, Date.now() + grace));
    if (this.#intervalMs > 0) this.#scheduleRenewal(this.#untilRenewalDue());

    return this;
  }

  /** Stops renewing; resolves once a renewal in flight has finished. Never rejects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#deadlineTimer);

    await this.#inflight;
  }

  /** Stops renewing and aborts the signal with `reason` (e.g. a worker shutting down). */
  abort(reason: unknown): Promise<void> {
    const stopped = this.stop();
    this.#controller.abort(reason);

    return stopped;
  }

  /** Milliseconds until the lease has only `timeout − interval` left. */
  #untilRenewalDue(): number {
    const margin = this.#timeoutMs - this.#intervalMs;
    return Math.max(0, this.#deadline - Date.now() - margin);
  }

  #scheduleRenewal(delayMs: number): void {
    if (this.#stopped) return;

    this.#renewTimer = setTimeout(() => {
      this.#inflight = this.#renew();
    }, clampTimer(delayMs));
  }

  #armDeadline(at: number): void {
    clearTimeout(this.#deadlineTimer);

    this.#deadlineTimer = setTimeout(
      () => {
        const deadline = new Date(this.#deadline).toISOString();
        this.#lose(
          new LeaseLostError(
            `The lease of message "${this.#options.messageId}" ended at ${deadline} without a ` +
              "successful renewal; another consumer may receive the message now.",
            this.#ref(),
          ),
        );
      },
      clampTimer(at - Date.now()),
    );
  }

  async #renew(): Promise<void> {
    const seconds = this.#renewalSeconds();
    // Too close to expiry to extend; the deadline timer reports the end of the lease.
    if (seconds < 1 || this.#stopped) return;

    const { client, topic, consumerGroup, receiptHandle } = this.#options;
    const startedAt = Date.now();

    try {
      await client.changeVisibility(topic, consumerGroup, receiptHandle, seconds);
    } catch (error) {
      this.#onRenewalFailure(error);
      return;
    }

    this.#onRenewalSuccess(startedAt + seconds * 1000);
  }

  #renewalSeconds(): number {
    const expiresAt = this.#options.expiresAt?.getTime();
    const wanted = this.#timeoutMs / 1000;

    if (expiresAt === undefined) return wanted;
    return Math.min(wanted, Math.floor((expiresAt - Date.now()) / 1000));
  }

  #onRenewalSuccess(deadline: number): void {
    this.#failures = 0;
    if (this.#controller.signal.aborted) return;

    this.#deadline = deadline;
    emit(this.#options, () => ({
      type: "lease.renewed",
      ...this.#ref(),
      deadline: new Date(deadline),
    }));

    if (this.#stopped) return;
    this.#armDeadline(deadline);
    this.#scheduleRenewal(this.#untilRenewalDue());
  }

  #onRenewalFailure(error: unknown): void {
    // The handler has finished; what happens to the lease now is the settle step's business.
    if (this.#stopped) return;

    if (isQueueError(error) && LEASE_GONE_CODES.has(error.code)) {
      const message =
        `The service refused to renew the lease of message "${this.#options.messageId}" ` +
        `(${error.code}); another consumer may be processing it.`;

      this.#lose(new LeaseLostError(message, { ...this.#ref(), cause: error }));
      return;
    }

    // Other refusals (400, 401, 403) will not change on retry: stop renewing and let the
    // deadline timer report the loss when the lease runs out.
    const willRetry = !isQueueError(error) || error.retryable;
    this.#failures++;
    emit(this.#options, () => ({ type: "lease.renewal_failed", ...this.#ref(), error, willRetry }));

    if (!willRetry) {
      this.#options.logger?.error?.(
        `vercel-workers: lease renewal of message "${this.#options.messageId}" refused; ` +
          "renewals stop and the lease runs out at its deadline",
        error,
      );
      return;
    }

    this.#options.logger?.debug?.("vercel-workers: lease renewal failed, retrying", error);
    this.#scheduleRenewal(this.#retryDelayMs(error));
  }

  #retryDelayMs(error: unknown): number {
    const delay = backoffMs(this.#failures, RENEW_RETRY_MIN_MS, this.#intervalMs);
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;

    if (typeof retryAfter !== "number") return delay;
    return Math.min(this.#intervalMs, Math.max(delay, retryAfter * 1000));
  }

  #lose(error: LeaseLostError): void {
    if (this.#controller.signal.aborted) return;

    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#deadlineTimer);
    this.#controller.abort(error);

    emit(this.#options, () => ({ type: "lease.lost", ...this.#ref(), error }));
    this.#options.logger?.warn?.(`vercel-workers: ${error.message}`);
  }

  #ref(): MessageRef {
    const { messageId, topic, consumerGroup } = this.#options;
    return { messageId, topic, consumerGroup };
  }
}
