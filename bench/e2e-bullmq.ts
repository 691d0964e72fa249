/**
 * The BullMQ side of bench/e2e.ts: the same no-op jobs, the same measures, on the same Redis
 * under a key prefix of its own that is obliterated and scanned away afterwards.
 */
import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { type ConsumerTimes, forkConsumer } from "./e2e-consumer-process.js";
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
  /**
   * CPU time (user + system) of the bench process per task during the throughput run, in ms;
   * the work of the other processes of a layout (Queue Service, consumer, Redis) is not in it.
   */
  cpuPerTaskMs: number;
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

/**
 * Runs both measures on BullMQ and cleans every key it made. With `ownProcess` the worker runs
 * in a process of its own (e2e-bullmq-worker.ts), as the callback route does in the `split`
 * layout of the vercel-workers side.
 */
export async function benchBullmq(plan: BenchPlan, ownProcess = false): Promise<SideFigures> {
  const prefix = `vw-bench-bull-${randomUUID()}`;
  const connection = { url: plan.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<JobData>("e2e", { connection, prefix });
  const times: ConsumerTimes = { startedAt: new Map(), finishedAt: new Map(), arrivals: [] };
  const { startedAt, finishedAt } = times;

  const worker = ownProcess
    ? await workerProcess(plan, prefix, times)
    : workerInProcess(plan, prefix, times);

  try {
    await worker.ready;
    await queue.waitUntilReady();

    await throughputRun(queue, { ...plan, tasks: plan.warmup }, finishedAt);
    startedAt.clear();
    finishedAt.clear();
    const throughput = await throughputRun(queue, plan, finishedAt);
    startedAt.clear();
    finishedAt.clear();
    const latency = await latencyRun(queue, plan, startedAt, finishedAt);

    return {
      name: ownProcess ? "BullMQ (worker own-process)" : "BullMQ",
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

/** A BullMQ worker as the bench drives it. */
interface WorkerHandle {
  ready: Promise<unknown>;
  close(): Promise<void>;
}

function workerInProcess(plan: BenchPlan, prefix: string, times: ConsumerTimes): WorkerHandle {
  const connection = { url: plan.redisUrl, maxRetriesPerRequest: null };
  const worker = new Worker<JobData>(
    "e2e",
    async (job) => {
      times.startedAt.set(job.data.seq, nowMs());
    },
    { connection, prefix, concurrency: plan.concurrency },
  );
  worker.on("completed", (job) => times.finishedAt.set(job.data.seq, nowMs()));

  return { ready: worker.waitUntilReady(), close: () => worker.close() };
}

async function workerProcess(
  plan: BenchPlan,
  prefix: string,
  times: ConsumerTimes,
): Promise<WorkerHandle> {
  const consumer = forkConsumer(
    "./e2e-bullmq-worker.ts",
    {
      BENCH_REDIS_URL: plan.redisUrl,
      BENCH_PREFIX: prefix,
      BENCH_CONCURRENCY: String(plan.concurrency),
    },
    times,
  );

  return { ready: consumer.next("ready"), close: () => consumer.stop() };
}

async function throughputRun(
  queue: Queue<JobData>,
  plan: BenchPlan,
  finishedAt: Map<number, number>,
): Promise<
  Pick<SideFigures, "enqueuePerSecond" | "tasksPerSecond" | "throughputSeconds" | "cpuPerTaskMs">
> {
  const first = nowMs();
  const cpuBefore = process.cpuUsage();
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
    cpuPerTaskMs: cpuMs(process.cpuUsage(cpuBefore)) / plan.tasks,
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

/** User + system time of a `process.cpuUsage()` difference, in ms. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
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
