/**
 * Send throughput of our QueueClient against the official @vercel/queue client, both talking
 * to the local Queue Service running in a CHILD process (so client and service do not share a
 * core), plus the service's memory with 100,000 queued 1 KiB messages.
 *
 *   npx tsx bench/send.ts [--messages 20000] [--concurrency 32] [--rounds 3]
 *
 * Each client gets a warm-up, then `rounds` timed runs of `messages` sends, interleaved with
 * the other clients so that background load hits all of them alike; the median run counts.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { QueueClient as OfficialClient } from "@vercel/queue";
import { QueueClient } from "../src/queue/index.js";

const TOKEN = "bench-token";
const WARM_UP_SENDS = 2_000;
const MEMORY_MESSAGES = 100_000;
const MEMORY_PAYLOAD_BYTES = 1024;

interface Service {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

type SendOne = (index: number) => Promise<unknown>;

if (process.argv.includes("--service")) {
  await serveInChild();
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: "string", default: "20000" },
      concurrency: { type: "string", default: "32" },
      rounds: { type: "string", default: "3" },
    },
  });
  const messages = Number(values.messages);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);

  console.log(
    `node ${process.version}, ${messages} sends x ${rounds} rounds, concurrency ${concurrency}`,
  );
  await throughput(messages, concurrency, rounds);
  await memory(concurrency);
}

async function throughput(messages: number, concurrency: number, rounds: number): Promise<void> {
  const service = await startServiceChild();
  try {
    const clients = buildClients(service.url);
    const rates = new Map<string, number[]>(clients.map(([name]) => [name, []]));

    for (const [name, sendOne] of clients) {
      await runConcurrently(WARM_UP_SENDS, concurrency, sendOne);
      console.log(`warmed up ${name}`);
    }
    for (let round = 1; round <= rounds; round++) {
      for (const [name, sendOne] of clients) {
        const rate = await measure(messages, concurrency, sendOne);
        rates.get(name)?.push(rate);
        console.log(`round ${round}  ${name.padEnd(28)} ${format(rate)} sends/s`);
      }
    }

    report(rates);
  } finally {
    await service.stop();
  }
}

function buildClients(url: string): [string, SendOne][] {
  const payload = (index: number) => ({ index, kind: "bench", at: "2026-01-01T00:00:00Z" });
  // The default client sends through Node's undici dispatcher (`dispatcherFetch`); the second
  // one is given the WHATWG `fetch` the official client uses, to show what the default buys.
  const ours = new QueueClient({ token: TOKEN, baseUrl: url, deploymentId: null });
  const oursFetch = new QueueClient({
    token: TOKEN,
    baseUrl: url,
    deploymentId: null,
    fetch: (input, init) => globalThis.fetch(input, init),
  });
  const official = new OfficialClient({
    token: TOKEN,
    deploymentId: null,
    region: "iad1",
    resolveBaseUrl: () => new URL(url),
  });

  return [
    ["ours (default)", (i) => ours.send("bench-ours", payload(i))],
    ["ours (globalThis.fetch)", (i) => oursFetch.send("bench-ours-fetch", payload(i))],
    ["official @vercel/queue", (i) => official.send("bench-official", payload(i))],
  ];
}

function report(rates: Map<string, number[]>): void {
  const official = median(rates.get("official @vercel/queue") ?? []);
  console.log("\nmedian sends/s (ratio to official):");

  for (const [name, runs] of rates) {
    const rate = median(runs);
    console.log(`  ${name.padEnd(28)} ${format(rate)}  (${(rate / official).toFixed(2)}x)`);
  }
}

async function memory(concurrency: number): Promise<void> {
  const service = await startServiceChild();
  try {
    const client = new QueueClient({
      token: TOKEN,
      baseUrl: service.url,
      deploymentId: null,
    });
    const before = await serviceMemory(service);
    const payload = { data: "x".repeat(MEMORY_PAYLOAD_BYTES - 11) };
    const started = performance.now();

    await runConcurrently(MEMORY_MESSAGES, concurrency, () => client.send("bench-memory", payload));
    const seconds = (performance.now() - started) / 1000;
    const after = await serviceMemory(service);

    console.log(
      `\nservice memory with ${MEMORY_MESSAGES} queued messages of ` +
        `${JSON.stringify(payload).length} bytes ` +
        `(sent at ${format(MEMORY_MESSAGES / seconds).trim()}/s):` +
        `\n  RSS ${mb(after.rss)} MB, heap used ${mb(after.heapUsed)} MB` +
        ` (empty service: RSS ${mb(before.rss)} MB; target RSS <= 300 MB)`,
    );
  } finally {
    await service.stop();
  }
}

async function measure(count: number, concurrency: number, sendOne: SendOne): Promise<number> {
  const started = performance.now();
  await runConcurrently(count, concurrency, sendOne);
  return count / ((performance.now() - started) / 1000);
}

async function runConcurrently(count: number, concurrency: number, task: SendOne): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Memory of the service child: its own report (`GET /_stats`), else /proc/<pid>/status. */
async function serviceMemory(service: Service): Promise<{ rss: number; heapUsed: number }> {
  try {
    const response = await fetch(`${service.url}/_stats`);
    const stats = (await response.json()) as { memory?: { rss?: number; heapUsed?: number } };
    const { rss, heapUsed } = stats.memory ?? {};
    if (typeof rss === "number") return { rss, heapUsed: heapUsed ?? Number.NaN };
  } catch {
    // An older service without /_stats: read the kernel's figure instead.
  }

  const status = readFileSync(`/proc/${service.child.pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return { rss: kib * 1024, heapUsed: Number.NaN };
}

async function startServiceChild(): Promise<Service> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", script, "--service"], {
    stdio: ["pipe", "pipe", "inherit"],
  });

  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const newline = output.indexOf("\n");
      if (newline !== -1) resolve((JSON.parse(output.slice(0, newline)) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`service child exited early (code ${code})`)));
  });

  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin?.end();
      }),
  };
}

/** Child mode: run the local Queue Service until the parent closes our stdin. */
async function serveInChild(): Promise<void> {
  const { startQueueService } = await import("../src/dev/index.js");
  const service = await startQueueService({ token: TOKEN });
  console.log(JSON.stringify({ url: service.url, pid: process.pid }));

  process.stdin.resume();
  process.stdin.once("end", async () => {
    await service.close();
    process.exit(0);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString("en-US").padStart(7);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
