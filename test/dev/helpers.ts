/**
 * Shared pieces of the local Queue Service tests: raw API calls, a real node:http callback
 * server that records pushes, and polling for conditions (never fixed sleeps).
 */
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type QueueService,
  type QueueServiceOptions,
  startQueueService,
} from "../../src/dev/index.js";

export const TOKEN = "test-token";

/** Services started by a test file; close them in afterEach with {@link closeAll}. */
const open: Array<{ close(): Promise<void> }> = [];

export async function startService(options: QueueServiceOptions = {}): Promise<QueueService> {
  const service = await startQueueService(options);
  open.push(service);
  return service;
}

export async function closeAll(): Promise<void> {
  const closing = open.splice(0).map((item) => item.close());
  await Promise.all(closing);
}

/** A raw call to the API of `service` with a bearer token unless the headers say otherwise. */
export function api(
  service: QueueService,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = { authorization: `Bearer ${TOKEN}`, ...init.headers };
  return fetch(`${service.url}/api/v3/topic/${path}`, { ...init, headers });
}

export interface SendOptions {
  contentType?: string;
  headers?: Record<string, string>;
}

export async function send(
  service: QueueService,
  topic: string,
  body: BodyInit,
  options: SendOptions = {},
): Promise<string> {
  const res = await api(service, topic, {
    method: "POST",
    body,
    headers: { "content-type": options.contentType ?? "application/json", ...options.headers },
  });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { messageId: string }).messageId;
}

export interface ReceivedPart {
  headers: Headers;
  body: string;
}

/** Receives with the given headers and returns the parts (empty for a 204). */
export async function receive(
  service: QueueService,
  topic: string,
  group: string,
  headers: Record<string, string> = {},
): Promise<ReceivedPart[]> {
  const res = await api(service, `${topic}/consumer/${group}`, {
    method: "POST",
    headers: { accept: "multipart/mixed", ...headers },
  });
  if (res.status === 204) return [];
  if (res.status !== 200) throw new Error(`receive failed: ${res.status} ${await res.text()}`);
  return readParts(res);
}

/** The parts of a multipart/mixed answer, read with the same parser the official SDK uses. */
export async function readParts(res: Response): Promise<ReceivedPart[]> {
  const { parseMultipartStream } = await import("mixpart");
  const parts: ReceivedPart[] = [];
  for await (const part of parseMultipartStream(res)) {
    parts.push({ headers: part.headers, body: await new Response(part.payload).text() });
  }
  return parts;
}

export function leasePath(topic: string, group: string, handle: string): string {
  return `${topic}/consumer/${group}/lease/${encodeURIComponent(handle)}`;
}

export async function ack(service: QueueService, topic: string, group: string, handle: string) {
  return api(service, leasePath(topic, group, handle), { method: "DELETE" });
}

export async function patchVisibility(
  service: QueueService,
  topic: string,
  group: string,
  handle: string,
  seconds: unknown,
) {
  return api(service, leasePath(topic, group, handle), {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ visibilityTimeoutSeconds: seconds }),
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after a while. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A clock a test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export interface RecordedPush {
  headers: IncomingHttpHeaders;
  body: Buffer;
  url: string;
  receivedAt: number;
}

export interface CallbackServer {
  url: string;
  pushes: RecordedPush[];
  /** Pushes currently being answered. */
  inFlight: number;
  /** Most pushes seen in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A real node:http callback route. `answer` decides the status (and may wait); by default
 * every push gets 200.
 */
export async function startCallbackServer(
  answer: (push: RecordedPush) => number | Promise<number> = () => 200,
): Promise<CallbackServer> {
  const state: CallbackServer = {
    url: "",
    pushes: [],
    inFlight: 0,
    maxInFlight: 0,
    close: async () => {},
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    const push = {
      headers: req.headers,
      body: Buffer.concat(chunks),
      url: req.url ?? "",
      receivedAt: Date.now(),
    };
    state.pushes.push(push);
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      const status = await answer(push);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ status }));
    } finally {
      state.inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  open.push(state);
  return state;
}

/** Serves a web `(Request) => Promise<Response>` handler over real node:http. */
export async function serveFetchHandler(
  handler: (request: Request) => Promise<Response>,
): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { url: "", requests: 0, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });

    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  open.push(state);
  return state;
}
