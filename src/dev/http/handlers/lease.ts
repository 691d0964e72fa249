/**
 * `DELETE .../lease/{receiptHandle}` (acknowledge) and `PATCH .../lease/{receiptHandle}`
 * (change visibility: extend the lease, or give the message back with 0).
 */
import { MAX_CONTROL_BODY_BYTES, MAX_VISIBILITY_SECONDS } from "../../limits.js";
import type { LeaseOutcome } from "../../store/message-store.js";
import { ApiError, badRequest } from "../api-error.js";
import type { ApiContext, ApiExchange } from "../context.js";
import { discardBody, quote, readBody } from "../request.js";
import { sendEmpty, sendJson } from "../respond.js";

interface LeaseRoute {
  topic: string;
  group: string;
  handle: string;
}

export function handleAck(ctx: ApiContext, { req, res }: ApiExchange, route: LeaseRoute): void {
  discardBody(req);

  ctx.store.catchUp();
  const outcome = ctx.store.ack(route.topic, route.group, route.handle);
  if (outcome.kind !== "ok") throw leaseRefusal(outcome, route);
  sendEmpty(res, 204);
}

export async function handleVisibility(
  ctx: ApiContext,
  { req, res }: ApiExchange,
  route: LeaseRoute,
): Promise<void> {
  const body = await readBody(req, MAX_CONTROL_BODY_BYTES);
  const seconds = visibilityFromBody(body);

  ctx.store.catchUp();
  const outcome = ctx.store.changeVisibility(route.topic, route.group, route.handle, seconds);
  if (outcome.kind !== "ok") throw leaseRefusal(outcome, route);
  sendJson(res, 200, { success: true });
}

function visibilityFromBody(body: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest(
      'The body must be JSON like {"visibilityTimeoutSeconds": 30}; it is not valid JSON.',
    );
  }

  const value = (parsed as { visibilityTimeoutSeconds?: unknown } | null)?.visibilityTimeoutSeconds;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw badRequest(
      "Invalid visibilityTimeoutSeconds - must be a non-negative integer " +
        `(the body must be like {"visibilityTimeoutSeconds": 30}); got ${quote(String(value))}.`,
    );
  }
  if (value > MAX_VISIBILITY_SECONDS) {
    throw badRequest(
      `visibilityTimeoutSeconds must be at most ${MAX_VISIBILITY_SECONDS}; got ${value}.`,
    );
  }
  return value;
}

function leaseRefusal(outcome: Exclude<LeaseOutcome, { kind: "ok" }>, route: LeaseRoute) {
  const handle = quote(route.handle);
  switch (outcome.kind) {
    case "not_found":
      return new ApiError(
        404,
        `Receipt handle ${handle} not found for consumer group "${route.group}" of topic ` +
          `"${route.topic}" (unknown handle, or the message expired).`,
      );
    case "superseded":
      return new ApiError(
        409,
        `Receipt handle does not match current lease holder: ${handle} was superseded by a ` +
          "later receive of the message.",
      );
    case "expired":
      return new ApiError(
        409,
        `Message lease has expired: the lease of ${handle} ended or was given back; ` +
          "receive the message again.",
      );
    case "acked":
      return new ApiError(
        409,
        `Message is not currently in-flight: it was already acknowledged (handle ${handle}).`,
      );
    case "beyond_expiry":
      return new ApiError(400, "Visibility timeout cannot extend beyond message expiration", {
        messageExpiresAt: new Date(outcome.messageExpiresAt).toISOString(),
        requestedExpiresAt: new Date(outcome.requestedExpiresAt).toISOString(),
      });
  }
}
