/**
 * A reverse proxy in front of the local Queue Service that can fail or delay chosen requests,
 * standing in for the transient faults (5xx, slow answers) of the HOSTED service. Everything
 * it does not fail is forwarded over real HTTP.
 */

import type { IncomingMessage } from "node:http";
import { startHttpServer } from "./harness.js";

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Status the client got (the injected one, or the service's). */
  status: number;
  at: number;
}

/**
 * What to do with a request: forward it (optionally after a delay), answer `fail` without
 * forwarding, or forward it and answer `loseAnswer` instead of the service's answer (the call
 * took effect but its response was lost).
 */
export type FaultRule = (
  request: { method: string; path: string },
  index: number,
) => { fail: number } | { delayMs: number } | { loseAnswer: number } | "forward";

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  setRule(rule: FaultRule): void;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  let rule: FaultRule = () => "forward";

  const url = await startHttpServer(async (req, res) => {
    const body = await readAll(req);
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const decision = rule({ method, path }, requests.length);
    const record: ProxiedRequest = { method, path, status: 0, at: Date.now() };
    requests.push(record);

    if (decision !== "forward" && "fail" in decision) {
      record.status = decision.fail;
      res.writeHead(decision.fail, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "injected fault" }));
      return;
    }
    if (decision !== "forward" && "delayMs" in decision) {
      await new Promise((r) => setTimeout(r, decision.delayMs));
    }

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === "host" || name === "connection" || value === undefined) continue;
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const upstream = await fetch(`${targetUrl}${path}`, {
      method,
      headers,
      body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    record.status = upstream.status;

    if (decision !== "forward" && "loseAnswer" in decision) {
      record.status = decision.loseAnswer;
      res.writeHead(decision.loseAnswer, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "injected fault after forwarding" }));
      return;
    }

    const outHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "transfer-encoding") outHeaders[name] = value;
    });
    res.writeHead(upstream.status, outHeaders);
    res.end(answer);
  });

  return {
    url,
    requests,
    setRule(next) {
      rule = next;
    },
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
