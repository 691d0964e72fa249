/** Writing answers: JSON bodies with an exact length, so keep-alive connections stay usable. */
import type { ServerResponse } from "node:http";
import { ApiError } from "./api-error.js";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { "content-length": 0 });
  res.end();
}

/** Answers a failed request; anything that is not an {@link ApiError} is a 500. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }

  if (error instanceof ApiError) {
    sendJson(res, error.status, { error: error.message, ...error.details }, error.headers);
    return;
  }
  sendJson(res, 500, { error: "Internal error of the local Queue Service; see its log." });
}
