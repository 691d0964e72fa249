/**
 * `vercel-workers send`: against the local Queue Service over real HTTP; the sent message is
 * read back with the library's own client to prove what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueService, startQueueService } from "../../src/dev/index.js";
import { QueueClient } from "../../src/queue/index.js";
import { runCli } from "./command-runner.js";

const TOKEN = "cli-send-token";
let service: QueueService;
let client: QueueClient;

beforeAll(async () => {
  service = await startQueueService({ token: TOKEN });
  client = new QueueClient({ baseUrl: service.url, token: TOKEN });
});

afterAll(async () => {
  await service.close();
});

function flags(): string[] {
  return ["--base-url", service.url, "--token", TOKEN];
}

describe("vercel-workers send", () => {
  it("sends the JSON payload and prints only the message id", async () => {
    const run = await runCli(["send", "cli-orders", '{"orderId": 42}', ...flags()]);

    expect(run.code).toBe(0);
    const messageId = run.stdout.trim();
    expect(messageId).toMatch(/^\S+$/);
    const [message] = await client.receive("cli-orders", "readers");
    expect(message?.messageId).toBe(messageId);
    expect(message?.payload).toEqual({ orderId: 42 });
  });

  it("prints one JSON object with --json", async () => {
    const run = await runCli(["send", "cli-json", '"hello"', ...flags(), "--json"]);

    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(output).toMatchObject({ topic: "cli-json", status: "sent" });
    expect(typeof output.messageId).toBe("string");
  });

  it("reads the base URL and token from the environment", async () => {
    const env = { VERCEL_QUEUE_BASE_URL: service.url, VERCEL_QUEUE_TOKEN: TOKEN };
    const run = await runCli(["send", "cli-env", "[1, 2]"], { env });

    expect(run.code).toBe(0);
    const [message] = await client.receive("cli-env", "readers");
    expect(message?.payload).toEqual([1, 2]);
  });

  it("passes --delay, so the message is not visible at once", async () => {
    const run = await runCli(["send", "cli-delay", "{}", ...flags(), "--delay", "60"]);

    expect(run.code).toBe(0);
    expect(await client.receive("cli-delay", "readers")).toEqual([]);
  });

  it("deduplicates sends with the same --idempotency-key", async () => {
    const args = ["send", "cli-idem", '{"n": 1}', ...flags(), "--idempotency-key", "k-1"];
    const first = await runCli(args);
    const second = await runCli(args);

    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const received = await client.receive("cli-idem", "readers", { limit: 10 });
    expect(received).toHaveLength(1);
  });

  it("passes --retention to the service", async () => {
    const run = await runCli(["send", "cli-retention", "{}", ...flags(), "--retention", "120"]);

    expect(run.code).toBe(0);
    const [message] = await client.receive("cli-retention", "readers");
    const lifetimeMs = (message?.expiresAt?.getTime() ?? 0) - (message?.createdAt.getTime() ?? 0);
    expect(Math.round(lifetimeMs / 1000)).toBe(120);
  });

  it("exits 2 with a hint when the payload is not JSON", async () => {
    const run = await runCli(["send", "cli-orders", "{orderId: 42}", ...flags()]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("<json> is not valid JSON");
  });

  it("exits 2 naming --token when no token is given anywhere", async () => {
    const run = await runCli(["send", "cli-orders", "{}", "--base-url", service.url]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--token");
    expect(run.stderr).toContain("VERCEL_QUEUE_TOKEN");
  });

  it("exits 2 for a topic name the service would refuse", async () => {
    const run = await runCli(["send", "no spaces", "{}", ...flags()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Invalid topic "no spaces"');
  });

  it("exits 2 for a malformed --delay", async () => {
    const run = await runCli(["send", "cli-orders", "{}", ...flags(), "--delay", "soon"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--delay");
  });

  it("exits 1 when the service refuses the token", async () => {
    const run = await runCli([
      "send",
      "cli-orders",
      "{}",
      "--base-url",
      service.url,
      "--token",
      "wrong",
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vercel-workers: /);
  });

  it("exits 1 when nothing listens at the base URL", async () => {
    const closed = await startQueueService();
    await closed.close();
    const run = await runCli([
      "send",
      "cli-orders",
      "{}",
      "--base-url",
      closed.url,
      "--token",
      TOKEN,
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("vercel-workers:");
  });

  it("prints its usage with --help and exits 0", async () => {
    const run = await runCli(["send", "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: vercel-workers send [options] <topic> <json>");
    expect(run.stdout).toContain("--idempotency-key");
  });
});
