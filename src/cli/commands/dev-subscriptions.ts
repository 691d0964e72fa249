/**
 * Where `vercel-workers dev` gets its push subscriptions: `--subscribe` flags and the app's
 * vercel.json queue triggers.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  readVercelJsonSubscriptions,
  type Subscription,
  sanitizeConsumerName,
} from "../../dev/index.js";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";

/** Consumer group of a `--subscribe` flag whose URL has no path to name it after. */
export const DEFAULT_FLAG_GROUP = "default";

const TOPIC_PATTERN = /^[A-Za-z0-9_-]*\*?$/;

/**
 * Parses `<topic>=<url>[#<consumerGroup>]`. Without a group the group is named after the URL's
 * path the way Vercel names a function's group (`/api/queue` → `api_Squeue`).
 */
export function parseSubscribeFlag(flag: string): Subscription {
  const equals = flag.indexOf("=");
  if (equals <= 0) {
    throw new UsageError(
      `--subscribe ${JSON.stringify(flag)} must look like <topic>=<url>[#<consumerGroup>], ` +
        "e.g. orders=http://localhost:3000/api/queue#orders-route",
    );
  }

  const topic = flag.slice(0, equals);
  const [rawUrl = "", group] = flag.slice(equals + 1).split("#", 2);
  if (!TOPIC_PATTERN.test(topic)) {
    throw new UsageError(
      `--subscribe topic ${JSON.stringify(topic)} must be a topic name (letters, digits, "_", ` +
        '"-"), optionally ending in "*"',
    );
  }

  const url = parseUrl(rawUrl, flag);
  return {
    topic,
    url: url.href,
    consumerGroup: group || groupFromUrl(url),
    source: "--subscribe",
  };
}

export interface VercelJsonFlags {
  vercelJson?: string;
  appUrl?: string;
}

/**
 * Subscriptions from vercel.json: the file given with `--vercel-json`, else `./vercel.json`
 * when it exists; used only with `--app-url`, which says where the app listens.
 */
export function vercelJsonSubscriptions(flags: VercelJsonFlags, io: CliIo): Subscription[] {
  const explicit = flags.vercelJson !== undefined;
  const path = resolve(io.cwd, flags.vercelJson ?? "vercel.json");

  if (explicit && flags.appUrl === undefined) {
    throw new UsageError(
      "--vercel-json needs --app-url <url>, the address your app listens on " +
        "(e.g. --app-url http://localhost:3000)",
    );
  }
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`--vercel-json ${flags.vercelJson}: no such file`);
    return [];
  }
  if (flags.appUrl === undefined) {
    io.stderr.write(
      `note: ${path} found but --app-url not given; its queue triggers are not pushed.\n`,
    );
    return [];
  }

  parseUrl(flags.appUrl, `--app-url ${flags.appUrl}`);
  return readVercelJsonSubscriptions(path, flags.appUrl, { logger: stderrLogger(io) });
}

function parseUrl(value: string, context: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === "http:" || url.protocol === "https:")) return url;

  throw new UsageError(
    `${JSON.stringify(value)} in ${context} is not an absolute http(s) URL ` +
      "(e.g. http://localhost:3000/api/queue)",
  );
}

function groupFromUrl(url: URL): string {
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  return path === "" ? DEFAULT_FLAG_GROUP : sanitizeConsumerName(path);
}

function stderrLogger(io: CliIo) {
  return { warn: (message: string) => io.stderr.write(`warning: ${message}\n`) };
}
