/**
 * Directives: small typed signals a handler returns or throws to steer its message. Returning
 * plain data acknowledges the message; a directive asks for something else. They are `Error`
 * subclasses so that throwing one from deep inside a handler keeps a stack trace.
 *
 * Who owns the message afterwards:
 * - {@link Ack}: nobody; it is deleted and never delivered again.
 * - {@link RetryAfter}: the queue; it becomes visible again after the delay and is delivered
 *   with a higher delivery count.
 */

const DIRECTIVE_BRAND = Symbol.for("vercel-workers.Directive");

/** Acknowledge (delete) the message without treating the delivery as a failure. */
export class Ack extends Error {
  readonly code = "ack";
  /** Why the message was acknowledged, for logs and events. */
  readonly reason: string | undefined;

  constructor(reason?: string) {
    super(reason === undefined ? "Acknowledge the message" : `Acknowledge: ${reason}`);
    this.name = "Ack";
    this.reason = reason;
  }
}

/**
 * Deliver the message again after `seconds`, via a visibility change of the current lease. The
 * delay is rounded up to whole seconds, clamped to 0…3600 (the service's lease bound; a longer
 * wait needs another push-back on the next delivery) and to the message's expiry.
 */
export class RetryAfter extends Error {
  readonly code = "retry_after";
  /** Requested delay in seconds, as given (negative becomes 0). */
  readonly seconds: number;
  /** Why the message was pushed back, for logs and events. */
  readonly reason: string | undefined;

  constructor(seconds: number, reason?: string) {
    super(`Retry after ${seconds} s${reason === undefined ? "" : `: ${reason}`}`);
    this.name = "RetryAfter";
    this.seconds = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
    this.reason = reason;
  }
}

for (const directive of [Ack, RetryAfter]) {
  Object.defineProperty(directive.prototype, DIRECTIVE_BRAND, { value: true });
}

/** A directive, returned or thrown by a handler. */
export type Directive = Ack | RetryAfter;

/**
 * Returns an {@link Ack}: acknowledge the message and run nothing further.
 * @example
 * subscribe("orders", (order) => (order.cancelled ? ack("cancelled") : ship(order)));
 */
export function ack(reason?: string): Ack {
  return new Ack(reason);
}

/**
 * Returns a {@link RetryAfter}: deliver the message again in `seconds`.
 * @example
 * if (!inventoryReady) throw retryAfter(30, "inventory not synced");
 */
export function retryAfter(seconds: number, reason?: string): RetryAfter {
  return new RetryAfter(seconds, reason);
}

/** Whether `value` is a directive from any copy of this library in the process. */
export function isDirective(value: unknown): value is Directive {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DIRECTIVE_BRAND] === true
  );
}

/** Whether `value` is an {@link Ack} (brand and code checked, not `instanceof`). */
export function isAck(value: unknown): value is Ack {
  return isDirective(value) && value.code === "ack";
}

/** Whether `value` is a {@link RetryAfter} (brand and code checked, not `instanceof`). */
export function isRetryAfter(value: unknown): value is RetryAfter {
  return isDirective(value) && value.code === "retry_after";
}
