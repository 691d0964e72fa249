/**
 * The task worker: polls the backend's queues and runs task messages exactly as the callback
 * route does (same record transitions, retries, lease keep-alive, events), on the consumer
 * layer's polling worker. For local development without push delivery, and for long-running
 * hosts outside Vercel Functions.
 *
 * Every consumer group receives every message: a worker polling with the same topics as a push
 * trigger but another consumer group runs each task a second time (the result then records
 * the first finish, and the second delivery is acknowledged without running only if it arrives
 * after the first has finished). Poll either with the push route's own consumer group, or on
 * topics that no push trigger serves.
 */

import type { PollingWorkerOptions } from "../../../consumer/worker.js";
import { createPollingWorker, type PollingWorker } from "../../../consumer/worker.js";
import type { VercelQueuesBackend } from "./backend.js";
import {
  createTaskConsumer,
  resolveVercelBackend,
  type TaskRunnerOptions,
  taskMap,
} from "./binding.js";
import { InvalidBackendOptionError } from "./errors.js";

/** Consumer group a task worker polls as unless told otherwise (the seed's default). */
export const DEFAULT_TASK_CONSUMER_GROUP = "default";

/** Options of {@link createTaskWorker}. */
export interface TaskWorkerOptions
  extends TaskRunnerOptions,
    Omit<PollingWorkerOptions, "topics" | "consumerGroup"> {
  /**
   * Queues (topics) to poll; each must be allowed by the backend's `queues`.
   * @default the backend's `queues` (required when those allow any queue)
   */
  queues?: readonly string[];
  /** Consumer group to poll as. @default "default" */
  consumerGroup?: string;
}

/**
 * Creates a polling worker for the backend's tasks. The backend is resolved now, so configure
 * tasks first.
 * @example
 * const worker = createTaskWorker({ tasks: [sendEmail], handleSignals: true });
 * await worker.run(); // until SIGINT/SIGTERM or worker.stop()
 */
export function createTaskWorker(options: TaskWorkerOptions): PollingWorker {
  const tasks = taskMap(options?.tasks);
  const backend = resolveVercelBackend(options.backend);
  const queues = queuesToPoll(backend, options.queues);
  const consumer = createTaskConsumer(backend, tasks, options.onEvent, queues);

  return createPollingWorker(consumer, {
    topics: [...queues],
    consumerGroup: options.consumerGroup ?? DEFAULT_TASK_CONSUMER_GROUP,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
    idleDelayMs: options.idleDelayMs,
    maxIdleDelayMs: options.maxIdleDelayMs,
    shutdownGraceSeconds: options.shutdownGraceSeconds,
    handleSignals: options.handleSignals,
  });
}

function queuesToPoll(
  backend: VercelQueuesBackend,
  requested: readonly string[] | undefined,
): readonly string[] {
  const allowed = [...backend.queues];

  if (requested === undefined) {
    if (allowed.length > 0) return allowed;

    throw new InvalidBackendOptionError(
      backend.alias,
      "queues",
      "allows any queue, so the worker cannot tell which topics to poll; pass the `queues` " +
        "option of createTaskWorker()",
    );
  }

  const refused = requested.filter((queue) => allowed.length > 0 && !backend.queues.has(queue));
  if (refused.length > 0 || requested.length === 0) {
    throw new InvalidBackendOptionError(
      backend.alias,
      "queues",
      `cannot be polled as asked (${JSON.stringify(requested)}): the worker polls a non-empty ` +
        `list of the backend's queues (${allowed.join(", ") || "any"})`,
    );
  }

  return requested;
}
