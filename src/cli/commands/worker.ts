/**
 * `vercel-workers worker --tasks <module>`: runs the tasks of a module by polling their queues
 * (no push route needed), until Ctrl+C or SIGTERM; then it stops taking messages and lets the
 * running tasks finish.
 */
import type { Command } from "commander";
import {
  createTaskWorker,
  DEFAULT_TASK_CONSUMER_GROUP,
  type TaskHandlerEvent,
} from "../../tasks/backends/vercel/index.js";
import {
  DEFAULT_TASK_BACKEND_ALIAS,
  type Task,
  type TaskResult,
  taskEvents,
} from "../../tasks/index.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { CliIo, CliOutput } from "../io.js";
import { collect, wholeNumber } from "../parse.js";
import type { ExitState } from "../program.js";
import { waitForStop } from "../stop-signal.js";
import { envValue } from "./env.js";
import {
  configureWorkerBackend,
  importTasksModule,
  tasksOf,
  type WorkerBackendSetup,
} from "./worker-setup.js";

const DEFAULT_CONCURRENCY = 8;

interface WorkerFlags {
  tasks: string;
  backend: string;
  queue?: string[];
  consumerGroup: string;
  concurrency: number;
  baseUrl?: string;
  token?: string;
  redisUrl?: string;
  keyPrefix?: string;
  verbose?: boolean;
  json?: boolean;
}

export function registerWorkerCommand(program: Command, io: CliIo, exit: ExitState): void {
  program
    .command("worker")
    .description("Run the tasks of a module by polling their queues, until Ctrl+C.")
    .requiredOption(
      "--tasks <module>",
      "module that defines the tasks (its exported tasks are run)",
    )
    .option("--backend <alias>", "alias of the task backend", DEFAULT_TASK_BACKEND_ALIAS)
    .option(
      "-q, --queue <name>",
      "queue (topic) to poll; repeatable (default: the tasks' queues)",
      collect,
    )
    .option("--consumer-group <name>", "consumer group to poll as", DEFAULT_TASK_CONSUMER_GROUP)
    .option("-c, --concurrency <n>", "tasks run at once", wholeNumber(1, 1000), DEFAULT_CONCURRENCY)
    .option("--base-url <url>", "Queue Service origin (env VERCEL_QUEUE_BASE_URL)")
    .option(
      "--token <token>",
      "Queue Service token (env VERCEL_QUEUE_TOKEN, then VERCEL_OIDC_TOKEN)",
    )
    .option("--redis-url <url>", "keep results in this Redis (env REDIS_URL; default: memory)")
    .option(
      "--key-prefix <prefix>",
      "key prefix of the Redis result store (default vercel-workers:)",
    )
    .option("--verbose", "also print every attempt start and delivery event")
    .option("--json", "print JSON lines instead of text")
    .addHelpText(
      "after",
      [
        "",
        "The connection flags (--base-url, --token, --redis-url, --key-prefix) configure the",
        "backend only when the module did not call configureTasks() itself.",
        'TypeScript modules need a loader: NODE_OPTIONS="--import tsx" vercel-workers worker ...',
        "",
        "Example:",
        "  $ vercel-workers worker --tasks ./dist/tasks.js --base-url http://127.0.0.1:4417 \\",
        "      --token dev-token --redis-url redis://127.0.0.1:6379 --concurrency 16",
      ].join("\n"),
    )
    .action(async (flags: WorkerFlags) => {
      exit.code = await runWorker(flags, io);
    });
}

async function runWorker(flags: WorkerFlags, io: CliIo): Promise<number> {
  const tasks = tasksOf(await importTasksModule(flags.tasks, io.cwd));
  if (tasks.length === 0) {
    throw new UsageError(
      `--tasks ${flags.tasks} exports no tasks; export the tasks made with task()`,
    );
  }

  const queues = flags.queue ?? [...new Set(tasks.map((task) => task.queueName))];
  const setup = configureWorkerBackend(
    {
      backend: flags.backend,
      baseUrl: flags.baseUrl ?? envValue(io, "VERCEL_QUEUE_BASE_URL"),
      token: flags.token ?? envValue(io, "VERCEL_QUEUE_TOKEN") ?? envValue(io, "VERCEL_OIDC_TOKEN"),
      redisUrl: flags.redisUrl ?? envValue(io, "REDIS_URL"),
      keyPrefix: flags.keyPrefix,
    },
    queues,
  );

  try {
    return await pollUntilStopped(flags, io, tasks, queues, setup);
  } finally {
    await setup.close();
  }
}

async function pollUntilStopped(
  flags: WorkerFlags,
  io: CliIo,
  tasks: Task[],
  queues: string[],
  setup: WorkerBackendSetup,
): Promise<number> {
  const print = printer(io.stdout, flags.json === true);
  const worker = createTaskWorker({
    backend: flags.backend,
    tasks,
    queues,
    consumerGroup: flags.consumerGroup,
    concurrency: flags.concurrency,
    onEvent: flags.verbose === true ? (event) => print.event(event) : undefined,
  });
  const stopListening = listenToTasks(print, flags.verbose === true);
  // Listen for SIGINT/SIGTERM before saying "ready": a signal that arrives with no listener
  // kills the process at once.
  const stopRequested = waitForStop(io.signal);

  print.line("ready", {
    queues,
    consumerGroup: flags.consumerGroup,
    concurrency: flags.concurrency,
    tasks: tasks.map((task) => task.name),
    results: setup.results,
  });

  try {
    const running = worker.run();
    const reason = await Promise.race([stopRequested, running.then(() => "done")]);

    if (reason !== "done") {
      print.line("stopping", { reason, inFlight: worker.inFlight });
      await worker.stop();
    }
    await running;
    print.line("stopped", {});
    return EXIT_OK;
  } finally {
    stopListening();
  }
}

/** Prints each finished task (and each start with `verbose`); returns the unsubscribe. */
function listenToTasks(print: Printer, verbose: boolean): () => void {
  const stops = [
    taskEvents.on("taskFinished", ({ taskResult }) => print.line("finished", describe(taskResult))),
  ];
  if (verbose) {
    stops.push(
      taskEvents.on("taskStarted", ({ taskResult }) => print.line("started", describe(taskResult))),
    );
  }

  return () => {
    for (const stop of stops) stop();
  };
}

function describe(result: TaskResult): Record<string, unknown> {
  const last = result.errors.at(-1);

  return {
    id: result.id,
    task: result.task.name,
    status: result.status,
    attempts: result.attempts,
    ...(last === undefined ? {} : { lastError: `${last.className}: ${last.message}` }),
  };
}

interface Printer {
  line(event: string, fields: Record<string, unknown>): void;
  event(event: TaskHandlerEvent): void;
}

/** Text lines for people (`finished chunks.flaky 3f2… SUCCESSFUL attempts=3`), or JSON lines. */
function printer(out: CliOutput, json: boolean): Printer {
  const line = (event: string, fields: Record<string, unknown>) => {
    if (json) {
      out.write(`${JSON.stringify({ event, ...fields })}\n`);
      return;
    }

    const parts = Object.entries(fields).map(
      ([key, value]) => `${key}=${Array.isArray(value) ? value.join(",") : String(value)}`,
    );
    out.write(`${[event, ...parts].join(" ")}\n`);
  };

  return {
    line,
    event(event) {
      const { type, ...rest } = event as { type: string } & Record<string, unknown>;
      const fields = Object.fromEntries(
        Object.entries(rest).map(([key, value]) => [
          key,
          value instanceof Error ? value.message : value,
        ]),
      );
      delete fields.body;
      line(type, fields);
    },
  };
}
