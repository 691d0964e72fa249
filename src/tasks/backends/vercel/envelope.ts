/**
 * The task envelope: the JSON message body `enqueue()` sends and the callback reads back. It is
 * versioned and marked with a `kind`, so a consumer can tell our messages from anything else
 * published to the same topic, and refuse a shape it does not know instead of guessing.
 *
 * ```json
 * {
 *   "kind": "vercel-workers.task",
 *   "version": 1,
 *   "resultId": "3f0c…",            // the TaskResult id, made before sending
 *   "task": "send-email",           // registered task name
 *   "queue": "emails",              // queue name = topic
 *   "backend": "default",           // backend alias
 *   "args": ["ada@example.com"],    // JSON-normalised arguments
 *   "runAfter": "2026-01-01T00:00:00.000Z",  // or null
 *   "enqueuedAt": "2025-12-31T23:59:58.123Z"
 * }
 * ```
 */

import type { JsonValue } from "../../json.js";

/** Value of the envelope's `kind` field. */
export const TASK_ENVELOPE_KIND = "vercel-workers.task";

/** The envelope version this code writes and reads. */
export const TASK_ENVELOPE_VERSION = 1;

/** A task message, as sent to the Queue Service. */
export interface TaskEnvelope {
  kind: typeof TASK_ENVELOPE_KIND;
  version: typeof TASK_ENVELOPE_VERSION;
  /** Id of the TaskResult; also the idempotency key of the send. */
  resultId: string;
  /** Registered name of the task. */
  task: string;
  /** Queue name, which is the topic the message was sent to. */
  queue: string;
  /** Alias of the backend that enqueued it. */
  backend: string;
  args: JsonValue[];
  /** ISO-8601 instant before which the task must not start, or `null`. */
  runAfter: string | null;
  /** ISO-8601 instant of the enqueue. */
  enqueuedAt: string;
}

/** What {@link readTaskEnvelope} found: the envelope, or why the payload is not one. */
export type EnvelopeReading = { ok: true; envelope: TaskEnvelope } | { ok: false; problem: string };

/** Builds the envelope of one enqueue. */
export function createTaskEnvelope(fields: Omit<TaskEnvelope, "kind" | "version">): TaskEnvelope {
  return { kind: TASK_ENVELOPE_KIND, version: TASK_ENVELOPE_VERSION, ...fields };
}

/**
 * Reads a message payload as a task envelope. Never throws: a payload that is not ours (or
 * not in a version this code knows) comes back with a `problem` that says what is wrong.
 */
export function readTaskEnvelope(payload: unknown): EnvelopeReading {
  if (!isPlainObject(payload)) {
    return refused(`expected a JSON object, got ${describe(payload)}`);
  }

  const fields = payload;

  if (fields.kind !== TASK_ENVELOPE_KIND) {
    return refused(`"kind" is ${describe(fields.kind)}, not "${TASK_ENVELOPE_KIND}"`);
  }

  if (fields.version !== TASK_ENVELOPE_VERSION) {
    return refused(
      `envelope version ${describe(fields.version)} is not supported (this code reads ` +
        `version ${TASK_ENVELOPE_VERSION}); was it sent by a newer release?`,
    );
  }

  const problem = fieldProblem(fields);
  if (problem !== undefined) {
    return refused(problem);
  }

  return { ok: true, envelope: fields as unknown as TaskEnvelope };
}

function fieldProblem(fields: Record<string, unknown>): string | undefined {
  for (const name of ["resultId", "task", "queue", "backend", "enqueuedAt"]) {
    if (typeof fields[name] !== "string" || fields[name] === "") {
      return `"${name}" must be a non-empty string, got ${describe(fields[name])}`;
    }
  }

  if (!Array.isArray(fields.args)) {
    return `"args" must be an array, got ${describe(fields.args)}`;
  }

  if (fields.runAfter !== null && !isInstant(fields.runAfter)) {
    return `"runAfter" must be an ISO-8601 instant or null, got ${describe(fields.runAfter)}`;
  }

  if (!isInstant(fields.enqueuedAt)) {
    return `"enqueuedAt" must be an ISO-8601 instant, got ${describe(fields.enqueuedAt)}`;
  }

  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;

  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isInstant(value: unknown): boolean {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}

function refused(problem: string): EnvelopeReading {
  return { ok: false, problem: `not a vercel-workers task envelope: ${problem}` };
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return `${value.byteLength} bytes that are not JSON`;
  if (typeof value === "string") return JSON.stringify(value.slice(0, 80));
  if (typeof value === "object") return "an object";

  return `${typeof value} ${String(value)}`;
}
