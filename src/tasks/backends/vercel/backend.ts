/**
 * `VercelQueuesBackend`: the production task backend. `enqueue()` stores a READY result and
 * sends the task as a message to the topic named by the task's queue; the app's queue callback
 * route (see `createTaskCallbackHandler`) or a task worker (`createTaskWorker`) runs it and
 * records the outcome in the result store picked by `cacheAlias`, where `getResult()` reads it.
 *
 * The producer and the consumer share one resolved set of options and one Queue Service client,
 * so a callback claims, renews and acknowledges with exactly the credentials, base URL and
 * deployment that enqueued.
 */

import { QueueClient } from "../../../queue/client.js";
import { isQueueError } from "../../../queue/errors.js";
import { getResultStore } from "../../../results/registry.js";
import type { ResultStore, ResultStoreWriteOptions } from "../../../results/store.js";
import { InvalidTask, TaskResultDoesNotExist, UnknownTask } from "../../errors.js";
import { emitTaskEvent } from "../../events.js";
import { randomTaskId } from "../../ids.js";
import { taskRegistry } from "../../registry.js";
import { markTaskEnqueued, type TaskResult } from "../../result.js";
import { Task } from "../../task.js";
import { BaseTaskBackend, type TaskBackendParams } from "../base.js";
import { createTaskEnvelope } from "./envelope.js";
import { EnqueueOutcomeUnknownError, InvalidBackendOptionError } from "./errors.js";
import {
  MAX_RETENTION_SECONDS,
  type ResolvedVercelOptions,
  resolveVercelOptions,
  SERVICE_DEFAULT_RETENTION_SECONDS,
  type VercelQueuesBackendOptions,
} from "./options.js";
import { fromStoredRecord, idleVercelState, recordKey, toStoredRecord } from "./record.js";

/** Names the Queue Service accepts for topics, and therefore for queues of this backend. */
const TOPIC_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Time a task must have between its `runAfter` and the expiry of its message, in seconds:
 * enough for the delivery to arrive and the first attempt to start.
 */
export const RUN_AFTER_MARGIN_SECONDS = 60;

/**
 * Runs tasks on Vercel Queues: configure it with `configureTasks`, mount its callback route,
 * and read results from any process that shares the result store.
 * @example
 * registerResultStore("default", new RedisResultStore());
 * configureTasks({
 *   default: { backend: VercelQueuesBackend, queues: ["default", "emails"], options: {
 *     maxAttempts: 5, retryBackoffBaseSeconds: 10,
 *   } },
 * });
 */
export class VercelQueuesBackend extends BaseTaskBackend<VercelQueuesBackendOptions> {
  override readonly supportsDefer = true;
  override readonly supportsAsyncTask = true;
  override readonly supportsGetResult = true;
  override readonly supportsPriority = false;

  /** The options after validation, with every default applied. */
  readonly settings: ResolvedVercelOptions;
  /** Id recorded in `workerIds` for every attempt this instance runs (random per instance). */
  readonly workerId = randomTaskId();
  /** The Queue Service client shared by enqueue, the callback handler and the worker. */
  readonly client: QueueClient;

  /**
   * @throws InvalidBackendOptionError (an `InvalidTaskBackend`) naming the first bad option,
   *   queue name, or connection setting (explicit or from the environment).
   */
  constructor(alias: string, params: TaskBackendParams<VercelQueuesBackendOptions> = {}) {
    super(alias, params);

    this.settings = resolveVercelOptions(params.options, alias);
    checkQueueNames(alias, this.queues);
    this.client = createClient(alias, this.settings);
  }

  /** The result store named by `cacheAlias`, looked up on each use (it can be re-registered). */
  get store(): ResultStore {
    return getResultStore(this.settings.cacheAlias);
  }

  /** Write options of every record write: the TTL restarts with each one. */
  get writeOptions(): ResultStoreWriteOptions {
    return { ttlSeconds: this.settings.resultTtlSeconds };
  }

  /** The store key of a result id. */
  recordKey(resultId: string): string {
    return recordKey(this.settings.cacheKeyPrefix, this.alias, resultId);
  }

