/**
 * The stored record of a task result in the Vercel backend: the task model's versioned
 * `TaskResultRecord` (what `TaskResult.toRecord()` writes and any process can read back with
 * `TaskResult.fromRecord()`), plus one object of our own, `vercel`, with its own version:
 *
 * ```json
 * "vercel": { "version": 1, "attemptToken": "…", "messageId": "…" }
 * ```
 *
 * `attemptToken` names the one attempt that may still write an outcome. Each attempt draws a
 * new token when it starts (inside an atomic update), and its outcome is written only if the
 * record still carries that token. An attempt that lost its lease, and was overtaken by a newer
 * delivery, therefore cannot overwrite what the newer attempt records. `messageId` tells a
 * redelivery of the same message (the previous attempt's lease ran out) from another message
 * carrying the same result id (its attempt may still be running).
 */

import { InvalidTaskResultRecord } from "../../errors.js";
import type { JsonObject, JsonValue } from "../../json.js";
import { parseTaskResultRecord } from "../../record.js";
import { TaskResult } from "../../result.js";
import type { Task } from "../../task.js";

/** Version of the `vercel` part of a stored record. */
export const VERCEL_RECORD_VERSION = 1;

/** The backend's own part of a stored record. */
export interface VercelRecordState {
  version: typeof VERCEL_RECORD_VERSION;
  /** Token of the attempt allowed to write an outcome; `null` when no attempt runs. */
  attemptToken: string | null;
  /** Message id of the running or latest attempt; `null` before the first one. */
  messageId: string | null;
}

/** A result as the backend holds it between reading and writing the store. */
export interface StoredResult {
  result: TaskResult;
  vercel: VercelRecordState;
}

/** Finds the task a record names; returns a stand-in when the process does not know it. */
export type TaskResolver = (name: string) => Task;

/** The key of a result in the store: `<cacheKeyPrefix>:<backend alias>:<result id>`. */
export function recordKey(prefix: string, alias: string, resultId: string): string {
  return `${prefix}:${alias}:${resultId}`;
}

/** A fresh `vercel` part: no attempt running. */
export function idleVercelState(): VercelRecordState {
  return { version: VERCEL_RECORD_VERSION, attemptToken: null, messageId: null };
}

/** The JSON to store for `stored`. */
export function toStoredRecord(stored: StoredResult): JsonObject {
  const record = stored.result.toRecord() as unknown as JsonObject;

  return { ...record, vercel: { ...stored.vercel } as unknown as JsonValue };
}

/**
 * Reads a stored value back; `null` stays `null` (no record). Throws `InvalidTaskResultRecord`
 * naming the first wrong field when the value is not a record this backend wrote.
 */
export function fromStoredRecord(
  value: JsonValue | null,
  resolve: TaskResolver,
): StoredResult | null {
  if (value === null) {
    return null;
  }

  const record = parseTaskResultRecord(value);
  const result = TaskResult.fromRecord(record, resolve(record.task.name));

  return { result, vercel: readVercelState((value as JsonObject).vercel) };
}

function readVercelState(value: JsonValue | undefined): VercelRecordState {
  // A record written by another backend (or by hand) has no `vercel` part: nothing runs.
  if (value === undefined) {
    return idleVercelState();
  }

  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTaskResultRecord("vercel", "is not an object");
  }

  if (value.version !== VERCEL_RECORD_VERSION) {
    throw new InvalidTaskResultRecord(
      "vercel.version",
      `is ${JSON.stringify(value.version)}, expected ${VERCEL_RECORD_VERSION}`,
    );
  }

  return {
    version: VERCEL_RECORD_VERSION,
    attemptToken: stringOrNull(value.attemptToken, "vercel.attemptToken"),
    messageId: stringOrNull(value.messageId, "vercel.messageId"),
  };
}

function stringOrNull(value: JsonValue | undefined, field: string): string | null {
  if (value === null || value === undefined) {
    return null;
  }

  if (typeof value !== "string") {
    throw new InvalidTaskResultRecord(field, "is neither null nor a string");
  }

  return value;
}
