/**
 * Running one delivery of a task message: the message handler that the callback route and the
 * task worker register with the consumer layer. The consumer layer owns the claim, the lease
 * keep-alive and the queue calls; this handler decides, and says so by what it returns:
 * nothing (acknowledge), `retryAfter(n)` (deliver again in n seconds) or `ack()`.
 *
 * | delivery                                      | record                         | message   |
 * | --------------------------------------------- | ------------------------------ | --------- |
 * | not a task envelope                           | untouched                      | ack       |
 * | envelope of another backend alias             | untouched                      | ack       |
 * | topic not in the backend's `queues`           | FAILED (QueueNotAllowed)       | ack       |
 * | result already SUCCESSFUL / FAILED            | untouched                      | ack       |
 * | before `runAfter`                             | untouched (no attempt)         | push back |
 * | `runAfter` beyond the message's expiry        | FAILED (MessageExpiring)       | ack       |
 * | another message is running the same result   | untouched                      | push back |
 * | attempt succeeds                              | SUCCESSFUL                     | ack       |
 * | attempt fails, attempts and time left         | READY, one error               | retry     |
 * | attempt fails, none left (or not retryable)   | FAILED, one error              | ack       |
 * | task unknown to this handler                  | as a failed attempt            | as above  |
 * | outcome of an attempt that lost its lease     | untouched (newer attempt wins) | ack       |
 *
 * Store failures are thrown: the consumer layer then reschedules the message, so nothing is
 * lost while the store is down.
 */

import { ack, type Directive, retryAfter } from "../../../consumer/directives.js";
import type { MessageMetadata } from "../../../consumer/types.js";
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from "../../../queue/index.js";
import { TaskContext } from "../../context.js";
import { emitTaskEvent } from "../../events.js";
import { runTaskAttempt, type TaskAttemptOutcome } from "../../execution.js";
import type { JsonObject, JsonValue } from "../../json.js";
import { TaskResult } from "../../result.js";
import { Task } from "../../task.js";
import type { TaskError } from "../../task-error.js";
import type { VercelQueuesBackend } from "./backend.js";
import { readTaskEnvelope, type TaskEnvelope } from "./envelope.js";
import { MessageExpiring, QueueNotAllowed, TaskNotRunnableHere } from "./errors.js";
import type { TaskReporter } from "./events.js";
import { report } from "./events.js";
import { fromStoredRecord, idleVercelState, type StoredResult, toStoredRecord } from "./record.js";
import { retryDelaySeconds, secondsBeforeExpiry } from "./retry.js";
import {
  type AttemptIdentity,
  type AttemptWrite,
  planFailWithoutRunning,
  planFinish,
  planStart,
  recordedError,
  type StartPlan,
} from "./transitions.js";

/** What a task message handler works with. */
export interface TaskDeliveryContext {
  backend: VercelQueuesBackend;
  /** The tasks this handler may run, by name. */
  tasks: ReadonlyMap<string, Task>;
  reporter: TaskReporter;
}

/** What an attempt will write, and whether a retry was ruled out only by the message expiry. */
type PlannedWrite = AttemptWrite & { outOfTime?: boolean };

/**
 * Handles one delivered message (see the module doc). Resolves to the directive for the
 * consumer layer; rejects only when the result store fails.
 */
export async function handleTaskMessage(
  payload: unknown,
  metadata: MessageMetadata,
  context: TaskDeliveryContext,
): Promise<Directive | undefined> {
  const reading = readTaskEnvelope(payload);

  if (!reading.ok) {
    return acknowledgePoison(reading.problem, metadata, context.reporter);
  }

  return new TaskDelivery(reading.envelope, metadata, context).run();
}

function acknowledgePoison(problem: string, metadata: MessageMetadata, reporter: TaskReporter) {
  const ref = refOf(metadata);
  report(reporter, { type: "task.poison_message", ...ref, problem });
  reporter.logger.warn?.(
    `vercel-workers: message "${ref.messageId}" on topic "${ref.topic}" is ${problem}; ` +
      "acknowledging it so that it is not redelivered",
  );

  return ack("poison message");
}

/** One delivery of one task envelope. */
class TaskDelivery {
  readonly #envelope: TaskEnvelope;
  readonly #metadata: MessageMetadata;
  readonly #backend: VercelQueuesBackend;
  readonly #reporter: TaskReporter;
  readonly #task: Task;
  readonly #key: string;
  /** Whether the attempt had to start from a fresh record (see `#attemptNumber`). */
  #recordWasMissing = false;
  /** The record as this attempt's start wrote it: what its finish expects to find. */
  #startedRecord: JsonObject | undefined;

