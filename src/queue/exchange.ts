/**
 * One HTTP exchange, seen through the few things the client reads of an answer (status,
 * headers, body). Two ways to make it:
 *
 * - through the configured `fetch` (the default: `globalThis.fetch`), on any runtime;
 * - straight through Node's undici dispatcher when the `fetch` option is `dispatcherFetch`.
 *   That skips building a WHATWG `Request` and `Response` with streams for every call, which
 *   is most of the client-side CPU of a small send (see docs/notes/queue-client.md).
 */

import {
  dispatcherFetch,
  findDispatcher,
  hasNullBody,
  headerPairs,
  type UndiciDispatcher,
} from "./dispatcher-fetch.js";

/** What the client reads of a response. */
export interface Answer {
  readonly status: number;
  header(name: string): string | null;
  text(): Promise<string>;
  /** Reads the rest of the body and drops it, so the connection can serve the next request. */
  discard(): Promise<void>;
  /** The answer as a WHATWG `Response`, for streaming parsers (multipart receive). */
  response(): Promise<Response>;
}

/** A request ready to go. Header names are lower-case. */
export interface Outgoing {
  method: string;
  url: string;
  /** Index in `url` where the path starts (after the origin). */
  pathStart: number;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal;
}

/** Sends `outgoing` with `fetchImpl`, or directly through the dispatcher (see above). */
export async function exchange(outgoing: Outgoing, fetchImpl: typeof fetch): Promise<Answer> {
  const dispatcher = fetchImpl === dispatcherFetch ? findDispatcher() : undefined;
  if (dispatcher !== undefined) return dispatch(dispatcher, outgoing);

  // The DOM lib types body views as Uint8Array<ArrayBuffer>; fetch takes any Uint8Array.
  const body = outgoing.body as BodyInit | undefined;
  const { method, headers, signal } = outgoing;
  const response = await fetchImpl(outgoing.url, { method, headers, body, signal });

  return answerFromResponse(response);
}

/** Wraps a fetch `Response`. */
export function answerFromResponse(response: Response): Answer {
  return new FetchAnswer(response);
}

// Classes rather than object literals of closures: no per-call function allocations.
class FetchAnswer implements Answer {
  readonly status: number;
  readonly #response: Response;

  constructor(response: Response) {
    this.status = response.status;
    this.#response = response;
  }

  header(name: string): string | null {
    return this.#response.headers.get(name);
  }

  text(): Promise<string> {
    return this.#response.text();
  }

  async discard(): Promise<void> {
    if (!this.#response.bodyUsed) await this.#response.arrayBuffer();
  }

  async response(): Promise<Response> {
    return this.#response;
  }
}

type DispatcherResult = Awaited<ReturnType<UndiciDispatcher["request"]>>;

class DispatcherAnswer implements Answer {
  readonly status: number;
  readonly #result: DispatcherResult;

  constructor(result: DispatcherResult) {
    this.status = result.statusCode;
    this.#result = result;
  }

  header(name: string): string | null {
    const value = this.#result.headers[name.toLowerCase()];
    if (value === undefined) return null;

    return Array.isArray(value) ? value.join(", ") : value;
  }

  text(): Promise<string> {
    return this.#result.body.text();
  }

  discard(): Promise<void> {
    return this.#result.body.dump();
  }

  async response(): Promise<Response> {
    const bytes = await this.#result.body.arrayBuffer();
    const init = { status: this.status, headers: headerPairs(this.#result.headers) };

    return new Response(hasNullBody(this.status) ? null : bytes, init);
  }
}

async function dispatch(dispatcher: UndiciDispatcher, outgoing: Outgoing): Promise<Answer> {
  const url = outgoing.url;
  const result = await dispatcher.request({
    origin: url.slice(0, outgoing.pathStart),
    path: url.slice(outgoing.pathStart),
    method: outgoing.method,
    headers: outgoing.headers,
    body: outgoing.body ?? null,
    signal: outgoing.signal,
  });

  return new DispatcherAnswer(result);
}
