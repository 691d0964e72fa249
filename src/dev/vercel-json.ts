/**
 * Push subscriptions from an app's vercel.json queue triggers:
 *
 * ```json
 * { "functions": { "app/api/queue/orders/route.ts": {
 *     "experimentalTriggers": [{ "type": "queue/v2beta", "topic": "orders" }] } } }
 * ```
 *
 * Each function file is its own consumer group, named by {@link sanitizeConsumerName} as Vercel
 * names it, and its callback URL is the app's base URL plus the route the file serves.
 */
import { readFileSync } from "node:fs";
import { VercelJsonError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { Subscription } from "./push/subscription.js";

const TRIGGER_TYPE = "queue/v2beta";

/**
 * The consumer group Vercel derives from a function's file path: `_` becomes `__`, `/` becomes
 * `_S`, `.` becomes `_D`, and any other character outside `[A-Za-z0-9-]` becomes `_` and its
 * code as two or more uppercase hex digits.
 *
 * @example sanitizeConsumerName("app/api/queue/orders/route.mjs")
 * // => "app_Sapi_Squeue_Sorders_Sroute_Dmjs"
 */
export function sanitizeConsumerName(path: string): string {
  let name = "";
  for (const char of path) {
    if (char === "_") name += "__";
    else if (char === "/") name += "_S";
    else if (char === ".") name += "_D";
    else if (/[A-Za-z0-9-]/.test(char)) name += char;
    // Same rule as Vercel's build tooling: the first UTF-16 unit, at least two hex digits.
    else name += `_${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return name;
}

/**
 * The URL path a function file serves: Next.js `app/.../route.ts` serves its folder (route
 * groups like `(admin)` left out), `pages/api/x.ts` and `api/x.ts` serve `/api/x`, SvelteKit
 * `routes/.../+server.ts` its folder, Nuxt `server/api/x.ts` `/api/x`; a leading `src/` is
 * ignored, and `index` files serve their folder.
 */
export function routePathForFunction(file: string): string {
  const path = file
    .replace(/\\/g, "/")
    .replace(/^\.?\//, "")
    .replace(/^src\//, "");
  const segments = path.split("/");
  const root = segments[0];

  let rest: string[];
  if (root === "app") rest = withoutFile(segments.slice(1), /^route\.[^/]+$/);
  else if (root === "routes") rest = withoutFile(segments.slice(1), /^\+server\.[^/]+$/);
  else if (root === "pages") rest = withoutExtension(segments.slice(1));
  else if (root === "server") rest = withoutExtension(dropNuxtRoutes(segments.slice(1)));
  else rest = withoutExtension(segments);

  const kept = rest.filter((segment) => !/^\(.*\)$/.test(segment) && segment !== "");
  return `/${kept.join("/")}`;
}

export interface ReadVercelJsonOptions {
  /** Told about triggers that are skipped (other trigger types). @default silent */
  logger?: Logger;
}

/**
 * The push subscriptions declared by an app's vercel.json (`queue/v2beta` triggers), with
 * callback URLs under `appBaseUrl` (e.g. `http://localhost:3000`).
 *
 * @param vercelJson path of the file, or its parsed content
 * @throws {VercelJsonError} when the file cannot be read or a trigger cannot be served
 */
export function readVercelJsonSubscriptions(
  vercelJson: string | Record<string, unknown>,
  appBaseUrl: string,
  options: ReadVercelJsonOptions = {},
): Subscription[] {
  const path = typeof vercelJson === "string" ? vercelJson : undefined;
  const config = typeof vercelJson === "string" ? loadJson(vercelJson) : vercelJson;
  const base = appBase(appBaseUrl, path);

  const functions = config.functions;
  if (functions === undefined) return [];
  if (!isRecord(functions)) throw new VercelJsonError('"functions" must be an object', path);

  const subscriptions: Subscription[] = [];
  for (const [file, settings] of Object.entries(functions)) {
    const triggers = isRecord(settings) ? settings.experimentalTriggers : undefined;
    if (triggers === undefined) continue;
    if (!Array.isArray(triggers)) {
      throw new VercelJsonError(`functions["${file}"].experimentalTriggers must be an array`, path);
    }

    for (const [index, trigger] of triggers.entries()) {
      const where = `functions["${file}"].experimentalTriggers[${index}]`;
      const subscription = triggerSubscription(trigger, file, where, base, path, options);
      if (subscription !== undefined) subscriptions.push(subscription);
    }
  }
  return subscriptions;
}

function triggerSubscription(
  trigger: unknown,
  file: string,
  where: string,
  base: string,
  path: string | undefined,
  options: ReadVercelJsonOptions,
): Subscription | undefined {
  if (!isRecord(trigger)) throw new VercelJsonError(`${where} must be an object`, path);
  if (trigger.type !== TRIGGER_TYPE) {
    options.logger?.warn?.(
      `[queue-service] ${where}: trigger type ${JSON.stringify(trigger.type)} is not served; ` +
        `only "${TRIGGER_TYPE}" is.`,
    );
    return undefined;
  }
  if (typeof trigger.topic !== "string" || trigger.topic === "") {
    throw new VercelJsonError(`${where}.topic must be a non-empty string`, path);
  }
  if (/[*?[\]{}]/.test(file)) {
    throw new VercelJsonError(
      `functions["${file}"] is a glob or a dynamic route; the local Queue Service needs one ` +
        "function file per queue trigger to know its URL. Name the file, or subscribe with " +
        "--subscribe <topic>=<url>",
      path,
    );
  }

  return {
    topic: trigger.topic,
    consumerGroup: sanitizeConsumerName(file),
    url: `${base}${routePathForFunction(file)}`,
    ...numberField(trigger, "retryAfterSeconds", where, path),
    ...numberField(trigger, "initialDelaySeconds", where, path),
    ...numberField(trigger, "maxConcurrency", where, path),
    ...numberField(trigger, "maxDeliveries", where, path),
    ...numberField(trigger, "visibilityTimeoutSeconds", where, path),
    source: `vercel.json ${file}`,
  };
}

function numberField(
  trigger: Record<string, unknown>,
  field: keyof Subscription,
  where: string,
  path: string | undefined,
): Partial<Subscription> {
  const value = trigger[field];
  if (value === undefined) return {};
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    return { [field]: value };
  }
  throw new VercelJsonError(`${where}.${field} must be a non-negative number`, path);
}

function loadJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VercelJsonError(`cannot be read (${(error as Error).message})`, path, {
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new VercelJsonError(`is not valid JSON (${(error as Error).message})`, path, {
      cause: error,
    });
  }
  if (!isRecord(parsed)) throw new VercelJsonError("must hold a JSON object", path);
  return parsed;
}

function appBase(appBaseUrl: string, path: string | undefined): string {
  let url: URL | undefined;
  try {
    url = new URL(appBaseUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new VercelJsonError(
      `the app URL ${JSON.stringify(appBaseUrl)} is not an absolute http(s) URL ` +
        "(e.g. http://localhost:3000)",
      path,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function withoutFile(segments: string[], file: RegExp): string[] {
  const last = segments[segments.length - 1];
  return last !== undefined && file.test(last) ? segments.slice(0, -1) : withoutExtension(segments);
}

function withoutExtension(segments: string[]): string[] {
  const last = segments[segments.length - 1];
  if (last === undefined) return segments;

  const stem = last.replace(/\.[^.]+$/, "");
  return stem === "index" ? segments.slice(0, -1) : [...segments.slice(0, -1), stem];
}

/** Nuxt's `server/routes/x.ts` serves `/x`; `server/api/x.ts` keeps its `/api`. */
function dropNuxtRoutes(segments: string[]): string[] {
  return segments[0] === "routes" ? segments.slice(1) : segments;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