  constructor(envelope: TaskEnvelope, metadata: MessageMetadata, context: TaskDeliveryContext) {
    this.#envelope = envelope;
    this.#metadata = metadata;
    this.#backend = context.backend;
    this.#reporter = context.reporter;
    this.#task = taskFor(envelope, context.tasks);
    this.#key = context.backend.recordKey(envelope.resultId);
  }

  async run(): Promise<Directive | undefined> {
    const refusal = await this.#refuse();
    if (refusal !== undefined) return refusal;

    // Nothing is read before this: starting the attempt reads the record atomically anyway, and
    // finds a finished result there (one store round trip less per delivery).
    const deferral = await this.#deferUntilRunAfter();
    if (deferral !== undefined) return deferral;

    return this.#attempt();
  }

  /** Refuses envelopes of another backend and topics outside the backend's queues. */
  async #refuse(): Promise<Directive | undefined> {
    const alias = this.#envelope.backend;
    const backend = this.#backend;

    if (alias !== backend.alias) {
      const problem =
        `the task was enqueued by task backend '${alias}', but this handler runs backend ` +
        `'${backend.alias}'; route the topic to a handler bound to '${alias}'`;
      return this.#refused("other_backend", problem);
    }

    const topic = this.#metadata.topic;
    if (backend.queues.size === 0 || backend.queues.has(topic)) {
      return undefined;
    }

