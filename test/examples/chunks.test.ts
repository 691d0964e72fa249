/**
 * The chunks example end to end, as `npm start` runs it: in its own process, on the local
 * Queue Service, with results in memory, then in Redis, then against a Queue Service started
 * by `vercel-workers dev` in another process (the two-terminal flow).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const REDIS_URL = "redis://127.0.0.1:6379";
const PREFIX = `vw-test:examples-chunks:${randomUUID()}:`;
const RUN_TIMEOUT_MS = 90_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");

  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

/** Runs `npx tsx examples/chunks/main.ts` with `env` added; kills it after the timeout. */
function runExample(env: Record<string, string> = {}): Promise<Outcome> {
  const child = spawn("npx", ["tsx", "examples/chunks/main.ts"], {
    cwd: ROOT,
    env: { ...withoutQueueEnv(process.env), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);

  return collect(child, RUN_TIMEOUT_MS);
}

/** The example must not pick up a Queue Service or Redis from the developer's shell. */
function withoutQueueEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of ["VERCEL_QUEUE_BASE_URL", "VERCEL_QUEUE_TOKEN", "REDIS_URL", "PORT"]) {
    delete clean[name];
  }
  return clean;
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));

  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectSuccessfulSummary(outcome: Outcome): void {
  expect(outcome.stderr).not.toContain("chunks example failed");
  expect(outcome.stdout).toContain("status: SUCCESSFUL 102, FAILED 1");
  expect(outcome.stdout).toContain("rows: 12,000 by the tasks, 12,000 in the CSV");
  expect(outcome.stdout).toMatch(/ {2}north +[\d,]+\.\d\d \| +[\d,]+\.\d\d {2}ok/);
  expect(outcome.stdout).not.toContain("MISMATCH");
  expect(outcome.stdout).toContain("flaky: SUCCESSFUL, 3 attempt(s), 2 error(s)");
  expect(outcome.stdout).toContain("always-fails: FAILED, 3 attempt(s), 3 error(s)");
  expect(outcome.stdout).toMatch(/deferred: SUCCESSFUL, 1 attempt\(s\), 0 error\(s\); runAfter/);
  expect(outcome.stdout).toMatch(/elapsed: \d+\.\d\d s/);
  expect(outcome.stdout).toContain("result: OK, every task reached its expected state");
  expect(outcome.code).toBe(0);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("examples/chunks (npm start)", () => {
  it("runs the batch on the local Queue Service with results in memory and exits 0", async () => {
    const outcome = await runExample();

    expect(outcome.stdout).toContain("via the local Queue Service at http://127.0.0.1:");
    expect(outcome.stdout).toContain("results in memory");
    expectSuccessfulSummary(outcome);
    // Not a terminal: plain progress lines on stderr, no bar.
    expect(outcome.stderr).toMatch(/tasks finished 103\/103 \(SUCCESSFUL 102, FAILED 1\)\n$/);
  });

  it("keeps the results in Redis when REDIS_URL is set", async () => {
    const outcome = await runExample({ REDIS_URL, CHUNKS_KEY_PREFIX: PREFIX });

    expect(outcome.stdout).toContain(`results in Redis ${REDIS_URL} (key prefix "${PREFIX}")`);
    expectSuccessfulSummary(outcome);

    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${PREFIX}tasks:default:*`);
      expect(keys).toHaveLength(103);
    } finally {
      redis.disconnect();
    }
  });

  it("runs against `vercel-workers dev` in another process, subscribed through vercel.json", async () => {
    const port = await freePort();
    const dev = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "dev",
        "--port",
        "0",
        "--json",
        "--vercel-json",
        "examples/chunks/vercel.json",
        "--app-url",
        `http://127.0.0.1:${port}`,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(dev);
    const ready = await readyLine(dev);

    const outcome = await runExample({
      VERCEL_QUEUE_BASE_URL: ready.baseUrl,
      VERCEL_QUEUE_TOKEN: ready.env.VERCEL_QUEUE_TOKEN ?? "dev-token",
      PORT: String(port),
    });
    dev.kill("SIGTERM");

    expect(ready.subscriptions).toEqual([
      expect.objectContaining({
        topic: "chunks",
        url: `http://127.0.0.1:${port}/api/queue/callback`,
      }),
    ]);
    expect(outcome.stderr).toContain(`app listening on http://127.0.0.1:${port}`);
    expect(outcome.stdout).toContain(`via ${ready.baseUrl}, results in memory`);
    expectSuccessfulSummary(outcome);
  });

  it("exits 1 naming the variable when the configuration is wrong", async () => {
    const outcome = await runExample({ CHUNKS: "many" });

    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("chunks example failed: CHUNKS must be a whole number");
  });
});

interface DevReady {
  baseUrl: string;
  subscriptions: Array<{ topic: string; url: string; consumerGroup: string }>;
  env: Record<string, string>;
}

/** The JSON line `vercel-workers dev --json` prints once it listens. */
function readyLine(dev: ChildProcess): Promise<DevReady> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`dev never got ready: ${stdout}`)), 30_000);
    dev.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n").find((candidate) => candidate.includes('"event":"ready"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as DevReady);
      }
    });
    dev.on("exit", (code) => reject(new Error(`dev exited with ${code}: ${stdout}`)));
  });
}
