/**
 * End-to-end benchmark: no-op tasks through the whole vercel-workers path (enqueue → local Queue
 * Service → push → callback on node:http → run → result in Redis → ack), and the same no-op jobs
 * on BullMQ on the same Redis, in the same run. Prints throughput at a fixed concurrency,
 * enqueue→start latency at a light fixed rate, and the ratio of the two systems.
 *
 *   npx tsx bench/e2e.ts
 *
 * vercel-workers runs in three layouts: with the local Queue Service inside the bench process (as
 * `npm start` runs it); with it in its own process (`vercel-workers dev`, as in the two-terminal
 * flow); and `split`, where the callback route (the consumer app) also runs in a process of its
 * own, apart from the enqueuers, as an app's enqueuing function and its queue consumer are
 * separate functions on Vercel. BullMQ runs with its worker in the bench process, and (when the
 * split layout runs) with its worker in a process of its own, to compare like with like.
 *
 * Knobs (env): BENCH_TASKS (5000), BENCH_ENQUEUERS (32), BENCH_CONCURRENCY (32), BENCH_RATE
 * (50 per s), BENCH_SECONDS (10), BENCH_WARMUP (500), BENCH_LAYOUT (all | both | in-process |
 * own-process | split; `both` = in-process and own-process), REDIS_URL (redis://127.0.0.1:6379).
 */
import os from "node:os";
import { type BenchPlan, benchBullmq, type SideFigures } from "./e2e-bullmq.js";
import { figure, type LatencySummary } from "./e2e-measure.js";
import { benchVercelWorkers, type ServiceLayout, type StageFigures } from "./e2e-vercel-workers.js";

const TARGETS = { tasksPerSecond: 2000, p50: 3, p99: 15 };

function envInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function readPlan(): BenchPlan {
  return {
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    tasks: envInt("BENCH_TASKS", 5000, 1_000_000),
    enqueuers: envInt("BENCH_ENQUEUERS", 32, 1000),
    concurrency: envInt("BENCH_CONCURRENCY", 32, 1000),
    rate: envInt("BENCH_RATE", 50, 10_000),
    seconds: envInt("BENCH_SECONDS", 10, 600),
    warmup: envInt("BENCH_WARMUP", 500, 100_000),
    timeoutMs: 180_000,
  };
}

function latencyRow(label: string, summary: LatencySummary): string {
  return (
    `  ${label.padEnd(34)} p50 ${figure(summary.p50).padStart(7)}  p90 ${figure(summary.p90).padStart(7)}` +
    `  p99 ${figure(summary.p99).padStart(7)}  max ${figure(summary.max).padStart(7)}  (n=${summary.count})`
  );
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(35)}${value}`;
}

function printSide(side: SideFigures, plan: BenchPlan): void {
  console.log(`\n${side.name}`);
  console.log(
    row(`enqueue rate (${plan.enqueuers} enqueuers)`, `${figure(side.enqueuePerSecond)} /s`),
  );
  console.log(
    row(
      "throughput, enqueue→all finished",
      `${figure(side.tasksPerSecond)} tasks/s (${side.throughputSeconds.toFixed(2)} s)`,
    ),
  );
  console.log(
    row("bench-process CPU per task", `${side.cpuPerTaskMs.toFixed(3)} ms (throughput run)`),
  );
  console.log(latencyRow("enqueue→start latency (ms)", side.startLatency));
  console.log(latencyRow("enqueue→finished latency (ms)", side.finishLatency));
  for (const note of side.notes) console.log(`  note: ${note}`);
}

function printStages(name: string, stages: StageFigures): void {
  console.log(`\n${name}: where a paced task's time goes (ms)`);
  console.log(latencyRow("enqueue call (READY set + send)", stages.enqueueCall));
  console.log(latencyRow("  alone: Redis SET of a record", stages.redisSet));
  console.log(latencyRow("  alone: QueueClient.send (fetch)", stages.clientSend));
  console.log(latencyRow("  alone: same POST with node:http", stages.nodeHttpPost));
  console.log(latencyRow("send answered→callback arrives", stages.sentToCallback));
  console.log(latencyRow("callback arrives→task starts", stages.callbackToStart));
  console.log(latencyRow("task starts→SUCCESSFUL recorded", stages.startToFinished));
}

function verdict(ours: SideFigures): string[] {
  const check = (ok: boolean) => (ok ? "met" : "MISSED");

  return [
    `  throughput >= ${TARGETS.tasksPerSecond}/s: ${figure(ours.tasksPerSecond)} ${check(ours.tasksPerSecond >= TARGETS.tasksPerSecond)}`,
    `  start p50 <= ${TARGETS.p50} ms: ${figure(ours.startLatency.p50)} ${check(ours.startLatency.p50 <= TARGETS.p50)}`,
    `  start p99 <= ${TARGETS.p99} ms: ${figure(ours.startLatency.p99)} ${check(ours.startLatency.p99 <= TARGETS.p99)}`,
  ];
}

async function main(): Promise<void> {
  const plan = readPlan();
  console.log(
    `bench/e2e: ${plan.tasks} no-op tasks with ${plan.enqueuers} concurrent enqueuers and ` +
      `consumer concurrency ${plan.concurrency}; latency at ${plan.rate} tasks/s for ` +
      `${plan.seconds} s; ${plan.warmup} warm-up tasks first; Redis ${plan.redisUrl}`,
  );
  console.log(
    `host: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; ` +
      "the enqueuers and the measuring run in this process; the callback route and BullMQ's " +
      "worker too, except in the split layout / the worker own-process run",
  );

  const chosen = layouts();
  const ours: { side: Awaited<ReturnType<typeof benchVercelWorkers>>; split: boolean }[] = [];
  for (const layout of chosen) {
    ours.push({ side: await benchVercelWorkers(plan, layout), split: layout === "split" });
  }
  const bullmqShared = chosen.some((layout) => layout !== "split")
    ? await benchBullmq(plan)
    : undefined;
  const bullmqSplit = chosen.includes("split") ? await benchBullmq(plan, true) : undefined;

  for (const { side } of ours) {
    printSide(side, plan);
    printStages(side.name, side.stages);
  }
  if (bullmqShared !== undefined) printSide(bullmqShared, plan);
  if (bullmqSplit !== undefined) printSide(bullmqSplit, plan);

  for (const { side, split } of ours) {
    const bullmq = (split ? bullmqSplit : bullmqShared) as SideFigures;
    console.log(`\n${side.name} / ${bullmq.name}`);
    console.log(`  throughput ratio ${(side.tasksPerSecond / bullmq.tasksPerSecond).toFixed(3)}`);
    console.log(
      `  start p50 ratio  ${(side.startLatency.p50 / bullmq.startLatency.p50).toFixed(2)}`,
    );
    console.log(
      `  start p99 ratio  ${(side.startLatency.p99 / bullmq.startLatency.p99).toFixed(2)}`,
    );
    console.log(`targets (${side.name})`);
    for (const line of verdict(side)) console.log(line);
  }
}

function layouts(): ServiceLayout[] {
  const chosen = process.env.BENCH_LAYOUT ?? "all";
  if (chosen === "all") return ["in-process", "own-process", "split"];
  if (chosen === "both") return ["in-process", "own-process"];
  if (chosen === "in-process" || chosen === "own-process" || chosen === "split") return [chosen];

  throw new Error(
    `BENCH_LAYOUT must be all, both, in-process, own-process or split, got "${chosen}"`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench/e2e failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
