/**
 * Queue semantics of the local Queue Service, driven over HTTP with a hand-moved clock: consumer
 * groups, delays, retention, idempotency keys, leases and receipt handles.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { QueueService } from "../../src/dev/index.js";
import {
  ack,
  api,
  closeAll,
  manualClock,
  patchVisibility,
  receive,
  send,
  startService,
} from "./helpers.js";

afterEach(closeAll);

function bodies(parts: Array<{ body: string }>): string[] {
  return parts.map((part) => part.body);
}

async function take(service: QueueService, topic: string, group: string, visibility = 30) {
  const parts = await receive(service, topic, group, {
    "vqs-visibility-timeout-seconds": String(visibility),
    "vqs-max-messages": "10",
  });
  return parts.map((part) => ({
    body: part.body,
    id: part.headers.get("vqs-message-id") as string,
    handle: part.headers.get("vqs-receipt-handle") as string,
    count: Number(part.headers.get("vqs-delivery-count")),
  }));
}

function claim(service: QueueService, topic: string, group: string, id: string) {
  return api(service, `${topic}/consumer/${group}/id/${id}`, {
    method: "POST",
    headers: { accept: "multipart/mixed" },
  });
}

describe("consumer groups", () => {
  it("gives every group every message, each with its own lease and ack state", async () => {
    const service = await startService();
    await send(service, "fan", '"one"');
    await send(service, "fan", '"two"');

    const a = await take(service, "fan", "a");
    const b = await take(service, "fan", "b");
    for (const message of a)
      expect((await ack(service, "fan", "a", message.handle)).status).toBe(204);

    expect(bodies(a)).toEqual(['"one"', '"two"']);
    expect(bodies(b)).toEqual(['"one"', '"two"']);
    expect((await claim(service, "fan", "a", a[0]?.id as string)).status).toBe(410);
    expect((await claim(service, "fan", "b", a[0]?.id as string)).status).toBe(409);
  });

  it("lets a group created later read earlier messages", async () => {
    const service = await startService();
    await send(service, "late", '"before"');

    expect(bodies(await take(service, "late", "newcomer"))).toEqual(['"before"']);
  });

  it("starts a group at the next message with cursor fallback latest", async () => {
    const service = await startService();
    await send(service, "latest", '"old"');

    const first = await receive(service, "latest", "g", { "vqs-cursor-fallback": "latest" });
    await send(service, "latest", '"new"');
    const second = await receive(service, "latest", "g", { "vqs-cursor-fallback": "latest" });

    expect(first).toEqual([]);
    expect(bodies(second)).toEqual(['"new"']);
  });
});

describe("delays and retention", () => {
  it("keeps a delayed message invisible until its delay passed", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "later", '"soon"', { headers: { "vqs-delay-seconds": "30" } });

    const early = await take(service, "later", "g");
    clock.advance(31);
    const onTime = await take(service, "later", "g");

    expect(early).toEqual([]);
    expect(bodies(onTime)).toEqual(['"soon"']);
  });

  it("serves messages in the order they became visible", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "order", '"delayed"', { headers: { "vqs-delay-seconds": "10" } });
    await send(service, "order", '"now"');

    clock.advance(11);
    expect(bodies(await take(service, "order", "g"))).toEqual(['"now"', '"delayed"']);
  });

  it("drops a message when its retention ends: receive empty, claim and ack 404", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    const id = await send(service, "short", '"x"', { headers: { "vqs-retention-seconds": "60" } });
    const [leased] = await take(service, "short", "g", 10);

    clock.advance(61);

    expect(await take(service, "short", "other")).toEqual([]);
    expect(await take(service, "short", "g")).toEqual([]);
    expect((await claim(service, "short", "g", id)).status).toBe(404);
    expect((await ack(service, "short", "g", leased?.handle as string)).status).toBe(404);
    expect(service.stats().messages).toBe(0);
  });

  it("keeps the default retention of 24 hours", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "day", '"x"');

    clock.advance(86_399);
    expect(service.stats().messages).toBe(1);
    clock.advance(2);
    expect(await take(service, "day", "g")).toEqual([]);
  });
});

describe("idempotency keys", () => {
  it("answers a duplicate with the first id and never delivers it", async () => {
    const service = await startService();
    const headers = { "vqs-idempotency-key": "order-42" };
    const first = await send(service, "idem", '"first"', { headers });
    const second = await send(service, "idem", '"second"', { headers });

    expect(second).toBe(first);
    expect(bodies(await take(service, "idem", "g"))).toEqual(['"first"']);
  });

  it("scopes keys to a topic", async () => {
    const service = await startService();
    const headers = { "vqs-idempotency-key": "shared" };
    const a = await send(service, "idem-a", "1", { headers });
    const b = await send(service, "idem-b", "1", { headers });

    expect(a).not.toBe(b);
  });

  it("accepts the key again once its 24 hour window closed", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    const headers = { "vqs-idempotency-key": "k", "vqs-retention-seconds": "172800" };
    const first = await send(service, "idem", '"1"', { headers });

    clock.advance(86_401);
    const second = await send(service, "idem", '"2"', { headers });

    expect(second).not.toBe(first);
    expect(bodies(await take(service, "idem", "g"))).toEqual(['"1"', '"2"']);
  });

  it("makes the window no longer than the retention", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    const headers = { "vqs-idempotency-key": "k", "vqs-retention-seconds": "60" };
    const first = await send(service, "idem", '"1"', { headers });

    clock.advance(61);
    expect(await send(service, "idem", '"2"', { headers })).not.toBe(first);
  });
});

describe("leases and receipt handles", () => {
  it("redelivers after the visibility timeout with delivery count 2 and a new handle", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "lease", '"x"');
    const [first] = await take(service, "lease", "g", 5);

    const hidden = await take(service, "lease", "g");
    clock.advance(6);
    const [second] = await take(service, "lease", "g");

    expect(hidden).toEqual([]);
    expect(first?.count).toBe(1);
    expect(second?.count).toBe(2);
    expect(second?.handle).not.toBe(first?.handle);
  });

  it("answers 409 for a superseded handle and 204 for the current one", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "lease", '"x"');
    const [first] = await take(service, "lease", "g", 5);
    clock.advance(6);
    const [second] = await take(service, "lease", "g");

    const stale = await ack(service, "lease", "g", first?.handle as string);
    const current = await ack(service, "lease", "g", second?.handle as string);

    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toMatch(/does not match current/);
    expect(current.status).toBe(204);
  });

  it("answers 409 for a lease that ran out before anyone received the message again", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "lease", '"x"');
    const [first] = await take(service, "lease", "g", 5);

    clock.advance(6);
    const late = await ack(service, "lease", "g", first?.handle as string);
    const patch = await patchVisibility(service, "lease", "g", first?.handle as string, 30);

    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: string }).error).toMatch(/lease has expired/);
    expect(patch.status).toBe(409);
  });

  it("extends a lease from now with a visibility change", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "lease", '"x"');
    const [first] = await take(service, "lease", "g", 5);

    clock.advance(4);
    await patchVisibility(service, "lease", "g", first?.handle as string, 10);
    clock.advance(9);
    const stillHidden = await take(service, "lease", "g");
    clock.advance(2);
    const back = await take(service, "lease", "g");

    expect(stillHidden).toEqual([]);
    expect(back[0]?.count).toBe(2);
  });

  it("does not hand the same message twice in one receive with visibility 0", async () => {
    const service = await startService();
    await send(service, "zero", '"x"');

    const first = await take(service, "zero", "g", 0);
    const second = await take(service, "zero", "g", 0);

    expect(bodies(first)).toEqual(['"x"']);
    expect(second.map((m) => m.count)).toEqual([2]);
  });

  it("serves redeliveries before newer messages, in send order", async () => {
    const clock = manualClock();
    const service = await startService({ now: clock.now });
    await send(service, "redo", '"1"');
    await send(service, "redo", '"2"');
    await take(service, "redo", "g", 5);
    await send(service, "redo", '"3"');

    clock.advance(6);
    expect(bodies(await take(service, "redo", "g"))).toEqual(['"1"', '"2"', '"3"']);
  });

  it("leases a message claimed by id ahead of the cursor only once", async () => {
    const service = await startService();
    await send(service, "ahead", '"1"');
    const second = await send(service, "ahead", '"2"');

    expect((await claim(service, "ahead", "g", second)).status).toBe(200);
    expect(bodies(await take(service, "ahead", "g"))).toEqual(['"1"']);
  });
});
