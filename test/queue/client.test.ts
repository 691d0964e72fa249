/**
 * QueueClient against the local Queue Service over real HTTP: every operation and every error
 * path the service can produce, once through the default `fetch` and once through
 * `dispatcherFetch`. Time-dependent cases (delay, retention, leases) move the service's clock
 * instead of sleeping.
 */

import { QueueClient as OfficialClient, PollingQueueClient } from "@vercel/queue";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type QueueService, startQueueService } from "../../src/dev/index.js";
import { QueueClient } from "../../src/queue/client.js";
import { dispatcherFetch } from "../../src/queue/dispatcher-fetch.js";
import {
  isQueueError,
  type MessageNotAvailableError,
  type QueueError,
} from "../../src/queue/errors.js";

const TOKEN = "client-test-token";

let service: QueueService;
let clock: number;

beforeEach(async () => {
  clock = Date.now();
  service = await startQueueService({ token: TOKEN, now: () => clock });
});

afterEach(async () => {
  await service.close();
});

async function failureOf(promise: Promise<unknown>): Promise<QueueError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isQueueError(error)).toBe(true);
  return error as QueueError;
}

const transports = [
  ["global fetch", undefined],
  ["dispatcherFetch", dispatcherFetch],
] as const;

describe.each(transports)("QueueClient over %s", (_name, fetchImpl) => {
  let client: QueueClient;

  beforeEach(() => {
    client = new QueueClient({
      token: TOKEN,
      baseUrl: service.url,
      deploymentId: null,
      fetch: fetchImpl,
      retry: { attempts: 1 },
    });
  });

  describe("send and receive", () => {
    it("round-trips a JSON payload with its lease metadata", async () => {
      const sent = await client.send("orders", { orderId: 42, items: ["a"] });
      expect(sent.status).toBe("sent");

      const [message, ...rest] = await client.receive("orders", "billing");
      expect(rest).toEqual([]);
      expect(message).toMatchObject({
        messageId: sent.messageId,
        deliveryCount: 1,
        contentType: "application/json",
        payload: { orderId: 42, items: ["a"] },
        topic: "orders",
        consumerGroup: "billing",
      });
      expect(typeof message?.receiptHandle).toBe("string");
      expect(message?.createdAt).toBeInstanceOf(Date);
      expect(message?.expiresAt?.getTime()).toBe((message?.createdAt.getTime() ?? 0) + 86_400_000);
    });

    it("round-trips bytes and text with other content types as bytes", async () => {
      await client.send("files", new Uint8Array([0, 255, 13, 10]), {
        contentType: "application/octet-stream",
      });
      await client.send("files", "plain text", { contentType: "text/plain; charset=utf-8" });

      const messages = await client.receive("files", "g", { limit: 10 });
      expect(messages.map((m) => m.contentType)).toEqual([
        "application/octet-stream",
        "text/plain; charset=utf-8",
      ]);
      expect(messages[0]?.payload).toEqual(new Uint8Array([0, 255, 13, 10]));
      expect(new TextDecoder().decode(messages[1]?.payload as Uint8Array)).toBe("plain text");
    });

    it("answers [] when nothing is available (204)", async () => {
      expect(await client.receive("empty", "g")).toEqual([]);
    });

    it("gives every consumer group its own copy", async () => {
      await client.send("fanout", 1);
      expect(await client.receive("fanout", "a")).toHaveLength(1);
      expect(await client.receive("fanout", "b")).toHaveLength(1);
      expect(await client.receive("fanout", "a")).toHaveLength(0);
    });

    it("leases at most `limit` messages per receive", async () => {
      for (let i = 0; i < 5; i++) await client.send("many", i);

      const first = await client.receive("many", "g", { limit: 2 });
      const rest = await client.receive("many", "g", { limit: 10 });
      expect(first.map((m) => m.payload)).toEqual([0, 1]);
      expect(rest.map((m) => m.payload)).toEqual([2, 3, 4]);
    });

    it("returns the first message id for a duplicate idempotency key, delivered once", async () => {
      const first = await client.send("dedupe", { n: 1 }, { idempotencyKey: "order-7" });
      const again = await client.send("dedupe", { n: 2 }, { idempotencyKey: "order-7" });
      expect(again).toEqual(first);

      const messages = await client.receive("dedupe", "g", { limit: 10 });
      expect(messages.map((m) => m.payload)).toEqual([{ n: 1 }]);
    });

    it("keeps a delayed message invisible until its delay has passed", async () => {
      const { messageId } = await client.send("later", "x", { delaySeconds: 30 });
      expect(await client.receive("later", "g")).toEqual([]);

      clock += 31_000;
      const [message] = await client.receive("later", "g");
      expect(message?.messageId).toBe(messageId);
    });

    it("applies retentionSeconds: the message expires and is gone", async () => {
      const { messageId } = await client.send("short", "x", { retentionSeconds: 60 });
      clock += 61_000;

      expect(await client.receive("short", "g")).toEqual([]);
      const error = await failureOf(client.receiveById("short", "g", messageId ?? ""));
      expect(error.code).toBe("message_not_found");
    });

    it("uses the client's retentionSeconds as the default", async () => {
      const short = new QueueClient({
        token: TOKEN,
        baseUrl: service.url,
        deploymentId: null,
        fetch: fetchImpl,
        retentionSeconds: 120,
      });
      await short.send("short-default", "x");
      const [message] = await short.receive("short-default", "g");
      expect((message?.expiresAt?.getTime() ?? 0) - (message?.createdAt.getTime() ?? 0)).toBe(
        120_000,
      );
    });
  });

  describe("sendBatch", () => {
    it("stores every message and reports ids in input order", async () => {
      const results = await client.sendBatch("batch", [
        { payload: { n: 1 } },
        { payload: new Uint8Array([7]), options: { contentType: "application/octet-stream" } },
        { payload: { n: 3 }, options: { idempotencyKey: "b3", delaySeconds: 10 } },
      ]);
      expect(results.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
      const ids = results.map((r) => (r.status === "sent" ? r.messageId : undefined));

      const now = await client.receive("batch", "g", { limit: 10 });
      expect(now.map((m) => m.messageId)).toEqual([ids[0], ids[1]]);
      expect(now[1]?.payload).toEqual(new Uint8Array([7]));

      clock += 11_000;
      const [delayed] = await client.receive("batch", "g");
      expect(delayed?.messageId).toBe(ids[2]);
      expect(delayed?.payload).toEqual({ n: 3 });
    });
  });

  describe("leases", () => {
    it("redelivers a message whose lease ran out, with a higher delivery count", async () => {
      await client.send("lease", "x");
      const [first] = await client.receive("lease", "g", { visibilityTimeoutSeconds: 5 });
      expect(await client.receive("lease", "g")).toEqual([]);

      clock += 6_000;
      const [second] = await client.receive("lease", "g");
      expect(second?.messageId).toBe(first?.messageId);
      expect(second?.deliveryCount).toBe(2);
      expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    });

    it("acknowledge removes the message for that group", async () => {
      await client.send("ack", "x");
      const [message] = await client.receive("ack", "g", { visibilityTimeoutSeconds: 1 });
      await client.acknowledge("ack", "g", message?.receiptHandle ?? "");

      clock += 2_000;
      expect(await client.receive("ack", "g")).toEqual([]);
    });

    it("changeVisibility extends a lease, and 0 gives the message back at once", async () => {
      await client.send("vis", "x");
      const [message] = await client.receive("vis", "g", { visibilityTimeoutSeconds: 5 });
      const handle = message?.receiptHandle ?? "";

      await client.changeVisibility("vis", "g", handle, 60);
      clock += 10_000;
      expect(await client.receive("vis", "g")).toEqual([]);

      await client.changeVisibility("vis", "g", handle, 0);
      const [again] = await client.receive("vis", "g");
      expect(again?.deliveryCount).toBe(2);
    });

    it("maps a stale or unknown receipt handle to 409/404", async () => {
      await client.send("stale", "x");
      const [first] = await client.receive("stale", "g", { visibilityTimeoutSeconds: 1 });
      clock += 2_000;
      await client.receive("stale", "g");

      const superseded = await failureOf(
        client.acknowledge("stale", "g", first?.receiptHandle ?? ""),
      );
      expect(superseded.code).toBe("message_not_available");
      expect(superseded.message).toContain('acknowledge on topic "stale"');

      const unknown = await failureOf(client.changeVisibility("stale", "g", "rh:999/nope", 5));
      expect(unknown.code).toBe("message_not_found");
    });

    it("maps a lease beyond the message's expiry to the service's 400", async () => {
      await client.send("expiring", "x", { retentionSeconds: 60 });
      const [message] = await client.receive("expiring", "g");

      const error = await failureOf(
        client.changeVisibility("expiring", "g", message?.receiptHandle ?? "", 3600),
      );
      expect(error.code).toBe("bad_request");
      expect(error.message).toContain("beyond message expiration");
    });
  });

  describe("receiveById", () => {
    it("leases exactly the message named", async () => {
      await client.send("claim", "first");
      const { messageId } = await client.send("claim", "second");

      const message = await client.receiveById("claim", "g", messageId ?? "");
      expect(message.payload).toBe("second");
      expect(message.deliveryCount).toBe(1);
    });

    it("maps unknown ids to 404, leased ones to 409 and acknowledged ones to 410", async () => {
      const notFound = await failureOf(client.receiveById("claim", "g", "no-such-id"));
      expect(notFound.code).toBe("message_not_found");
      expect(notFound.messageId).toBe("no-such-id");

      const { messageId } = await client.send("claim", "x");
      const id = messageId ?? "";
      const leased = await client.receiveById("claim", "g", id, { visibilityTimeoutSeconds: 30 });
      const busy = (await failureOf(
        client.receiveById("claim", "g", id),
      )) as MessageNotAvailableError;
      expect(busy.code).toBe("message_not_available");
      expect(busy.retryAfterSeconds).toBeGreaterThan(0);

      await client.acknowledge("claim", "g", leased.receiptHandle);
      const done = await failureOf(client.receiveById("claim", "g", id));
      expect(done.code).toBe("message_already_processed");
      expect(done.status).toBe(410);
    });
  });

  describe("bad input", () => {
    it("rejects bad names and options client-side, naming them, before any request", async () => {
      const cases: [Promise<unknown>, string][] = [
        [client.send("bad topic", 1), "topic"],
        [client.receive("t", "bad/group"), "consumerGroup"],
        [client.receive("t", "g", { limit: 11 }), "limit"],
        [client.receive("t", "g", { visibilityTimeoutSeconds: 3601 }), "visibilityTimeoutSeconds"],
        [client.send("t", 1, { retentionSeconds: 10 }), "retentionSeconds"],
        [client.send("t", 1, { delaySeconds: 120, retentionSeconds: 60 }), "delaySeconds"],
        [client.send("t", 1, { idempotencyKey: "k".repeat(257) }), "idempotencyKey"],
        [client.sendBatch("t", []), "messages"],
        [client.changeVisibility("t", "g", "rh", -1), "visibilityTimeoutSeconds"],
      ];
      for (const [promise, option] of cases) {
        const error = await failureOf(promise);
        expect(error.code).toBe("configuration_error");
        expect((error as QueueError & { option: string }).option).toBe(option);
      }
      expect(service.stats().topics).toBe(0);
    });

    it("maps a wrong token to UnauthorizedError", async () => {
      const intruder = new QueueClient({
        token: "wrong",
        baseUrl: service.url,
        deploymentId: null,
        fetch: fetchImpl,
      });
      const error = await failureOf(intruder.send("orders", 1));
      expect(error.code).toBe("unauthorized");
      expect(error.status).toBe(401);
      expect(error.message).toContain("VERCEL_QUEUE_TOKEN");
    });
  });
});

describe("duplicate sends answered with a new id (as some hosted deployments do)", () => {
  it("maps the claim of the duplicate id to 409 with originalMessageId", async () => {
    const dupes = await startQueueService({ token: TOKEN, duplicateMessageIds: "new" });
    try {
      const client = new QueueClient({ token: TOKEN, baseUrl: dupes.url, deploymentId: null });
      const first = await client.send("dedupe", 1, { idempotencyKey: "k" });
      const second = await client.send("dedupe", 1, { idempotencyKey: "k" });
      expect(second.messageId).not.toBe(first.messageId);

      const error = (await failureOf(
        client.receiveById("dedupe", "g", second.messageId ?? ""),
      )) as MessageNotAvailableError;
      expect(error.code).toBe("message_not_available");
      expect(error.originalMessageId).toBe(first.messageId);
    } finally {
      await dupes.close();
    }
  });
});

describe("interop with the official @vercel/queue client", () => {
  const officialOptions = () => ({
    token: TOKEN,
    deploymentId: null,
    region: "iad1" as const,
    resolveBaseUrl: () => new URL(service.url),
  });

  it("receives what @vercel/queue sent, payload and all", async () => {
    const official = new OfficialClient(officialOptions());
    const { messageId } = await official.send("interop", { from: "official" });

    const ours = new QueueClient({ token: TOKEN, baseUrl: service.url, deploymentId: null });
    const [message] = await ours.receive("interop", "g");
    expect(message?.messageId).toBe(messageId);
    expect(message?.payload).toEqual({ from: "official" });
  });

  it("sends what @vercel/queue receives, with the same metadata", async () => {
    const ours = new QueueClient({ token: TOKEN, baseUrl: service.url, deploymentId: null });
    const { messageId } = await ours.send("interop", { from: "ours" });

    const polling = new PollingQueueClient(officialOptions());
    const seen: { payload: unknown; id: string }[] = [];
    const result = await polling.receive("interop", "g", async (payload, metadata) => {
      seen.push({ payload, id: metadata.messageId });
    });
    expect(result).toEqual({ ok: true });
    expect(seen).toEqual([{ payload: { from: "ours" }, id: messageId }]);
  });
});
