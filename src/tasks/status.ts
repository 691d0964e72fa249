/** The states of a task result, with Django's names and values. */

/**
 * Where a task result stands.
 * - `READY`: enqueued and waiting to run (again, after a failed attempt that will be retried).
 * - `RUNNING`: an attempt is executing.
 * - `FAILED`: finished by failing (the last attempt threw, or it could not start).
 * - `SUCCESSFUL`: finished by returning; `returnValue` holds what it returned.
 */
export const TaskResultStatus = {
  READY: "READY",
  RUNNING: "RUNNING",
  FAILED: "FAILED",
  SUCCESSFUL: "SUCCESSFUL",
} as const;

/** One of the {@link TaskResultStatus} values. */
export type TaskResultStatus = (typeof TaskResultStatus)[keyof typeof TaskResultStatus];

const STATUSES: ReadonlySet<string> = new Set(Object.values(TaskResultStatus));

/** Whether `value` is one of the four status strings. */
export function isTaskResultStatus(value: unknown): value is TaskResultStatus {
  return typeof value === "string" && STATUSES.has(value);
}

/** Whether a result in `status` has finished (failed or succeeded) for good. */
export function isFinishedStatus(status: TaskResultStatus): boolean {
  return status === TaskResultStatus.FAILED || status === TaskResultStatus.SUCCESSFUL;
}
