/**
 * Errors of the task model: one class per failure kind, named as in Django's `django.tasks`
 * (`InvalidTask`, `InvalidTaskBackend`, `TaskResultDoesNotExist`, `TaskResultMismatch`). Each has
 * a stable `code`; check with {@link isTaskException}, whose `Symbol.for` brand survives two
 * bundled copies of this package in one process (where `instanceof` would not).
 *
 * Messages start with Django's wording where a Django user would recognise it, then add the
 * facts (task name, alias, id) and how to fix the problem.
 */

const BRAND = Symbol.for("vercel-workers.tasks.TaskException");

/** Stable codes of the task model's errors. */
export type TaskExceptionCode =
  | "invalid_task"
  | "invalid_task_arguments"
  | "invalid_task_backend"
  | "task_result_does_not_exist"
  | "task_result_mismatch"
  | "return_value_unavailable"
  | "not_supported_by_backend"
  | "unknown_task"
  | "invalid_task_result_record";

/** Base class of every error the task model throws on purpose. */
export class TaskException extends Error {
  /** Stable identifier of the failure kind, e.g. `"invalid_task"`. */
  readonly code: TaskExceptionCode;

  constructor(code: TaskExceptionCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

Object.defineProperty(TaskException.prototype, BRAND, { value: true });

/**
 * Whether `error` is a {@link TaskException} from any copy of this library, optionally with the
 * given `code`.
 * @example
 * if (isTaskException(error, "invalid_task")) showConfigurationHelp(error.message);
 */
export function isTaskException(error: unknown, code?: TaskExceptionCode): error is TaskException {
  if (typeof error !== "object" || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false;

  return code === undefined || (error as TaskException).code === code;
}

/**
 * A task definition breaks a rule of its backend (priority, queue, `runAfter`, context…) or of
 * the task model (name, function). Thrown by `task()`, `Task.using()` and `enqueue()`.
 */
export class InvalidTask extends TaskException {
  /** Name of the task concerned, when it has one yet. */
  readonly taskName: string | undefined;

  constructor(message: string, taskName?: string, code: TaskExceptionCode = "invalid_task") {
    super(code, message);
    this.taskName = taskName;
  }
}

/** One problem an argument schema found, with the path of the argument it concerns. */
export interface TaskArgumentIssue {
  /** Where the bad value is, e.g. `args[0].email`. */
  path: string;
  /** What the schema library said about it. */
  message: string;
}

/**
 * The arguments of an `enqueue()` (or of an execution) do not match the task's `argsSchema`.
 * A subclass of {@link InvalidTask} with its own code, `"invalid_task_arguments"`.
 */
export class InvalidTaskArguments extends InvalidTask {
  /** Every problem found, in the schema library's order. */
  readonly issues: readonly TaskArgumentIssue[];

  constructor(taskName: string, issues: readonly TaskArgumentIssue[]) {
    const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    super(
      `Invalid arguments for task '${taskName}': ${listed}. ` +
        "Pass arguments that match the task's argsSchema.",
      taskName,
      "invalid_task_arguments",
    );
    this.issues = issues;
  }
}

/**
 * A backend alias is not configured, or its configured backend cannot be built. Django raises
 * it as "The connection '<alias>' doesn't exist." and "Could not find backend '<path>': …".
 */
export class InvalidTaskBackend extends TaskException {
  /** The alias that was asked for. */
  readonly alias: string;

  constructor(alias: string, message: string, options?: { cause?: unknown }) {
    super("invalid_task_backend", message, options);
    this.alias = alias;
  }
}

/** No result with this id exists in the backend (never enqueued there, cleared or expired). */
export class TaskResultDoesNotExist extends TaskException {
  readonly resultId: string;

  constructor(resultId: string, backendAlias?: string) {
    const where = backendAlias === undefined ? "" : ` in task backend '${backendAlias}'`;
    super(
      "task_result_does_not_exist",
      `Task result '${resultId}' does not exist${where}: it was never enqueued there, ` +
        "or it was cleared or has expired.",
    );
    this.resultId = resultId;
  }
}

/** `Task.getResult(id)` found a result, but it belongs to another task. */
export class TaskResultMismatch extends TaskException {
  readonly resultId: string;
  /** Name of the task the result belongs to. */
  readonly receivedTaskName: string;

  constructor(resultId: string, expectedTaskName: string, receivedTaskName: string) {
    super(
      "task_result_mismatch",
      `Task does not match (received '${receivedTaskName}'): result '${resultId}' was ` +
        `enqueued for task '${receivedTaskName}', not '${expectedTaskName}'. Call getResult on ` +
        `'${receivedTaskName}', or on the backend.`,
    );
    this.resultId = resultId;
    this.receivedTaskName = receivedTaskName;
  }
}

/** `TaskResult.returnValue` was read while the task has not succeeded. */
export class ReturnValueUnavailable extends TaskException {
  readonly resultId: string;
  /** Status of the result when it was read. */
  readonly status: string;

  constructor(resultId: string, status: string) {
    const opening = status === "FAILED" ? "Task failed" : "Task has not finished yet";
    const hint =
      status === "FAILED"
        ? "read result.errors for what went wrong"
        : "call result.refresh() later, or check result.isFinished first";
    super(
      "return_value_unavailable",
      `${opening}: result '${resultId}' is ${status}, so it has no return value; ${hint}.`,
    );
    this.resultId = resultId;
    this.status = status;
  }
}

/** The backend cannot do what was asked (Django raises `NotImplementedError`). */
export class NotSupportedByBackend extends TaskException {
  readonly backendAlias: string;

  constructor(backendAlias: string, message: string) {
    super("not_supported_by_backend", message);
    this.backendAlias = backendAlias;
  }
}

/** No task is registered under this name (see `getTask`). */
export class UnknownTask extends TaskException {
  readonly taskName: string;

  constructor(taskName: string, registered: readonly string[]) {
    const known = registered.length === 0 ? "none" : registered.slice(0, 20).join(", ");
    super(
      "unknown_task",
      `No task is registered under the name '${taskName}' (registered: ${known}). Import the ` +
        "module that defines it before running tasks by name, and give tasks stable names.",
    );
    this.taskName = taskName;
  }
}

/** A stored task result record is not in the shape `TaskResult.fromRecord` reads. */
export class InvalidTaskResultRecord extends TaskException {
  /** The field that is wrong, e.g. `status` or `errors[1].traceback`. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(
      "invalid_task_result_record",
      `Invalid task result record: '${field}' ${problem}. The record was not written by this ` +
        "library's TaskResult.toRecord(), or was written by an incompatible version.",
    );
    this.field = field;
  }
}
