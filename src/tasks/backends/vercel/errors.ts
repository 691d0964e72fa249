/**
 * Errors of the Vercel Queues task backend. Configuration problems are `InvalidTaskBackend`s of
 * the task model (code `"invalid_task_backend"`, as Django raises `ImproperlyConfigured`), so one
 * check catches every misconfigured backend; the extra fields name the option.
 *
 * Failures of a delivery (unknown task, refused queue, expiring message) are not thrown to the
 * app: they are recorded in the TaskResult as errors of the class names below, and reported as
 * events. Their classes exist so that the recorded `className` is meaningful and stable.
 */

import { InvalidTaskBackend } from "../../errors.js";

/** An option of a `VercelQueuesBackend` is unknown or has a bad value. */
export class InvalidBackendOptionError extends InvalidTaskBackend {
  /** Name of the offending option, e.g. `"maxAttempts"`. */
  readonly option: string;

  constructor(alias: string, option: string, problem: string) {
    super(
      alias,
      `Invalid configuration of task backend '${alias}': option "${option}" ${problem}.`,
    );
    this.option = option;
  }
}

/**
 * A handler was asked for a backend that is not a `VercelQueuesBackend` (or cannot be built).
 * Also an `InvalidTaskBackend`.
 */
export class NotAVercelBackendError extends InvalidTaskBackend {
  constructor(alias: string, actual: string) {
    super(
      alias,
      `Task backend '${alias}' is ${actual}, expected VercelQueuesBackend. Configure it with ` +
        `configureTasks({ ${alias}: { backend: VercelQueuesBackend } }) before the callback ` +
        "handler or worker runs, or pass the backend instance itself.",
    );
  }
}

/**
 * Recorded (not thrown) when a delivery names a task the handler was not given. Retried like a
 * failure of the task, because a newer deployment may know the task.
 */
export class TaskNotRunnableHere extends Error {
  readonly code = "task_not_runnable_here";
  readonly taskName: string;

  constructor(taskName: string, runnable: readonly string[]) {
    const known = runnable.length === 0 ? "none" : runnable.join(", ");
    super(
      `Task '${taskName}' is not among the tasks this callback handler or worker may run ` +
        `(${known}). Add it to the \`tasks\` option of createTaskCallbackHandler() / ` +
        "createTaskWorker(), or deploy the code that defines it.",
    );
    this.name = "TaskNotRunnableHere";
    this.taskName = taskName;
  }
}

/** Recorded (not thrown) when a task message arrives on a topic the backend does not allow. */
export class QueueNotAllowed extends Error {
  readonly code = "queue_not_allowed";
  readonly queueName: string;

  constructor(queueName: string, alias: string, allowed: readonly string[]) {
    super(
      `Queue '${queueName}' is not valid for backend. Task backend '${alias}' in the process ` +
        `that received the message allows ${allowed.map((q) => `'${q}'`).join(", ")}; add ` +
        `'${queueName}' to its queues, or stop routing the topic to this handler.`,
    );
    this.name = "QueueNotAllowed";
    this.queueName = queueName;
  }
}

/**
 * Recorded (not thrown) when the message would expire before the task could start or run
 * again: its `runAfter` lies beyond the message's expiry, or no time is left for a retry.
 */
export class MessageExpiring extends Error {
  readonly code = "message_expiring";

  constructor(message: string) {
    super(message);
    this.name = "MessageExpiring";
  }
}

/**
 * Recorded (not thrown) for an attempt that never reported back: the next delivery of the same
 * message found it still RUNNING, so its lease ran out (crash, timeout, blocked event loop).
 */
export class AttemptAbandoned extends Error {
  readonly code = "attempt_abandoned";

  constructor(attempt: number, workerId: string) {
    super(
      `Attempt ${attempt} (worker ${workerId}) did not finish: its lease on the message ran ` +
        "out before it reported a result (the process crashed, timed out or blocked its event " +
        "loop past visibilityTimeoutSeconds).",
    );
    this.name = "AttemptAbandoned";
  }
}

/**
 * Thrown by `enqueue()` when the send failed in a way that leaves open whether the Queue Service
 * stored the message: a timeout, a network failure, a 5xx or an unreadable answer. The READY
 * result is kept under `resultId`, since the message may still arrive and run the task. Check
 * `getResult(resultId)` (or `task.getResult`) before enqueueing again: a blind retry creates a
 * second result and may run the task twice. `cause` holds the Queue Service client's error.
 */
export class EnqueueOutcomeUnknownError extends Error {
  readonly code = "enqueue_outcome_unknown";
  /** Id of the kept READY result: the task runs under it if the message was stored. */
  readonly resultId: string;
  /** Topic (task queue) the message was sent to. */
  readonly queueName: string;

  constructor(resultId: string, queueName: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Enqueueing result ${resultId} on queue '${queueName}' may or may not have reached the ` +
        `Queue Service (${detail}). The result is kept: check getResult("${resultId}") ` +
        "before enqueueing again, or the task may run twice.",
      { cause },
    );
    this.name = "EnqueueOutcomeUnknownError";
    this.resultId = resultId;
    this.queueName = queueName;
  }
}