  /**
   * Django's rules (priority must be 0, queue must be in `queues`…), then this backend's own:
   * the queue name must be a valid topic name, and `runAfter` must fall inside the retention of
   * a message, since a message cannot wait longer than it is kept.
   */
  override validateTask(task: Task): void {
    super.validateTask(task);

    checkTopicName(task);
    this.#checkRunAfterWithinRetention(task);
  }

  /**
   * Validates the task, stores its READY result, sends the task message (with the result id as
   * idempotency key, and `runAfter` as delay) and emits `taskEnqueued`.
   *
   * When the service definitely refused the send (a 4xx on the first attempt, a configuration
   * or payload error), the stored result is removed again and the client's error is thrown.
   * A retried send answered "duplicate idempotency key" was stored by an earlier attempt and
   * counts as enqueued. When the failure
   * leaves open whether the message was stored (timeout, network failure, 5xx, unreadable
   * answer), the READY result is KEPT, since the task may still run under it, and an
   * {@link EnqueueOutcomeUnknownError} carrying its `resultId` is thrown: check
   * `getResult(resultId)` before enqueueing again.
   */
  async enqueue(task: Task, args: readonly unknown[]): Promise<TaskResult> {
    const result = await this.createResult(task, args);
    const enqueuedAt = new Date();
    markTaskEnqueued(result, enqueuedAt);

    const key = this.recordKey(result.id);
    await this.store.set(
      key,
      toStoredRecord({ result, vercel: idleVercelState() }),
      this.writeOptions,
    );

    try {
      await this.#send(result, enqueuedAt);
    } catch (error) {
      // A retried send that meets its own idempotency key was stored by an earlier attempt.
      if (isQueueError(error) && error.code === "duplicate_idempotency_key") {
        emitTaskEvent("taskEnqueued", this, result);
        return result;
      }

      if (mayHaveBeenStored(error)) {
        throw new EnqueueOutcomeUnknownError(result.id, task.queueName, error);
      }

      await this.#forget(key);
      throw error;
    }

    emitTaskEvent("taskEnqueued", this, result);
    return result;
  }

  /**
   * Reads the result from the store. Throws `TaskResultDoesNotExist` when there is none (never
   * enqueued here, or expired after `resultTtlSeconds`). The process need not define the task:
   * the result then carries a stand-in task that only refuses to run.
   */
  override async getResult(resultId: string): Promise<TaskResult> {
    if (typeof resultId !== "string" || resultId === "") {
      throw new TaskResultDoesNotExist(String(resultId), this.alias);
    }

    const stored = fromStoredRecord(await this.store.get(this.recordKey(resultId)), resolveTask);
    if (stored === null) {
      throw new TaskResultDoesNotExist(resultId, this.alias);
    }

    return stored.result;
  }

  /** Result ids are UUIDs made before sending (never the message id). */
  protected override createResultId(): string {
    return crypto.randomUUID();
  }

  async #send(result: TaskResult, enqueuedAt: Date): Promise<void> {
    const { task } = result;
    const envelope = createTaskEnvelope({
      resultId: result.id,
      task: task.name,
      queue: task.queueName,
      backend: this.alias,
      args: [...result.args],
      runAfter: task.runAfter?.toISOString() ?? null,
      enqueuedAt: enqueuedAt.toISOString(),
    });

    await this.client.send(task.queueName, envelope, {
      idempotencyKey: result.id,
      delaySeconds: sendDelaySeconds(task.runAfter, enqueuedAt, this.#retentionSeconds()),
    });
  }

