/**
 * RedisResultStore against the real Redis on 127.0.0.1:6379. Every key lives under a prefix
 * unique to this run of this file, and afterAll deletes exactly those keys.
 */

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis, ReplyError } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isResultStoreError } from "../../src/results/errors.js";
import { RedisResultStore } from "../../src/results/redis.js";
import {
  getResultStore,
  registerResultStore,
  resetResultStores,
} from "../../src/results/registry.js";
import type { JsonValue } from "../../src/results/store.js";
import { describeResultStoreContract } from "./contract.js";

const REDIS_URL = "redis://127.0.0.1:6379";
const FILE_PREFIX = `vw-test:results:redis:${randomUUID()}:`;
const PEER = fileURLToPath(new URL("./fixtures/redis-peer.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const run = promisify(execFile);
let raw: Redis;
const stores: RedisResultStore[] = [];

/** A store on the test Redis under its own prefix inside this file's prefix; closed afterwards. */
function openStore(options: ConstructorParameters<typeof RedisResultStore>[0] = {}) {
  const store = new RedisResultStore({
    url: REDIS_URL,
    keyPrefix: `${FILE_PREFIX}${randomUUID()}:`,
    ...options,
  });
  stores.push(store);

  return store;
}

async function captureError(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "expected the call to fail").toBeInstanceOf(Error);

  return error as Error & { code?: string };
}

/** A TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
}

/** Runs the peer fixture in a separate Node process and parses its JSON line. */
async function runPeer(keyPrefix: string, key: string, mode: "get" | "increment") {
  const { stdout } = await run(process.execPath, ["--import", "tsx", PEER, keyPrefix, key, mode], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL },
    timeout: 60_000,
  });

  return JSON.parse(stdout.trim()) as { pid: number; value: JsonValue | null };
}

