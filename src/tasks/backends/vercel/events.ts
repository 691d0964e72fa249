/**
 * Events of task deliveries: what the callback handler and the task worker report besides the
 * lifecycle events (`taskEnqueued`, `taskStarted`, `taskFinished`) and the consumer layer's
 * events, which the same `onEvent` listener also receives. Every event that means something
 * went wrong is also written to the backend's logger as a warning.
 */

import type { ConsumerEvent, MessageRef } from "../../../consumer/index.js";
import type { Logger } from "../../../queue/types.js";

/** Events about task messages, as delivered to a callback handler or a task worker. */
export type TaskDeliveryEvent =
  /** Not a task envelope (or a version this code cannot read): acknowledged, never run. */
  | (MessageRef & { type: "task.poison_message"; problem: string })
  /**
   * A task envelope this handler must not run: its topic is not in the backend's `queues`
   * (recorded FAILED), or it was enqueued by another backend alias (not recorded). Acknowledged.
   */
  | (MessageRef & {
      type: "task.refused";
      resultId: string;
      reason: "queue_not_allowed" | "other_backend";
      problem: string;
    })
  /** Delivered before its `runAfter`: pushed back without counting an attempt. */
  | (MessageRef & { type: "task.deferred"; resultId: string; runAfter: Date; delaySeconds: number })
  /** The result is already SUCCESSFUL or FAILED: acknowledged without running again. */
  | (MessageRef & { type: "task.already_finished"; resultId: string; status: string })
  /** Another message with the same result id is running it now: pushed back. */
  | (MessageRef & { type: "task.busy"; resultId: string; delaySeconds: number })
  /** The envelope names a task this handler was not given: recorded as a failed attempt. */
  | (MessageRef & { type: "task.unknown_task"; resultId: string; taskName: string })
  /**
   * An attempt finished after a newer attempt had taken over (its lease was lost): its outcome
   * was dropped, so that it cannot overwrite the newer one.
   */
  | (MessageRef & { type: "task.stale_attempt"; resultId: string })
  /** The message expires before the task could start or run again: recorded FAILED. */
  | (MessageRef & { type: "task.expiring"; resultId: string; problem: string });

/** Everything a task handler's `onEvent` listener receives. */
export type TaskHandlerEvent = TaskDeliveryEvent | ConsumerEvent;

/** Where a delivery reports to. */
export interface TaskReporter {
  logger: Logger;
  onEvent?: (event: TaskHandlerEvent) => void;
}

/** Calls the listener, logging (never rethrowing) what it throws. */
export function report(reporter: TaskReporter, event: TaskHandlerEvent): void {
  if (reporter.onEvent === undefined) {
    return;
  }

  try {
    reporter.onEvent(event);
  } catch (error) {
    reporter.logger.error?.(`vercel-workers: onEvent listener threw on ${event.type}`, error);
  }
}
