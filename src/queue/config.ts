/**
 * Resolution of the client's settings. Each setting has ONE function that applies the order
 * explicit option -> environment variable -> default and validates the result, so that the
 * rules live in one place. The environment is read when a function is called (client
 * construction), never at import time.
 */

import { dispatcherFetch } from "./dispatcher-fetch.js";
import { ConfigurationError } from "./errors.js";
import type { Logger, QueueClientOptions, RetryPolicy } from "./types.js";
import { validateDeploymentId, validateRetentionSeconds } from "./validation.js";

/** Environment variables, injectable for tests. */
export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_REGION = "iad1";
const REGION_PATTERN = /^[a-z]{2,5}[0-9]{1,2}$/;
const DEFAULT_BASE_PATH = "/api/v3/topic";
const DEFAULT_TIMEOUT_SECONDS = 10;
/** AbortSignal.timeout accepts at most 2^31-1 ms; stay well inside it. */
const MAX_TIMEOUT_SECONDS = 86_400;
const DEFAULT_RETRY_ATTEMPTS = 3;
const MAX_RETRY_ATTEMPTS = 10;
const DEFAULT_RETRY_MIN_DELAY_MS = 100;
const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;

/** Every setting of a client, resolved and validated once. */
export interface ResolvedConfig {
  /** `undefined` until a token appears: the call that needs it throws `MissingTokenError`. */
  token: string | undefined;
  region: string;
  /** Origin plus optional path prefix, without a trailing slash. */
  baseUrl: string;
  /** Starts with `/`, no trailing slash. */
  basePath: string;
  deploymentId: string | null;
  retentionSeconds: number | undefined;
  timeoutMs: number;
  headers: Readonly<Record<string, string>>;
  retry: Required<RetryPolicy>;
  fetch: typeof fetch;
  /** Where debug lines go; `undefined` when debugging is off. */
  debugLogger: Logger | undefined;
}

/** The process environment, or an empty one on runtimes without `process`. */
export function processEnv(): Env {
  const candidate = (globalThis as { process?: { env?: Env } }).process;
  return candidate?.env ?? {};
}

/** Resolves every option of a client; throws `ConfigurationError` naming the first bad one. */
export function resolveConfig(
  options: QueueClientOptions = {},
  env = processEnv(),
): ResolvedConfig {
  const region = resolveRegion(options.region, env);

  return {
    token: resolveToken(options.token, env),
    region,
    baseUrl: resolveBaseUrl(options.baseUrl, region, env),
    basePath: resolveBasePath(options.basePath, env),
    deploymentId: resolveDeploymentId(options.deploymentId, env),
    retentionSeconds: resolveRetentionSeconds(options.retentionSeconds),
    timeoutMs: resolveTimeoutMs(options.timeout),
    headers: resolveHeaders(options.headers),
    retry: resolveRetryPolicy(options.retry),
    fetch: resolveFetch(options.fetch),
    debugLogger: resolveDebugLogger(options.logger, env),
  };
}

/** `token` option -> `VERCEL_QUEUE_TOKEN` -> `VERCEL_OIDC_TOKEN` -> `undefined`. */
export function resolveToken(option: string | undefined, env: Env): string | undefined {
  if (option !== undefined) {
    requireHeaderValue("token", option, false);
    return option;
  }

  return nonEmpty(env.VERCEL_QUEUE_TOKEN) ?? nonEmpty(env.VERCEL_OIDC_TOKEN);
}

/** `region` option -> `VERCEL_REGION` -> `"iad1"`, checked against `^[a-z]{2,5}[0-9]{1,2}$`. */
export function resolveRegion(option: string | undefined, env: Env): string {
  const fromEnv = nonEmpty(env.VERCEL_REGION);
  const region = option ?? fromEnv ?? DEFAULT_REGION;

  if (typeof region !== "string" || !REGION_PATTERN.test(region)) {
    const source = option === undefined ? "VERCEL_REGION" : "region";
    throw new ConfigurationError(
      "region",
      `Invalid ${source} ${JSON.stringify(region)}: expected a Vercel region code matching ` +
        `^[a-z]{2,5}[0-9]{1,2}$, e.g. "iad1" or "fra1".`,
    );
  }

  return region;
}