beforeAll(() => {
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  const keys = await raw.keys(`${FILE_PREFIX}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  await raw.quit();
});

describeResultStoreContract("RedisResultStore", {
  create: () => openStore(),
  dispose: (store) => (store as RedisResultStore).close(),
});

describe("RedisResultStore storage format and TTL", () => {
  it("stores a JSON string under keyPrefix + key", async () => {
    const store = openStore();
    await store.set("r1", { status: "READY", args: [1] }, { ttlSeconds: 60 });

    const stored = await raw.get(`${store.keyPrefix}r1`);

    expect(stored).toBe('{"status":"READY","args":[1]}');
  });

  it("sets the TTL with every set and update (checked with the TTL command)", async () => {
    const store = openStore();
    const storedKey = `${store.keyPrefix}r1`;

    await store.set("r1", { n: 1 }, { ttlSeconds: 300 });
    expect(await raw.ttl(storedKey)).toBeGreaterThan(250);

    await raw.expire(storedKey, 5);
    await store.set("r1", { n: 2 }, { ttlSeconds: 300 });
    expect(await raw.ttl(storedKey)).toBeGreaterThan(250);

    await raw.expire(storedKey, 5);
    await store.update("r1", () => ({ n: 3 }), { ttlSeconds: 300 });
    expect(await raw.ttl(storedKey)).toBeGreaterThan(250);
  });

  it("an update that returns undefined leaves the TTL alone", async () => {
    const store = openStore();
    const storedKey = `${store.keyPrefix}r1`;
    await store.set("r1", 1, { ttlSeconds: 300 });
    await raw.expire(storedKey, 5);

    await store.update("r1", () => undefined, { ttlSeconds: 300 });

    expect(await raw.ttl(storedKey)).toBeLessThanOrEqual(5);
  });

  it("reads null once Redis has expired the value", async () => {
    const store = openStore();
    await store.set("r1", 1, { ttlSeconds: 300 });
    await raw.pexpire(`${store.keyPrefix}r1`, 1);

    await expect.poll(() => store.get("r1"), { timeout: 5000 }).toBeNull();
  });

  it("keeps stores with different prefixes apart", async () => {
    const one = openStore();
    const two = openStore();
    await one.set("same", "one", { ttlSeconds: 60 });

    expect(await two.get("same")).toBeNull();
  });

  it("reports a value it did not write as corrupt, naming the key", async () => {
    const store = openStore();
    await raw.set(`${store.keyPrefix}junk`, "not json {", "EX", 60);

    const viaGet = await captureError(store.get("junk"));
    const viaUpdate = await captureError(store.update("junk", () => 1, { ttlSeconds: 60 }));

    expect(viaGet.code).toBe("RESULT_STORE_CORRUPT_VALUE");
    expect(viaGet.message).toContain(`${store.keyPrefix}junk`);
    expect(viaUpdate.code).toBe("RESULT_STORE_CORRUPT_VALUE");
    expect(await raw.get(`${store.keyPrefix}junk`)).toBe("not json {");
  });

  it("uses the key prefix vercel-workers: by default", async () => {
    const key = `vw-test-default-prefix-${randomUUID()}`;
    const store = new RedisResultStore({ url: REDIS_URL });
    stores.push(store);

    try {
      await store.set(key, true, { ttlSeconds: 60 });
      expect(await raw.get(`vercel-workers:${key}`)).toBe("true");
    } finally {
      await raw.del(`vercel-workers:${key}`);
    }
  });
});

describe("RedisResultStore update atomicity", () => {
  it("50 concurrent increments from two stores land exactly 50", async () => {
    const keyPrefix = `${FILE_PREFIX}${randomUUID()}:`;
    const one = openStore({ keyPrefix });
    const two = openStore({ keyPrefix });
    let mutateCalls = 0;
    const increment = (current: JsonValue | null) => {
      mutateCalls++;
      return typeof current === "number" ? current + 1 : 1;
    };

    const updates = Array.from({ length: 50 }, (_, index) =>
      (index % 2 === 0 ? one : two).update("counter", increment, { ttlSeconds: 60 }),
    );
    const answers = await Promise.all(updates);

    expect(await one.get("counter")).toBe(50);
    // Every update saw a different count: no two wrote on top of the same value.
    expect(new Set(answers).size).toBe(50);
    // Racing updates re-ran mutate after losing, which is what kept every write.
    expect(mutateCalls).toBeGreaterThan(50);
  });

  it("a completion does not overwrite a newer attempt written in between", async () => {
    const client = new Redis(REDIS_URL);
    await client.ping();
    const worker = openStore({ client, url: undefined });
    const storedKey = `${worker.keyPrefix}task`;
    await worker.set("task", { attempt: 1, status: "RUNNING" }, { ttlSeconds: 60 });
    const seen: JsonValue[] = [];

    try {
      const stored = await worker.update(
        "task",
        (current) => {
          const record = current as { attempt: number; status: string };
          seen.push(record);
          if (seen.length === 1) {
            // Attempt 2 starts between this read and the write: queued on the store's own
            // connection, it reaches Redis ahead of the compare-and-set.
            const newer = { attempt: 2, status: "RUNNING" };
            void client.set(storedKey, JSON.stringify(newer), "EX", 60);
          }
          // Only the attempt that owns the record may complete it.
          return record.attempt === 1 ? { attempt: 1, status: "SUCCESSFUL" } : undefined;
        },
        { ttlSeconds: 60 },
      );

      expect(seen).toEqual([
        { attempt: 1, status: "RUNNING" },
        { attempt: 2, status: "RUNNING" },
      ]);
      expect(stored).toEqual({ attempt: 2, status: "RUNNING" });
      expect(await worker.get("task")).toEqual({ attempt: 2, status: "RUNNING" });
    } finally {
      await client.quit();
    }
  });

  it("gives up with RESULT_STORE_UPDATE_CONFLICT when the key changes every time", async () => {
    const client = new Redis(REDIS_URL);
    await client.ping();
    const store = openStore({ client, url: undefined, maxUpdateAttempts: 3 });
    const storedKey = `${store.keyPrefix}busy`;
    let calls = 0;

    try {
      const error = await captureError(
        store.update(
          "busy",
          () => {
            calls++;
            // Queued on the store's own connection ahead of its compare-and-set, so the
            // key always changes between the read and the write.
            void client.set(storedKey, JSON.stringify(calls), "EX", 60);
            return "mine";
          },
          { ttlSeconds: 60 },
        ),
      );

      expect(error.code).toBe("RESULT_STORE_UPDATE_CONFLICT");
      expect(error.message).toContain("3 attempts");
      expect(error.message).toContain("maxUpdateAttempts");
      expect(calls).toBe(3);
      expect(await raw.get(storedKey)).toBe("3");
    } finally {
      await client.quit();
    }
  });

  it("falls back to EVAL when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH)", async () => {
    // SCRIPT FLUSH would empty the script cache of every other user of this Redis, so the
    // NOSCRIPT answer is injected for one call instead; EVAL then runs on the real server.
    const client = new Redis(REDIS_URL);
    const realEvalsha = client.evalsha.bind(client);
    let injected = 0;
    client.evalsha = ((...args: Parameters<typeof realEvalsha>) => {
      if (injected++ === 0) {
        return Promise.reject(new ReplyError("NOSCRIPT No matching script. Use EVAL."));
      }
      return realEvalsha(...args);
    }) as typeof client.evalsha;
    const store = openStore({ client, url: undefined });

    try {
      expect(await store.update("s", () => 1, { ttlSeconds: 60 })).toBe(1);
      expect(await store.update("s", (n) => (n as number) + 1, { ttlSeconds: 60 })).toBe(2);
      expect(injected).toBe(2);
      expect(await raw.get(`${store.keyPrefix}s`)).toBe("2");
    } finally {
      await client.quit();
    }
  });
});

describe("RedisResultStore across processes", () => {
  it("a value written here is read by another process through its own store", async () => {
    const store = openStore();
    const value = { status: "SUCCESSFUL", returnValue: { total: 42, items: ["a", "b"] } };
    await store.set("shared", value, { ttlSeconds: 60 });

    const peer = await runPeer(store.keyPrefix, "shared", "get");

    expect(peer.pid).not.toBe(process.pid);
    expect(peer.value).toEqual(value);
  });

  it("increments from two other processes and this one all land", async () => {
    const store = openStore();
    await store.set("counter", 10, { ttlSeconds: 60 });

    await Promise.all([
      runPeer(store.keyPrefix, "counter", "increment"),
      runPeer(store.keyPrefix, "counter", "increment"),
      store.update("counter", (n) => (n as number) + 1, { ttlSeconds: 60 }),
    ]);

    expect(await store.get("counter")).toBe(13);
  });
});

describe("RedisResultStore connection handling", () => {
  let blackhole: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const socket of sockets) {
      socket.destroy();
    }
    sockets.clear();
    await new Promise((resolve) => (blackhole ? blackhole.close(resolve) : resolve(undefined)));
    blackhole = undefined;
  });

  it("fails fast with a typed error naming the URL, password redacted", async () => {
    const port = await closedPort();
    const store = openStore({ url: `redis://user:s3cret@127.0.0.1:${port}/0` });

    const error = await captureError(store.get("x"));

    expect(isResultStoreError(error, "RESULT_STORE_CONNECTION_FAILED")).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("***");
    expect(error.message).not.toContain("s3cret");
    expect(error.message).toContain("REDIS_URL");
    expect(error.message).toContain("ECONNREFUSED");
    expect((error as { url?: string }).url).toBe(`redis://user:***@127.0.0.1:${port}/0`);
  });

  it("fails again (no hang) on the next call, for every operation", async () => {
    const store = openStore({ url: `redis://127.0.0.1:${await closedPort()}` });

    for (const call of [
      () => store.get("x"),
      () => store.set("x", 1, { ttlSeconds: 60 }),
      () => store.update("x", () => 1, { ttlSeconds: 60 }),
      () => store.delete("x"),
    ]) {
      const error = await captureError(call());
      expect(error.code).toBe("RESULT_STORE_CONNECTION_FAILED");
    }
  });

  it("gives up after connectTimeoutMs on a server that never answers", async () => {
    blackhole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackhole?.listen(0, "127.0.0.1", resolve));
    const { port } = blackhole.address() as { port: number };
    const store = openStore({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 200 });

    const error = await captureError(store.get("x"));

    expect(error.code).toBe("RESULT_STORE_CONNECTION_FAILED");
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it("reads the URL from REDIS_URL when no url is given", async () => {
    const port = await closedPort();
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;

    try {
      const store = new RedisResultStore({ keyPrefix: FILE_PREFIX });
      stores.push(store);
      const error = await captureError(store.get("x"));

      expect(store.url).toContain(`:${port}`);
      expect(error.message).toContain(`127.0.0.1:${port}`);
    } finally {
      if (saved === undefined) {
        delete process.env.REDIS_URL;
      } else {
        process.env.REDIS_URL = saved;
      }
    }
  });

  it("refuses a URL that is not redis:// or rediss://, and url together with client", () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });

    expect(() => new RedisResultStore({ url: "http://127.0.0.1:6379" })).toThrow(/redis:\/\//);
    expect(() => new RedisResultStore({ url: "not a url" })).toThrow(/not a URL/);
    expect(() => new RedisResultStore({ url: REDIS_URL, client })).toThrow(/either/);
    expect(() => new RedisResultStore({ maxUpdateAttempts: 0 })).toThrow(/maxUpdateAttempts/);
    client.disconnect();
  });

  it("uses a caller's client and leaves it open on close()", async () => {
    const client = new Redis(REDIS_URL);
    const store = new RedisResultStore({ client, keyPrefix: `${FILE_PREFIX}own:` });

    try {
      await store.set("k", "v", { ttlSeconds: 60 });
      await store.close();

      expect(client.status).toBe("ready");
      expect(await client.get(`${FILE_PREFIX}own:k`)).toBe('"v"');
      expect(store.url).toContain("127.0.0.1:6379");
    } finally {
      await client.quit();
    }
  });

  it("refuses calls after close() with RESULT_STORE_CLOSED", async () => {
    const store = openStore();
    await store.set("k", 1, { ttlSeconds: 60 });
    await store.close();

    const error = await captureError(store.get("k"));

    expect(error.code).toBe("RESULT_STORE_CLOSED");
  });

  it("close() on a store that never connected returns at once", async () => {
    const store = new RedisResultStore({ url: REDIS_URL });

    await store.close();

    expect((await captureError(store.get("k"))).code).toBe("RESULT_STORE_CLOSED");
  });
});

