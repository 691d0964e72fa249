/**
 * `vercel-workers send <topic> <json>`: sends one JSON message to a topic of a Queue Service
 * (the local one of `vercel-workers dev`, or Vercel Queues) and prints its message id.
 */
import type { Command } from "commander";
import {
  isQueueError,
  QueueClient,
  type QueueClientOptions,
  type SendResult,
} from "../../queue/index.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import { wholeNumber } from "../parse.js";
import type { ExitState } from "../program.js";
import { envValue } from "./env.js";

interface SendFlags {
  baseUrl?: string;
  token?: string;
  region?: string;
  delay?: number;
  idempotencyKey?: string;
  retention?: number;
  json?: boolean;
}

export function registerSendCommand(program: Command, io: CliIo, exit: ExitState): void {
  program
    .command("send")
    .description("Send one JSON message to a topic and print its message id.")
    .argument("<topic>", "topic to send to (letters, digits, _ and -)")
    .argument("<json>", "the payload, as JSON text, e.g. '{\"orderId\": 42}'")
    .option(
      "--base-url <url>",
      "Queue Service origin, e.g. http://127.0.0.1:4417 (env VERCEL_QUEUE_BASE_URL; " +
        "default https://<region>.vercel-queue.com)",
    )
    .option("--token <token>", "bearer token (env VERCEL_QUEUE_TOKEN, then VERCEL_OIDC_TOKEN)")
    .option("--region <region>", "region of the Queue Service (env VERCEL_REGION; default iad1)")
    .option(
      "--delay <seconds>",
      "seconds before the message becomes visible",
      wholeNumber(0, 604_800),
    )
    .option("--idempotency-key <key>", "deduplicates sends carrying the same key")
    .option(
      "--retention <seconds>",
      "how long the message is kept, 60 to 604800 (default: the service's, 86400)",
      wholeNumber(60, 604_800),
    )
    .option("--json", "print one JSON object instead of text")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ vercel-workers send orders '{\"orderId\": 42}' --base-url http://127.0.0.1:4417",
        "  $ vercel-workers send emails '\"hello\"' --delay 30 --json",
      ].join("\n"),
    )
    .action(async (topic: string, json: string, flags: SendFlags) => {
      exit.code = await runSend(topic, json, flags, io);
    });
}

async function runSend(topic: string, json: string, flags: SendFlags, io: CliIo): Promise<number> {
  const payload = parsePayload(json);

  let result: SendResult;
  try {
    const client = new QueueClient(clientOptions(flags, io));
    result = await client.send(topic, payload, {
      delaySeconds: flags.delay,
      idempotencyKey: flags.idempotencyKey,
      retentionSeconds: flags.retention,
    });
  } catch (error) {
    throw asUsageError(error);
  }

  io.stdout.write(flags.json === true ? jsonOutput(topic, result) : textOutput(result));
  return EXIT_OK;
}

/** The payload argument as JSON; anything else is a usage error that shows how to quote it. */
function parsePayload(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(
      `<json> is not valid JSON (${(error as Error).message}). Quote it for your shell, ` +
        `e.g. '{"orderId": 42}', or '"text"' for a string.`,
    );
  }
}

/**
 * A bad topic, URL or missing token comes from the command line: report it as a usage error
 * (exit 2) in the CLI's terms. Anything else (refused, unreachable) stays a failure (exit 1).
 */
function asUsageError(error: unknown): unknown {
  if (!isQueueError(error)) return error;

  if (error.code === "missing_token") {
    return new UsageError(
      "no Queue Service token: pass --token or set VERCEL_QUEUE_TOKEN (the local Queue " +
        "Service of `vercel-workers dev` accepts any token unless started with --token)",
    );
  }

  return error.code === "configuration_error" ? new UsageError(error.message) : error;
}

/** Flags first, then the environment the CLI was given (which tests replace). */
function clientOptions(flags: SendFlags, io: CliIo): QueueClientOptions {
  return {
    baseUrl: flags.baseUrl ?? envValue(io, "VERCEL_QUEUE_BASE_URL"),
    token: flags.token ?? envValue(io, "VERCEL_QUEUE_TOKEN") ?? envValue(io, "VERCEL_OIDC_TOKEN"),
    region: flags.region ?? envValue(io, "VERCEL_REGION"),
  };
}

function textOutput(result: SendResult): string {
  // The id alone on stdout, so `id=$(vercel-workers send ...)` works.
  if (result.status === "sent") return `${result.messageId}\n`;

  return "accepted, deferred by the service (no message id yet)\n";
}

function jsonOutput(topic: string, result: SendResult): string {
  return `${JSON.stringify({ topic, status: result.status, messageId: result.messageId })}\n`;
}
