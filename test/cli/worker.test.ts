/**
 * `vercel-workers worker`: polls the local Queue Service (real HTTP, no push subscription) and
 * runs the tasks of a fixture module; results go to the real Redis under a prefix unique to this
 * file, deleted afterwards. One test runs the bin in its own process to check SIGTERM.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type QueueService, startQueueService } from "../../src/dev/index.js";
import { registerResultStore, resetResultStores } from "../../src/results/index.js";
import { RedisResultStore } from "../../src/results/redis.js";
import { VercelQueuesBackend } from "../../src/tasks/backends/vercel/index.js";
import { configureTasks, resetTaskConfiguration, type TaskResult } from "../../src/tasks/index.js";
import { type CliRun, runCli } from "./command-runner.js";
import { double, failOnce } from "./fixtures/worker-tasks.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const PREFIX = `vw-test:cli-worker:${randomUUID()}:`;
const TOKEN = "cli-worker-token";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURE = "test/cli/fixtures/worker-tasks.ts";

let service: QueueService;
let cleanup: RedisResultStore;
const resultIds: string[] = [];

beforeAll(async () => {
  service = await startQueueService({ token: TOKEN });
  cleanup = new RedisResultStore({ url: REDIS_URL, keyPrefix: PREFIX });
});

afterEach(async () => {
  resetResultStores();
  resetTaskConfiguration();
});

afterAll(async () => {
  await Promise.all(resultIds.map((id) => cleanup.delete(`tasks:default:${id}`)));
  await cleanup.close();
  await service.close();
});

/** Runs the worker in this process until `stop` is called. */
function startWorker(extra: string[] = []) {
  const controller = new AbortController();
  let stdout = "";
  const run: Promise<CliRun> = runCli(
    [
      "worker",
      "--tasks",
      FIXTURE,
      "--base-url",
      service.url,
      "--token",
      TOKEN,
      "--redis-url",
      REDIS_URL,
      "--key-prefix",
      PREFIX,
      ...extra,
    ],
    { signal: controller.signal },
  ).then((result) => {
    stdout = result.stdout;
    return result;
  });

  return {
    run,
    stop: () => controller.abort(),
    get stdout() {
      return stdout;
    },
  };
}

async function untilFinished(result: TaskResult, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!result.isFinished) {
    if (Date.now() > deadline) throw new Error(`result ${result.id} still ${result.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await result.refresh();
  }
}

async function untilConfigured(): Promise<void> {
  // The worker configures the backend right after importing the module.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await double.getResult("probe");
    } catch (error) {
      if ((error as { code?: string }).code === "task_result_does_not_exist") return;
    }
    if (Date.now() > deadline) throw new Error("the worker never configured its backend");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("vercel-workers worker", () => {
  it("runs the module's tasks from the queue and stores their results in Redis", async () => {
    const worker = startWorker();
    await untilConfigured();

    const doubled = await double.enqueue(21);
    resultIds.push(doubled.id);
    await untilFinished(doubled);
    worker.stop();
    const run = await worker.run;

    expect(run.code).toBe(0);
    expect(doubled.status).toBe("SUCCESSFUL");
    expect(doubled.returnValue).toBe(42);
    expect(run.stdout).toContain("ready queues=cli-worker consumerGroup=default concurrency=8");
    expect(run.stdout).toContain("tasks=cli-worker.double,cli-worker.fail-once");
    expect(run.stdout).toContain(
      `finished id=${doubled.id} task=cli-worker.double status=SUCCESSFUL`,
    );
    expect(run.stdout).toMatch(/stopping reason=abort[^\n]*\nstopped\n$/);
  });

  it("uses the backend the module configured, ignoring the connection flags", async () => {
    const store = new RedisResultStore({ url: REDIS_URL, keyPrefix: PREFIX });
    registerResultStore("module-store", store);
    configureTasks({
      default: {
        backend: VercelQueuesBackend,
        queues: ["cli-worker"],
        options: {
          baseUrl: service.url,
          token: TOKEN,
          cacheAlias: "module-store",
          retryBackoffBaseSeconds: 0,
        },
      },
    });
    const worker = startWorker(["--base-url", "http://127.0.0.1:9", "--json"]);

    const doubled = await double.enqueue(5);
    const retried = await failOnce.enqueue();
    resultIds.push(doubled.id, retried.id);
    await untilFinished(doubled);
    await untilFinished(retried);
    worker.stop();
    const run = await worker.run;
    await store.close();

    expect(run.code).toBe(0);
    expect(doubled.returnValue).toBe(10);
    expect(retried.status).toBe("SUCCESSFUL");
    expect(retried.attempts).toBe(2);
    expect(retried.errors.map((error) => error.message)).toEqual(["first attempt fails"]);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ event: "ready", results: "as the module configured" });
    expect(lines).toContainEqual(expect.objectContaining({ event: "finished", id: doubled.id }));
    expect(lines.at(-1)).toEqual({ event: "stopped" });
  });

  it("prints delivery events with --verbose", async () => {
    const worker = startWorker(["--verbose"]);
    await untilConfigured();

    const doubled = await double.enqueue(1);
    resultIds.push(doubled.id);
    await untilFinished(doubled);
    worker.stop();
    const run = await worker.run;

    expect(run.stdout).toContain(`started id=${doubled.id}`);
    expect(run.stdout).toContain("message.acknowledged");
  });

  it("prints its usage with --help and exits 0", async () => {
    const run = await runCli(["worker", "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: vercel-workers worker [options]");
    expect(run.stdout).toContain("--consumer-group <name>");
  });

  it("exits 2 without --tasks", async () => {
    const run = await runCli(["worker"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--tasks <module>");
  });

  it("exits 2 when the module does not exist", async () => {
    const run = await runCli(["worker", "--tasks", "test/cli/fixtures/missing.ts"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--tasks test/cli/fixtures/missing.ts: no such file");
  });

  it("exits 2 when the module exports no tasks", async () => {
    const run = await runCli(["worker", "--tasks", "test/cli/fixtures/no-tasks.ts"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("exports no tasks");
  });

  it("exits 1 when the module throws while loading", async () => {
    const run = await runCli(["worker", "--tasks", "test/cli/fixtures/throws-on-import.ts"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot import --tasks test/cli/fixtures/throws-on-import.ts");
    expect(run.stderr).toContain("this module is broken on purpose");
  });

  it("exits 1 when the Queue Service refuses the token", async () => {
    const run = await runCli([
      "worker",
      "--tasks",
      FIXTURE,
      "--base-url",
      service.url,
      "--token",
      "wrong-token",
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vercel-workers: /m);
  });

  it("stops on SIGTERM and exits 0 when run as its own process", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "worker",
        "--tasks",
        FIXTURE,
        "--base-url",
        service.url,
        "--token",
        TOKEN,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      // Once only: a second SIGTERM during shutdown ends the process at once, by design.
      if (!signalled && stdout.includes("ready ")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));

    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("stopping reason=SIGTERM");
    expect(stdout).toMatch(/stopped\n$/);
  });
});
