/**
 * One call to the Queue Service, attempts included: builds the headers every request carries,
 * bounds each attempt by the `timeout` option, turns network failures into
 * `CommunicationError` and bad statuses into typed errors, logs debug lines, and retries
 * transient failures when the call may be replayed.
 *
 * Performance: the headers that never change (token, user agent, custom headers, deployment)
 * are built once per client; a request only adds its own few fields to a plain object.
 */

import type { ResolvedConfig } from "./config.js";
import { processEnv, resolveToken } from "./config.js";
import { logRequest, logResponse, logRetry } from "./debug.js";
import { CommunicationError, isQueueError, MissingTokenError, type QueueError } from "./errors.js";
import { type Answer, exchange } from "./exchange.js";
import { type CallContext, describeCall, errorFromResponse } from "./response-errors.js";
import { isTransient, retryDelayMs, sleep } from "./retry.js";
import { USER_AGENT } from "./version.js";

/**
 * Which failures a call may be retried after.
 * - `transient`: network failures, timeouts, 5xx, 429 (the call is safe to repeat).
 * - `throttled`: only 429, which means the service did nothing (a repeat could duplicate work
 *   after any other failure).
 * - `never`: no retry at all.
 */
export type Replay = "transient" | "throttled" | "never";

/** One request: everything but the headers common to all. */
export interface RequestSpec {
  method: "POST" | "DELETE" | "PATCH";
  /** Absolute URL, starting with the client's base URL. */
  url: string;
  /** Request-specific headers, lower-case names. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  context: CallContext;
  replay: Replay;
}

/**
 * Reads a successful answer. It runs inside the attempt, under its timeout, so a body that
 * breaks off midway is a failed attempt like any other. It must consume the body.
 */
export type AnswerReader<T> = (answer: Answer, signal: AbortSignal) => Promise<T>;

/** Sends requests for one client configuration. */
export class Transport {
  readonly #config: ResolvedConfig;
  /** Where the path starts in every URL of this client (they all share the base URL). */
  readonly #pathStart: number;
  #commonHeaders: Record<string, string> | undefined;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.#pathStart = new URL(config.baseUrl).origin.length;
    this.#commonHeaders = config.token === undefined ? undefined : buildCommonHeaders(config);
  }

  /** Runs `spec`, retrying per its `replay` and the client's policy, and reads the answer. */
  async request<T>(spec: RequestSpec, read: AnswerReader<T>): Promise<T> {
    const common = this.#common();
    const { attempts } = this.#config.retry;

    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(spec, common, read);
      } catch (error) {
        if (attempt >= attempts || !mayRetry(spec.replay, error)) {
          if (isQueueError(error)) error.attempts = attempt;
          throw error;
        }

        await this.#backoff(attempt, error);
      }
    }
  }

  async #attempt<T>(
    spec: RequestSpec,
    common: Record<string, string>,
    read: AnswerReader<T>,
  ): Promise<T> {
    const headers = { ...common, "vqs-client-ts": new Date().toISOString(), ...spec.headers };
    const deadline = startDeadline(this.#config.timeoutMs);
    const signal = deadline.controller.signal;
    const logger = this.#config.debugLogger;
    const startedAt = logger === undefined ? 0 : performance.now();
    if (logger !== undefined) {
      logRequest(logger, spec.method, spec.url, headers, bodyLength(spec.body));
    }

    try {
      const outgoing = {
        method: spec.method,
        url: spec.url,
        pathStart: this.#pathStart,
        headers,
        body: spec.body,
        signal,
      };
      const answer = await exchange(outgoing, this.#config.fetch);
      if (logger !== undefined)
        logResponse(logger, spec.method, spec.url, answer.status, startedAt);

      return await readAnswer(answer, spec.context, signal, read);
    } catch (error) {
      const failure = this.#asQueueError(error, spec.context, signal);
      if (logger !== undefined && failure.status === undefined) {
        logResponse(logger, spec.method, spec.url, failure.code, startedAt);
      }
      throw failure;
    } finally {
      clearTimeout(deadline.timer);
    }
  }

  #asQueueError(error: unknown, context: CallContext, signal: AbortSignal): QueueError {
    if (isQueueError(error)) return error;

    // Ask the signal, not the error: fetch implementations name a timeout abort differently.
    const what = signal.aborted
      ? `timed out after ${this.#config.timeoutMs / 1000} s (option \`timeout\`)`
      : `could not reach the Queue Service at ${this.#config.baseUrl}`;

    return new CommunicationError(`${describeCall(context)} ${what}: ${describeCause(error)}`, {
      ...context,
      cause: error,
    });
  }

  async #backoff(attempt: number, error: unknown): Promise<void> {
    const delayMs = retryDelayMs(this.#config.retry, attempt, error);
    const logger = this.#config.debugLogger;
    if (logger !== undefined) logRetry(logger, attempt, delayMs, describeCause(error));

    await sleep(delayMs);
  }

  // A client may be created before the token exists (e.g. at module load, with the token
  // provisioned later), so a missing token is looked up again and only fails the call.
  #common(): Record<string, string> {
    if (this.#commonHeaders !== undefined) return this.#commonHeaders;

    const token = resolveToken(undefined, processEnv());
    if (token === undefined) throw new MissingTokenError();

    this.#config.token = token;
    this.#commonHeaders = buildCommonHeaders(this.#config);
    return this.#commonHeaders;
  }
}

async function readAnswer<T>(
  answer: Answer,
  context: CallContext,
  signal: AbortSignal,
  read: AnswerReader<T>,
): Promise<T> {
  if (answer.status < 200 || answer.status > 299) throw await errorFromResponse(answer, context);

  try {
    return await read(answer, signal);
  } catch (error) {
    // A reader that gave up early (e.g. on a bad content type) leaves the body unread, which
    // would keep the connection from serving the next request.
    await answer.discard().catch(() => undefined);
    throw error;
  }
}

/**
 * A per-attempt deadline. An AbortController with a cleared timer rather than
 * `AbortSignal.timeout`: in Node.js 20 the latter costs about 8 µs per call (a transferable
 * signal plus a timer that lingers for the whole timeout), a measurable share of a send.
 */
function startDeadline(timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(abortForTimeout, timeoutMs, controller, timeoutMs);

  return { controller, timer };
}

function abortForTimeout(controller: AbortController, timeoutMs: number): void {
  controller.abort(new DOMException(`The call timed out after ${timeoutMs} ms`, "TimeoutError"));
}

function buildCommonHeaders(config: ResolvedConfig): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": USER_AGENT, ...config.headers };

  headers.authorization = `Bearer ${config.token}`;
  if (config.deploymentId !== null) headers["vqs-deployment-id"] = config.deploymentId;

  return headers;
}

function mayRetry(replay: Replay, error: unknown): boolean {
  if (replay === "never") return false;
  if (replay === "throttled") return isQueueError(error) && error.code === "throttled";

  return isTransient(error);
}

function bodyLength(body: string | Uint8Array | undefined): number | undefined {
  if (body === undefined) return undefined;

  return typeof body === "string" ? body.length : body.byteLength;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);

  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? ` (${cause.message})` : "";
  return `${error.message}${detail}`;
}
