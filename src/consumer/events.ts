/**
 * Typed events of the consumer layer and their emission. Listeners are the app's (metrics,
 * tracing); a listener that throws must never break message processing.
 */

import type { Logger } from "../queue/types.js";

/** Identifies the message an event is about. */
export interface MessageRef {
  messageId: string;
  topic: string;
  consumerGroup: string;
}

/** Everything the consumer layer reports through `onEvent`. */
export type ConsumerEvent =
  /** Deleted: the handler returned, returned/threw `ack()`, or the payload was unreadable. */
  | (MessageRef & {
      type: "message.acknowledged";
      reason: "success" | "ack_directive" | "invalid_payload";
    })
  /** Visibility changed so that the message comes back after `delaySeconds`. */
  | (MessageRef & {
      type: "message.rescheduled";
      reason: "retry_after" | "handler_error";
      delaySeconds: number;
    })
  /** Made visible at once because a worker shut down before the handler finished. */
  | (MessageRef & { type: "message.released" })
  /** Nothing done: the message was claimed elsewhere, already processed, or its lease lost. */
  | (MessageRef & {
      type: "message.skipped";
      reason: "not_available" | "already_processed" | "lease_lost";
    })
  /** The payload claims a JSON content type but does not parse; it is acknowledged. */
  | (MessageRef & { type: "message.poison"; error: unknown; body: Uint8Array })
  /** The handler threw something that is not a directive. */
  | (MessageRef & { type: "handler.failed"; error: unknown; deliveryCount: number })
  | (MessageRef & { type: "lease.renewed"; deadline: Date })
  /** A renewal failed; `willRetry` tells whether another attempt follows. */
  | (MessageRef & { type: "lease.renewal_failed"; error: unknown; willRetry: boolean })
  | (MessageRef & { type: "lease.lost"; error: unknown })
  /** A polling worker's receive failed; it backs off and tries again. */
  | { type: "worker.receive_failed"; topic: string; consumerGroup: string; error: unknown };

/** Type of the `type` field of {@link ConsumerEvent}. */
export type ConsumerEventType = ConsumerEvent["type"];

/** Where events and log lines go; both optional, both silent by default. */
export interface Reporter {
  logger?: Logger;
  onEvent?: (event: ConsumerEvent) => void;
}

/**
 * Calls the listener with the event `build` returns, reporting (never rethrowing) what it
 * throws. The event is only built when someone listens: this runs several times per message.
 */
export function emit(reporter: Reporter, build: () => ConsumerEvent): void {
  if (reporter.onEvent === undefined) return;

  const event = build();
  try {
    reporter.onEvent(event);
  } catch (error) {
    reporter.logger?.error?.(`vercel-workers: onEvent listener threw on ${event.type}`, error);
  }
}
