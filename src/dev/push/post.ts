/** One push request over node:http(s), on keep-alive connections, with a hard timeout. */
import http from "node:http";
import https from "node:https";

export interface PushAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

export function createPushAgents(): PushAgents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
}

export function destroyPushAgents(agents: PushAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

export interface PushRequest {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  agents: PushAgents;
  signal: AbortSignal;
}

/** POSTs the request and resolves with the status once the answer was read to its end. */
export function postPush(request: PushRequest): Promise<number> {
  const { url, body, agents } = request;
  const client = url.protocol === "https:" ? https : http;
  const agent = url.protocol === "https:" ? agents.https : agents.http;

  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: "POST",
      agent,
      headers: { ...request.headers, "content-length": String(body.length) },
      signal: request.signal,
      timeout: request.timeoutMs,
    });

    req.on("timeout", () => {
      req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    });
    req.on("error", reject);
    req.on("response", (res) => {
      res.on("error", reject);
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.resume();
    });
    req.end(body);
  });
}
