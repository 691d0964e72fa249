/**
 * `vercel-workers/vercel`: the Vercel Queues task backend. `VercelQueuesBackend` enqueues tasks
 * as queue messages and keeps their results in a result store; `createTaskCallbackHandler` (web)
 * and `createNodeTaskCallbackHandler` (Node) are the queue callback route that runs them, and
 * `createTaskWorker` runs them by polling instead.
 *
 * @example
 * configureTasks({ default: { backend: VercelQueuesBackend, queues: ["default"] } });
 * export const POST = createTaskCallbackHandler({ tasks: [sendEmail] });
 */

export {
  isVercelQueuesBackend,
  RUN_AFTER_MARGIN_SECONDS,
  resolveTask,
  sendDelaySeconds,
  VercelQueuesBackend,
} from "./backend.js";
export type { TaskRunnerOptions } from "./binding.js";
export {
  createNodeTaskCallbackHandler,
  createTaskCallbackHandler,
  type TaskCallbackHandlerOptions,
} from "./callback.js";
export {
  createTaskEnvelope,
  type EnvelopeReading,
  readTaskEnvelope,
  TASK_ENVELOPE_KIND,
  TASK_ENVELOPE_VERSION,
  type TaskEnvelope,
} from "./envelope.js";
export {
  AttemptAbandoned,
  EnqueueOutcomeUnknownError,
  InvalidBackendOptionError,
  MessageExpiring,
  NotAVercelBackendError,
  QueueNotAllowed,
  TaskNotRunnableHere,
} from "./errors.js";
export type { TaskDeliveryEvent, TaskHandlerEvent } from "./events.js";
export {
  MAX_VISIBILITY_SECONDS,
  type QueueConnectionOptions,
  type ResolvedVercelOptions,
  VERCEL_BACKEND_DEFAULTS,
  type VercelQueuesBackendOptions,
} from "./options.js";
export {
  recordKey,
  type StoredResult,
  VERCEL_RECORD_VERSION,
  type VercelRecordState,
} from "./record.js";
export { type RetryBackoff, retryDelaySeconds } from "./retry.js";
export { createTaskWorker, DEFAULT_TASK_CONSUMER_GROUP, type TaskWorkerOptions } from "./worker.js";
