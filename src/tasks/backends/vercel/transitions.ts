/**
 * How one delivery changes a stored result, as pure functions over the record read inside the
 * store's atomic update (the store may call them more than once when it loses a race, so they
 * touch nothing but the record they are given).
 *
 * - Starting: a finished result is left alone; a result RUNNING under another message is left
 *   alone (that attempt may be alive); a result RUNNING under this same message means the
 *   previous attempt's lease ran out, so it gets its one error (`AttemptAbandoned`) and, when
 *   attempts remain, this delivery starts the next attempt under a new token.
 * - Finishing: the outcome is written only while the record still carries the attempt's token.
 * - Failing without running (refused queue, message expiring): one attempt, one error, FAILED.
 */

import type { JsonValue } from "../../json.js";
import {
  markAttemptFailed,
  markAttemptStarted,
  markTaskSucceeded,
  type TaskResult,
} from "../../result.js";
import { TaskResultStatus } from "../../status.js";
import type { TaskError } from "../../task-error.js";
import { AttemptAbandoned } from "./errors.js";
import { type StoredResult, VERCEL_RECORD_VERSION } from "./record.js";

/** Who is attempting: this delivery. */
export interface AttemptIdentity {
  /** Fresh per attempt; only the holder may write the outcome. */
  token: string;
  messageId: string;
  workerId: string;
  now: Date;
}

/** What starting an attempt found. */
export type StartPlan =
  | { kind: "finished"; status: TaskResultStatus }
  | { kind: "busy"; messageId: string }
  | { kind: "exhausted"; stored: StoredResult }
  | { kind: "started"; stored: StoredResult };

/** What an attempt produced, as it will be written. */
export type AttemptWrite =
  | { ok: true; returnValue: JsonValue }
  | { ok: false; error: TaskError; retry: boolean };

/** Starts an attempt on `stored` (see the module doc). Mutates and returns it. */
export function planStart(
  stored: StoredResult,
  identity: AttemptIdentity,
  maxAttempts: number,
): StartPlan {
  const { result, vercel } = stored;

  if (result.isFinished) {
    return { kind: "finished", status: result.status };
  }

  if (result.status === TaskResultStatus.RUNNING) {
    const other = vercel.messageId;
    if (other !== null && other !== identity.messageId && vercel.attemptToken !== null) {
      return { kind: "busy", messageId: other };
    }

    const exhausted = recordAbandonedAttempt(result, maxAttempts, identity.now);
    stored.vercel = { ...vercel, attemptToken: null };
    if (exhausted) {
      return { kind: "exhausted", stored };
    }
  }

  markAttemptStarted(result, identity.workerId, identity.now);
  stored.vercel = {
    version: VERCEL_RECORD_VERSION,
    attemptToken: identity.token,
    messageId: identity.messageId,
  };

  return { kind: "started", stored };
}

/**
 * Writes the outcome of the attempt holding `token`; returns `"stale"` (and leaves `stored`
 * as it was) when a newer attempt has taken the record over.
 */
export function planFinish(
  stored: StoredResult,
  token: string,
  write: AttemptWrite,
  now: Date,
): StoredResult | "stale" {
  if (stored.vercel.attemptToken !== token) {
    return "stale";
  }

  if (write.ok) {
    markTaskSucceeded(stored.result, write.returnValue, now);
  } else {
    markAttemptFailed(stored.result, write.error, { retry: write.retry, at: now });
  }

  stored.vercel = { ...stored.vercel, attemptToken: null };
  return stored;
}

/**
 * Records a delivery that fails before the task runs (one attempt, one error, FAILED). Returns
 * `undefined`, leaving `stored` alone, when the result has already finished.
 */
export function planFailWithoutRunning(
  stored: StoredResult,
  error: TaskError,
  identity: Omit<AttemptIdentity, "token">,
): StoredResult | undefined {
  if (stored.result.isFinished) {
    return undefined;
  }

  markAttemptStarted(stored.result, identity.workerId, identity.now);
  markAttemptFailed(stored.result, error, { retry: false, at: identity.now });
  stored.vercel = {
    version: VERCEL_RECORD_VERSION,
    attemptToken: null,
    messageId: identity.messageId,
  };

  return stored;
}

/** The stored form of an error the backend records itself (no stack: it is not a crash). */
export function recordedError(error: Error): TaskError {
  return Object.freeze({
    className: error.name,
    message: error.message,
    traceback: `${error.name}: ${error.message}`,
  });
}

/** Gives the abandoned attempt its error; returns whether it used the last attempt. */
function recordAbandonedAttempt(result: TaskResult, maxAttempts: number, now: Date): boolean {
  const attempt = result.attempts;
  const worker = result.workerIds.at(-1) ?? "unknown";
  const exhausted = attempt >= maxAttempts;

  markAttemptFailed(result, recordedError(new AttemptAbandoned(attempt, worker)), {
    retry: !exhausted,
    at: now,
  });

  return exhausted;
}
