/**
 * What `vercel-workers worker` needs before it can poll: the tasks of the `--tasks` module, and
 * a Vercel backend for them, either configured by the module itself or by the command's flags.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { MemoryResultStore, registerResultStore } from "../../results/index.js";
import { RedisResultStore } from "../../results/redis.js";
import { VercelQueuesBackend } from "../../tasks/backends/vercel/index.js";
import { isTaskConfigurationExplicit } from "../../tasks/config.js";
import { configureTasks, type Task } from "../../tasks/index.js";
import { UsageError } from "../errors.js";

/** The exports of a tasks module that are tasks, arrays of tasks included, without repeats. */
export function tasksOf(exports: Record<string, unknown>): Task[] {
  const found = new Set<Task>();

  for (const value of Object.values(exports)) {
    for (const candidate of Array.isArray(value) ? value : [value]) {
      if (isTaskLike(candidate)) found.add(candidate);
    }
  }

  return [...found];
}

/** Duck-typed, so a task made by another bundled copy of the library is still found. */
function isTaskLike(value: unknown): value is Task {
  const task = value as Partial<Task> | null;

  return (
    typeof task === "object" &&
    task !== null &&
    typeof task.name === "string" &&
    typeof task.queueName === "string" &&
    typeof task.fn === "function" &&
    typeof task.enqueue === "function"
  );
}

/**
 * Imports the `--tasks` module (a path, relative to `cwd`). A missing file is a usage error; a
 * module that throws while loading is a failure, reported with a hint for TypeScript files.
 */
export async function importTasksModule(
  path: string,
  cwd: string,
): Promise<Record<string, unknown>> {
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) {
    throw new UsageError(`--tasks ${path}: no such file (looked at ${absolute})`);
  }

  try {
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    const hint = /\.[cm]?tsx?$/.test(absolute)
      ? ' A TypeScript module needs a TypeScript loader: run with NODE_OPTIONS="--import tsx".'
      : "";
    throw new Error(`cannot import --tasks ${path}: ${(error as Error).message}.${hint}`, {
      cause: error,
    });
  }
}

/** The flags that configure a backend when the module configured none. */
export interface BackendFlags {
  backend: string;
  baseUrl?: string;
  token?: string;
  redisUrl?: string;
  keyPrefix?: string;
}

/** What the command set up, to release on exit. */
export interface WorkerBackendSetup {
  /** Whether the module configured the backends itself (the flags were not used). */
  configuredByModule: boolean;
  /** Where results go, for the start-up line. */
  results: string;
  close(): Promise<void>;
}

/** Result store alias the command registers when it configures the backend. */
export const WORKER_RESULT_STORE_ALIAS = "vercel-workers-cli";

/**
 * Configures `flags.backend` as a `VercelQueuesBackend` for `queues`, unless the module already
 * called `configureTasks()`. Results go to Redis with a Redis URL, else to process memory.
 */
export function configureWorkerBackend(
  flags: BackendFlags,
  queues: readonly string[],
): WorkerBackendSetup {
  if (isTaskConfigurationExplicit()) {
    return { configuredByModule: true, results: "as the module configured", close: async () => {} };
  }

  const store =
    flags.redisUrl === undefined
      ? new MemoryResultStore()
      : new RedisResultStore({ url: flags.redisUrl, keyPrefix: flags.keyPrefix });
  registerResultStore(WORKER_RESULT_STORE_ALIAS, store);

  configureTasks({
    [flags.backend]: {
      backend: VercelQueuesBackend,
      queues,
      options: {
        baseUrl: flags.baseUrl,
        token: flags.token,
        cacheAlias: WORKER_RESULT_STORE_ALIAS,
      },
    },
  });

  return {
    configuredByModule: false,
    results:
      store instanceof RedisResultStore
        ? `Redis ${store.url} (key prefix "${store.keyPrefix}")`
        : "process memory (pass --redis-url to share them)",
    close: async () => {
      if (store instanceof RedisResultStore) await store.close();
    },
  };
}
