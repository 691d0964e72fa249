/**
 * The vercel-workers side of bench/e2e.ts: no-op tasks through the whole path — enqueue (READY
 * record in Redis, send to the local Queue Service) → push of a CloudEvent → task callback on
 * node:http → run → SUCCESSFUL record in Redis → acknowledge. Every key it writes lives under a
 * prefix of its own, deleted afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http, { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type QueueService, startQueueService } from "../src/dev/index.js";
import { QueueClient } from "../src/queue/index.js";
import { registerResultStore, resetResultStores } from "../src/results/index.js";
import { RedisResultStore } from "../src/results/redis.js";
import {
  createNodeTaskCallbackHandler,
  VercelQueuesBackend,
} from "../src/tasks/backends/vercel/index.js";
import {
  configureTasks,
  resetTaskConfiguration,
  type Task,
  task,
  taskBackends,
  taskEvents,
} from "../src/tasks/index.js";
import { type BenchPlan, cpuMs, deleteKeys, deltas, type SideFigures } from "./e2e-bullmq.js";
import { type ConsumerTimes, forkConsumer } from "./e2e-consumer-process.js";
import { nowMs, runAtRate, runPool, summarize, waitUntil } from "./e2e-measure.js";

export const TOPIC = "bench-e2e";
const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const STORE_ALIAS = "bench-e2e";
/** Topic of the component probes; no subscription, so nothing consumes it. */
const PROBE_TOPIC = "bench-e2e-probe";

/** Per-stage timings of the latency run, in ms (see {@link stageBreakdown}). */
export interface StageFigures {
  enqueueCall: ReturnType<typeof summarize>;
  /** The parts of an enqueue call, timed alone at the same rate (see {@link componentRun}). */
  redisSet: ReturnType<typeof summarize>;
  clientSend: ReturnType<typeof summarize>;
  nodeHttpPost: ReturnType<typeof summarize>;
  sentToCallback: ReturnType<typeof summarize>;
  callbackToStart: ReturnType<typeof summarize>;
  startToFinished: ReturnType<typeof summarize>;
}

/** Where the no-op task records its start; swapped per run (a task is registered once). */
export const noopStarts: { current: { set(seq: number, at: number): unknown } } = {
  current: new Map<number, number>(),
};

export const noop = task(
  { name: "bench.noop", queueName: TOPIC },
  async function noop(seq: number) {
    noopStarts.current.set(seq, nowMs());
  },
);

/**
 * Where things run. `in-process`: Queue Service, callback route and enqueuers all in the bench
 * process. `own-process`: the Queue Service as `vercel-workers dev`, the rest in the bench
 * process. `split`: the Queue Service as `vercel-workers dev`, the callback route (the consumer
 * app) in a process of its own (e2e-app.ts), enqueuers and measuring in the bench process.
 */
export type ServiceLayout = "in-process" | "own-process" | "split";

/** The local Queue Service the harness talks to, wherever it runs. */
interface ServiceHandle {
  url: string;
  close(): Promise<void>;
}

interface Harness {
  service: ServiceHandle;
  store: RedisResultStore;
  noop: Task<[number], void>;
  startedAt: Map<number, number>;
  finishedAt: Map<number, number>;
  /** Arrival times of callback requests, in order. */
  arrivals: number[];
  /** Result id of the latest task enqueued (its record is the probe's payload). */
  lastId: string;
  close(): Promise<void>;
}

async function inProcessService(callbackUrl: string, concurrency: number): Promise<ServiceHandle> {
  const service: QueueService = await startQueueService({ maxConcurrency: concurrency });
  service.addSubscription({
    topic: TOPIC,
    consumerGroup: "bench",
    url: callbackUrl,
    maxConcurrency: concurrency,
  });

  return service;
}

