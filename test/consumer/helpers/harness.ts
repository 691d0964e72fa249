/**
 * Test harness of the consumer layer: the local Queue Service over real HTTP, a client of it,
 * a callback server, hand-built CloudEvent requests (PROTOCOL-vercel-queue-sdk.md §3) and a
 * polling helper. Everything started here is closed by `closeAll()`.
 */

import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type QueueService,
  type QueueServiceOptions,
  startQueueService,
} from "../../../src/dev/index.js";
import { QueueClient } from "../../../src/queue/index.js";
import type { QueueClientOptions } from "../../../src/queue/types.js";

export const TOKEN = "consumer-test-token";

const closers: Array<() => Promise<void>> = [];

/** Closes everything started since the last call, newest first. */
export async function closeAll(): Promise<void> {
  while (closers.length > 0) {
    await closers.pop()?.();
  }
}

/** Starts a local Queue Service on a free port. */
export async function startService(options: QueueServiceOptions = {}): Promise<QueueService> {
  const service = await startQueueService({ port: 0, token: TOKEN, ...options });
  closers.push(() => service.close());
  return service;
}

/** Queue Service client options pointing at `service`. */
export function clientOptions(service: QueueService): QueueClientOptions {
  return { token: TOKEN, baseUrl: service.url, region: "iad1", deploymentId: null };
}

export function clientOf(service: QueueService, extra: QueueClientOptions = {}): QueueClient {
  return new QueueClient({ ...clientOptions(service), ...extra });
}

/** Starts a node:http server with `listener`; returns its base URL. */
export async function startHttpServer(listener: RequestListener): Promise<string> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Polls `condition` every 25 ms until it returns a value other than undefined/false. */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;

  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fields of a v2beta delivery. */
export interface V2Fields {
  topic?: string;
  consumerGroup?: string;
  messageId?: string;
  receiptHandle?: string;
  deliveryCount?: string;
  createdAt?: string;
  expiresAt?: string;
  visibilityDeadline?: string;
  region?: string;
  contentType?: string;
}

/** Headers of a v2beta binary CloudEvent; a field set to undefined is left out. */
export function v2Headers(fields: V2Fields): Record<string, string> {
  const headers: Record<string, string> = {
    "ce-type": "com.vercel.queue.v2beta",
    "ce-specversion": "1.0",
    "ce-id": fields.messageId ?? "",
    "ce-source": `/topic/${fields.topic}/consumer/${fields.consumerGroup}`,
  };
  const named: Array<[string, string | undefined]> = [
    ["ce-vqsqueuename", fields.topic],
    ["ce-vqsconsumergroup", fields.consumerGroup],
    ["ce-vqsmessageid", fields.messageId],
    ["ce-vqsreceipthandle", fields.receiptHandle],
    ["ce-vqsdeliverycount", fields.deliveryCount],
    ["ce-vqscreatedat", fields.createdAt],
    ["ce-vqsexpiresat", fields.expiresAt],
    ["ce-vqsvisibilitydeadline", fields.visibilityDeadline],
    ["ce-vqsregion", fields.region],
    ["content-type", fields.contentType],
  ];

  for (const [name, value] of named) if (value !== undefined) headers[name] = value;
  return headers;
}

/** A v2beta request with the payload inline. */
export function inlineRequest(url: string, fields: V2Fields, body: string | Uint8Array): Request {
  const bytes = typeof body === "string" ? body : new Uint8Array(body);
  return new Request(url, { method: "POST", headers: v2Headers(fields), body: bytes });
}

/** A v2beta metadata-only request (no receipt handle, no body). */
export function metadataOnlyRequest(url: string, fields: V2Fields): Request {
  return new Request(url, { method: "POST", headers: v2Headers(fields) });
}

/** A v1beta structured request. */
export function structuredRequest(
  url: string,
  data: Record<string, unknown>,
  envelope: Record<string, unknown> = {},
): Request {
  const body = {
    type: "com.vercel.queue.v1beta",
    source: `/topic/${data.queueName}/consumer/${data.consumerGroup}`,
    id: data.messageId,
    datacontenttype: "application/json",
    specversion: "1.0",
    time: new Date().toISOString(),
    data,
    ...envelope,
  };

  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/cloudevents+json" },
    body: JSON.stringify(body),
  });
}

/** Sends and returns the message id (fails the test on a deferred send). */
export async function sendOne(
  client: QueueClient,
  topic: string,
  payload: unknown,
  options?: Parameters<QueueClient["send"]>[2],
): Promise<string> {
  const result = await client.send(topic, payload, options);
  if (result.messageId === null) throw new Error("send was deferred");
  return result.messageId;
}
