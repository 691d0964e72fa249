/**
 * `vercel-workers dev`: runs the local Queue Service until Ctrl+C (or SIGTERM), pushing to the
 * subscriptions given by flags and by the app's vercel.json, and prints what a client needs.
 */
import type { Command } from "commander";
import {
  DEFAULT_CLI_PORT,
  DEFAULT_HOST,
  DEFAULT_REGION,
  isQueueServiceError,
  type Logger,
  type QueueService,
  type QueueServiceOptions,
  type Subscription,
  startQueueService,
} from "../../dev/index.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import { collect, wholeNumber } from "../parse.js";
import type { ExitState } from "../program.js";
import { waitForStop } from "../stop-signal.js";
import { parseSubscribeFlag, vercelJsonSubscriptions } from "./dev-subscriptions.js";

/** Token printed for clients when the service accepts any token. */
const SUGGESTED_TOKEN = "dev-token";

interface DevFlags {
  port: number;
  host: string;
  token?: string;
  region: string;
  subscribe?: string[];
  vercelJson?: string;
  appUrl?: string;
  visibilityTimeout?: number;
  maxConcurrency?: number;
  maxDeliveries?: number;
  inlineThreshold?: number;
  json?: boolean;
  verbose?: boolean;
}

export function registerDevCommand(program: Command, io: CliIo, exit: ExitState): void {
  program
    .command("dev")
    .description("Run the local Queue Service (Vercel Queues API v3 with push delivery).")
    .option(
      "-p, --port <port>",
      "port to listen on (0: any free port)",
      wholeNumber(0, 65_535),
      DEFAULT_CLI_PORT,
    )
    .option("--host <host>", "interface to bind", DEFAULT_HOST)
    .option("--token <token>", "bearer token clients must send (default: any token accepted)")
    .option("--region <region>", "region reported in pushes (ce-vqsregion)", DEFAULT_REGION)
    .option(
      "-s, --subscribe <topic=url[#group]>",
      "push a topic (or prefix*) to a callback URL; repeatable",
      collect,
    )
    .option("--vercel-json <path>", "read queue triggers from this vercel.json (needs --app-url)")
    .option("--app-url <url>", "base URL of your app; enables ./vercel.json triggers")
    .option(
      "--visibility-timeout <seconds>",
      "lease of each push (default 60)",
      wholeNumber(1, 3600),
    )
    .option(
      "--max-concurrency <n>",
      "pushes in flight per subscription (default 10)",
      wholeNumber(1, 10_000),
    )
    .option(
      "--max-deliveries <n>",
      "pushes of one message before it is dropped (default 32)",
      wholeNumber(1, 1_000_000),
    )
    .option(
      "--inline-threshold <bytes>",
      "largest payload pushed inline (default 262144)",
      wholeNumber(0, 104_857_600),
    )
    .option("--json", "print one JSON line instead of text")
    .option("--verbose", "log every push")
    .action(async (flags: DevFlags) => {
      exit.code = await runDev(flags, io);
    });
}

async function runDev(flags: DevFlags, io: CliIo): Promise<number> {
  const subscriptions: Subscription[] = [
    ...(flags.subscribe ?? []).map(parseSubscribeFlag),
    ...vercelJsonSubscriptions(flags, io),
  ];

  const service = await startService({
    port: flags.port,
    host: flags.host,
    token: flags.token,
    region: flags.region,
    subscriptions,
    pushVisibilityTimeoutSeconds: flags.visibilityTimeout,
    maxConcurrency: flags.maxConcurrency,
    maxDeliveries: flags.maxDeliveries,
    inlineThresholdBytes: flags.inlineThreshold,
    logger: cliLogger(io, flags.verbose === true),
  });

  io.stdout.write(flags.json === true ? readyJson(service) : readyText(service));
  await waitForStop(io.signal);
  await service.close();
  return EXIT_OK;
}

/** Starts the service; an option it refuses is a usage error, since it came from a flag. */
async function startService(options: QueueServiceOptions): Promise<QueueService> {
  try {
    return await startQueueService(options);
  } catch (error) {
    if (isQueueServiceError(error) && error.code === "invalid_service_option") {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function clientEnv(service: QueueService): Record<string, string> {
  return {
    VERCEL_QUEUE_BASE_URL: service.url,
    VERCEL_QUEUE_TOKEN: service.token ?? SUGGESTED_TOKEN,
  };
}

function readyJson(service: QueueService): string {
  const line = {
    event: "ready",
    baseUrl: service.url,
    region: service.region,
    tokenRequired: service.token !== undefined,
    subscriptions: service.subscriptions().map((s) => ({
      topic: s.topic,
      consumerGroup: s.consumerGroup,
      url: s.url,
      source: s.source ?? null,
    })),
    env: clientEnv(service),
  };
  return `${JSON.stringify(line)}\n`;
}

function readyText(service: QueueService): string {
  const lines = [`Local Queue Service listening on ${service.url} (region ${service.region})`];
  lines.push(
    service.token === undefined
      ? "Any bearer token is accepted (start with --token to require one)."
      : "Clients must send the token below.",
  );

  const subscriptions = service.subscriptions();
  lines.push("", subscriptions.length === 0 ? "No push subscriptions; consumers poll." : "Pushes:");
  for (const s of subscriptions) {
    const from = s.source === undefined ? "" : `, from ${s.source}`;
    lines.push(`  ${s.topic} -> ${s.url} (group ${s.consumerGroup}${from})`);
  }

  lines.push("", "Client environment:");
  for (const [name, value] of Object.entries(clientEnv(service))) lines.push(`  ${name}=${value}`);
  lines.push("", "Stop with Ctrl+C.", "");
  return lines.join("\n");
}

function cliLogger(io: CliIo, verbose: boolean): Logger {
  const write =
    (level: string) =>
    (message: string, ...rest: unknown[]) => {
      const extra = rest.map((item) => (item instanceof Error ? item.message : String(item)));
      io.stderr.write(`${level}: ${[message, ...extra].join(" ")}\n`);
    };
  return {
    debug: verbose ? write("debug") : undefined,
    info: write("info"),
    warn: write("warning"),
    error: write("error"),
  };
}