    const error = new QueueNotAllowed(topic, backend.alias, [...backend.queues]);
    await this.#failWithoutRunning(recordedError(error));
    return this.#refused("queue_not_allowed", error.message);
  }

  #refused(reason: "queue_not_allowed" | "other_backend", problem: string): Directive {
    const resultId = this.#envelope.resultId;
    report(this.#reporter, {
      type: "task.refused",
      ...refOf(this.#metadata),
      resultId,
      reason,
      problem,
    });
    this.#reporter.logger.warn?.(
      `vercel-workers: refused task message "${this.#metadata.messageId}" (result ` +
        `"${resultId}"): ${problem}`,
    );

    return ack(reason);
  }

  #alreadyFinished(status: string): Directive {
    const resultId = this.#envelope.resultId;
    report(this.#reporter, {
      type: "task.already_finished",
      ...refOf(this.#metadata),
      resultId,
      status,
    });
    this.#reporter.logger.debug?.(
      `vercel-workers: result "${resultId}" is already ${status}; acknowledging the redelivery`,
    );

    return ack("already finished");
  }

  /** Pushes an early delivery back until `runAfter` (several times when it is far ahead). */
  async #deferUntilRunAfter(): Promise<Directive | undefined> {
    const runAfter = this.#task.runAfter;
    const now = new Date();
    if (runAfter === null || runAfter.getTime() <= now.getTime()) return undefined;

    const wait = Math.ceil((runAfter.getTime() - now.getTime()) / 1000);
    if (wait > secondsBeforeExpiry(this.#metadata.expiresAt, now)) {
      return this.#expiring(
        `runAfter ${runAfter.toISOString()} lies beyond the expiry of its message ` +
          `(${this.#metadata.expiresAt?.toISOString()}); raise retentionSeconds`,
      );
    }

    const delaySeconds = Math.min(wait, MAX_VISIBILITY_TIMEOUT_SECONDS);
    const resultId = this.#envelope.resultId;
    report(this.#reporter, {
      type: "task.deferred",
      ...refOf(this.#metadata),
      resultId,
      runAfter,
      delaySeconds,
    });

    return retryAfter(delaySeconds, "before runAfter");
  }

  async #expiring(problem: string): Promise<Directive> {
    await this.#failWithoutRunning(recordedError(new MessageExpiring(problem)));
    this.#reportExpiring(problem);

    return ack("message expiring");
  }

  #reportExpiring(problem: string): void {
    const resultId = this.#envelope.resultId;
    report(this.#reporter, { type: "task.expiring", ...refOf(this.#metadata), resultId, problem });
    this.#reporter.logger.warn?.(`vercel-workers: task result "${resultId}" failed: ${problem}`);
  }

  /** Starts an attempt, runs it, records its outcome. */
  async #attempt(): Promise<Directive | undefined> {
    const identity = this.#identity();
    const plan = await this.#start(identity);

    if (plan.kind === "finished") return this.#alreadyFinished(plan.status);
    if (plan.kind === "busy") return this.#busy();
    if (plan.kind === "exhausted") {
      emitTaskEvent("taskFinished", this.#backend, plan.stored.result);
      return ack("attempts exhausted");
    }

    const { result } = plan.stored;
    emitTaskEvent("taskStarted", this.#backend, result);
    this.#reportUnknownTask();

    const outcome = await runTaskAttempt(
      this.#task,
      this.#envelope.args,
      new TaskContext(result, this.#metadata.signal),
    );

    return this.#finish(plan.stored, identity.token, outcome);
  }

  async #start(identity: AttemptIdentity): Promise<StartPlan> {
    let plan: StartPlan = { kind: "finished", status: "FAILED" };
    const maxAttempts = this.#backend.settings.maxAttempts;

    await this.#backend.store.update(
      this.#key,
      (current) => {
        const existing = this.#parse(current);
        this.#recordWasMissing = existing === null;
        plan = planStart(existing ?? this.#fresh(), identity, maxAttempts);
        this.#startedRecord =
          plan.kind === "started" || plan.kind === "exhausted"
            ? toStoredRecord(plan.stored)
            : undefined;
        return this.#startedRecord;
      },
      { ...this.#backend.writeOptions, expected: this.#expectedAtStart() },
    );

    return plan;
  }

  /**
   * What a first delivery most likely finds: the READY record that `enqueue` stored, rebuilt
   * from the envelope, so that the store can skip reading it. Later deliveries find a record
   * changed by earlier attempts, so they make no guess (see `ResultStoreUpdateOptions`).
   */
  #expectedAtStart(): JsonObject | undefined {
    return this.#metadata.deliveryCount <= 1 ? toStoredRecord(this.#fresh()) : undefined;
  }

  #busy(): Directive {
    const delaySeconds = this.#backend.settings.visibilityTimeoutSeconds;
    const resultId = this.#envelope.resultId;
    report(this.#reporter, { type: "task.busy", ...refOf(this.#metadata), resultId, delaySeconds });

    return retryAfter(delaySeconds, "another message is running this result");
  }

  async #finish(
    started: StoredResult,
    token: string,
    outcome: TaskAttemptOutcome,
  ): Promise<Directive | undefined> {
    const write = this.#writeFor(started.result, outcome);
    const snapshot = this.#startedRecord ?? toStoredRecord(started);
    let written: StoredResult | "stale" = "stale";

    await this.#backend.store.update(
      this.#key,
      (current) => {
        // A record that expired or was evicted mid-run is written again from this attempt.
        const stored = this.#parse(current) ?? (this.#parse(snapshot) as StoredResult);
        written = planFinish(stored, token, write, new Date());
        return written === "stale" ? undefined : toStoredRecord(written);
      },
      // Unless a newer attempt took over, the record is still the one this attempt's start wrote.
      { ...this.#backend.writeOptions, expected: snapshot },
    );

    return this.#afterFinish(written, write);
  }

  #afterFinish(written: StoredResult | "stale", write: PlannedWrite): Directive | undefined {
    if (written === "stale") {
      const resultId = this.#envelope.resultId;
      report(this.#reporter, { type: "task.stale_attempt", ...refOf(this.#metadata), resultId });
      this.#reporter.logger.warn?.(
        `vercel-workers: attempt on result "${resultId}" finished after a newer attempt took ` +
          "over; its outcome is dropped",
      );
      return ack("stale attempt");
    }

    if (!write.ok && write.retry) {
      return retryAfter(this.#retryDelay(written.result), "task failed");
    }

    if (!write.ok && write.outOfTime) {
      this.#reportExpiring("no time is left before the message expires for another attempt");
    }

    emitTaskEvent("taskFinished", this.#backend, written.result);
    return undefined;
  }

  /** Turns an outcome into what to write: retry while attempts and message time remain. */
  #writeFor(result: TaskResult, outcome: TaskAttemptOutcome): PlannedWrite {
    if (outcome.ok) return { ok: true, returnValue: outcome.returnValue };

    const attemptsLeft = this.#attemptNumber(result) < this.#backend.settings.maxAttempts;
    const timeLeft = secondsBeforeExpiry(this.#metadata.expiresAt, new Date()) >= 1;
    const wouldRetry = outcome.retryable && attemptsLeft;

    return {
      ok: false,
      error: outcome.error,
      retry: wouldRetry && timeLeft,
      outOfTime: wouldRetry && !timeLeft,
    };
  }

  /**
   * The number of this attempt: counted in the record, but at least the delivery count when
   * the record had to be made afresh, so a record that keeps getting lost cannot make the
   * retries endless.
   */
  #attemptNumber(result: TaskResult): number {
    return this.#recordWasMissing
      ? Math.max(result.attempts, this.#metadata.deliveryCount)
      : result.attempts;
  }

  #retryDelay(result: TaskResult): number {
    const settings = this.#backend.settings;
    const delay = retryDelaySeconds(this.#attemptNumber(result), {
      baseSeconds: settings.retryBackoffBaseSeconds,
      factor: settings.retryBackoffFactor,
      maxDelaySeconds: settings.maxRetryDelaySeconds,
    });

    return Math.min(delay, secondsBeforeExpiry(this.#metadata.expiresAt, new Date()));
  }

  async #failWithoutRunning(error: TaskError): Promise<void> {
    const identity = { messageId: this.#metadata.messageId, workerId: this.#backend.workerId };
    let failed: StoredResult | undefined;

    await this.#backend.store.update(
      this.#key,
      (current) => {
        const stored = this.#parse(current) ?? this.#fresh();
        failed = planFailWithoutRunning(stored, error, { ...identity, now: new Date() });
        return failed === undefined ? undefined : toStoredRecord(failed);
      },
      this.#backend.writeOptions,
    );

    if (failed !== undefined) emitTaskEvent("taskFinished", this.#backend, failed.result);
  }

  #reportUnknownTask(): void {
    if (!isStandIn(this.#task)) return;

    const { resultId, task: taskName } = this.#envelope;
    report(this.#reporter, {
      type: "task.unknown_task",
      ...refOf(this.#metadata),
      resultId,
      taskName,
    });
    this.#reporter.logger.warn?.(
      `vercel-workers: result "${resultId}" names task '${taskName}', which this handler ` +
        "cannot run; recording a failed attempt",
    );
  }

  /** A READY result built from the envelope, for a delivery that finds no record. */
  #fresh(): StoredResult {
    const envelope = this.#envelope;

    const result = new TaskResult({
      id: envelope.resultId,
      task: this.#task,
      backend: envelope.backend,
      args: envelope.args,
      enqueuedAt: new Date(envelope.enqueuedAt),
    });

    return { result, vercel: idleVercelState() };
  }

  /** Reads a stored value; one that is not a readable record counts as missing (and is logged). */
  #parse(value: JsonValue | null): StoredResult | null {
    try {
      return fromStoredRecord(value, () => this.#task);
    } catch (error) {
      this.#reporter.logger.warn?.(
        `vercel-workers: the stored result "${this.#key}" is unreadable; replacing it`,
        error,
      );
      return null;
    }
  }

  #identity(): AttemptIdentity {
    return {
      token: crypto.randomUUID(),
      messageId: this.#metadata.messageId,
      workerId: this.#backend.workerId,
      now: new Date(),
    };
  }
}

