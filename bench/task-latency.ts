/**
 * End-to-end latency of one no-op task on the Vercel backend.
 *
 *   npx tsx bench/task-latency.ts [tasks]        (default 500)
 *
 * One task at a time: `enqueue()` (READY record in Redis, send to the local Queue Service) →
 * the service pushes a v2beta CloudEvent → the task callback route on node:http claims it,
 * starts the attempt (atomic update in Redis), runs the no-op, records SUCCESSFUL (atomic
 * update) → the route acknowledges → the consumer's `message.acknowledged` event stops the
 * clock. Everything runs in this process over loopback HTTP; Redis is 127.0.0.1:6379 (keys
 * under a unique prefix, deleted at the end). A warm-up of 50 tasks is not counted.
 */

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { startQueueService } from "../src/dev/index.js";
import { registerResultStore } from "../src/results/index.js";
import { RedisResultStore } from "../src/results/redis.js";
import {
  createNodeTaskCallbackHandler,
  type TaskHandlerEvent,
  VercelQueuesBackend,
} from "../src/tasks/backends/vercel/index.js";
import { configureTasks, task } from "../src/tasks/index.js";

const TASKS = Number(process.argv[2] ?? 500);
const WARMUP = 50;
const REDIS_URL = "redis://127.0.0.1:6379";
const TOKEN = "bench-token";

const noop = task({ name: "bench.noop" }, () => null);

const keyPrefix = `vw-bench:task-latency:${randomUUID()}:`;
const store = new RedisResultStore({ url: REDIS_URL, keyPrefix });
registerResultStore("default", store);

// Tasks run one at a time, so the next acknowledgement is always the current task's.
let acknowledged: (() => void) | undefined;
const onEvent = (event: TaskHandlerEvent) => {
  if (event.type === "message.acknowledged") acknowledged?.();
};

const handler = createNodeTaskCallbackHandler({ tasks: [noop], onEvent });
const server = createServer((req, res) => void handler(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const route = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tasks`;

const service = await startQueueService({
  token: TOKEN,
  subscriptions: [{ topic: "default", consumerGroup: "bench-route", url: route }],
});

configureTasks({
  default: {
    backend: VercelQueuesBackend,
    options: { baseUrl: service.url, token: TOKEN, deploymentId: null },
  },
});

/** Runs one task; returns [total ms, enqueue ms]. */
async function runOne(): Promise<[number, number]> {
  const done = new Promise<void>((resolve) => {
    acknowledged = resolve;
  });

  const started = performance.now();
  const result = await noop.enqueue();
  const enqueued = performance.now();
  await done;
  const finished = performance.now();

  const stored = (await store.get(`tasks:default:${result.id}`)) as { status?: string } | null;
  if (stored?.status !== "SUCCESSFUL") {
    throw new Error(`task ${result.id} acknowledged but stored as ${stored?.status}`);
  }

  return [finished - started, enqueued - started];
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const fmt = (v: number) => v.toFixed(2).padStart(7);

  return (
    `${label.padEnd(22)} p50 ${fmt(percentile(sorted, 50))} ms   p90 ${fmt(percentile(sorted, 90))}` +
    ` ms   p99 ${fmt(percentile(sorted, 99))} ms   mean ${fmt(mean)} ms   max ${fmt(sorted.at(-1) ?? 0)} ms`
  );
}

try {
  for (let i = 0; i < WARMUP; i++) await runOne();

  const totals: number[] = [];
  const enqueues: number[] = [];
  const wall = performance.now();
  for (let i = 0; i < TASKS; i++) {
    const [total, enqueue] = await runOne();
    totals.push(total);
    enqueues.push(enqueue);
  }
  const seconds = (performance.now() - wall) / 1000;

  console.log(`task-latency: ${TASKS} sequential no-op tasks (Node ${process.version})`);
  console.log(summary("enqueue -> SUCCESSFUL", totals));
  console.log(summary("enqueue() call alone", enqueues));
  console.log(`throughput (sequential)  ${(TASKS / seconds).toFixed(1)} tasks/s`);
} finally {
  await service.close();
  server.closeAllConnections();
  server.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await store.close();
}
