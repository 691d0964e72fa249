/**
 * The tasks of the chunks example. In an app these would import from "vercel-workers/tasks";
 * the example imports the library's source so that it runs from a fresh clone with no build.
 *
 * Tasks are registered by name when this module loads, so the process that enqueues and the
 * process that runs them (the callback route, a polling worker) both import it.
 */
import { type TaskContext, task } from "../../src/tasks/index.js";
import { aggregateLines, type SalesTotals } from "./sales.js";

/** Queue (Vercel Queues topic) every task of the example is sent to. */
export const QUEUE_NAME = "chunks";

/** The arguments of one chunk task: its place in the file and its CSV data lines. */
export interface ChunkInput {
  /** Index of the chunk, from 0. */
  index: number;
  /** Line number of the chunk's first line in the file (the header is line 1). */
  firstLine: number;
  lines: string[];
}

/** What a chunk task returns: its index and the totals of its rows. */
export interface ChunkTotals extends SalesTotals {
  index: number;
}

/** Adds up one chunk of the sales file: rows, quantity and revenue per region. */
export const aggregateChunk = task(
  { name: "chunks.aggregate", queueName: QUEUE_NAME },
  async function aggregateChunk(chunk: ChunkInput): Promise<ChunkTotals> {
    return { index: chunk.index, ...aggregateLines(chunk.lines, chunk.firstLine) };
  },
);

/** The failure the example provokes on purpose, so the summary can tell it from a real bug. */
export class PlannedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlannedFailure";
  }
}

/**
 * Fails its first `failures` attempts, then succeeds: shows the backend's retries with backoff.
 * Returns the attempt that succeeded.
 */
export const flaky = task(
  { name: "chunks.flaky", queueName: QUEUE_NAME, takesContext: true },
  async function flaky(context: TaskContext, failures: number): Promise<{ attempt: number }> {
    if (context.attempt <= failures) {
      throw new PlannedFailure(`attempt ${context.attempt} of ${failures + 1} fails on purpose`);
    }

    return { attempt: context.attempt };
  },
);

/** Fails on every attempt, so it ends FAILED with one error per attempt. */
export const alwaysFails = task(
  { name: "chunks.always-fails", queueName: QUEUE_NAME, takesContext: true },
  async function alwaysFails(context: TaskContext, reason: string): Promise<never> {
    throw new PlannedFailure(`${reason} (attempt ${context.attempt})`);
  },
);

/**
 * Enqueued with `using({ runAfter })` a few seconds ahead; records when it really ran, which
 * the summary checks is not before `runAfter`.
 */
export const deferred = task(
  { name: "chunks.deferred", queueName: QUEUE_NAME },
  async function deferred(label: string): Promise<{ label: string; ranAt: string }> {
    return { label, ranAt: new Date().toISOString() };
  },
);

/** Every task of the example, as the callback route and polling workers are given them. */
export const chunkTasks = [aggregateChunk, flaky, alwaysFails, deferred];
