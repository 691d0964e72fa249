/**
 * The chunks example's HTTP app in-process: its two routes over real HTTP, with the local Queue
 * Service pushing to the callback route, and the 4xx answers of the jobs endpoint.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChunksApp, startApp } from "../../examples/chunks/app.js";
import { type EnqueuedTask, waitForBatch } from "../../examples/chunks/batch.js";
import { checkBatch } from "../../examples/chunks/report.js";
import { aggregateLines, dataLines } from "../../examples/chunks/sales.js";
import { setUpTasks, type TasksSetup } from "../../examples/chunks/setup.js";
import { type QueueService, startQueueService } from "../../src/dev/index.js";
import { resetResultStores } from "../../src/results/index.js";
import { resetTaskConfiguration } from "../../src/tasks/index.js";

const CSV = readFileSync(new URL("../../examples/chunks/data/sales.csv", import.meta.url), "utf8");

let service: QueueService;
let tasks: TasksSetup;
let app: ChunksApp;

beforeAll(async () => {
  service = await startQueueService();
  tasks = setUpTasks({
    queueBaseUrl: service.url,
    queueToken: "app-test",
    redisUrl: undefined,
    redisKeyPrefix: "unused:",
  });
  app = await startApp({ csv: CSV, port: 0 });
  service.addSubscription({ topic: "chunks", consumerGroup: "app-test", url: app.callbackUrl });
});

afterAll(async () => {
  await app.close();
  await service.close();
  await tasks.close();
  resetResultStores();
  resetTaskConfiguration();
});

function post(path: string, body?: string): Promise<Response> {
  return fetch(`${app.url}${path}`, { method: "POST", body });
}

describe("POST /api/jobs", () => {
  it("enqueues a small batch whose tasks the callback route runs to their expected ends", async () => {
    const response = await post(
      "/api/jobs",
      JSON.stringify({ chunks: 4, flakyFailures: 1, deferSeconds: 1 }),
    );
    const { tasks: enqueued } = (await response.json()) as { tasks: EnqueuedTask[] };

    expect(response.status).toBe(202);
    expect(enqueued.map((entry) => entry.kind)).toEqual([
      "chunk",
      "chunk",
      "chunk",
      "chunk",
      "flaky",
      "always-fails",
      "deferred",
    ]);

    const { tasks: finished, allFinished } = await waitForBatch(enqueued, { timeoutMs: 25_000 });
    const verdict = checkBatch(finished, {
      chunks: 4,
      maxAttempts: 3,
      flakyFailures: 1,
      directTotals: aggregateLines(dataLines(CSV)),
    });

    expect(allFinished).toBe(true);
    expect(verdict.problems).toEqual([]);
  });

  it.each([
    ["not JSON", "{chunks:", "the body is not JSON"],
    ["an array", "[1]", "the body must be a JSON object"],
    ["an unknown field", '{"chunk": 3}', "unknown field(s) chunk"],
    [
      "a chunk count out of range",
      '{"chunks": 0}',
      "chunks must be a whole number from 1 to 1000, got 0",
    ],
    ["a fractional delay", '{"deferSeconds": 1.5}', "deferSeconds must be a whole number"],
  ])("answers 400 naming the problem for %s", async (_, body, problem) => {
    const response = await post("/api/jobs", body);

    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(((await response.json()) as { error: string }).error).toContain(problem);
  });
});

describe("routing", () => {
  it("answers 405 with Allow: POST for another method", async () => {
    const response = await fetch(`${app.url}/api/jobs`);

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual({ error: "/api/jobs takes POST, not GET" });
  });

  it("answers 404 with a JSON error for an unknown path", async () => {
    const response = await post("/nowhere");

    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain("no route /nowhere");
  });

  it("answers a request to the callback route that is not a CloudEvent with a 4xx JSON error", async () => {
    const response = await post("/api/queue/callback", "{}");

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(typeof ((await response.json()) as { error: unknown }).error).toBe("string");
  });
});
