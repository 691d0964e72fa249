/**
 * Wiring the library for the example: the result store (memory, or Redis with `REDIS_URL`) and
 * the `VercelQueuesBackend` that sends the tasks. An app does this once at start-up, in every
 * process that enqueues tasks or runs them.
 */
import {
  MemoryResultStore,
  type ResultStore,
  registerResultStore,
} from "../../src/results/index.js";
import { RedisResultStore, redactUrl } from "../../src/results/redis.js";
import { VercelQueuesBackend } from "../../src/tasks/backends/vercel/index.js";
import { configureTasks } from "../../src/tasks/index.js";
import { QUEUE_NAME } from "./tasks.js";

/** Alias the example registers its result store under. */
export const RESULT_STORE_ALIAS = "chunks-results";

/**
 * Retry settings of the example: three attempts one second apart, so the flaky and the failing
 * task finish within seconds (the library defaults wait 5 s, then 10 s).
 */
export const RETRY_SETTINGS = {
  maxAttempts: 3,
  retryBackoffBaseSeconds: 1,
  retryBackoffFactor: 1,
} as const;

export interface SetupOptions {
  queueBaseUrl: string;
  queueToken: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
}

/** What {@link setUpTasks} made: the store to close at the end, and how to describe it. */
export interface TasksSetup {
  store: ResultStore;
  /** `"memory"` or the Redis URL with its password hidden. */
  storeLabel: string;
  close(): Promise<void>;
}

/** Registers the result store and configures the `default` task backend. */
export function setUpTasks(options: SetupOptions): TasksSetup {
  const store: ResultStore =
    options.redisUrl === undefined
      ? new MemoryResultStore()
      : new RedisResultStore({ url: options.redisUrl, keyPrefix: options.redisKeyPrefix });
  registerResultStore(RESULT_STORE_ALIAS, store);

  configureTasks({
    default: {
      backend: VercelQueuesBackend,
      queues: [QUEUE_NAME],
      options: {
        baseUrl: options.queueBaseUrl,
        token: options.queueToken,
        cacheAlias: RESULT_STORE_ALIAS,
        resultTtlSeconds: 3600,
        // Never pin messages to a deployment, even if VERCEL_DEPLOYMENT_ID is set in the shell.
        deploymentId: null,
        ...RETRY_SETTINGS,
      },
    },
  });

  return {
    store,
    storeLabel:
      options.redisUrl === undefined
        ? "memory"
        : `Redis ${redactUrl(options.redisUrl)} (key prefix "${options.redisKeyPrefix}")`,
    close: async () => {
      await store.close?.();
    },
  };
}
