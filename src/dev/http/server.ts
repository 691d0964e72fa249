/**
 * The HTTP front of the local Queue Service: routing, bearer auth, dispatch to the handlers, and
 * a JSON answer for every failure. No input can take the server down: each request runs inside
 * one try/catch, and even requests Node rejects before routing (oversized headers, garbage on
 * the socket) get a JSON 4xx.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../logger.js";
import { ApiError } from "./api-error.js";
import type { ApiContext } from "./context.js";
import { handleAck, handleVisibility } from "./handlers/lease.js";
import { handleClaim, handleReceive } from "./handlers/receive.js";
import { handleBatch, handleSend } from "./handlers/send.js";
import { sendError, sendJson } from "./respond.js";
import { type Route, route } from "./router.js";

export interface ApiServerOptions {
  context: ApiContext;
  /** Required bearer token; `undefined` accepts any non-empty one. */
  token: string | undefined;
  logger: Logger;
}

/** Keep idle client connections longer than common client pools do (undici: 4 s, ours: more). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createApiServer(options: ApiServerOptions): http.Server {
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    void serve(options, req, res);
  });

  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
  server.on("clientError", (error, socket) => answerClientError(error, socket as Socket));
  return server;
}

async function serve(options: ApiServerOptions, req: IncomingMessage, res: ServerResponse) {
  try {
    const target = route(req.method ?? "GET", req.url ?? "/");
    if (target.kind !== "stats") authenticate(req, options.token);
    await dispatch(options.context, req, res, target);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      options.logger.error?.(`[queue-service] ${req.method} ${req.url} failed`, error);
    }
    req.resume();
    sendError(res, error);
  }
}

async function dispatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, to: Route) {
  const exchange = { req, res };
  switch (to.kind) {
    case "send":
      return handleSend(ctx, exchange, to.topic);
    case "batch":
      return handleBatch(ctx, exchange, to.topic);
    case "receive":
      return handleReceive(ctx, exchange, to.topic, to.group);
    case "claim":
      return handleClaim(ctx, exchange, to);
    case "ack":
      return handleAck(ctx, exchange, to);
    case "visibility":
      return handleVisibility(ctx, exchange, to);
    case "stats":
      req.resume();
      return sendJson(res, 200, ctx.stats());
  }
}

function authenticate(req: IncomingMessage, token: string | undefined): void {
  const value = req.headers.authorization;
  if (value === undefined || value === "") {
    throw new ApiError(401, "Missing Authorization header; send Authorization: Bearer <token>.");
  }

  const match = /^Bearer +(\S+) *$/i.exec(value);
  if (match === null) {
    throw new ApiError(401, "The Authorization header must be of the form Bearer <token>.");
  }
  if (token !== undefined && match[1] !== token) {
    throw new ApiError(
      401,
      "The bearer token is not the one the local Queue Service was started with; " +
        "use the token it printed (VERCEL_QUEUE_TOKEN).",
    );
  }
}

/** Requests Node's parser refuses (oversized headers, malformed request lines). */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }

  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const reason = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  const body = JSON.stringify({
    error: tooLarge
      ? "The request headers are too large (over 16 KiB in all)."
      : `The request is not valid HTTP/1.1 (${error.code ?? error.message}).`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
