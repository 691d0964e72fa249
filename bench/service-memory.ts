/**
 * Memory of the local Queue Service holding 100,000 queued 1 KiB messages (target: RSS at most
 * 300 MB). The service runs in its own process; messages are sent over HTTP at concurrency 32,
 * and the service's RSS is read from its `GET /_stats`.
 *
 *   npx tsx bench/service-memory.ts [messages=100000] [payloadBytes=1024]
 */
import { mb, runConcurrently, serviceStats, startServiceProcess } from "./service-process.js";

const MESSAGES = Number(process.argv[2] ?? 100_000);
const PAYLOAD_BYTES = Number(process.argv[3] ?? 1024);
const CONCURRENCY = 32;
const TARGET_RSS_BYTES = 300 * 1024 * 1024;

const service = await startServiceProcess();
try {
  const before = await serviceStats(service.baseUrl);
  const payload = JSON.stringify({ data: "x".repeat(PAYLOAD_BYTES - 11) });
  const url = `${service.baseUrl}/api/v3/topic/memory-bench`;
  const init = {
    method: "POST",
    body: payload,
    headers: { authorization: "Bearer bench", "content-type": "application/json" },
  };

  const started = performance.now();
  await runConcurrently(MESSAGES, CONCURRENCY, async () => {
    const res = await fetch(url, init);
    if (res.status !== 201) throw new Error(`send answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
  const seconds = (performance.now() - started) / 1000;

  const after = await serviceStats(service.baseUrl);
  const rss = (after.memory as { rss: number }).rss;
  const verdict = rss <= TARGET_RSS_BYTES ? "met" : "MISSED";
  const heap = (after.memory as { heapUsed: number }).heapUsed;
  console.log(`service:              ${service.label}`);
  console.log(`messages queued:      ${after.messages} x ${Buffer.byteLength(payload)} bytes`);
  console.log(
    `fill rate:            ${Math.round(MESSAGES / seconds)} sends/s (concurrency ${CONCURRENCY})`,
  );
  console.log(`service RSS idle:     ${mb((before.memory as { rss: number }).rss)}`);
  console.log(`service RSS filled:   ${mb(rss)} (heap used ${mb(heap)})`);
  console.log(`target:               <= ${mb(TARGET_RSS_BYTES)} -> ${verdict}`);
} finally {
  await service.stop();
}
