/**
 * Settings of the chunks example, from the environment. Nothing is required: with no variable
 * set, the example starts its own local Queue Service and keeps results in memory.
 */

/** What the example runs against, resolved once at start. */
export interface ExampleConfig {
  /**
   * Queue Service to use; `undefined` starts one in-process. Env: `VERCEL_QUEUE_BASE_URL`
   * (e.g. the URL `vercel-workers dev` prints).
   */
  queueBaseUrl: string | undefined;
  /** Bearer token of the Queue Service. Env: `VERCEL_QUEUE_TOKEN`. @default "local-dev-token" */
  queueToken: string;
  /**
   * Port of the app server. Env: `PORT`. Default: any free port, or 3000 with an external Queue
   * Service (which must know where to push).
   */
  port: number;
  /** Redis for the results; `undefined` keeps them in memory. Env: `REDIS_URL`. */
  redisUrl: string | undefined;
  /**
   * Key prefix of the Redis result store. Env: `CHUNKS_KEY_PREFIX`.
   * @default "vercel-workers:chunks-example:"
   */
  redisKeyPrefix: string;
  /** Chunks the CSV is split into (one task each). Env: `CHUNKS`. @default 100 */
  chunks: number;
  /** Seconds the deferred task is held back. Env: `CHUNKS_DEFER_SECONDS`. @default 3 */
  deferSeconds: number;
  /**
   * Longest wait for the batch before giving up, in seconds. Env: `CHUNKS_TIMEOUT_SECONDS`.
   * @default 60
   */
  timeoutSeconds: number;
}

/** Port used with an external Queue Service when `PORT` is unset. */
export const EXTERNAL_SERVICE_DEFAULT_PORT = 3000;

/** A variable that is set but unusable; says which and what it accepts. */
export class ExampleConfigError extends Error {
  readonly code = "EXAMPLE_CONFIG";

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = "ExampleConfigError";
  }
}

/** Reads the settings from `env`; throws {@link ExampleConfigError} for a bad value. */
export function readConfig(env: Record<string, string | undefined> = process.env): ExampleConfig {
  const queueBaseUrl = nonEmpty(env.VERCEL_QUEUE_BASE_URL);
  const defaultPort = queueBaseUrl === undefined ? 0 : EXTERNAL_SERVICE_DEFAULT_PORT;

  return {
    queueBaseUrl:
      queueBaseUrl === undefined ? undefined : httpUrl("VERCEL_QUEUE_BASE_URL", queueBaseUrl),
    queueToken: nonEmpty(env.VERCEL_QUEUE_TOKEN) ?? "local-dev-token",
    port: integer(env, "PORT", defaultPort, 0, 65_535),
    redisUrl: nonEmpty(env.REDIS_URL),
    redisKeyPrefix: nonEmpty(env.CHUNKS_KEY_PREFIX) ?? "vercel-workers:chunks-example:",
    chunks: integer(env, "CHUNKS", 100, 1, 1000),
    deferSeconds: integer(env, "CHUNKS_DEFER_SECONDS", 3, 1, 60),
    timeoutSeconds: integer(env, "CHUNKS_TIMEOUT_SECONDS", 60, 5, 3600),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function integer(
  env: Record<string, string | undefined>,
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[variable]);
  if (raw === undefined) return fallback;

  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ExampleConfigError(
      variable,
      `must be a whole number from ${min} to ${max}, got "${raw}"`,
    );
  }

  return value;
}

function httpUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ExampleConfigError(
      variable,
      `must be a URL like http://127.0.0.1:4417, got "${raw}"`,
    );
  }

  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ExampleConfigError(variable, `must be an http(s) URL, got "${raw}"`);
  }

  return raw.replace(/\/+$/, "");
}
