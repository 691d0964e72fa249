/**
 * The BullMQ side of bench/e2e.ts: the same no-op jobs, the same measures, on the same Redis
 * under a key prefix of its own that is obliterated and scanned away afterwards.
 */
import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  type LatencySummary,
  nowMs,
  runAtRate,
  runPool,
  summarize,
  waitUntil,
} from "./e2e-measure.js";

export interface BenchPlan {
  redisUrl: string;
  /** Jobs of the throughput run. */
  tasks: number;
  /** Concurrent enqueuers of the throughput run. */
  enqueuers: number;
  /** Jobs run at once by the consumer side. */
  concurrency: number;
  /** Jobs per second of the latency run, and how long it lasts. */
  rate: number;
  seconds: number;
  /** Tasks run (and not measured) before the measures, so JIT and connections are warm. */
  warmup: number;
  /** Most time one run may take before the bench gives up. */
  timeoutMs: number;
}

export interface SideFigures {
  name: string;
  /** Jobs added per second while the enqueuers ran. */
  enqueuePerSecond: number;
  /** Jobs finished per second, first enqueue to last completion. */
  tasksPerSecond: number;
  throughputSeconds: number;
  /** Enqueue (before the call) to start of the function, at the light fixed rate. */
  startLatency: LatencySummary;
  /** Enqueue to "finished" as the process sees it (BullMQ: completed event). */
  finishLatency: LatencySummary;
  notes: string[];
}

interface JobData {
  seq: number;
  enqueuedAt: number;
}

/** Runs both measures on BullMQ and cleans every key it made. */
export async function benchBullmq(plan: BenchPlan): Promise<SideFigures> {
  const prefix = `vw-bench-bull-${randomUUID()}`;
  const connection = { url: plan.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<JobData>("e2e", { connection, prefix });
  const startedAt = new Map<number, number>();
  const finishedAt = new Map<number, number>();

  const worker = new Worker<JobData>(
    "e2e",
    async (job) => {
      startedAt.set(job.data.seq, nowMs());
    },
    { connection, prefix, concurrency: plan.concurrency },
  );
  worker.on("completed", (job) => finishedAt.set(job.data.seq, nowMs()));

  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();

    await throughputRun(queue, { ...plan, tasks: plan.warmup }, finishedAt);
    startedAt.clear();
    finishedAt.clear();
    const throughput = await throughputRun(queue, plan, finishedAt);
    startedAt.clear();
    finishedAt.clear();
    const latency = await latencyRun(queue, plan, startedAt, finishedAt);

    return {
      name: "BullMQ",
      ...throughput,
      ...latency,
      notes: [`worker concurrency ${plan.concurrency}, prefix ${prefix} (deleted)`],
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteKeys(plan.redisUrl, `${prefix}:*`);
  }
}

async function throughputRun(
  queue: Queue<JobData>,
  plan: BenchPlan,
  finishedAt: Map<number, number>,
): Promise<Pick<SideFigures, "enqueuePerSecond" | "tasksPerSecond" | "throughputSeconds">> {
  const first = nowMs();
  await runPool(plan.tasks, plan.enqueuers, async (seq) => {
    await queue.add("noop", { seq, enqueuedAt: nowMs() });
  });
  const enqueued = nowMs();

  await waitUntil(
    () => finishedAt.size >= plan.tasks,
    plan.timeoutMs,
    () => `BullMQ to finish ${plan.tasks} jobs (finished ${finishedAt.size})`,
  );
  const last = Math.max(...finishedAt.values());

  return {
    enqueuePerSecond: plan.tasks / ((enqueued - first) / 1000),
    tasksPerSecond: plan.tasks / ((last - first) / 1000),
    throughputSeconds: (last - first) / 1000,
  };
}

async function latencyRun(
  queue: Queue<JobData>,
  plan: BenchPlan,
  startedAt: Map<number, number>,
  finishedAt: Map<number, number>,
): Promise<Pick<SideFigures, "startLatency" | "finishLatency">> {
  const count = plan.rate * plan.seconds;
  const enqueuedAt = new Map<number, number>();

  await runAtRate(count, plan.rate, async (seq) => {
    const at = nowMs();
    enqueuedAt.set(seq, at);
    await queue.add("noop", { seq, enqueuedAt: at });
  });
  await waitUntil(
    () => finishedAt.size >= count,
    plan.timeoutMs,
    () => `BullMQ to finish ${count} paced jobs (finished ${finishedAt.size})`,
  );

  return {
    startLatency: summarize(deltas(enqueuedAt, startedAt)),
    finishLatency: summarize(deltas(enqueuedAt, finishedAt)),
  };
}

/** `later[i] - earlier[i]` for every i in both maps. */
export function deltas(earlier: Map<number, number>, later: Map<number, number>): number[] {
  const values: number[] = [];
  for (const [seq, at] of earlier) {
    const end = later.get(seq);
    if (end !== undefined) values.push(end - at);
  }
  return values;
}

/** Deletes every key matching `pattern` (SCAN, bounded by the number of keys). */
export async function deleteKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;

  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }

  return deleted;
}
