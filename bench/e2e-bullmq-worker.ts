/**
 * The BullMQ worker of bench/e2e.ts's `split` layout, in a process of its own (as the
 * vercel-workers callback route is then): same queue name, prefix and concurrency as the
 * in-process worker of e2e-bullmq.ts. See e2e-consumer-process.ts for the messages.
 *
 * Env: BENCH_REDIS_URL, BENCH_PREFIX, BENCH_CONCURRENCY.
 */
import { Worker } from "bullmq";
import { EventReporter, onParentMessage, tellParent } from "./e2e-consumer-process.js";

const reporter = new EventReporter();
const connection = { url: process.env.BENCH_REDIS_URL, maxRetriesPerRequest: null };

const worker = new Worker<{ seq: number }>(
  "e2e",
  async (job) => {
    reporter.started(job.data.seq);
  },
  {
    connection,
    prefix: process.env.BENCH_PREFIX,
    concurrency: Number(process.env.BENCH_CONCURRENCY),
  },
);
worker.on("completed", (job) => reporter.finished(job.data.seq));

await worker.waitUntilReady();
tellParent({ type: "ready" });

onParentMessage(async (message) => {
  if (message.type !== "stop") return;

  reporter.stop();
  await worker.close();
  process.exit(0);
});
