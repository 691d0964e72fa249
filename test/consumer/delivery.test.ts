/**
 * `deliver()` on its own, against the local Queue Service over real HTTP. Regression: a message
 * whose JSON payload did not parse reached the handler as bytes typed as the payload when a
 * caller used `receive()` + `deliver()` directly (only the polling worker checked).
 */
import { afterEach, expect, it } from "vitest";
import { deliver } from "../../src/consumer/delivery.js";
import { resolveDeliveryOptions } from "../../src/consumer/options.js";
import { type LocalQueue, startLocalQueue } from "../../src/testing/index.js";

let queue: LocalQueue | undefined;

afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

it("acknowledges a message with a payloadError as poison without running the handler", async () => {
  queue = await startLocalQueue();
  await fetch(`${queue.url}/api/v3/topic/orders`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${queue.env.VERCEL_QUEUE_TOKEN}`,
      "content-type": "application/json",
    },
    body: "{not json",
  });
  const [message] = await queue.client.receive("orders", "billing");
  if (message === undefined) throw new Error("the local queue delivered nothing");
  const handled: unknown[] = [];

  const outcome = await deliver(message, {
    client: queue.client,
    region: "iad1",
    handler: (payload) => void handled.push(payload),
    options: resolveDeliveryOptions({ visibilityTimeoutSeconds: 30 }),
  });

  expect(message.payloadError).toBeDefined();
  expect(outcome).toEqual({ status: "acknowledged", reason: "invalid_payload" });
  expect(handled).toEqual([]);
  const again = await queue.client
    .receiveById("orders", "billing", message.messageId)
    .catch((error: unknown) => error);
  expect((again as { code?: string }).code).toBe("message_already_processed");
});
