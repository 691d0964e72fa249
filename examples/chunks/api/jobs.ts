/**
 * `POST /api/jobs`: starts a batch. The body (optional) is `{"chunks": 100, "flakyFailures": 2,
 * "deferSeconds": 3}`; the answer is 202 with the id and role of every task enqueued, whose
 * results can then be polled.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { enqueueBatch, InvalidBatchRequest, resolveBatchRequest } from "../batch.js";

/** Route path of this handler. */
export const JOBS_PATH = "/api/jobs";

/** Largest request body read, in bytes; the batch options are a few dozen. */
const MAX_BODY_BYTES = 16 * 1024;

/** A node:http handler that enqueues a batch over `csv`. */
export function createJobsHandler(csv: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const request = resolveBatchRequest(await readJson(req));
      const tasks = await enqueueBatch(csv, request);
      sendJson(res, 202, { tasks });
    } catch (error) {
      const status = error instanceof InvalidBatchRequest ? error.status : 500;
      sendJson(res, status, { error: (error as Error).message });
    }
  };
}

/** Sends `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The request body as JSON; an empty body is `{}`. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new InvalidBatchRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }

  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};

  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidBatchRequest('the body is not JSON; send e.g. {"chunks": 100} or nothing');
  }
}
