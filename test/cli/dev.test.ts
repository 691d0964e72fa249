/**
 * `vercel-workers dev`, called through `main(argv)` with captured output and an AbortSignal in
 * place of Ctrl+C, plus one real process stopped with SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseSubscribeFlag } from "../../src/cli/commands/dev-subscriptions.js";
import { main } from "../../src/cli/main.js";

interface Run {
  stdout: string[];
  stderr: string[];
  exit: Promise<number>;
  stop(): void;
}

const running: Run[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) {
    run.stop();
    await run.exit;
  }
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system temp dir, removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vw-cli-"));
  tempDirs.push(dir);
  return dir;
}

function run(args: string[], cwd = process.cwd()): Run {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const controller = new AbortController();
  const exit = main(["node", "vercel-workers", ...args], {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    signal: controller.signal,
    cwd,
    env: {},
  });
  const handle = { stdout, stderr, exit, stop: () => controller.abort() };
  running.push(handle);
  return handle;
}

async function ready(handle: Run): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (handle.stdout.join("") === "") {
    if (Date.now() > deadline) throw new Error(`no output; stderr: ${handle.stderr.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return handle.stdout.join("");
}

describe("vercel-workers dev", () => {
  it("prints one JSON line with base URL and env, serves the API, exits 0 on stop", async () => {
    const handle = run(["dev", "--port", "0", "--json", "--token", "abc"]);
    const line = JSON.parse(await ready(handle)) as Record<string, unknown>;
    const baseUrl = line.baseUrl as string;

    expect(line).toMatchObject({
      event: "ready",
      region: "iad1",
      tokenRequired: true,
      subscriptions: [],
      env: { VERCEL_QUEUE_BASE_URL: baseUrl, VERCEL_QUEUE_TOKEN: "abc" },
    });
    const res = await fetch(`${baseUrl}/api/v3/topic/cli`, {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer abc" },
    });
    expect(res.status).toBe(201);

    handle.stop();
    expect(await handle.exit).toBe(0);
  });

  it("prints the base URL, subscriptions and client env as text", async () => {
    const handle = run([
      "dev",
      "--port",
      "0",
      "--subscribe",
      "orders=http://localhost:3000/api/queue/orders",
      "-s",
      "mail-*=http://localhost:3000/api/mail#mailer",
    ]);
    const text = await ready(handle);

    expect(text).toMatch(
      /Local Queue Service listening on http:\/\/127\.0\.0\.1:\d+ \(region iad1\)/,
    );
    expect(text).toContain(
      "orders -> http://localhost:3000/api/queue/orders " +
        "(group api_Squeue_Sorders, from --subscribe)",
    );
    expect(text).toContain("mail-* -> http://localhost:3000/api/mail (group mailer");
    expect(text).toMatch(/VERCEL_QUEUE_BASE_URL=http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain("VERCEL_QUEUE_TOKEN=dev-token");
  });

  it("serves the triggers of ./vercel.json when --app-url is given", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "vercel.json"),
      JSON.stringify({
        functions: {
          "app/api/queue/orders/route.ts": {
            experimentalTriggers: [{ type: "queue/v2beta", topic: "orders" }],
          },
        },
      }),
    );

    const handle = run(["dev", "--port", "0", "--json", "--app-url", "http://localhost:3000"], dir);
    const line = JSON.parse(await ready(handle)) as { subscriptions: unknown[] };

    expect(line.subscriptions).toEqual([
      {
        topic: "orders",
        consumerGroup: "app_Sapi_Squeue_Sorders_Sroute_Dts",
        url: "http://localhost:3000/api/queue/orders",
        source: "vercel.json app/api/queue/orders/route.ts",
      },
    ]);
  });

  it("notes a ./vercel.json it cannot use without --app-url", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "vercel.json"), "{}");

    const handle = run(["dev", "--port", "0", "--json"], dir);
    await ready(handle);

    expect(handle.stderr.join("")).toMatch(/--app-url not given/);
  });

  it.each([
    [["dev", "--port", "abc"], /argument 'abc' is invalid/],
    [["dev", "--port", "70000"], /from 0 to 65535/],
    [["dev", "--bogus"], /unknown option '--bogus'/],
    [["dev", "--subscribe", "no-equals-sign"], /must look like <topic>=<url>/],
    [["dev", "--subscribe", "t=not-a-url"], /not an absolute http\(s\) URL/],
    [["dev", "--subscribe", "a*b=http://x"], /must be a topic name/],
    [["dev", "--vercel-json", "vercel.json"], /--vercel-json needs --app-url/],
    [["dev", "--region", "XX"], /option "region"/],
    [[], /Usage: vercel-workers/],
  ])("exits 2 for %j", async (args, pattern) => {
    const handle = run(args);

    expect(await handle.exit).toBe(2);
    expect(handle.stderr.join("")).toMatch(pattern);
  });

  it("exits 0 for --help", async () => {
    const handle = run(["dev", "--help"]);

    expect(await handle.exit).toBe(0);
    expect(handle.stdout.join("")).toMatch(/--subscribe <topic=url\[#group\]>/);
  });

  it("exits 1 with a hint when the port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;

    const handle = run(["dev", "--port", String(port)]);
    const code = await handle.exit;
    blocker.close();

    expect(code).toBe(1);
    expect(handle.stderr.join("")).toMatch(new RegExp(`port ${port} is in use`));
  });

  it("exits 1 for an unreadable vercel.json", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "vercel.json"), "{ broken");

    const handle = run(["dev", "--port", "0", "--app-url", "http://localhost:3000"], dir);

    expect(await handle.exit).toBe(1);
    expect(handle.stderr.join("")).toMatch(/vercel\.json: is not valid JSON/);
  });

  it("exits 0 on SIGTERM as a real process", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "dev", "--port", "0", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));

    const deadline = Date.now() + 20_000;
    while (!output.includes("\n") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { baseUrl } = JSON.parse(output) as { baseUrl: string };
    expect((await fetch(`${baseUrl}/_stats`)).status).toBe(200);
    child.kill("SIGTERM");

    expect(await exited).toBe(0);
  });
});

describe("--subscribe syntax", () => {
  it("reads topic, URL and group", () => {
    expect(parseSubscribeFlag("orders=http://localhost:3000/api/queue#workers")).toEqual({
      topic: "orders",
      url: "http://localhost:3000/api/queue",
      consumerGroup: "workers",
      source: "--subscribe",
    });
  });

  it("names the group after the URL path, or 'default' for the root", () => {
    expect(parseSubscribeFlag("t=http://localhost:3000/api/queue.js").consumerGroup).toBe(
      "api_Squeue_Djs",
    );
    expect(parseSubscribeFlag("t=http://localhost:3000/").consumerGroup).toBe("default");
  });
});
