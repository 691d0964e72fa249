/** Subscriptions from vercel.json queue triggers, consumer group names and route paths. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@vercel/queue";
import { afterAll, describe, expect, it } from "vitest";
import {
  readVercelJsonSubscriptions,
  routePathForFunction,
  sanitizeConsumerName,
  VercelJsonError,
} from "../../src/dev/index.js";

/** Temporary folders made by this file, removed at its end. */
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vw-vercel-json-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("sanitizeConsumerName", () => {
  it.each([
    ["app/api/queue/orders/route.mjs", "app_Sapi_Squeue_Sorders_Sroute_Dmjs"],
    ["api/test.js", "api_Stest_Djs"],
    ["emails.high", "emails_Dhigh"],
    ["my_file", "my__file"],
    ["a b", "a_20b"],
    ["café", "caf_E9"],
    ["app/(admin)/x.ts", "app_S_28admin_29_Sx_Dts"],
    ["keep-dash", "keep-dash"],
  ])("names %s as %s", (path, group) => {
    expect(sanitizeConsumerName(path)).toBe(group);
  });

  it("agrees with the official SDK's own derivation", () => {
    // @vercel/queue exposes its helper to test runners (it checks VITEST on import).
    const official = (globalThis as { __filePathToConsumerGroup?: (p: string) => string })
      .__filePathToConsumerGroup;
    expect(official).toBeTypeOf("function");

    const paths = ["app/api/queue/orders/route.ts", "src/app/x_y/route.js", "api/a b+c.py"];
    for (const path of paths) expect(sanitizeConsumerName(path)).toBe(official?.(path));
  });
});

describe("routePathForFunction", () => {
  it.each([
    ["app/api/queue/orders/route.ts", "/api/queue/orders"],
    ["src/app/api/queue/route.mjs", "/api/queue"],
    ["app/(jobs)/api/queue/route.ts", "/api/queue"],
    ["pages/api/worker.ts", "/api/worker"],
    ["src/pages/api/jobs/index.ts", "/api/jobs"],
    ["api/worker.py", "/api/worker"],
    ["api/queue/index.js", "/api/queue"],
    ["src/routes/api/queue/+server.ts", "/api/queue"],
    ["server/api/queue.ts", "/api/queue"],
    ["server/routes/hook.ts", "/hook"],
    ["./api/x.ts", "/api/x"],
  ])("serves %s at %s", (file, path) => {
    expect(routePathForFunction(file)).toBe(path);
  });
});

describe("readVercelJsonSubscriptions", () => {
  const config = {
    functions: {
      "app/api/queue/orders/route.ts": {
        maxDuration: 60,
        experimentalTriggers: [
          { type: "queue/v2beta", topic: "orders", retryAfterSeconds: 5, maxConcurrency: 3 },
          { type: "queue/v2beta", topic: "refunds-*", initialDelaySeconds: 2 },
        ],
      },
      "api/other.ts": { maxDuration: 10 },
      "api/**/*.ts": { memory: 1024 },
    },
  };

  it("makes one subscription per v2beta trigger with the file's group and route", () => {
    const subscriptions = readVercelJsonSubscriptions(config, "http://localhost:3000/");

    expect(subscriptions).toEqual([
      {
        topic: "orders",
        consumerGroup: "app_Sapi_Squeue_Sorders_Sroute_Dts",
        url: "http://localhost:3000/api/queue/orders",
        retryAfterSeconds: 5,
        maxConcurrency: 3,
        source: "vercel.json app/api/queue/orders/route.ts",
      },
      {
        topic: "refunds-*",
        consumerGroup: "app_Sapi_Squeue_Sorders_Sroute_Dts",
        url: "http://localhost:3000/api/queue/orders",
        initialDelaySeconds: 2,
        source: "vercel.json app/api/queue/orders/route.ts",
      },
    ]);
  });

  it("keeps a path prefix of the app URL", () => {
    const [subscription] = readVercelJsonSubscriptions(config, "https://tunnel.example/app");
    expect(subscription?.url).toBe("https://tunnel.example/app/api/queue/orders");
  });

  it("reads the file from disk", () => {
    const dir = tempDir();
    const path = join(dir, "vercel.json");
    writeFileSync(path, JSON.stringify(config));

    expect(readVercelJsonSubscriptions(path, "http://localhost:3000")).toHaveLength(2);
  });

  it("skips other trigger types with a warning", () => {
    const warnings: string[] = [];
    const subscriptions = readVercelJsonSubscriptions(
      {
        functions: {
          "api/a.ts": {
            experimentalTriggers: [{ type: "queue/v1beta", topic: "t", consumer: "c" }],
          },
        },
      },
      "http://localhost:3000",
      { logger: { warn: (message: string) => warnings.push(message) } },
    );

    expect(subscriptions).toEqual([]);
    expect(warnings[0]).toMatch(/"queue\/v1beta" is not served/);
  });

  it("returns nothing for a config without functions", () => {
    expect(readVercelJsonSubscriptions({ rewrites: [] }, "http://localhost:3000")).toEqual([]);
  });

  function failure(run: () => unknown): VercelJsonError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(VercelJsonError);
      expect((error as VercelJsonError).code).toBe("invalid_vercel_json");
      return error as VercelJsonError;
    }
    throw new Error("expected a VercelJsonError");
  }

  it.each([
    [{ functions: [] }, /"functions" must be an object/],
    [{ functions: { "a.ts": { experimentalTriggers: {} } } }, /must be an array/],
    [{ functions: { "a.ts": { experimentalTriggers: ["x"] } } }, /must be an object/],
    [
      { functions: { "a.ts": { experimentalTriggers: [{ type: "queue/v2beta" }] } } },
      /topic must be a non-empty string/,
    ],
    [
      {
        functions: { "api/*.ts": { experimentalTriggers: [{ type: "queue/v2beta", topic: "t" }] } },
      },
      /is a glob or a dynamic route/,
    ],
    [
      {
        functions: {
          "a.ts": {
            experimentalTriggers: [{ type: "queue/v2beta", topic: "t", retryAfterSeconds: "5" }],
          },
        },
      },
      /retryAfterSeconds must be a non-negative number/,
    ],
  ])("rejects %j", (content, pattern) => {
    const error = failure(() => readVercelJsonSubscriptions(content, "http://localhost:3000"));
    expect(error.message).toMatch(pattern);
  });

  it("names the file when it is missing or not JSON", () => {
    const dir = tempDir();
    const broken = join(dir, "vercel.json");
    writeFileSync(broken, "{ not json");

    const missing = failure(() => readVercelJsonSubscriptions(join(dir, "nope.json"), "http://x"));
    const invalid = failure(() => readVercelJsonSubscriptions(broken, "http://x"));

    expect(missing.message).toMatch(/nope\.json: cannot be read/);
    expect(invalid.message).toMatch(/vercel\.json: is not valid JSON/);
    expect(invalid.path).toBe(broken);
  });

  it("rejects an app URL that is not absolute", () => {
    expect(failure(() => readVercelJsonSubscriptions(config, "localhost:3000/x")).message).toMatch(
      /not an absolute http\(s\) URL/,
    );
  });
});