const STAND_INS = new WeakSet<Task>();

/**
 * The task an envelope names, with the queue, backend and `runAfter` it was enqueued with; a
 * stand-in that fails with {@link TaskNotRunnableHere} when the handler was not given it.
 */
function taskFor(envelope: TaskEnvelope, tasks: ReadonlyMap<string, Task>): Task {
  const runAfter = envelope.runAfter === null ? null : new Date(envelope.runAfter);
  const known = tasks.get(envelope.task);
  const overrides = { queueName: envelope.queue, backend: envelope.backend, runAfter };

  if (known !== undefined) return known.withOptions(overrides);

  const runnable = [...tasks.keys()];
  const standIn = new Task({
    name: envelope.task,
    fn: () => {
      throw new TaskNotRunnableHere(envelope.task, runnable);
    },
    queueName: envelope.queue,
    priority: 0,
    backend: envelope.backend,
    takesContext: false,
    runAfter,
    argsSchema: undefined,
  });
  STAND_INS.add(standIn);

  return standIn;
}

function isStandIn(task: Task): boolean {
  return STAND_INS.has(task);
}

function refOf(metadata: MessageMetadata) {
  return {
    messageId: metadata.messageId,
    topic: metadata.topic,
    consumerGroup: metadata.consumerGroup,
  };
}
