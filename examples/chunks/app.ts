/**
 * The example app: a plain node:http server with two routes, the queue callback that runs the
 * tasks and the endpoint that enqueues a batch. On Vercel each file under `api/` would be its own
 * function; locally one server serves both.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createJobsHandler, JOBS_PATH, sendJson } from "./api/jobs.js";
import { CALLBACK_PATH, handleQueueCallback } from "./api/queue/callback.js";

/** A running app server. */
export interface ChunksApp {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Where the Queue Service must push: `${url}/api/queue/callback`. */
  callbackUrl: string;
  close(): Promise<void>;
}

export interface AppOptions {
  /** The sales CSV the batches work on. */
  csv: string;
  /** 0 takes any free port. */
  port: number;
  /** @default "127.0.0.1" */
  host?: string;
}

/** Starts the app server; resolves once it listens. */
export async function startApp(options: AppOptions): Promise<ChunksApp> {
  const handleJobs = createJobsHandler(options.csv);

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://app").pathname;
    const route =
      path === CALLBACK_PATH ? handleQueueCallback : path === JOBS_PATH ? handleJobs : undefined;

    if (route === undefined) {
      sendJson(res, 404, { error: `no route ${path}; try POST ${JOBS_PATH}` });
    } else if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      sendJson(res, 405, { error: `${path} takes POST, not ${req.method}` });
    } else {
      void route(req, res);
    }
  });

  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host, options.port);
  const url = `http://${host}:${port}`;

  return {
    url,
    callbackUrl: `${url}${CALLBACK_PATH}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === "EADDRINUSE" ? ` (port ${port} is taken; set PORT to another)` : "";
      reject(new Error(`the app cannot listen on ${host}:${port}${hint}: ${error.message}`));
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
