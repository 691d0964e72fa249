/**
 * `dispatcherFetch`: the default `fetch` of the client (its `fetch` option overrides it); on
 * Node.js, sends through the same undici dispatcher as the built-in `fetch` (so proxies,
 * connection pools and `setGlobalDispatcher` still apply) without the WHATWG request and
 * stream machinery. A `QueueClient` given it goes one step further and skips the `Response`
 * objects too (see exchange.ts). On a 2-core machine this more than doubles the sends per
 * second of one client (figures in docs/notes/queue-client.md).
 *
 * It needs no Node.js import: it finds the dispatcher that Node's `fetch` registers under
 * `Symbol.for("undici.globalDispatcher.1")`. Whatever it cannot handle — no dispatcher yet
 * (before the process's first fetch), another runtime, a `Request` object, a streamed body —
 * goes to `globalThis.fetch` unchanged.
 *
 * Differences from `fetch`, which the queue client never relies on: redirects are not
 * followed, and the response body is read in full before the `Response` is returned.
 */

const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/** The part of undici's `Dispatcher` API used here. */
export interface UndiciDispatcher {
  request(options: {
    origin: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    body?: string | Uint8Array | null;
    signal?: AbortSignal | null;
  }): Promise<{
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    body: {
      text(): Promise<string>;
      arrayBuffer(): Promise<ArrayBuffer>;
      dump(): Promise<void>;
    };
  }>;
}

/**
 * The default `fetch` of `QueueClient` and `send()`: much faster on Node.js, plain
 * `globalThis.fetch` elsewhere. It bypasses `globalThis.fetch`, so tools that intercept
 * requests by replacing `globalThis.fetch` (some HTTP mocking libraries) do not see them; give
 * such code `fetch: globalThis.fetch` (or the mock) explicitly.
 *
 * @example
 * const queue = new QueueClient({ fetch: (input, init) => globalThis.fetch(input, init) });
 */
export const dispatcherFetch: typeof fetch = async (input, init) => {
  const dispatcher = findDispatcher();
  const body = init?.body;

  if (dispatcher === undefined || !isPlainTarget(input) || !isPlainBody(body)) {
    return globalThis.fetch(input, init);
  }

  const url = typeof input === "string" ? new URL(input) : input;
  const answer = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: init?.method ?? "GET",
    headers: toHeaderRecord(init?.headers),
    body: body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? null),
    signal: init?.signal ?? null,
  });
  const bytes = await answer.body.arrayBuffer();
  const status = answer.statusCode;

  return new Response(hasNullBody(status) ? null : bytes, {
    status,
    headers: headerPairs(answer.headers),
  });
};

/** The dispatcher behind Node's `fetch`, once the process has made its first fetch. */
export function findDispatcher(): UndiciDispatcher | undefined {
  const candidate = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  const request = (candidate as { request?: unknown } | undefined)?.request;

  return typeof request === "function" ? (candidate as UndiciDispatcher) : undefined;
}

/** Header pairs of a raw undici header record (repeated headers kept). */
export function headerPairs(
  raw: Record<string, string | string[] | undefined>,
): [string, string][] {
  const pairs: [string, string][] = [];

  for (const name in raw) {
    const value = raw[name];
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else if (value !== undefined) pairs.push([name, value]);
  }

  return pairs;
}

/** Statuses whose `Response` must have a null body (the constructor throws otherwise). */
export function hasNullBody(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

function isPlainTarget(input: unknown): input is string | URL {
  if (typeof input === "string") return input.startsWith("http:") || input.startsWith("https:");

  return input instanceof URL && (input.protocol === "http:" || input.protocol === "https:");
}

function isPlainBody(body: unknown): body is string | Uint8Array | ArrayBuffer | null | undefined {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer
  );
}

function toHeaderRecord(headers: HeadersInit | undefined): Record<string, string> {
  if (headers === undefined) return {};
  if (!(headers instanceof Headers) && !Array.isArray(headers)) {
    return headers as Record<string, string>;
  }

  const record: Record<string, string> = {};
  for (const [name, value] of new Headers(headers)) record[name] = value;

  return record;
}
