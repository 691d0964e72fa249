import { afterEach, describe, expect, it } from "vitest";
import { isResultStoreError } from "../../src/results/errors.js";
import { RedisResultStore } from "../../src/results/redis.js";
import {
  DEFAULT_REDIS_URL,
  loadIoredis,
  redactUrl,
  resolveRedisUrl,
} from "../../src/results/redis-connection.js";

const savedRedisUrl = process.env.REDIS_URL;

afterEach(() => {
  if (savedRedisUrl === undefined) {
    delete process.env.REDIS_URL;
  } else {
    process.env.REDIS_URL = savedRedisUrl;
  }
});

async function captureError(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "expected the call to fail").toBeInstanceOf(Error);

  return error as Error & { code?: string };
}

describe("resolveRedisUrl", () => {
  it("prefers the option, then REDIS_URL, then the default", () => {
    process.env.REDIS_URL = "redis://env-host:6380";

    expect(resolveRedisUrl("redis://option-host:6381")).toBe("redis://option-host:6381");
    expect(resolveRedisUrl(undefined)).toBe("redis://env-host:6380");

    delete process.env.REDIS_URL;
    expect(resolveRedisUrl(undefined)).toBe(DEFAULT_REDIS_URL);
    expect(DEFAULT_REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("treats an empty REDIS_URL as unset", () => {
    process.env.REDIS_URL = "";

    expect(resolveRedisUrl(undefined)).toBe(DEFAULT_REDIS_URL);
  });

  it("accepts rediss:// and refuses other schemes without echoing a password", () => {
    expect(resolveRedisUrl("rediss://h:6380")).toBe("rediss://h:6380");

    const error = (() => {
      try {
        resolveRedisUrl("https://u:topsecret@h");
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected a throw");
    })();

    expect(isResultStoreError(error, "RESULT_STORE_INVALID_ARGUMENT")).toBe(true);
    expect(error.message).not.toContain("topsecret");
  });
});

describe("redactUrl", () => {
  it("hides the password and keeps the rest", () => {
    expect(redactUrl("redis://user:pw@h:1/2")).toBe("redis://user:***@h:1/2");
    expect(redactUrl("redis://:pw@h:1")).toBe("redis://:***@h:1");
    expect(redactUrl("redis://h:1")).toBe("redis://h:1");
  });

  it("hides credentials of something that is not a URL", () => {
    expect(redactUrl("redis//x://user:pw@ host")).not.toContain("pw");
  });
});

describe("loading ioredis", () => {
  it("finds the installed ioredis", async () => {
    const Redis = await loadIoredis();

    expect(typeof Redis).toBe("function");
  });

  it("explains how to install ioredis when the import fails with module-not-found", async () => {
    const missing = () => import("ioredis-is-not-installed-here" as string);

    const error = await captureError(loadIoredis(missing));

    expect(error.code).toBe("RESULT_STORE_MISSING_DEPENDENCY");
    expect(error.message).toContain("npm install ioredis");
  });

  it("the store reports the missing package on its first call", async () => {
    const notFound = Object.assign(new Error("Cannot find package 'ioredis' imported from x"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const store = new RedisResultStore({ importIoredis: () => Promise.reject(notFound) });

    const error = await captureError(store.get("k"));

    expect(error.code).toBe("RESULT_STORE_MISSING_DEPENDENCY");
    expect((error as { cause?: unknown }).cause).toBe(notFound);
    await store.close();
  });

  it("passes other import failures through unchanged", async () => {
    const broken = new Error("syntax error inside ioredis");

    expect(await captureError(loadIoredis(() => Promise.reject(broken)))).toBe(broken);
  });
});
