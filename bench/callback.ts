/**
 * What the push callback handler costs per message, over a bare route.
 *
 *   npx tsx bench/callback.ts [messages per round, default 10000]
 *
 * All in one process, one request at a time:
 * - bare:  a `(Request) => Response` that parses the JSON body and answers 200 JSON;
 * - ours/stub: `createCallbackHandler` on hand-built inline v2beta Requests; the acknowledge
 *   goes through our QueueClient to an in-process `fetch` stub that answers 204 at once, so the
 *   figure is our code alone (parsing, lease keeper, handler dispatch, client call, response);
 * - ours/service: the same with the acknowledge going over real HTTP to the local Queue
 *   Service, on messages it really holds (receipt handles from a receive), so it adds one
 *   loopback HTTP round trip per message.
 * Requests are built before the clock starts; each variant is warmed up first.
 */

import { createCallbackHandler, createConsumer } from "../src/consumer/index.js";
import { startQueueService } from "../src/dev/index.js";
import { QueueClient } from "../src/queue/index.js";

const MESSAGES = Number(process.argv[2] ?? 10_000);
const ROUNDS = 5;
const SERVICE_MESSAGES = Math.min(MESSAGES, 2_000);
const WARMUP = 2_000;
const PAYLOAD = JSON.stringify({ orderId: 42, items: ["book", "pen"], note: "x".repeat(100) });
const ROUTE = "http://app.local/api/queue";

function inlineRequest(id: string, receiptHandle: string, topic = "bench"): Request {
  return new Request(ROUTE, {
    method: "POST",
    headers: {
      "ce-type": "com.vercel.queue.v2beta",
      "ce-vqsqueuename": topic,
      "ce-vqsconsumergroup": "route",
      "ce-vqsmessageid": id,
      "ce-vqsreceipthandle": receiptHandle,
      "ce-vqsdeliverycount": "1",
      "ce-vqscreatedat": new Date().toISOString(),
      "ce-vqsexpiresat": new Date(Date.now() + 86_400_000).toISOString(),
      "ce-vqsvisibilitydeadline": new Date(Date.now() + 300_000).toISOString(),
      "ce-vqsregion": "iad1",
      "content-type": "application/json",
    },
    body: PAYLOAD,
  });
}

async function measure(
  handler: (request: Request) => Promise<Response>,
  requests: Request[],
): Promise<number> {
  const started = performance.now();

  for (const request of requests) {
    const response = await handler(request);
    if (response.status !== 200) throw new Error(`unexpected ${response.status}`);
    await response.arrayBuffer();
  }

  return ((performance.now() - started) * 1000) / requests.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function stubRequests(count: number, prefix: string): Request[] {
  return Array.from({ length: count }, (_, n) => inlineRequest(`${prefix}-${n}`, `rh:${n}/${n}`));
}

const bare = async (request: Request): Promise<Response> => {
  const payload = (await request.json()) as { orderId: number };
  if (payload.orderId !== 42) throw new Error("bad payload");
  return Response.json({ status: "success" });
};

const stubFetch: typeof fetch = async () => new Response(null, { status: 204 });
const stubConsumer = createConsumer({
  token: "bench",
  baseUrl: "http://queue.stub",
  region: "iad1",
  deploymentId: null,
  fetch: stubFetch,
});
stubConsumer.subscribe("bench", (payload) => {
  if ((payload as { orderId: number }).orderId !== 42) throw new Error("bad payload");
});
const ours = createCallbackHandler(stubConsumer);

await measure(bare, stubRequests(WARMUP, "warm-bare"));
await measure(ours, stubRequests(WARMUP, "warm-ours"));

// Rounds alternate between the two so that a noisy neighbour hits both alike; medians count.
const bareRounds: number[] = [];
const oursRounds: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareRounds.push(await measure(bare, stubRequests(MESSAGES, `bare-${round}`)));
  oursRounds.push(await measure(ours, stubRequests(MESSAGES, `ours-${round}`)));
}
const bareUs = median(bareRounds);
const oursUs = median(oursRounds);

const service = await startQueueService({ port: 0 });
const serviceOptions = { token: "bench", baseUrl: service.url, region: "iad1", deploymentId: null };
const client = new QueueClient(serviceOptions);
const serviceConsumer = createConsumer(serviceOptions);
serviceConsumer.subscribe("bench-service", () => undefined);
const viaService = createCallbackHandler(serviceConsumer);

async function leasedRequests(count: number): Promise<Request[]> {
  for (let sent = 0; sent < count; sent += 100) {
    const batch = Array.from({ length: Math.min(100, count - sent) }, () => ({
      payload: JSON.parse(PAYLOAD),
    }));
    await client.sendBatch("bench-service", batch);
  }

  const requests: Request[] = [];
  while (requests.length < count) {
    const messages = await client.receive("bench-service", "route", {
      limit: 10,
      visibilityTimeoutSeconds: 600,
    });
    if (messages.length === 0) throw new Error("the service ran out of messages");
    for (const m of messages) {
      requests.push(inlineRequest(m.messageId, m.receiptHandle, "bench-service"));
    }
  }
  return requests;
}

await measure(viaService, await leasedRequests(Math.min(WARMUP, SERVICE_MESSAGES)));
const serviceUs = await measure(viaService, await leasedRequests(SERVICE_MESSAGES));
await service.close();

const fmt = (us: number) => `${us.toFixed(1).padStart(8)} µs/message`;
console.log(
  `push callback cost, ${MESSAGES} inline v2beta messages × ${ROUNDS} rounds (median), ` +
    `sequential, Node ${process.version}`,
);
console.log(`  bare route (parse JSON, answer 200)           ${fmt(bareUs)}`);
console.log(`  createCallbackHandler, ack to in-process stub ${fmt(oursUs)}`);
console.log(`  difference (our handler's own cost)           ${fmt(oursUs - bareUs)}`);
console.log(
  `  createCallbackHandler, ack to local service   ${fmt(serviceUs)}` +
    `  (${SERVICE_MESSAGES} messages, loopback HTTP)`,
);
