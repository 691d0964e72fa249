/**
 * A scripted HTTP server standing in for the HOSTED Queue Service, for the answers the local
 * Queue Service never gives (202, 429, 5xx, broken bodies, dropped connections). It records
 * every request it receives. Real HTTP on 127.0.0.1, port 0.
 */

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Destroy the socket instead of answering (a network failure). */
  destroy?: boolean;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
}

export type StubHandler = (request: RecordedRequest, index: number) => StubReply;

export interface StubService {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a stub answering each request with `handler(request, index)`. */
export async function startStubService(handler: StubHandler): Promise<StubService> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const reply = handler(recorded, requests.length - 1);
      const answer = () => {
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds a multipart/mixed body from parts given as header maps and payloads. */
export function multipartBody(
  boundary: string,
  parts: { headers: Record<string, string>; body: string | Buffer }[],
): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = Object.entries(part.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, "latin1"));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
