import { afterEach, describe, expect, it } from "vitest";
import { VercelQueuesBackend } from "../../src/tasks/backends/vercel/index.js";
import {
  resolveVercelOptions,
  VERCEL_BACKEND_DEFAULTS,
} from "../../src/tasks/backends/vercel/options.js";
import {
  configureTasks,
  isTaskException,
  resetTaskConfiguration,
  type TaskBackendConfig,
  taskBackends,
} from "../../src/tasks/index.js";

function problem(options: unknown): string {
  try {
    resolveVercelOptions(options, "default");
  } catch (error) {
    expect(isTaskException(error, "invalid_task_backend")).toBe(true);
    return (error as Error).message;
  }

  throw new Error("expected the options to be refused");
}

describe("resolveVercelOptions", () => {
  it("applies the seed's defaults when nothing is given", () => {
    const resolved = resolveVercelOptions(undefined, "default");

    expect(resolved).toMatchObject({
      cacheAlias: "default",
      cacheKeyPrefix: "tasks",
      resultTtlSeconds: 86_400,
      visibilityTimeoutSeconds: 30,
      visibilityRefreshIntervalSeconds: 10,
      maxAttempts: 3,
      retryBackoffBaseSeconds: 5,
      retryBackoffFactor: 2,
      maxRetryDelaySeconds: 3600,
      client: {},
    });
    expect(VERCEL_BACKEND_DEFAULTS.maxAttempts).toBe(3);
  });

  it("reads every option under its camelCase name", () => {
    const resolved = resolveVercelOptions(
      {
        cacheAlias: "redis",
        cacheKeyPrefix: "app",
        resultTtlSeconds: 120,
        visibilityTimeoutSeconds: 4,
        visibilityRefreshIntervalSeconds: 1.5,
        maxAttempts: 5,
        retryBackoffBaseSeconds: 1,
        retryBackoffFactor: 3,
        maxRetryDelaySeconds: 60,
        token: "secret",
        baseUrl: "http://127.0.0.1:4417",
        basePath: "/api/v3/topic",
        region: "fra1",
        retentionSeconds: 3600,
        deploymentId: null,
        timeout: 2,
      },
      "default",
    );

    expect(resolved).toMatchObject({
      cacheAlias: "redis",
      cacheKeyPrefix: "app",
      resultTtlSeconds: 120,
      visibilityTimeoutSeconds: 4,
      visibilityRefreshIntervalSeconds: 1.5,
      maxAttempts: 5,
      retryBackoffBaseSeconds: 1,
      retryBackoffFactor: 3,
      maxRetryDelaySeconds: 60,
    });
    expect(resolved.client).toEqual({
      token: "secret",
      baseUrl: "http://127.0.0.1:4417",
      basePath: "/api/v3/topic",
      region: "fra1",
      retentionSeconds: 3600,
      deploymentId: null,
      timeout: 2,
    });
  });

  it("refuses an unknown key and points a seed name at ours", () => {
    expect(problem({ result_ttl_seconds: 5 })).toContain('Did you mean "resultTtlSeconds"?');
    expect(problem({ colour: "blue" })).toContain('option "colour" is not an option');
  });

  it.each([
    ["resultTtlSeconds", 0],
    ["resultTtlSeconds", 1.5],
    ["visibilityTimeoutSeconds", 0],
    ["visibilityTimeoutSeconds", 3601],
    ["visibilityRefreshIntervalSeconds", -1],
    ["maxAttempts", 0],
    ["maxAttempts", "3"],
    ["retryBackoffBaseSeconds", -1],
    ["retryBackoffFactor", Number.NaN],
    ["maxRetryDelaySeconds", 7200],
    ["cacheAlias", ""],
    ["token", 42],
    ["baseUrl", "127.0.0.1:4417"],
    ["basePath", "api"],
    ["region", "Iad1"],
    ["retentionSeconds", 30],
    ["deploymentId", ""],
    ["timeout", 0],
  ])("refuses %s = %j, naming the option", (option, value) => {
    expect(problem({ [option]: value })).toContain(`option "${option}"`);
  });

  it("refuses a renewal interval that is not shorter than the lease", () => {
    const message = problem({ visibilityTimeoutSeconds: 5, visibilityRefreshIntervalSeconds: 5 });

    expect(message).toContain("must be shorter than visibilityTimeoutSeconds (5)");
  });

  it("derives the renewal interval from a short lease when none is given", () => {
    const resolved = resolveVercelOptions({ visibilityTimeoutSeconds: 6 }, "default");

    expect(resolved.visibilityRefreshIntervalSeconds).toBe(2);
  });

  it("accepts a renewal interval of 0 (renewal off) with any lease", () => {
    const resolved = resolveVercelOptions(
      { visibilityTimeoutSeconds: 1, visibilityRefreshIntervalSeconds: 0 },
      "default",
    );

    expect(resolved.visibilityRefreshIntervalSeconds).toBe(0);
  });

  it("refuses options that are not an object", () => {
    expect(problem(["cacheAlias"])).toContain("must be an object of options");
  });
});

describe("VercelQueuesBackend configured through configureTasks", () => {
  afterEach(() => {
    resetTaskConfiguration();
  });

  function buildError(entry: TaskBackendConfig): Error {
    configureTasks({ default: entry });

    try {
      taskBackends.get("default");
    } catch (error) {
      expect(isTaskException(error, "invalid_task_backend")).toBe(true);
      return error as Error;
    }

    throw new Error("expected the backend to be refused");
  }

  it("refuses an unknown option when the backend is built", () => {
    const error = buildError({ backend: VercelQueuesBackend, options: { maxAtempts: 3 } });

    expect(error.message).toContain('option "maxAtempts" is not an option of VercelQueuesBackend');
  });

  it("refuses a queue name that cannot be a topic", () => {
    const error = buildError({ backend: VercelQueuesBackend, queues: ["emails.high"] });

    expect(error.message).toContain('option "queues" contains "emails.high"');
  });

  it("reports the advertised capabilities", () => {
    configureTasks({ default: { backend: VercelQueuesBackend, options: { deploymentId: null } } });
    const backend = taskBackends.get("default");

    expect(backend).toMatchObject({
      supportsDefer: true,
      supportsAsyncTask: true,
      supportsGetResult: true,
      supportsPriority: false,
    });
  });
});
