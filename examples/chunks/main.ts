/**
 * `npm start`: the chunks example end to end. It splits data/sales.csv into 100 chunks, runs one
 * task per chunk through Vercel Queues' protocol (on the local Queue Service unless
 * VERCEL_QUEUE_BASE_URL points elsewhere), adds up their results, checks them against a direct
 * computation and the expected fate of three special tasks, and exits 0 only if all is right.
 *
 * Environment (all optional): VERCEL_QUEUE_BASE_URL, VERCEL_QUEUE_TOKEN, PORT, REDIS_URL,
 * CHUNKS_KEY_PREFIX, CHUNKS, CHUNKS_DEFER_SECONDS, CHUNKS_TIMEOUT_SECONDS (see config.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type QueueService,
  readVercelJsonSubscriptions,
  startQueueService,
} from "../../src/dev/index.js";
import { type ChunksApp, startApp } from "./app.js";
import type { EnqueuedTask } from "./batch.js";
import { waitForBatch } from "./batch.js";
import { type ExampleConfig, readConfig } from "./config.js";
import { createProgress } from "./progress.js";
import {
  checkBatch,
  countByStatus,
  type Expectations,
  formatCounts,
  summaryLines,
} from "./report.js";
import { aggregateLines, dataLines } from "./sales.js";
import { RETRY_SETTINGS, setUpTasks, type TasksSetup } from "./setup.js";

const CSV_PATH = fileURLToPath(new URL("./data/sales.csv", import.meta.url));
const VERCEL_JSON_PATH = fileURLToPath(new URL("./vercel.json", import.meta.url));
const FLAKY_FAILURES = 2;

/** Everything started, so it can be stopped in reverse order whatever happens. */
interface Running {
  service?: QueueService;
  app?: ChunksApp;
  tasks?: TasksSetup;
}

async function run(config: ExampleConfig, running: Running): Promise<number> {
  const started = Date.now();
  const csv = readFileSync(CSV_PATH, "utf8");
  const directTotals = aggregateLines(dataLines(csv));

  running.service = config.queueBaseUrl === undefined ? await startQueueService() : undefined;
  const queueUrl = running.service?.url ?? (config.queueBaseUrl as string);
  running.tasks = setUpTasks({
    queueBaseUrl: queueUrl,
    queueToken: config.queueToken,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.redisKeyPrefix,
  });
  running.app = await startApp({ csv, port: config.port });
  announce(config, running.app, queueUrl, running.service);

  const enqueued = await startBatch(running.app, config);
  const display = createProgress(process.stderr, enqueued.length);
  const { tasks, allFinished } = await waitForBatch(enqueued, {
    timeoutMs: config.timeoutSeconds * 1000,
    onProgress: (latest) => {
      const finished = latest.filter((tracked) => tracked.result.isFinished).length;
      display.update({
        finished,
        total: latest.length,
        detail: formatCounts(countByStatus(latest)),
      });
    },
  });
  display.stop();

  const expected: Expectations = {
    chunks: config.chunks,
    maxAttempts: RETRY_SETTINGS.maxAttempts,
    flakyFailures: FLAKY_FAILURES,
    directTotals,
  };
  const verdict = checkBatch(tasks, expected);
  if (!allFinished) {
    verdict.ok = false;
    verdict.problems.unshift(notFinishedProblem(config, running.app));
  }

  const lines = summaryLines(tasks, verdict, {
    queueServiceUrl:
      running.service === undefined ? queueUrl : `the local Queue Service at ${queueUrl}`,
    resultStore: running.tasks.storeLabel,
    elapsedMs: Date.now() - started,
    expected,
  });
  process.stdout.write(`${lines.join("\n")}\n`);
  if (config.redisUrl !== undefined) printInspectHint(config, enqueued);

  return verdict.ok ? 0 : 1;
}

/** Subscribes the callback route (local service) or says where pushes must go (external). */
function announce(
  config: ExampleConfig,
  app: ChunksApp,
  queueUrl: string,
  service?: QueueService,
): void {
  if (service !== undefined) {
    // The same subscriptions `vercel-workers dev --vercel-json examples/chunks/vercel.json`
    // would serve, read from the same file.
    for (const subscription of readVercelJsonSubscriptions(VERCEL_JSON_PATH, app.url)) {
      service.addSubscription(subscription);
    }
    return;
  }

  process.stderr.write(
    `app listening on ${app.url}; using the Queue Service at ${queueUrl}.\n` +
      `It must push topic "chunks" to ${app.callbackUrl}, e.g.\n` +
      `  node --import tsx src/cli/main.ts dev --subscribe chunks=${app.callbackUrl}\n`,
  );
  if (config.port === 0)
    process.stderr.write("(PORT=0 picks a random port the service cannot know)\n");
}

/** Starts a batch the way a client would: `POST /api/jobs`. */
async function startBatch(app: ChunksApp, config: ExampleConfig): Promise<EnqueuedTask[]> {
  const response = await fetch(`${app.url}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      chunks: config.chunks,
      flakyFailures: FLAKY_FAILURES,
      deferSeconds: config.deferSeconds,
    }),
  });
  const body = (await response.json()) as { tasks?: EnqueuedTask[]; error?: string };

  if (response.status !== 202 || body.tasks === undefined) {
    throw new Error(`POST /api/jobs answered ${response.status}: ${body.error ?? "no tasks"}`);
  }

  return body.tasks;
}

function notFinishedProblem(config: ExampleConfig, app: ChunksApp): string {
  const where =
    config.queueBaseUrl === undefined
      ? "the local Queue Service"
      : `the Queue Service at ${config.queueBaseUrl} ` +
        `(does it push topic "chunks" to ${app.callbackUrl}?)`;

  return `not every task finished within ${config.timeoutSeconds} s; check ${where}`;
}

function printInspectHint(config: ExampleConfig, enqueued: readonly EnqueuedTask[]): void {
  const flaky = enqueued.find((entry) => entry.kind === "flaky");
  if (flaky === undefined) return;

  process.stdout.write(
    `inspect a result: npx tsx src/cli/main.ts result ${flaky.id} ` +
      `--key-prefix "${config.redisKeyPrefix}"\n`,
  );
}

async function stop(running: Running): Promise<void> {
  await running.app?.close();
  await running.service?.close();
  await running.tasks?.close();
}

async function main(): Promise<number> {
  const running: Running = {};

  try {
    return await run(readConfig(), running);
  } catch (error) {
    process.stderr.write(`chunks example failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stop(running);
  }
}

process.exitCode = await main();
