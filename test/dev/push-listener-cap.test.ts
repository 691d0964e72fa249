/**
 * Regression: with more than 10 pushes in flight, the shared abort signal of the push
 * dispatcher exceeded Node's default listener cap and printed a MaxListenersExceededWarning
 * on stderr (seen in every run of bench/e2e.ts).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { closeAll, send, startService } from "./helpers.js";

const IN_FLIGHT = 24;

let route: http.Server | undefined;

afterEach(async () => {
  await closeAll();
  await new Promise<void>((resolve) => (route ? route.close(() => resolve()) : resolve()));
  route = undefined;
});

it("pushes more than 10 messages at once without a MaxListenersExceededWarning", async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);

  let arrived = 0;
  const held: http.ServerResponse[] = [];
  let allArrivedNow: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    allArrivedNow = resolve;
  });
  const server = http.createServer((req, res) => {
    req.resume();
    held.push(res);
    arrived += 1;
    if (arrived === IN_FLIGHT) allArrivedNow();
  });
  route = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const service = await startService({
    subscriptions: [
      {
        topic: "fanout",
        consumerGroup: "route",
        url: `http://127.0.0.1:${port}/`,
        maxConcurrency: IN_FLIGHT,
      },
    ],
  });
  for (let i = 0; i < IN_FLIGHT; i += 1) await send(service, "fanout", JSON.stringify({ i }));
  await allArrived;
  for (const res of held) res.end();
  await new Promise((resolve) => setImmediate(resolve));
  process.off("warning", onWarning);

  expect(arrived).toBe(IN_FLIGHT);
  expect(warnings).not.toContain("MaxListenersExceededWarning");
});
