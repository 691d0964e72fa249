import { describe, expect, it } from "vitest";
import {
  resolveBasePath,
  resolveBaseUrl,
  resolveConfig,
  resolveDebugLogger,
  resolveDeploymentId,
  resolveFetch,
  resolveHeaders,
  resolveRegion,
  resolveRetentionSeconds,
  resolveRetryPolicy,
  resolveTimeoutMs,
  resolveToken,
} from "../../src/queue/config.js";
import { ConfigurationError, isQueueError } from "../../src/queue/errors.js";

function configErrorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("resolveToken", () => {
  it("prefers the option, then VERCEL_QUEUE_TOKEN, then VERCEL_OIDC_TOKEN", () => {
    const env = { VERCEL_QUEUE_TOKEN: "queue", VERCEL_OIDC_TOKEN: "oidc" };
    expect(resolveToken("explicit", env)).toBe("explicit");
    expect(resolveToken(undefined, env)).toBe("queue");
    expect(resolveToken(undefined, { VERCEL_OIDC_TOKEN: "oidc" })).toBe("oidc");
    expect(resolveToken(undefined, { VERCEL_QUEUE_TOKEN: "", VERCEL_OIDC_TOKEN: "oidc" })).toBe(
      "oidc",
    );
  });

  it("returns undefined when no token is anywhere (the call fails, not the constructor)", () => {
    expect(resolveToken(undefined, {})).toBeUndefined();
  });

  it("rejects an empty or multi-line token option", () => {
    expect(configErrorOf(() => resolveToken("", {})).option).toBe("token");
    expect(configErrorOf(() => resolveToken("a\nb", {})).message).toContain("line breaks");
  });
});

describe("resolveRegion", () => {
  it("prefers the option, then VERCEL_REGION, then iad1", () => {
    expect(resolveRegion("fra1", { VERCEL_REGION: "sfo1" })).toBe("fra1");
    expect(resolveRegion(undefined, { VERCEL_REGION: "sfo1" })).toBe("sfo1");
    expect(resolveRegion(undefined, {})).toBe("iad1");
  });

  it("rejects a region outside ^[a-z]{2,5}[0-9]{1,2}$ and names where it came from", () => {
    const fromOption = configErrorOf(() => resolveRegion("IAD1", {}));
    expect(fromOption.option).toBe("region");
    expect(fromOption.message).toContain("^[a-z]{2,5}[0-9]{1,2}$");
    expect(configErrorOf(() => resolveRegion(undefined, { VERCEL_REGION: "x" })).message).toContain(
      "VERCEL_REGION",
    );
  });
});

describe("resolveBaseUrl", () => {
  it("prefers the option, then VERCEL_QUEUE_BASE_URL, then the regional host", () => {
    const env = { VERCEL_QUEUE_BASE_URL: "http://127.0.0.1:9000/" };
    expect(resolveBaseUrl("http://localhost:1/", "iad1", env)).toBe("http://localhost:1");
    expect(resolveBaseUrl(undefined, "iad1", env)).toBe("http://127.0.0.1:9000");
    expect(resolveBaseUrl(undefined, "fra1", {})).toBe("https://fra1.vercel-queue.com");
  });

  it("keeps a path prefix (reverse proxies, `vercel dev`'s /_svc/_queues)", () => {
    expect(resolveBaseUrl("http://localhost:3000/_svc/_queues/", "iad1", {})).toBe(
      "http://localhost:3000/_svc/_queues",
    );
  });

  it("rejects non-http URLs, garbage, queries and fragments", () => {
    expect(configErrorOf(() => resolveBaseUrl("ftp://x", "iad1", {})).option).toBe("baseUrl");
    expect(configErrorOf(() => resolveBaseUrl("not a url", "iad1", {})).message).toContain(
      "http(s) URL",
    );
    expect(configErrorOf(() => resolveBaseUrl("http://x/?a=1", "iad1", {})).message).toContain(
      "query",
    );
    const fromEnv = configErrorOf(() =>
      resolveBaseUrl(undefined, "iad1", { VERCEL_QUEUE_BASE_URL: "nope" }),
    );
    expect(fromEnv.message).toContain("VERCEL_QUEUE_BASE_URL");
  });
});

describe("resolveBasePath", () => {
  it("prefers the option, then VERCEL_QUEUE_BASE_PATH, then /api/v3/topic, normalised", () => {
    expect(resolveBasePath("custom/path/", {})).toBe("/custom/path");
    expect(resolveBasePath(undefined, { VERCEL_QUEUE_BASE_PATH: "/env/" })).toBe("/env");
    expect(resolveBasePath(undefined, {})).toBe("/api/v3/topic");
  });

  it("rejects paths with a query, fragment or whitespace", () => {
    expect(configErrorOf(() => resolveBasePath("/a?b", {})).option).toBe("basePath");
    expect(configErrorOf(() => resolveBasePath("/a b", {})).message).toContain("no query");
  });
});

describe("resolveDeploymentId", () => {
  it("pins to a string, never sends for null, reads VERCEL_DEPLOYMENT_ID when absent", () => {
    const env = { VERCEL_DEPLOYMENT_ID: "dpl_env" };
    expect(resolveDeploymentId("dpl_explicit", env)).toBe("dpl_explicit");
    expect(resolveDeploymentId(null, env)).toBeNull();
    expect(resolveDeploymentId(undefined, env)).toBe("dpl_env");
    expect(resolveDeploymentId(undefined, {})).toBeNull();
  });

  it("rejects ids that are not [A-Za-z0-9_-]+", () => {
    expect(configErrorOf(() => resolveDeploymentId("dpl 1", {})).option).toBe("deploymentId");
    const fromEnv = configErrorOf(() =>
      resolveDeploymentId(undefined, { VERCEL_DEPLOYMENT_ID: "a/b" }),
    );
    expect(fromEnv.option).toBe("VERCEL_DEPLOYMENT_ID");
  });
});