  async #forget(key: string): Promise<void> {
    try {
      await this.store.delete(key);
    } catch (error) {
      this.settings.logger.warn?.(
        `vercel-workers: could not remove the result "${key}" of a failed enqueue`,
        error,
      );
    }
  }

  #retentionSeconds(): number {
    return this.settings.client.retentionSeconds ?? SERVICE_DEFAULT_RETENTION_SECONDS;
  }

  #checkRunAfterWithinRetention(task: Task): void {
    if (task.runAfter === null) {
      return;
    }

    const waitSeconds = Math.ceil((task.runAfter.getTime() - Date.now()) / 1000);
    const retention = this.#retentionSeconds();
    if (waitSeconds <= retention - RUN_AFTER_MARGIN_SECONDS) {
      return;
    }

    throw new InvalidTask(
      `runAfter is ${waitSeconds} s ahead, but a message of task backend '${this.alias}' is ` +
        `kept only ${retention} s (retentionSeconds) and the task needs ` +
        `${RUN_AFTER_MARGIN_SECONDS} s of it to start. Raise retentionSeconds (at most ` +
        `${MAX_RETENTION_SECONDS}) or enqueue closer to the time.`,
      task.name,
    );
  }
}

const BRAND = Symbol.for("vercel-workers.tasks.VercelQueuesBackend");

Object.defineProperty(VercelQueuesBackend.prototype, BRAND, { value: true });

/** Whether `value` is a {@link VercelQueuesBackend} from any copy of this library. */
export function isVercelQueuesBackend(value: unknown): value is VercelQueuesBackend {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * Seconds to delay the message of a task with this `runAfter`: the time left until it, rounded
 * up, at most the retention (the service refuses longer delays; a delivery that still comes
 * early is pushed back by the callback).
 */
export function sendDelaySeconds(runAfter: Date | null, now: Date, retention: number): number {
  if (runAfter === null) {
    return 0;
  }

  const wait = Math.ceil((runAfter.getTime() - now.getTime()) / 1000);

  return Math.min(Math.max(0, wait), retention);
}

/**
 * The task registered under `name`, or a stand-in that keeps the name and refuses to run, so a
 * result can be read in a process that does not define its task.
 */
export function resolveTask(name: string): Task {
  return taskRegistry.get(name) ?? unknownTaskStandIn(name);
}

function unknownTaskStandIn(name: string): Task {
  return new Task({
    name,
    fn: () => {
      throw new UnknownTask(name, taskRegistry.names);
    },
    queueName: "default",
    priority: 0,
    backend: "default",
    takesContext: false,
    runAfter: null,
    argsSchema: undefined,
  });
}

function checkQueueNames(alias: string, queues: ReadonlySet<string>): void {
  for (const queue of queues) {
    if (!TOPIC_PATTERN.test(queue)) {
      throw new InvalidBackendOptionError(
        alias,
        "queues",
        `contains ${JSON.stringify(queue)}, which cannot be a Vercel Queues topic: use only ` +
          "letters, digits, '_' and '-'",
      );
    }
  }
}

function checkTopicName(task: Task): void {
  if (TOPIC_PATTERN.test(task.queueName)) {
    return;
  }

  throw new InvalidTask(
    `Queue name ${JSON.stringify(task.queueName)} of task '${task.name}' cannot be a Vercel ` +
      "Queues topic: use only letters, digits, '_' and '-'.",
    task.name,
  );
}

function createClient(alias: string, settings: ResolvedVercelOptions): QueueClient {
  try {
    return new QueueClient({ ...settings.client, logger: settings.logger });
  } catch (error) {
    if (isQueueError(error) && error.code === "configuration_error") {
      const option = (error as { option?: string }).option ?? "options";
      throw new InvalidBackendOptionError(alias, option, `is not usable: ${error.message}`);
    }

    throw error;
  }
}

/**
 * Whether a failed send may still have stored the message. Only a definite refusal lets the
 * READY result go: a 4xx or the 503 of a project without Queues on the FIRST attempt, or an
 * error raised before any request (configuration, payload, missing token). After a retry, an
 * earlier attempt may have landed whatever the last answer says. Errors that are not the
 * client's cannot come from a request at all.
 */
function mayHaveBeenStored(error: unknown): boolean {
  if (!isQueueError(error)) return false;
  if (error.attempts > 1) return true;

  const status = error.status;
  if (status !== undefined && status >= 400 && status < 500) return false;
  if (error.code === "consumer_registry_not_configured") return false;

  return status !== undefined || error.retryable || error.code === "protocol_error";
}