/** `baseUrl` option -> `VERCEL_QUEUE_BASE_URL` -> `https://{region}.vercel-queue.com`. */
export function resolveBaseUrl(option: string | undefined, region: string, env: Env): string {
  const fromEnv = nonEmpty(env.VERCEL_QUEUE_BASE_URL);
  const raw = option ?? fromEnv;
  if (raw === undefined) return `https://${region}.vercel-queue.com`;

  const source = option === undefined ? "VERCEL_QUEUE_BASE_URL" : "baseUrl";
  const url = parseHttpUrl(raw, source);

  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** `basePath` option -> `VERCEL_QUEUE_BASE_PATH` -> `/api/v3/topic`; normalised to `/a/b`. */
export function resolveBasePath(option: string | undefined, env: Env): string {
  const raw = option ?? nonEmpty(env.VERCEL_QUEUE_BASE_PATH) ?? DEFAULT_BASE_PATH;

  if (typeof raw !== "string" || /[?#\s]/.test(raw)) {
    const source = option === undefined ? "VERCEL_QUEUE_BASE_PATH" : "basePath";
    throw new ConfigurationError(
      "basePath",
      `Invalid ${source} ${JSON.stringify(raw)}: expected a URL path such as "/api/v3/topic" ` +
        "(no query, fragment or spaces).",
    );
  }

  const trimmed = raw.replace(/\/+$/, "");
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * `deploymentId`: a string pins every call, `null` never sends one, `undefined` reads
 * `VERCEL_DEPLOYMENT_ID` (unset -> not pinned).
 */
export function resolveDeploymentId(option: string | null | undefined, env: Env): string | null {
  if (option === null) return null;

  if (option !== undefined) {
    validateDeploymentId(option, "deploymentId");
    return option;
  }

  const fromEnv = nonEmpty(env.VERCEL_DEPLOYMENT_ID);
  if (fromEnv === undefined) return null;

  validateDeploymentId(fromEnv, "VERCEL_DEPLOYMENT_ID");
  return fromEnv;
}

/** `retentionSeconds` option -> the service's default (no header sent). */
export function resolveRetentionSeconds(option: number | undefined): number | undefined {
  if (option === undefined) return undefined;

  validateRetentionSeconds(option, "retentionSeconds");
  return option;
}

/** `timeout` option (seconds) -> 10 s; returned in milliseconds. */
export function resolveTimeoutMs(option: number | undefined): number {
  const seconds = option ?? DEFAULT_TIMEOUT_SECONDS;

  if (typeof seconds !== "number" || !(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new ConfigurationError(
      "timeout",
      `Invalid timeout ${String(option)}: expected a number of seconds greater than 0 and at ` +
        `most ${MAX_TIMEOUT_SECONDS}.`,
    );
  }

  return Math.ceil(seconds * 1000);
}

/**
 * `headers` option -> none. Names the client must control (`Authorization`, `Content-Type`,
 * `Accept`, `Vqs-*`) are dropped; keys are lower-cased so later merges override reliably.
 */
export function resolveHeaders(
  option: Record<string, string> | undefined,
  optionName = "headers",
): Readonly<Record<string, string>> {
  if (option === undefined) return EMPTY_HEADERS;

  if (typeof option !== "object" || option === null || Array.isArray(option)) {
    throw new ConfigurationError(
      optionName,
      `Invalid ${optionName}: expected an object of header names to string values.`,
    );
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(option)) {
    if (value === undefined) continue;

    const lower = name.toLowerCase();
    if (isReservedHeader(lower)) continue;

    requireHeaderName(optionName, name);
    requireHeaderValue(`${optionName}["${name}"]`, value, true);
    headers[lower] = value;
  }

  return headers;
}

/** Whether a (lower-case) header name belongs to the client and cannot be set by a caller. */
export function isReservedHeader(lowerName: string): boolean {
  return (
    lowerName === "authorization" ||
    lowerName === "content-type" ||
    lowerName === "accept" ||
    lowerName.startsWith("vqs-")
  );
}

/** `retry` option -> 3 attempts, 100 ms first delay, 5 s cap. */
export function resolveRetryPolicy(option: RetryPolicy | undefined): Required<RetryPolicy> {
  const attempts = option?.attempts ?? DEFAULT_RETRY_ATTEMPTS;
  const minDelayMs = option?.minDelayMs ?? DEFAULT_RETRY_MIN_DELAY_MS;
  const maxDelayMs = option?.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;

  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_RETRY_ATTEMPTS) {
    throw new ConfigurationError(
      "retry.attempts",
      `Invalid retry.attempts ${String(attempts)}: expected an integer from 1 (no retries) to ` +
        `${MAX_RETRY_ATTEMPTS}.`,
    );
  }
  requireDelay("retry.minDelayMs", minDelayMs);
  requireDelay("retry.maxDelayMs", maxDelayMs);
  if (maxDelayMs < minDelayMs) {
    throw new ConfigurationError(
      "retry.maxDelayMs",
      `Invalid retry.maxDelayMs ${maxDelayMs}: it must be at least retry.minDelayMs ` +
        `(${minDelayMs}).`,
    );
  }

  return { attempts, minDelayMs, maxDelayMs };
}

/** `fetch` option -> `dispatcherFetch` (Node's undici dispatcher, else `globalThis.fetch`). */
export function resolveFetch(option: typeof fetch | undefined): typeof fetch {
  const candidate = option ?? globalThis.fetch;

  if (typeof candidate !== "function") {
    throw new ConfigurationError(
      "fetch",
      "No fetch implementation: pass the `fetch` option, or run on a runtime with a global " +
        "fetch (Node.js >= 20, Deno, Bun, edge runtimes).",
    );
  }

  // The default goes straight to Node's undici dispatcher where there is one (more than twice
  // the sends per second of `fetch`, see docs/notes/queue-client.md) and to `fetch` elsewhere.
  return option === undefined ? dispatcherFetch : candidate;
}

/**
 * `VERCEL_WORKERS_DEBUG` -> off. When on, debug lines go to the `logger` option, or to the
 * console when none is given (the switch is an explicit request for output).
 */
export function resolveDebugLogger(logger: Logger | undefined, env: Env): Logger | undefined {
  const raw = nonEmpty(env.VERCEL_WORKERS_DEBUG)?.toLowerCase();
  if (raw === undefined || raw === "0" || raw === "false" || raw === "off" || raw === "no") {
    return undefined;
  }

  if (raw !== "1" && raw !== "true" && raw !== "on" && raw !== "yes") {
    throw new ConfigurationError(
      "VERCEL_WORKERS_DEBUG",
      `Invalid VERCEL_WORKERS_DEBUG ${JSON.stringify(env.VERCEL_WORKERS_DEBUG)}: expected 1/true/` +
        "on/yes to log requests, or 0/false/off/no (or unset) for silence.",
    );
  }

  return logger ?? globalThis.console;
}

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function parseHttpUrl(raw: string, source: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }

  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigurationError(
      "baseUrl",
      `Invalid ${source} ${JSON.stringify(raw)}: expected an http(s) URL such as ` +
        '"https://iad1.vercel-queue.com" or "http://127.0.0.1:4417".',
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigurationError(
      "baseUrl",
      `Invalid ${source} ${JSON.stringify(raw)}: it must not have a query or fragment.`,
    );
  }

  return url;
}

function requireDelay(option: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      option,
      `Invalid ${option} ${String(value)}: expected a finite number of milliseconds >= 0.`,
    );
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Header values must be visible Latin-1 text: fetch rejects anything else with a vague TypeError.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function requireHeaderName(option: string, name: string): void {
  if (!HEADER_NAME.test(name)) {
    throw new ConfigurationError(
      option,
      `Invalid ${option}: ${JSON.stringify(name)} is no header name.`,
    );
  }
}

function requireHeaderValue(option: string, value: string, allowEmpty: boolean): void {
  const valid =
    typeof value === "string" && (allowEmpty || value !== "") && HEADER_VALUE.test(value);

  if (!valid) {
    const what = allowEmpty ? "a string" : "a non-empty string";
    throw new ConfigurationError(
      option,
      `Invalid ${option}: expected ${what} without line breaks or control characters.`,
    );
  }
}
