/**
 * `POST .../consumer/{group}` (receive the next messages) and `POST .../consumer/{group}/id/{id}`
 * (claim one message by id). Both lease what they return and answer multipart/mixed.
 */
import {
  DEFAULT_MAX_MESSAGES,
  DEFAULT_RECEIVE_VISIBILITY_SECONDS,
  MAX_MESSAGES_PER_RECEIVE,
  MAX_VISIBILITY_SECONDS,
} from "../../limits.js";
import type { CursorFallback } from "../../store/consumer-group.js";
import type { Delivery } from "../../store/records.js";
import { ApiError, badRequest } from "../api-error.js";
import type { ApiContext, ApiExchange } from "../context.js";
import { encodeDeliveries } from "../multipart.js";
import { discardBody, type HeaderReader, header, integerHeader, quote } from "../request.js";
import { sendEmpty } from "../respond.js";

export function handleReceive(
  ctx: ApiContext,
  { req, res }: ApiExchange,
  topic: string,
  group: string,
): void {
  const read = (name: string) => header(req, name);
  requireMultipartAccept(read);
  const max =
    integerHeader(read, "Vqs-Max-Messages", { min: 1, max: MAX_MESSAGES_PER_RECEIVE }) ??
    DEFAULT_MAX_MESSAGES;
  const visibility = visibilityHeader(read);
  const fallback = cursorFallback(read("vqs-cursor-fallback"));
  discardBody(req);

  ctx.store.catchUp();
  const leased = ctx.store.receive(topic, group, max, visibility, fallback);
  if (leased.length === 0) {
    sendEmpty(res, 204);
    return;
  }
  sendDeliveries(res, leased);
}

export function handleClaim(
  ctx: ApiContext,
  { req, res }: ApiExchange,
  route: { topic: string; group: string; messageId: string },
): void {
  const read = (name: string) => header(req, name);
  requireMultipartAccept(read);
  const visibility = visibilityHeader(read);
  discardBody(req);

  ctx.store.catchUp();
  const outcome = ctx.store.claim(route.topic, route.group, route.messageId, visibility);
  if (outcome.kind === "leased") {
    sendDeliveries(res, [outcome.delivery]);
    return;
  }
  throw claimRefusal(outcome, route);
}

type Refusal = Exclude<ReturnType<ApiContext["store"]["claim"]>, { kind: "leased" }>;

function claimRefusal(
  outcome: Refusal,
  route: { topic: string; group: string; messageId: string },
): ApiError {
  const id = route.messageId;
  switch (outcome.kind) {
    case "not_found":
      return new ApiError(
        404,
        `Message ${quote(id)} not found in topic "${route.topic}": it never existed or expired.`,
      );
    case "duplicate":
      return new ApiError(409, "This messageId was a duplicate - use originalMessageId instead", {
        originalMessageId: outcome.originalMessageId,
      });
    case "locked":
      return retryLater(
        `Message ${quote(id)} is locked by another consumer of group "${route.group}".`,
        outcome.retryAfterSeconds,
      );
    case "delayed":
      return retryLater(
        `Message ${quote(id)} is delayed and not visible yet.`,
        outcome.retryAfterSeconds,
      );
    case "acked":
      return new ApiError(
        410,
        `Message ${quote(id)} was already acknowledged by consumer group "${route.group}".`,
      );
  }
}

function retryLater(message: string, seconds: number): ApiError {
  return new ApiError(
    409,
    message,
    { retryAfterSeconds: seconds },
    { "retry-after": `${seconds}` },
  );
}

function sendDeliveries(res: ApiExchange["res"], deliveries: Delivery[]): void {
  const { contentType, body } = encodeDeliveries(deliveries);
  res.writeHead(200, { "content-type": contentType, "content-length": body.length });
  res.end(body);
}

function requireMultipartAccept(read: HeaderReader): void {
  const accept = read("accept") ?? "";
  if (/multipart\/mixed/i.test(accept)) return;

  throw badRequest(
    `Accept header required. Supported: multipart/mixed; got ${quote(accept || "(none)")}.`,
  );
}

function visibilityHeader(read: HeaderReader): number {
  return (
    integerHeader(read, "Vqs-Visibility-Timeout-Seconds", {
      min: 0,
      max: MAX_VISIBILITY_SECONDS,
    }) ?? DEFAULT_RECEIVE_VISIBILITY_SECONDS
  );
}

function cursorFallback(value: string | undefined): CursorFallback {
  if (value === undefined || value === "earliest" || value === "latest") return value ?? "earliest";

  throw badRequest(
    `Header Vqs-Cursor-Fallback must be "earliest" or "latest"; got ${quote(value)}.`,
  );
}