describe("resolveTimeoutMs", () => {
  it("defaults to 10 s and converts seconds to milliseconds", () => {
    expect(resolveTimeoutMs(undefined)).toBe(10_000);
    expect(resolveTimeoutMs(0.25)).toBe(250);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 86_401])("rejects %s", (value) => {
    const error = configErrorOf(() => resolveTimeoutMs(value));
    expect(error.option).toBe("timeout");
    expect(error.message).toContain("greater than 0");
  });
});

describe("resolveRetentionSeconds", () => {
  it("keeps the service default when absent and validates 60…604800", () => {
    expect(resolveRetentionSeconds(undefined)).toBeUndefined();
    expect(resolveRetentionSeconds(3600)).toBe(3600);
    expect(configErrorOf(() => resolveRetentionSeconds(59)).message).toContain("60 to 604800");
    expect(configErrorOf(() => resolveRetentionSeconds(90.5)).option).toBe("retentionSeconds");
  });
});

describe("resolveHeaders", () => {
  it("drops Authorization, Content-Type, Accept and Vqs-* case-insensitively", () => {
    const headers = resolveHeaders({
      AUTHORIZATION: "x",
      "content-Type": "x",
      Accept: "x",
      "VQS-Deployment-Id": "x",
      "vqs-anything": "x",
      "X-Trace": "keep",
    });
    expect(headers).toEqual({ "x-trace": "keep" });
  });

  it("rejects values with line breaks and invalid names", () => {
    expect(configErrorOf(() => resolveHeaders({ "x-a": "1\r\nInjected: 1" })).option).toBe(
      'headers["x-a"]',
    );
    expect(configErrorOf(() => resolveHeaders({ "bad name": "1" })).message).toContain(
      "no header name",
    );
  });
});

describe("resolveRetryPolicy", () => {
  it("defaults to 3 attempts, 100 ms, 5 s", () => {
    expect(resolveRetryPolicy(undefined)).toEqual({
      attempts: 3,
      minDelayMs: 100,
      maxDelayMs: 5000,
    });
  });

  it("rejects bad attempts and delays, naming the field", () => {
    expect(configErrorOf(() => resolveRetryPolicy({ attempts: 0 })).option).toBe("retry.attempts");
    expect(configErrorOf(() => resolveRetryPolicy({ minDelayMs: -1 })).option).toBe(
      "retry.minDelayMs",
    );
    expect(
      configErrorOf(() => resolveRetryPolicy({ minDelayMs: 10, maxDelayMs: 5 })).message,
    ).toContain("at least retry.minDelayMs");
  });
});

describe("resolveFetch", () => {
  it("uses the option when given", () => {
    const custom = (() => Promise.reject(new Error("x"))) as unknown as typeof fetch;
    expect(resolveFetch(custom)).toBe(custom);
  });

  it("rejects a non-function", () => {
    const bad = "fetch" as unknown as typeof fetch;
    expect(configErrorOf(() => resolveFetch(bad)).option).toBe("fetch");
  });
});

describe("resolveDebugLogger", () => {
  const logger = { debug() {} };

  it("is off unless VERCEL_WORKERS_DEBUG is truthy", () => {
    expect(resolveDebugLogger(logger, {})).toBeUndefined();
    expect(resolveDebugLogger(logger, { VERCEL_WORKERS_DEBUG: "0" })).toBeUndefined();
    expect(resolveDebugLogger(logger, { VERCEL_WORKERS_DEBUG: "1" })).toBe(logger);
    expect(resolveDebugLogger(undefined, { VERCEL_WORKERS_DEBUG: "true" })).toBe(console);
  });

  it("rejects an unrecognised value instead of guessing", () => {
    const error = configErrorOf(() => resolveDebugLogger(logger, { VERCEL_WORKERS_DEBUG: "2" }));
    expect(error.option).toBe("VERCEL_WORKERS_DEBUG");
  });
});

describe("resolveConfig", () => {
  it("resolves every setting from options and env at call time", () => {
    const config = resolveConfig(
      { headers: { "x-a": "1" }, retentionSeconds: 120, timeout: 2 },
      {
        VERCEL_QUEUE_TOKEN: "t",
        VERCEL_REGION: "fra1",
        VERCEL_DEPLOYMENT_ID: "dpl_1",
      },
    );
    expect(config).toMatchObject({
      token: "t",
      region: "fra1",
      baseUrl: "https://fra1.vercel-queue.com",
      basePath: "/api/v3/topic",
      deploymentId: "dpl_1",
      retentionSeconds: 120,
      timeoutMs: 2000,
      headers: { "x-a": "1" },
    });
  });

  it("throws a brand-checkable ConfigurationError for the first bad option", () => {
    let caught: unknown;
    try {
      resolveConfig({ region: "nowhere" }, {});
    } catch (error) {
      caught = error;
    }
    expect(isQueueError(caught)).toBe(true);
    expect((caught as ConfigurationError).code).toBe("configuration_error");
  });
});