describe("RedisResultStore in the registry", () => {
  afterEach(() => {
    resetResultStores();
  });

  it("is found under its alias and shares values with another store on its prefix", async () => {
    const store = openStore();
    registerResultStore("shared", store);
    const other = openStore({ keyPrefix: store.keyPrefix });

    await getResultStore("shared").set("r", { via: "registry" }, { ttlSeconds: 60 });

    expect(getResultStore("shared")).toBe(store);
    expect(await other.get("r")).toEqual({ via: "registry" });
  });
});

describe("RedisResultStore round trips of update()", () => {
  /** A caller's client that records the name of every command it sends. */
  function countingStore() {
    const client = new Redis(REDIS_URL);
    const commands: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      commands.push(command.name);
      return send(command, stream);
    };
    const store = openStore({ url: undefined, client });
    stores.push({ close: async () => client.quit() } as unknown as RedisResultStore);

    return { store, commands };
  }

  it("a right `expected` guess skips the read: one script call", async () => {
    const { store, commands } = countingStore();
    await store.set("k", { n: 1 }, { ttlSeconds: 60 });
    commands.length = 0;

    await store.update("k", () => ({ n: 2 }), { ttlSeconds: 60, expected: { n: 1 } });

    expect(commands.filter((name) => name !== "eval")).toEqual(["evalsha"]);
    expect(await store.get("k")).toEqual({ n: 2 });
  });

  it("a wrong guess costs no extra read: the script answers with the real value", async () => {
    const { store, commands } = countingStore();
    await store.set("k", 5, { ttlSeconds: 60 });
    await store.update("warm", () => 1, { ttlSeconds: 60 });
    commands.length = 0;

    await store.update("k", (n) => (n as number) + 1, { ttlSeconds: 60, expected: 1 });

    expect(commands).toEqual(["evalsha", "evalsha"]);
    expect(await store.get("k")).toBe(6);
  });
});