/** `vercel-workers dev` in a child process, subscribed to the callback; stopped with SIGTERM. */
async function devProcessService(callbackUrl: string, concurrency: number): Promise<ServiceHandle> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "dev",
      "--port",
      "0",
      "--json",
      "--max-concurrency",
      String(concurrency),
      "--subscribe",
      `${TOPIC}=${callbackUrl}#bench`,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );

  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`dev did not start: ${output}`)), 30_000);
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.includes('"event":"ready"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { baseUrl: string }).baseUrl);
      }
    });
    child.on("exit", (code) => reject(new Error(`dev exited with ${code}: ${output}`)));
  });

  return {
    url,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs both measures on vercel-workers and cleans every key it made. */
export async function benchVercelWorkers(
  plan: BenchPlan,
  layout: ServiceLayout = "in-process",
): Promise<SideFigures & { stages: StageFigures }> {
  const prefix = `vw-bench:e2e:${randomUUID()}:`;
  const harness = await startHarness(plan, prefix, layout);

  try {
    await throughputRun(harness, { ...plan, tasks: plan.warmup });
    harness.startedAt.clear();
    harness.finishedAt.clear();
    const throughput = await throughputRun(harness, plan);
    harness.startedAt.clear();
    harness.finishedAt.clear();
    harness.arrivals.length = 0;
    const latency = await latencyRun(harness, plan);

    return {
      name: layoutName(layout),
      ...throughput,
      ...latency,
      notes: [
        `push concurrency ${plan.concurrency} (subscription maxConcurrency), key prefix ${prefix} (deleted)`,
      ],
    };
  } finally {
    await harness.close();
    await deleteKeys(plan.redisUrl, `${prefix}*`);
  }
}

async function startHarness(
  plan: BenchPlan,
  prefix: string,
  layout: ServiceLayout,
): Promise<Harness> {
  const times: ConsumerTimes = { startedAt: new Map(), finishedAt: new Map(), arrivals: [] };
  const { startedAt, finishedAt, arrivals } = times;
  noopStarts.current = startedAt;

  const store = new RedisResultStore({ url: plan.redisUrl, keyPrefix: prefix });
  registerResultStore(STORE_ALIAS, store);

  const app =
    layout === "split" ? await appProcess(plan, prefix, times) : await appInProcess(times);
  const callbackUrl = `http://127.0.0.1:${app.port}/api/queue/callback`;

  const service =
    layout === "in-process"
      ? await inProcessService(callbackUrl, plan.concurrency)
      : await devProcessService(callbackUrl, plan.concurrency);
  await app.configure(service.url);
  configureTasks({
    default: {
      backend: VercelQueuesBackend,
      queues: [TOPIC],
      options: {
        baseUrl: service.url,
        token: "bench",
        cacheAlias: STORE_ALIAS,
        deploymentId: null,
      },
    },
  });

  return {
    service,
    store,
    noop,
    startedAt,
    finishedAt,
    arrivals,
    lastId: "",
    async close() {
      await service.close();
      await app.close();
      await taskBackends.close();
      resetTaskConfiguration();
      await store.close();
      resetResultStores();
    },
  };
}

/** The consumer app (callback route on node:http) as the harness drives it. */
interface AppHandle {
  port: number;
  /** Tells the app where the Queue Service is (its acknowledgements go there). */
  configure(serviceUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** The callback route in the bench process; shares the bench's task configuration. */
async function appInProcess(times: ConsumerTimes): Promise<AppHandle> {
  const stopListening = taskEvents.on("taskFinished", ({ taskResult }) => {
    times.finishedAt.set(taskResult.args[0] as number, nowMs());
  });

  const callback = createNodeTaskCallbackHandler({ tasks: [noop] });
  const server: Server = createServer((req, res) => {
    times.arrivals.push(nowMs());
    void callback(req, res);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

  return {
    port,
    configure: async () => undefined,
    async close() {
      stopListening();
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
    },
  };
}

/** The callback route in a process of its own (e2e-app.ts), reporting its times over IPC. */
async function appProcess(
  plan: BenchPlan,
  prefix: string,
  times: ConsumerTimes,
): Promise<AppHandle> {
  const consumer = forkConsumer(
    "./e2e-app.ts",
    { BENCH_REDIS_URL: plan.redisUrl, BENCH_PREFIX: prefix },
    times,
  );
  const { port } = await consumer.next("listening");

  return {
    port,
    async configure(serviceUrl) {
      const ready = consumer.next("ready");
      consumer.send({ type: "configure", serviceUrl });
      await ready;
    },
    close: () => consumer.stop(),
  };
}

async function throughputRun(
  harness: Harness,
  plan: BenchPlan,
): Promise<
  Pick<SideFigures, "enqueuePerSecond" | "tasksPerSecond" | "throughputSeconds" | "cpuPerTaskMs">
> {
  const ids: string[] = [];
  const first = nowMs();
  const cpuBefore = process.cpuUsage();
  await runPool(plan.tasks, plan.enqueuers, async (seq) => {
    ids.push((await harness.noop.enqueue(seq)).id);
  });
  const enqueued = nowMs();

  await waitUntil(
    () => harness.finishedAt.size >= plan.tasks,
    plan.timeoutMs,
    () => `vercel-workers to finish ${plan.tasks} tasks (finished ${harness.finishedAt.size})`,
  );
  const last = Math.max(...harness.finishedAt.values());
  await checkAllSuccessful(harness, ids);

  return {
    enqueuePerSecond: plan.tasks / ((enqueued - first) / 1000),
    tasksPerSecond: plan.tasks / ((last - first) / 1000),
    cpuPerTaskMs: cpuMs(process.cpuUsage(cpuBefore)) / plan.tasks,
    throughputSeconds: (last - first) / 1000,
  };
}

/** Reads every result back from Redis (after the clock stopped): all must be SUCCESSFUL. */
async function checkAllSuccessful(harness: Harness, ids: string[]): Promise<void> {
  const statuses = new Map<string, number>();
  await runPool(ids.length, 32, async (index) => {
    const result = await harness.noop.getResult(ids[index] as string);
    statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
  });

  if (statuses.get("SUCCESSFUL") !== ids.length) {
    throw new Error(`not every result is SUCCESSFUL in Redis: ${JSON.stringify([...statuses])}`);
  }
}

async function latencyRun(
  harness: Harness,
  plan: BenchPlan,
): Promise<Pick<SideFigures, "startLatency" | "finishLatency"> & { stages: StageFigures }> {
  const count = plan.rate * plan.seconds;
  const calledAt = new Map<number, number>();
  const sentAt = new Map<number, number>();

  await runAtRate(count, plan.rate, async (seq) => {
    calledAt.set(seq, nowMs());
    harness.lastId = (await noop.enqueue(seq)).id;
    sentAt.set(seq, nowMs());
  });
  await waitUntil(
    () => harness.finishedAt.size >= count,
    plan.timeoutMs,
    () => `vercel-workers to finish ${count} paced tasks (finished ${harness.finishedAt.size})`,
  );

  return {
    startLatency: summarize(deltas(calledAt, harness.startedAt)),
    finishLatency: summarize(deltas(calledAt, harness.finishedAt)),
    stages: {
      ...stageBreakdown(calledAt, sentAt, harness),
      ...(await componentRun(harness, plan)),
    },
  };
}

/**
 * The two halves of an enqueue call timed alone, at the same light rate: the READY record's
 * `SET` in Redis, and the send to the Queue Service with the library's client (fetch), next to
 * the same POST made with node:http on a keep-alive agent, to show the HTTP client's share.
 */
async function componentRun(
  harness: Harness,
  plan: BenchPlan,
): Promise<Pick<StageFigures, "redisSet" | "clientSend" | "nodeHttpPost">> {
  const count = Math.min(plan.rate * plan.seconds, 200);
  const record = await harness.store.get(`tasks:default:${harness.lastId}`);
  const client = new QueueClient({ baseUrl: harness.service.url, token: "bench" });
  const agent = new http.Agent({ keepAlive: true });
  const envelope = JSON.stringify({ probe: true, padding: "x".repeat(200) });
  const timed = async (run: (seq: number) => Promise<unknown>) => {
    const samples: number[] = [];
    await runAtRate(count, plan.rate, async (seq) => {
      const start = nowMs();
      await run(seq);
      samples.push(nowMs() - start);
    });
    return summarize(samples);
  };

  try {
    return {
      redisSet: await timed((seq) =>
        harness.store.set(`probe:${seq}`, record ?? { seq }, { ttlSeconds: 60 }),
      ),
      clientSend: await timed(() => client.send(PROBE_TOPIC, JSON.parse(envelope))),
      nodeHttpPost: await timed(() =>
        postWithNodeHttp(`${harness.service.url}/api/v3/topic/${PROBE_TOPIC}`, envelope, agent),
      ),
    };
  } finally {
    agent.destroy();
  }
}

/** A Queue Service send made with node:http directly; resolves once the answer was read. */
function postWithNodeHttp(url: string, body: string, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          authorization: "Bearer bench",
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 201
            ? resolve()
            : reject(new Error(`send answered ${response.statusCode}`)),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Where the time of one paced task goes: the enqueue call (READY record + send), from the send
 * answered to the callback request arriving (the service's push dispatch and HTTP), from arrival
 * to the task function starting (body read, envelope, RUNNING record update), and from start to
 * the SUCCESSFUL record written. Arrivals are matched to tasks by order, which holds at a light
 * rate where each task is done before the next is sent.
 */
function stageBreakdown(
  calledAt: Map<number, number>,
  sentAt: Map<number, number>,
  harness: Harness,
): Omit<StageFigures, "redisSet" | "clientSend" | "nodeHttpPost"> {
  const arrivedAt = new Map(harness.arrivals.map((at, index) => [index, at] as const));

  return {
    enqueueCall: summarize(deltas(calledAt, sentAt)),
    sentToCallback: summarize(deltas(sentAt, arrivedAt)),
    callbackToStart: summarize(deltas(arrivedAt, harness.startedAt)),
    startToFinished: summarize(deltas(harness.startedAt, harness.finishedAt)),
  };
}

function layoutName(layout: ServiceLayout): string {
  if (layout === "split") return "vercel-workers (split: service, app, enqueuers apart)";

  return `vercel-workers (Queue Service ${layout})`;
}
