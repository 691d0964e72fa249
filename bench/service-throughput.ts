/**
 * Send throughput of the local Queue Service: 1 KiB JSON sends at concurrency 32 from one client
 * process, with node:http keep-alive and with fetch, plus a receive-and-acknowledge drain. The
 * service runs in its own process; its CPU time per send is read from /proc, which shows how
 * many sends per second one core of the service could take.
 *
 *   npx tsx bench/service-throughput.ts [sends=20000]
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { runConcurrently, startServiceProcess } from "./service-process.js";

const SENDS = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = 32;
const PAYLOAD = JSON.stringify({ data: "x".repeat(1013) });
const HEADERS = { authorization: "Bearer bench", "content-type": "application/json" };

/** CPU seconds (user + system) a process used so far, from /proc (Linux only). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const service = await startServiceProcess();
const pid = service.child.pid as number;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function sendWithNodeHttp(topic: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${service.baseUrl}/api/v3/topic/${topic}`, {
      method: "POST",
      agent,
      headers: { ...HEADERS, "content-length": Buffer.byteLength(PAYLOAD) },
    });
    req.on("response", (res) => {
      if (res.statusCode !== 201) reject(new Error(`send answered ${res.statusCode}`));
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end(PAYLOAD);
  });
}

async function sendWithFetch(topic: string): Promise<void> {
  const res = await fetch(`${service.baseUrl}/api/v3/topic/${topic}`, {
    method: "POST",
    body: PAYLOAD,
    headers: HEADERS,
  });
  if (res.status !== 201) throw new Error(`send answered ${res.status}`);
  await res.arrayBuffer();
}

async function measure(label: string, count: number, task: () => Promise<void>) {
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  await runConcurrently(count, CONCURRENCY, task);
  const seconds = (performance.now() - started) / 1000;
  const serviceCpu = cpuSeconds(pid) - cpuBefore;

  const rate = Math.round(count / seconds);
  const perCall = (serviceCpu * 1000) / count;
  const capacity = Math.round(count / serviceCpu);
  console.log(
    `${label.padEnd(34)} ${String(rate).padStart(6)} calls/s  ` +
      `service CPU ${perCall.toFixed(3)} ms/call (~${capacity} calls/s per core)`,
  );
}

/** Receives 10 at a time and acknowledges each, until the topic is drained. */
async function drain(topic: string): Promise<number> {
  let handled = 0;
  const url = `${service.baseUrl}/api/v3/topic/${topic}/consumer/bench`;
  const { parseMultipartStream } = await import("mixpart");

  while (true) {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...HEADERS, accept: "multipart/mixed", "vqs-max-messages": "10" },
    });
    if (res.status === 204) return handled;

    const handles: string[] = [];
    for await (const part of parseMultipartStream(res)) {
      handles.push(part.headers.get("vqs-receipt-handle") as string);
      await new Response(part.payload).arrayBuffer();
    }
    for (const handle of handles) {
      const ack = await fetch(`${url}/lease/${encodeURIComponent(handle)}`, {
        method: "DELETE",
        headers: HEADERS,
      });
      if (ack.status !== 204) throw new Error(`ack answered ${ack.status}`);
      handled++;
    }
  }
}

try {
  console.log(`service: ${service.label}; ${SENDS} sends of 1 KiB, concurrency ${CONCURRENCY}`);
  await measure("warm-up (node:http)", 2_000, () => sendWithNodeHttp("warmup"));
  await measure("send, node:http keep-alive client", SENDS, () => sendWithNodeHttp("bench"));
  await measure("send, fetch client", SENDS, () => sendWithFetch("bench"));

  const started = performance.now();
  const cpuBefore = cpuSeconds(pid);
  const drained = (await Promise.all(Array.from({ length: 8 }, () => drain("bench")))).reduce(
    (a, b) => a + b,
    0,
  );
  const seconds = (performance.now() - started) / 1000;
  const rate = String(Math.round(drained / seconds)).padStart(6);
  console.log(
    `${"receive(10) + ack, 8 fetch workers".padEnd(34)} ${rate} msgs/s   ` +
      `service CPU ${(((cpuSeconds(pid) - cpuBefore) * 1000) / drained).toFixed(3)} ms/msg`,
  );
} finally {
  agent.destroy();
  await service.stop();
}
