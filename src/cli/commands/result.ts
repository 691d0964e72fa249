/**
 * `vercel-workers result <id>`: reads a task result stored by `VercelQueuesBackend` in Redis
 * and prints its status, attempts, errors and return value. `--wait` polls until the task has
 * finished, with a spinner on stderr.
 */
import type { Command } from "commander";
import { DEFAULT_KEY_PREFIX } from "../../results/index.js";
import { RedisResultStore } from "../../results/redis.js";
import { recordKey, VERCEL_BACKEND_DEFAULTS } from "../../tasks/backends/vercel/index.js";
import {
  DEFAULT_TASK_BACKEND_ALIAS,
  isFinishedStatus,
  parseTaskResultRecord,
  type TaskResultRecord,
} from "../../tasks/index.js";
import { EXIT_FAILURE, EXIT_OK } from "../errors.js";
import type { CliIo } from "../io.js";
import type { ExitState } from "../program.js";
import { positiveSeconds } from "./durations.js";
import { envValue } from "./env.js";
import { createWaitDisplay } from "./wait-display.js";

const DEFAULT_WAIT_TIMEOUT_SECONDS = 300;
const DEFAULT_POLL_INTERVAL_SECONDS = 0.25;

interface ResultFlags {
  redisUrl?: string;
  keyPrefix: string;
  cacheKeyPrefix: string;
  backend: string;
  wait?: boolean;
  timeout: number;
  interval: number;
  tracebacks?: boolean;
  json?: boolean;
}

export function registerResultCommand(program: Command, io: CliIo, exit: ExitState): void {
  program
    .command("result")
    .description("Print a stored task result (status, attempts, errors, return value).")
    .argument("<id>", "id of the task result (TaskResult.id)")
    .option(
      "--redis-url <url>",
      "Redis holding the results (env REDIS_URL; default redis://127.0.0.1:6379)",
    )
    .option("--key-prefix <prefix>", "key prefix of the result store", DEFAULT_KEY_PREFIX)
    .option(
      "--cache-key-prefix <prefix>",
      "cacheKeyPrefix option of the backend",
      VERCEL_BACKEND_DEFAULTS.cacheKeyPrefix,
    )
    .option("--backend <alias>", "alias of the task backend", DEFAULT_TASK_BACKEND_ALIAS)
    .option("--wait", "poll until the task has finished (SUCCESSFUL or FAILED)")
    .option(
      "--timeout <seconds>",
      "with --wait: give up after this long (exit 1)",
      positiveSeconds,
      DEFAULT_WAIT_TIMEOUT_SECONDS,
    )
    .option(
      "--interval <seconds>",
      "with --wait: time between two reads",
      positiveSeconds,
      DEFAULT_POLL_INTERVAL_SECONDS,
    )
    .option("--tracebacks", "print the full traceback of each error")
    .option("--json", "print the stored record as JSON")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 the result was read (whatever its status), 1 not found, unreadable,",
        "or --wait timed out, 2 usage error.",
        "",
        "Examples:",
        "  $ vercel-workers result 6f1c0a... --redis-url redis://127.0.0.1:6379",
        "  $ vercel-workers result 6f1c0a... --wait --json | jq .status",
      ].join("\n"),
    )
    .action(async (id: string, flags: ResultFlags) => {
      exit.code = await runResult(id, flags, io);
    });
}

async function runResult(id: string, flags: ResultFlags, io: CliIo): Promise<number> {
  const store = new RedisResultStore({
    url: flags.redisUrl ?? envValue(io, "REDIS_URL"),
    keyPrefix: flags.keyPrefix,
  });
  const key = recordKey(flags.cacheKeyPrefix, flags.backend, id);

  try {
    const record =
      flags.wait === true ? await waitForFinish(store, key, flags, io) : await read(store, key);

    if (record === undefined) {
      io.stderr.write(notFound(id, key, store.url, flags));
      return EXIT_FAILURE;
    }

    io.stdout.write(
      flags.json === true ? `${JSON.stringify(record)}\n` : describeRecord(record, flags),
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof WaitTimeout) {
      io.stderr.write(`vercel-workers: ${error.message}\n`);
      return EXIT_FAILURE;
    }

    throw error;
  } finally {
    await store.close();
  }
}

async function read(store: RedisResultStore, key: string): Promise<TaskResultRecord | undefined> {
  const value = await store.get(key);

  return value === null ? undefined : parseTaskResultRecord(value);
}

class WaitTimeout extends Error {
  constructor(id: string, seconds: number, status: string) {
    super(
      `result ${id} was still ${status} after ${seconds} s; wait longer with --timeout ` +
        "or check that a worker or the callback route is running",
    );
    this.name = "WaitTimeout";
  }
}

async function waitForFinish(
  store: RedisResultStore,
  key: string,
  flags: ResultFlags,
  io: CliIo,
): Promise<TaskResultRecord | undefined> {
  const startedAt = Date.now();
  const deadline = startedAt + flags.timeout * 1000;
  const display = createWaitDisplay(io.stderr);

  try {
    for (;;) {
      const record = await read(store, key);

      if (record === undefined || isFinishedStatus(record.status)) {
        return record;
      }

      display.update(
        `${record.status}, attempts so far ${record.workerIds.length}`,
        Date.now() - startedAt,
      );

      if (Date.now() >= deadline) {
        throw new WaitTimeout(record.id, flags.timeout, record.status);
      }

      if (await stopped(flags.interval * 1000, io.signal)) {
        throw new WaitTimeout(
          record.id,
          Math.round((Date.now() - startedAt) / 1000),
          record.status,
        );
      }
    }
  } finally {
    display.stop();
  }
}

/** Sleeps `ms`; resolves `true` early when the command is told to stop. */
function stopped(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);

  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function notFound(id: string, key: string, url: string, flags: ResultFlags): string {
  return (
    `vercel-workers: no result ${id} in ${url} (key "${flags.keyPrefix}${key}"). Check the id, ` +
    "--backend, --key-prefix and --cache-key-prefix against the backend's options; results " +
    "also expire after the backend's resultTtlSeconds.\n"
  );
}

/** The human form: one field a line, errors numbered, the return value as JSON. */
export function describeRecord(
  record: TaskResultRecord,
  options: { tracebacks?: boolean } = {},
): string {
  const lines = [
    `id:          ${record.id}`,
    `task:        ${record.task.name} (queue ${record.task.queueName}, backend ${record.backend})`,
    `status:      ${record.status}`,
    `attempts:    ${record.workerIds.length}`,
  ];

  for (const [label, value] of [
    ["enqueued:", record.enqueuedAt],
    ["run after:", record.task.runAfter],
    ["started:", record.startedAt],
    ["last try:", record.lastAttemptedAt],
    ["finished:", record.finishedAt],
  ] as const) {
    if (value !== null) lines.push(`${label.padEnd(12)} ${value}`);
  }

  if (record.errors.length > 0) {
    lines.push(`errors:      ${record.errors.length}`);
    record.errors.forEach((error, index) => {
      lines.push(`  ${index + 1}. ${error.className}: ${error.message}`);
      if (options.tracebacks === true) lines.push(indent(error.traceback, "     "));
    });
  }

  if (record.status === "SUCCESSFUL") {
    lines.push(`return value: ${JSON.stringify(record.returnValue ?? null)}`);
  }

  return `${lines.join("\n")}\n`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}
