/**
 * `vercel-workers result`: records are written to the real Redis (127.0.0.1:6379) under a key
 * prefix unique to this file, read back by the command, and deleted afterwards.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQueueService } from "../../src/dev/index.js";
import { registerResultStore, resetResultStores } from "../../src/results/index.js";
import { RedisResultStore } from "../../src/results/redis.js";
import { VercelQueuesBackend } from "../../src/tasks/backends/vercel/index.js";
import {
  configureTasks,
  resetTaskConfiguration,
  type TaskResultRecord,
  task,
} from "../../src/tasks/index.js";
import { runCli } from "./command-runner.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const PREFIX = `vw-test:cli-result:${randomUUID()}:`;
const TTL = { ttlSeconds: 300 };

let store: RedisResultStore;
const written: string[] = [];

beforeAll(() => {
  store = new RedisResultStore({ url: REDIS_URL, keyPrefix: PREFIX });
});

afterAll(async () => {
  await Promise.all(written.map((key) => store.delete(key)));
  await store.close();
});

function record(overrides: Partial<TaskResultRecord> = {}): TaskResultRecord {
  const id = overrides.id ?? randomUUID().replaceAll("-", "");

  const value: TaskResultRecord = {
    version: 1,
    id,
    backend: "default",
    task: { name: "emails.send", queueName: "emails", priority: 0, runAfter: null },
    status: "SUCCESSFUL",
    enqueuedAt: "2025-01-01T00:00:00.000Z",
    startedAt: "2025-01-01T00:00:01.000Z",
    lastAttemptedAt: "2025-01-01T00:00:02.000Z",
    finishedAt: "2025-01-01T00:00:03.000Z",
    args: ["ada@example.com"],
    errors: [
      {
        className: "SmtpError",
        message: "greylisted",
        traceback: "SmtpError: greylisted\n    at x",
      },
    ],
    workerIds: ["w1", "w2"],
    attempts: 2,
    returnValue: { sent: true },
    ...overrides,
  };
  // An override of `returnValue: undefined` means "absent", as in a record that is not done.
  return JSON.parse(JSON.stringify(value)) as TaskResultRecord;
}

async function store_(value: TaskResultRecord, key = `tasks:default:${value.id}`): Promise<void> {
  await store.set(key, value as never, TTL);
  written.push(key);
}

function flags(): string[] {
  return ["--redis-url", REDIS_URL, "--key-prefix", PREFIX];
}

describe("vercel-workers result", () => {
  it("reads the record VercelQueuesBackend stored when the task was enqueued", async () => {
    const service = await startQueueService();
    registerResultStore("cli-result", store);
    configureTasks({
      default: {
        backend: VercelQueuesBackend,
        queues: ["cli-result"],
        options: { baseUrl: service.url, token: "t", cacheAlias: "cli-result" },
      },
    });
    const greet = task(
      { name: "cli-result.greet", queueName: "cli-result" },
      async function greet(name: string) {
        return `hello ${name}`;
      },
    );

    try {
      const enqueued = await greet.enqueue("ada");
      written.push(`tasks:default:${enqueued.id}`);

      const run = await runCli(["result", enqueued.id, ...flags()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "task:        cli-result.greet (queue cli-result, backend default)",
      );
      expect(run.stdout).toContain("status:      READY");
      expect(run.stdout).toContain("attempts:    0");
    } finally {
      resetTaskConfiguration();
      resetResultStores();
      await service.close();
    }
  });

  it("prints status, attempts, errors and the return value", async () => {
    const stored = record();
    await store_(stored);

    const run = await runCli(["result", stored.id, ...flags()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`id:          ${stored.id}`);
    expect(run.stdout).toContain("task:        emails.send (queue emails, backend default)");
    expect(run.stdout).toContain("status:      SUCCESSFUL");
    expect(run.stdout).toContain("attempts:    2");
    expect(run.stdout).toContain("  1. SmtpError: greylisted");
    expect(run.stdout).toContain('return value: {"sent":true}');
    expect(run.stdout).not.toContain("    at x");
  });

  it("adds the tracebacks with --tracebacks", async () => {
    const stored = record();
    await store_(stored);

    const run = await runCli(["result", stored.id, ...flags(), "--tracebacks"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("     SmtpError: greylisted\n         at x");
  });

  it("prints the stored record with --json", async () => {
    const stored = record({ status: "FAILED", returnValue: undefined });
    await store_(stored);

    const run = await runCli(["result", stored.id, ...flags(), "--json"]);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(stored)));
  });

  it("reads REDIS_URL from the environment", async () => {
    const stored = record();
    await store_(stored);

    const run = await runCli(["result", stored.id, "--key-prefix", PREFIX, "--json"], {
      env: { REDIS_URL },
    });

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe(stored.id);
  });

  it("finds records of another backend alias and cache key prefix", async () => {
    const stored = record({ backend: "reports" });
    await store_(stored, `jobs:reports:${stored.id}`);

    const run = await runCli([
      "result",
      stored.id,
      ...flags(),
      "--backend",
      "reports",
      "--cache-key-prefix",
      "jobs",
      "--json",
    ]);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).backend).toBe("reports");
  });

  it("exits 1 naming the key it looked at when there is no such result", async () => {
    const run = await runCli(["result", "missing-id", ...flags()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("no result missing-id");
    expect(run.stderr).toContain(`${PREFIX}tasks:default:missing-id`);
  });

  it("with --wait returns once the task has finished", async () => {
    const stored = record({ status: "RUNNING", finishedAt: null, returnValue: undefined });
    await store_(stored);
    const finish = setTimeout(() => {
      void store.set(`tasks:default:${stored.id}`, record({ id: stored.id }) as never, TTL);
    }, 300);

    const run = await runCli(["result", stored.id, ...flags(), "--wait", "--interval", "0.05"]);
    clearTimeout(finish);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("status:      SUCCESSFUL");
    expect(run.stderr).toContain("waiting: RUNNING, attempts so far 2");
  });

  it("with --wait draws a spinner line on a terminal and clears it", async () => {
    const stored = record({
      status: "READY",
      workerIds: [],
      finishedAt: null,
      returnValue: undefined,
    });
    await store_(stored);
    const finish = setTimeout(() => {
      void store.set(`tasks:default:${stored.id}`, record({ id: stored.id }) as never, TTL);
    }, 200);

    const run = await runCli(["result", stored.id, ...flags(), "--wait", "--interval", "0.05"], {
      stderrIsTty: true,
    });
    clearTimeout(finish);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("\r\u001b[2K");
    expect(run.stderr).toContain("waiting: READY, attempts so far 0");
  });

  it("with --wait exits 1 after --timeout when the task never finishes", async () => {
    const stored = record({
      status: "READY",
      workerIds: [],
      finishedAt: null,
      returnValue: undefined,
    });
    await store_(stored);

    const run = await runCli([
      "result",
      stored.id,
      ...flags(),
      "--wait",
      "--timeout",
      "0.3",
      "--interval",
      "0.05",
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`result ${stored.id} was still READY after 0.3 s`);
  });

  it("with --wait stops when the command is told to stop", async () => {
    const stored = record({
      status: "READY",
      workerIds: [],
      finishedAt: null,
      returnValue: undefined,
    });
    await store_(stored);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);

    const run = await runCli(["result", stored.id, ...flags(), "--wait"], {
      signal: controller.signal,
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("was still READY");
  });

  it("exits 1 when the stored value is not a task result record", async () => {
    const key = "tasks:default:not-a-record";
    await store.set(key, { hello: "world" }, TTL);
    written.push(key);

    const run = await runCli(["result", "not-a-record", ...flags()]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("vercel-workers:");
  });

  it("exits 2 for a malformed --timeout", async () => {
    const run = await runCli(["result", "x", ...flags(), "--wait", "--timeout", "-1"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--timeout");
  });

  it("prints its usage with --help and exits 0", async () => {
    const run = await runCli(["result", "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: vercel-workers result [options] <id>");
    expect(run.stdout).toContain("--wait");
  });

  it("exits 2 when the id is missing", async () => {
    const run = await runCli(["result"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'id'");
  });
});
