/**
 * What the callback handlers and the task worker have in common: the backend they run for
 * (an alias resolved through `taskBackends`, or an instance), the tasks they may run, and the
 * consumer-layer `Consumer` that carries the task message handler with the backend's lease,
 * retry and connection settings.
 */

import { Consumer } from "../../../consumer/consumer.js";
import type { MessageMetadata } from "../../../consumer/types.js";
import { taskBackends } from "../../config.js";
import { DEFAULT_TASK_BACKEND_ALIAS } from "../../constants.js";
import { InvalidTask } from "../../errors.js";
import type { Task } from "../../task.js";
import { isVercelQueuesBackend, type VercelQueuesBackend } from "./backend.js";
import { handleTaskMessage } from "./delivery.js";
import { NotAVercelBackendError } from "./errors.js";
import type { TaskHandlerEvent, TaskReporter } from "./events.js";
import { retryDelaySeconds } from "./retry.js";

/** Options shared by the callback handlers and the task worker. */
export interface TaskRunnerOptions {
  /**
   * The backend whose tasks are run: an alias configured with `configureTasks()` (resolved on
   * first use, so the handler can be created before the configuration), or the instance.
   * @default "default"
   */
  backend?: string | VercelQueuesBackend;
  /**
   * The tasks this handler may run. A message naming any other task is recorded as a failed
   * attempt (and retried: a newer deployment may know it).
   */
  tasks: readonly Task[];
  /**
   * Receives every delivery event: the task events (`task.poison_message`, `task.refused`,
   * `task.deferred` …) and the consumer layer's (`message.acknowledged`, `lease.lost` …). A
   * listener that throws is logged and otherwise ignored.
   * @default none
   */
  onEvent?: (event: TaskHandlerEvent) => void;
}

/** The tasks by name, checked once. */
export function taskMap(tasks: unknown): ReadonlyMap<string, Task> {
  if (!Array.isArray(tasks)) {
    throw new InvalidTask(
      "The `tasks` option must be an array of the tasks this handler may run, e.g. " +
        "{ tasks: [sendEmail, resizeImage] }.",
    );
  }

  const byName = new Map<string, Task>();
  for (const [index, task] of tasks.entries()) {
    checkTask(task, index);

    const existing = byName.get(task.name);
    if (existing !== undefined && existing.fn !== task.fn) {
      throw new InvalidTask(
        `Two different tasks named '${task.name}' are in \`tasks\`.`,
        task.name,
      );
    }

    byName.set(task.name, task);
  }

  return byName;
}

/** Resolves a backend reference to a `VercelQueuesBackend`. */
export function resolveVercelBackend(
  reference: string | VercelQueuesBackend | undefined,
): VercelQueuesBackend {
  const alias = reference ?? DEFAULT_TASK_BACKEND_ALIAS;

  if (typeof alias !== "string") {
    if (isVercelQueuesBackend(alias)) return alias;
    throw new NotAVercelBackendError("(instance)", describe(alias));
  }

  const backend = taskBackends.get(alias);
  if (!isVercelQueuesBackend(backend)) {
    throw new NotAVercelBackendError(alias, describe(backend));
  }

  return backend;
}

/**
 * A consumer whose subscriptions run task messages for `backend`: one for every topic
 * (`"*"`, push: the handler itself refuses topics outside `queues`) or one per polled topic.
 */
export function createTaskConsumer(
  backend: VercelQueuesBackend,
  tasks: ReadonlyMap<string, Task>,
  onEvent: TaskRunnerOptions["onEvent"],
  topics: readonly string[],
): Consumer {
  const settings = backend.settings;
  const reporter: TaskReporter = { logger: settings.logger, onEvent };

  const consumer = new Consumer({
    client: backend.client,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    renewIntervalSeconds: settings.visibilityRefreshIntervalSeconds,
    retryDelaySeconds: (_error: unknown, metadata: MessageMetadata) =>
      retryDelaySeconds(metadata.deliveryCount, {
        baseSeconds: settings.retryBackoffBaseSeconds,
        factor: settings.retryBackoffFactor,
        maxDelaySeconds: settings.maxRetryDelaySeconds,
      }),
    logger: settings.logger,
    onEvent,
  });

  const handler = (payload: unknown, metadata: MessageMetadata) =>
    handleTaskMessage(payload, metadata, { backend, tasks, reporter });

  for (const topic of topics) consumer.subscribe(topic, handler);

  return consumer;
}

function checkTask(task: unknown, index: number): asserts task is Task {
  const looksLikeTask =
    typeof task === "object" &&
    task !== null &&
    typeof (task as Task).name === "string" &&
    typeof (task as Task).fn === "function";

  if (!looksLikeTask) {
    throw new InvalidTask(
      `tasks[${index}] is not a task: pass what task() returned (e.g. sendEmail), not the ` +
        "plain function or its name.",
    );
  }
}

function describe(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);

  return `a ${(value as object).constructor?.name ?? "object"}`;
}
