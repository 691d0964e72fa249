/**
 * `vercel-workers/tasks`: the task model of Django 6's `django.tasks`, in TypeScript. Define a
 * task with `task()`, `enqueue()` it, read its `TaskResult`. Backends: `ImmediateBackend`
 * (runs at once), `DummyBackend` (records only), and `VercelQueuesBackend` from
 * `vercel-workers/vercel`. Runs on any runtime.
 */

export type { Logger } from "../queue/types.js";
export { BaseTaskBackend, isTaskBackend, type TaskBackendParams } from "./backends/base.js";
export { DummyBackend } from "./backends/dummy.js";
export { ImmediateBackend } from "./backends/immediate.js";
export {
  type ConfigureTasksOptions,
  configureTasks,
  resetTaskConfiguration,
  type TaskBackendClass,
  type TaskBackendConfig,
  type TaskBackendFactory,
  type TasksConfig,
  taskBackends,
} from "./config.js";
export {
  DEFAULT_TASK_BACKEND_ALIAS,
  DEFAULT_TASK_PRIORITY,
  DEFAULT_TASK_QUEUE_NAME,
  TASK_MAX_PRIORITY,
  TASK_MIN_PRIORITY,
} from "./constants.js";
export { TaskContext } from "./context.js";
export { type ContextTaskFunction, type TaskOptions, type TaskReturn, task } from "./define.js";
export {
  InvalidTask,
  InvalidTaskArguments,
  InvalidTaskBackend,
  InvalidTaskResultRecord,
  isTaskException,
  NotSupportedByBackend,
  ReturnValueUnavailable,
  type TaskArgumentIssue,
  TaskException,
  type TaskExceptionCode,
  TaskResultDoesNotExist,
  TaskResultMismatch,
  UnknownTask,
} from "./errors.js";
export {
  emitTaskEvent,
  TaskEventEmitter,
  type TaskEventListener,
  type TaskEventMap,
  type TaskEventName,
  type TaskEventPayload,
  taskEvents,
} from "./events.js";
export { runTaskAttempt, type TaskAttemptOutcome } from "./execution.js";
export { randomTaskId, TASK_ID_LENGTH } from "./ids.js";
export {
  isUnsupportedJsonValue,
  type Jsonified,
  type JsonObject,
  type JsonValue,
  toJsonArgs,
  toJsonValue,
  UnsupportedJsonValue,
} from "./json.js";
export {
  parseTaskResultRecord,
  TASK_RESULT_RECORD_VERSION,
  type TaskRecordOptions,
  type TaskResultRecord,
} from "./record.js";
export { getTask, TaskRegistry, taskRegistry } from "./registry.js";
export {
  type AttemptFailureOptions,
  cloneTaskResult,
  markAttemptFailed,
  markAttemptStarted,
  markTaskEnqueued,
  markTaskSucceeded,
  TaskResult,
  type TaskResultInit,
} from "./result.js";
export { checkTaskArgs } from "./schema.js";
export { isFinishedStatus, isTaskResultStatus, TaskResultStatus } from "./status.js";
export { Task, type TaskCallArgs, type TaskInit, type TaskOverrides } from "./task.js";
export { type TaskError, toTaskError } from "./task-error.js";
export type { AnyTaskArgsSchema, TaskArgsSchema, TaskFunction, WithoutContext } from "./types.js";
