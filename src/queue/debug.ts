/**
 * Debug lines of the client (`VERCEL_WORKERS_DEBUG=1`): one line per request and one per
 * response or failure. Secrets never appear: the bearer token and receipt handles (which
 * grant control over a lease) are redacted, and payloads are summarised by size only.
 */

import type { Logger } from "./types.js";

const REDACTED = "<redacted>";
const PREFIX = "[vercel-workers:queue]";
// Credentials of the client and of proxies in front of the service (custom headers).
const SECRET_HEADER = /authorization|cookie|token|secret|api-key|receipt-handle/;

/** Logs an outgoing request. */
export function logRequest(
  logger: Logger,
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  bodyBytes: number | undefined,
): void {
  const size = bodyBytes === undefined ? "" : ` body=${bodyBytes}B`;

  write(
    logger,
    `${PREFIX} -> ${method} ${redactUrl(url)}${size} headers=${formatHeaders(headers)}`,
  );
}

/** Logs the status of a response, or the failure that replaced it. */
export function logResponse(
  logger: Logger,
  method: string,
  url: string,
  outcome: number | string,
  startedAt: number,
): void {
  const elapsed = Math.round(performance.now() - startedAt);

  write(logger, `${PREFIX} <- ${outcome} ${method} ${redactUrl(url)} ${elapsed}ms`);
}

/** Logs that a failed attempt will be retried. */
export function logRetry(logger: Logger, attempt: number, delayMs: number, reason: string): void {
  write(logger, `${PREFIX} retry after attempt ${attempt} in ${delayMs}ms: ${reason}`);
}

/** Replaces the receipt handle of a lease URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/lease\/[^/?#]+/, `/lease/${REDACTED}`);
}

/** Headers as `name: value` pairs with the token and receipt handles hidden. */
export function formatHeaders(headers: Readonly<Record<string, string>>): string {
  const parts: string[] = [];

  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    parts.push(`${lower}: ${SECRET_HEADER.test(lower) ? REDACTED : value}`);
  }

  return `{${parts.join(", ")}}`;
}

function write(logger: Logger, line: string): void {
  const sink = logger.debug ?? logger.info;
  sink?.call(logger, line);
}
