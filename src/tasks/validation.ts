/**
 * The rules a task must satisfy, one function each, in Django's order. A backend's
 * `validateTask` runs them all against its capabilities ({@link validateTaskForBackend}); before
 * any backend is configured only the rules that need no backend run
 * ({@link validateTaskDefinition}), so that importing task modules before `configureTasks()`
 * cannot fail against a configuration that is about to be replaced.
 */

import type { BaseTaskBackend } from "./backends/base.js";
import { DEFAULT_TASK_PRIORITY, TASK_MAX_PRIORITY, TASK_MIN_PRIORITY } from "./constants.js";
import { InvalidTask } from "./errors.js";
import type { Task } from "./task.js";
import { isAsyncFunction } from "./types.js";

/** Names a task can be registered under: 1 to 200 characters, no whitespace. */
export const TASK_NAME_PATTERN = /^\S{1,200}$/;

/**
 * All rules, in Django's order (function, async, context, priority support, priority range,
 * `runAfter` support, `runAfter` value, queue); the first broken one throws {@link InvalidTask}.
 */
export function validateTaskForBackend(task: Task, backend: BaseTaskBackend): void {
  checkIdentity(task);
  checkAsyncSupport(task, backend);
  checkContextParameter(task);
  checkPrioritySupport(task, backend);
  checkPriorityRange(task);
  checkRunAfterSupport(task, backend);
  checkRunAfterValue(task);
  checkQueue(task, backend);
}

/** The rules that need no backend, in the same relative order. */
export function validateTaskDefinition(task: Task): void {
  checkIdentity(task);
  checkContextParameter(task);
  checkPriorityRange(task);
  checkRunAfterValue(task);
}

/** Django's "module-level function" rule becomes: a function with a usable name. */
function checkIdentity(task: Task): void {
  if (typeof task.fn !== "function") {
    throw new InvalidTask(
      `Task function must be a function, got ${typeof task.fn}.`,
      String(task.name),
    );
  }

  if (typeof task.name !== "string" || !TASK_NAME_PATTERN.test(task.name)) {
    throw new InvalidTask(
      `Task name ${JSON.stringify(task.name)} is not valid: use 1 to 200 characters without ` +
        'whitespace, e.g. "emails.send".',
    );
  }

  for (const [field, value] of [
    ["queueName", task.queueName],
    ["backend", task.backend],
  ] as const) {
    if (typeof value !== "string" || value === "") {
      throw new InvalidTask(
        `Task '${task.name}': ${field} must be a non-empty string, got ${JSON.stringify(value)}.`,
        task.name,
      );
    }
  }
}

function checkAsyncSupport(task: Task, backend: BaseTaskBackend): void {
  if (backend.supportsAsyncTask || !isAsyncFunction(task.fn)) return;

  throw new InvalidTask(
    `Backend does not support async Tasks. Task '${task.name}' is an async function and task ` +
      `backend '${backend.alias}' runs only synchronous ones.`,
    task.name,
  );
}

function checkContextParameter(task: Task): void {
  if (!task.takesContext || task.fn.length >= 1) return;

  throw new InvalidTask(
    "Task takes context but does not have a first argument of 'context'. Task " +
      `'${task.name}' sets takesContext, so declare its function as (context, ...args).`,
    task.name,
  );
}

function checkPrioritySupport(task: Task, backend: BaseTaskBackend): void {
  if (backend.supportsPriority || task.priority === DEFAULT_TASK_PRIORITY) return;

  throw new InvalidTask(
    "Backend does not support setting priority of tasks. Task " +
      `'${task.name}' has priority ${task.priority}, but task backend '${backend.alias}' only ` +
      `runs priority ${DEFAULT_TASK_PRIORITY}; remove the priority.`,
    task.name,
  );
}

function checkPriorityRange(task: Task): void {
  const { priority } = task;
  const valid =
    Number.isInteger(priority) && priority >= TASK_MIN_PRIORITY && priority <= TASK_MAX_PRIORITY;
  if (valid) return;

  throw new InvalidTask(
    `priority must be a whole number between ${TASK_MIN_PRIORITY} and ${TASK_MAX_PRIORITY}. ` +
      `Task '${task.name}' has priority ${String(priority)}.`,
    task.name,
  );
}

function checkRunAfterSupport(task: Task, backend: BaseTaskBackend): void {
  if (backend.supportsDefer || task.runAfter === null) return;

  throw new InvalidTask(
    `Backend does not support runAfter. Task backend '${backend.alias}' runs tasks at once; ` +
      "call using({ runAfter: null }) or use a backend that supports deferring.",
    task.name,
  );
}

function checkRunAfterValue(task: Task): void {
  const { runAfter } = task;
  if (runAfter === null) return;
  if (runAfter instanceof Date && !Number.isNaN(runAfter.getTime())) return;

  throw new InvalidTask(
    `runAfter must be a valid Date. Task '${task.name}' has runAfter ${String(runAfter)}.`,
    task.name,
  );
}

function checkQueue(task: Task, backend: BaseTaskBackend): void {
  if (backend.queues.size === 0 || backend.queues.has(task.queueName)) return;

  const allowed = [...backend.queues].map((queue) => `'${queue}'`).join(", ");
  throw new InvalidTask(
    `Queue '${task.queueName}' is not valid for backend. Task backend '${backend.alias}' ` +
      `allows ${allowed}; add the queue to its queues in configureTasks(), or use one of those.`,
    task.name,
  );
}
