/**
 * The stored form of a task result: plain JSON (ISO dates, no class instances), so that a
 * backend can keep it in Redis or any key-value store and another process can read it back with
 * `TaskResult.fromRecord()`. {@link parseTaskResultRecord} checks a value read from storage.
 */

import { InvalidTaskResultRecord } from "./errors.js";
import type { JsonValue } from "./json.js";
import { isTaskResultStatus, TaskResultStatus } from "./status.js";
import type { TaskError } from "./task-error.js";

const STATUS_LIST = Object.values(TaskResultStatus).join(", ");

/** Version of the record shape; bumped on an incompatible change. */
export const TASK_RESULT_RECORD_VERSION = 1;

/** The task options a result was enqueued with. */
export interface TaskRecordOptions {
  /** Registered name of the task. */
  name: string;
  queueName: string;
  priority: number;
  /** ISO 8601 time, or `null` when the task was not deferred. */
  runAfter: string | null;
}

/** A task result as plain JSON. */
export interface TaskResultRecord {
  version: typeof TASK_RESULT_RECORD_VERSION;
  id: string;
  /** Alias of the backend the task was enqueued on. */
  backend: string;
  task: TaskRecordOptions;
  status: TaskResultStatus;
  /** ISO 8601 times, `null` until they happen. */
  enqueuedAt: string | null;
  startedAt: string | null;
  lastAttemptedAt: string | null;
  finishedAt: string | null;
  /** The arguments after the JSON rules. */
  args: JsonValue[];
  /** One entry per failed attempt. */
  errors: TaskError[];
  /** One entry per attempt started; the attempt count is its length. */
  workerIds: string[];
  /** `workerIds.length`, written for readers of the raw record; ignored when reading. */
  attempts: number;
  /** Present only when the status is SUCCESSFUL. */
  returnValue?: JsonValue;
}

/**
 * Checks that `value` (e.g. `JSON.parse` of a stored string) is a {@link TaskResultRecord} and
 * returns it typed; throws {@link InvalidTaskResultRecord} naming the first wrong field.
 */
export function parseTaskResultRecord(value: unknown): TaskResultRecord {
  const record = expectObject(value, "record");

  if (record.version !== TASK_RESULT_RECORD_VERSION) {
    throw new InvalidTaskResultRecord(
      "version",
      `is ${JSON.stringify(record.version)}, expected ${TASK_RESULT_RECORD_VERSION}`,
    );
  }

  expectString(record.id, "id");
  expectString(record.backend, "backend");
  parseTaskOptions(record.task);

  if (!isTaskResultStatus(record.status)) {
    throw new InvalidTaskResultRecord(
      "status",
      `is ${JSON.stringify(record.status)}, expected one of ${STATUS_LIST}`,
    );
  }

  for (const field of ["enqueuedAt", "startedAt", "lastAttemptedAt", "finishedAt"] as const) {
    expectTimeOrNull(record[field], field);
  }

  expectArray(record.args, "args");
  parseErrors(record.errors);
  expectArray(record.workerIds, "workerIds").forEach((id, index) => {
    expectString(id, `workerIds[${index}]`);
  });

  return record as unknown as TaskResultRecord;
}

/** Parses a record time; `null` stays `null`. */
export function parseRecordTime(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

function parseTaskOptions(value: unknown): void {
  const task = expectObject(value, "task");

  expectString(task.name, "task.name");
  expectString(task.queueName, "task.queueName");

  if (typeof task.priority !== "number" || !Number.isInteger(task.priority)) {
    throw new InvalidTaskResultRecord("task.priority", "is not a whole number");
  }

  expectTimeOrNull(task.runAfter, "task.runAfter");
}

function parseErrors(value: unknown): void {
  expectArray(value, "errors").forEach((entry, index) => {
    const error = expectObject(entry, `errors[${index}]`);

    for (const field of ["className", "message", "traceback"] as const) {
      if (typeof error[field] !== "string") {
        throw new InvalidTaskResultRecord(`errors[${index}].${field}`, "is not a string");
      }
    }
  });
}

function expectObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTaskResultRecord(field, "is not an object");
  }

  return value as Record<string, unknown>;
}

function expectArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new InvalidTaskResultRecord(field, "is not an array");

  return value;
}

function expectString(value: unknown, field: string): void {
  if (typeof value !== "string" || value === "") {
    throw new InvalidTaskResultRecord(field, "is not a non-empty string");
  }
}

function expectTimeOrNull(value: unknown, field: string): void {
  if (value === null) return;

  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    throw new InvalidTaskResultRecord(field, "is neither null nor an ISO 8601 time");
  }
}
