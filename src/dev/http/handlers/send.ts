/** `POST /api/v3/topic/{topic}` and `POST /api/v3/topic/{topic}/batch`. */
import { MAX_BATCH_MESSAGES } from "../../limits.js";
import { ApiError, badRequest } from "../api-error.js";
import type { ApiContext, ApiExchange } from "../context.js";
import { decodeBatch } from "../multipart.js";
import { header, readBody, readChunks } from "../request.js";
import { sendJson } from "../respond.js";
import { readDeploymentId, readMessageOptions } from "../send-options.js";

export async function handleSend(ctx: ApiContext, { req, res }: ApiExchange, topic: string) {
  const read = (name: string) => header(req, name);
  const options = readMessageOptions(read);
  const deploymentId = readDeploymentId(read);
  const body = await readChunks(req, ctx.maxPayloadBytes);
  const payload = ctx.store.payloads.store(body.chunks, body.size);

  ctx.store.catchUp();
  const { messageId } = ctx.store.send({ topic, payload, deploymentId, ...options });
  sendJson(res, 201, { messageId }, { "vqs-message-id": messageId });
}

type BatchResult =
  | { status: "sent"; messageId: string }
  | { status: "failed"; statusCode: number; error: string; retryable: boolean };

export async function handleBatch(ctx: ApiContext, { req, res }: ApiExchange, topic: string) {
  const deploymentId = readDeploymentId((name) => header(req, name));
  const body = await readBody(req, ctx.maxPayloadBytes);
  const parts = await decodeBatch(body, header(req, "content-type") ?? "");
  if (parts.length < 1 || parts.length > MAX_BATCH_MESSAGES) {
    throw badRequest(
      `A batch holds 1 to ${MAX_BATCH_MESSAGES} messages; this one holds ${parts.length}.`,
    );
  }

  ctx.store.catchUp();
  const results = parts.map((part): BatchResult => {
    try {
      const options = readMessageOptions((name) => part.headers.get(name) ?? undefined);
      const { messageId } = ctx.store.send({
        topic,
        payload: ctx.store.payloads.store([part.payload], part.payload.length),
        deploymentId,
        ...options,
      });
      return { status: "sent", messageId };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { status: "failed", statusCode: error.status, error: error.message, retryable: false };
    }
  });
  sendJson(res, 200, { results });
}
