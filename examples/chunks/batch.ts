/**
 * The batch job: split the sales CSV into chunks, enqueue one task per chunk plus the three
 * tasks that show retries, failure and deferral; later, poll their results until all finished.
 */
import type { TaskResult } from "../../src/tasks/index.js";
import type { ResultView, TaskKind, TrackedTask } from "./report.js";
import { dataLines, splitEvenly } from "./sales.js";
import { aggregateChunk, alwaysFails, deferred, flaky } from "./tasks.js";

/** What `POST /api/jobs` accepts; every field has a default. */
export interface BatchRequest {
  /** Chunks the CSV is split into, one task each. @default 100 */
  chunks?: number;
  /** Attempts the flaky task fails before it succeeds. @default 2 */
  flakyFailures?: number;
  /** Seconds ahead the deferred task's `runAfter` is set. @default 3 */
  deferSeconds?: number;
}

/** One enqueued task as `POST /api/jobs` answers it. */
export interface EnqueuedTask {
  kind: TaskKind;
  id: string;
  /** ISO time, for the deferred task. */
  runAfter?: string;
}

/** Enqueues at most this many tasks at once, so a big batch does not open hundreds of sockets. */
const ENQUEUE_CONCURRENCY = 16;

/** A request body that is not a batch; the message names the field. */
export class InvalidBatchRequest extends Error {
  readonly code = "INVALID_BATCH_REQUEST";
  readonly status = 400;

  constructor(problem: string) {
    super(problem);
    this.name = "InvalidBatchRequest";
  }
}

/** Checks a request body and fills in the defaults. */
export function resolveBatchRequest(body: unknown): Required<BatchRequest> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new InvalidBatchRequest('the body must be a JSON object such as {"chunks": 100}');
  }

  const request = body as Record<string, unknown>;
  const known = new Set(["chunks", "flakyFailures", "deferSeconds"]);
  const unknown = Object.keys(request).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new InvalidBatchRequest(
      `unknown field(s) ${unknown.join(", ")}; known: ${[...known].join(", ")}`,
    );
  }

  return {
    chunks: wholeNumber(request, "chunks", 100, 1, 1000),
    flakyFailures: wholeNumber(request, "flakyFailures", 2, 0, 10),
    deferSeconds: wholeNumber(request, "deferSeconds", 3, 1, 600),
  };
}

/**
 * Enqueues the whole batch: one `chunks.aggregate` per chunk, then `chunks.flaky`,
 * `chunks.always-fails` and `chunks.deferred`. Resolves once every task is enqueued.
 */
export async function enqueueBatch(
  csv: string,
  request: Required<BatchRequest>,
): Promise<EnqueuedTask[]> {
  const lines = dataLines(csv);
  const chunks = splitEvenly(lines, request.chunks);
  let firstLine = 2;
  const inputs = chunks.map((chunkLines, index) => {
    const input = { index, firstLine, lines: chunkLines };
    firstLine += chunkLines.length;
    return input;
  });

  const enqueued = await mapLimited(inputs, ENQUEUE_CONCURRENCY, async (input) => {
    const result = await aggregateChunk.enqueue(input);
    return { kind: "chunk" as const, id: result.id };
  });

  const runAfter = new Date(Date.now() + request.deferSeconds * 1000);
  const [flakyResult, failingResult, deferredResult] = await Promise.all([
    flaky.enqueue(request.flakyFailures),
    alwaysFails.enqueue("this task fails on every attempt"),
    deferred.using({ runAfter }).enqueue("held back"),
  ]);

  return [
    ...enqueued,
    { kind: "flaky", id: flakyResult.id },
    { kind: "always-fails", id: failingResult.id },
    { kind: "deferred", id: deferredResult.id, runAfter: runAfter.toISOString() },
  ];
}

/** How {@link waitForBatch} polls and reports. */
export interface WaitOptions {
  /** Gives up after this long; the unfinished tasks are reported as such. */
  timeoutMs: number;
  /** Time between two rounds of reads. @default 200 */
  intervalMs?: number;
  /** Called after each round with the tasks' latest results. */
  onProgress?: (tasks: readonly TrackedTask[]) => void;
}

/**
 * Polls `getResult` for every task that has not finished, until all have (or the timeout).
 * Returns the tasks with their latest results and whether all finished.
 */
export async function waitForBatch(
  enqueued: readonly EnqueuedTask[],
  options: WaitOptions,
): Promise<{ tasks: TrackedTask[]; allFinished: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  const tasks: TrackedTask[] = await Promise.all(
    enqueued.map(async (entry) => ({
      kind: entry.kind,
      result: await readResult(entry),
      ...(entry.runAfter === undefined ? {} : { runAfter: new Date(entry.runAfter) }),
    })),
  );

  for (;;) {
    options.onProgress?.(tasks);
    const open = tasks.filter((tracked) => !tracked.result.isFinished);

    if (open.length === 0) return { tasks, allFinished: true };
    if (Date.now() >= deadline) return { tasks, allFinished: false };

    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
    await mapLimited(open, ENQUEUE_CONCURRENCY, async (tracked) => {
      const entry = enqueued.find(
        (candidate) => candidate.id === tracked.result.id,
      ) as EnqueuedTask;
      tracked.result = await readResult(entry);
    });
  }
}

/** The latest result of an enqueued task, read through the task of its kind. */
async function readResult(entry: EnqueuedTask): Promise<ResultView> {
  const taskOfKind = { chunk: aggregateChunk, flaky, "always-fails": alwaysFails, deferred }[
    entry.kind
  ];
  const result: TaskResult = await taskOfKind.getResult(entry.id);

  return result;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function wholeNumber(
  request: Record<string, unknown>,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = request[field];
  if (value === undefined) return fallback;

  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidBatchRequest(
      `${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }

  return value;
}
