/**
 * The ONE mapping from an unsuccessful Queue Service response to a typed error. It reads the
 * status, the headers (`Retry-After`, `Vqs-Error-Code`) and the body (`{"error": "..."}` JSON
 * or plain text), and builds a message that names the call, the topic and the ids involved,
 * quotes the service, and says what to do.
 */

import {
  BadRequestError,
  ConsumerDiscoveryError,
  ConsumerRegistryNotConfiguredError,
  DuplicateIdempotencyKeyError,
  ForbiddenError,
  InternalServerError,
  MessageAlreadyProcessedError,
  MessageNotAvailableError,
  MessageNotFoundError,
  type QueueError,
  type QueueErrorDetails,
  ThrottledError,
  UnauthorizedError,
  UnexpectedStatusError,
} from "./errors.js";
import type { Answer } from "./exchange.js";
import { parseRetryAfter } from "./retry.js";

/** The calls of the client, as named in error messages and debug lines. */
export type Operation =
  | "send"
  | "sendBatch"
  | "receive"
  | "receiveById"
  | "acknowledge"
  | "changeVisibility";

/** What a call was about; receipt handles are deliberately absent (they are credentials). */
export interface CallContext {
  operation: Operation;
  topic: string;
  consumerGroup?: string;
  messageId?: string;
}

/** The parts of an error body this client understands. */
interface ErrorBody {
  text: string;
  error?: string;
  originalMessageId?: string;
}

const MAX_QUOTED_BODY = 500;

/** Reads the body of a failed answer and returns the error to throw for it. */
export async function errorFromResponse(
  answer: Pick<Answer, "status" | "header" | "text">,
  context: CallContext,
): Promise<QueueError> {
  const body = await readErrorBody(answer);
  return mapStatusToError(answer.status, (name) => answer.header(name), body, context);
}

/** The mapping itself, separate from body reading so it is easy to test. */
export function mapStatusToError(
  status: number,
  header: (name: string) => string | null,
  body: ErrorBody,
  context: CallContext,
): QueueError {
  const details: QueueErrorDetails = { status, ...context };
  const isSend = context.operation === "send" || context.operation === "sendBatch";
  const quote = (hint: string) => describeFailure(status, body, context, hint);

  if (status === 400) {
    return new BadRequestError(quote("Fix the request parameters named above."), details);
  }
  if (status === 401) {
    return new UnauthorizedError(
      quote("Check the token (option `token`, VERCEL_QUEUE_TOKEN or VERCEL_OIDC_TOKEN)."),
      details,
    );
  }
  if (status === 403) {
    return new ForbiddenError(
      quote("The token's team, project or environment does not match the queue's."),
      details,
    );
  }
  if (status === 404 && !isSend && context.operation !== "receive") {
    return new MessageNotFoundError(
      quote("The message or lease is unknown, expired, or belongs to another deployment."),
      details,
    );
  }
  if (status === 409 && isSend) {
    return new DuplicateIdempotencyKeyError(
      quote("A message with this idempotency key was already sent; treat it as sent."),
      details,
    );
  }
  if (status === 409) {
    return notAvailable(body, parseRetryAfter(header("retry-after")), details, quote);
  }
  if (status === 410) {
    return new MessageAlreadyProcessedError(
      quote("This consumer group already acknowledged the message; nothing is left to do."),
      details,
    );
  }
  if (status === 429) {
    const retryAfter = parseRetryAfter(header("retry-after"));
    const wait = retryAfter === null ? "later" : `after ${retryAfter} s`;
    return new ThrottledError(quote(`Too many requests; try again ${wait}.`), retryAfter, details);
  }
  if (status === 502 && header("vqs-error-code") === "consumer_discovery_failed") {
    return new ConsumerDiscoveryError(
      quote("The service found no consumer for the topic yet; check the queue triggers."),
      details,
    );
  }
  if (status === 503 && isSend) {
    return new ConsumerRegistryNotConfiguredError(
      quote("The project is not set up for Vercel Queues; add a queue trigger and redeploy."),
      details,
    );
  }
  if (status >= 500) {
    return new InternalServerError(quote("The service failed; retrying later may work."), details);
  }

  return new UnexpectedStatusError(
    quote("Unexpected status; check baseUrl/basePath point at a Queue Service (API v3)."),
    details,
  );
}

function notAvailable(
  body: ErrorBody,
  retryAfterSeconds: number | null,
  details: QueueErrorDetails,
  quote: (hint: string) => string,
): QueueError {
  const originalMessageId = body.originalMessageId;
  const hint =
    originalMessageId === undefined
      ? "Another consumer holds the lease, or this lease was superseded or has expired."
      : `The message was a duplicate; use originalMessageId "${originalMessageId}" instead.`;

  return new MessageNotAvailableError(quote(hint), {
    ...details,
    originalMessageId,
    retryAfterSeconds,
  });
}

function describeFailure(
  status: number,
  body: ErrorBody,
  context: CallContext,
  hint: string,
): string {
  const server = body.error ?? body.text;
  const quoted = server === "" ? "" : `: ${server}`;

  return `${describeCall(context)} failed with HTTP ${status}${quoted}. ${hint}`;
}

/** E.g. `receiveById on topic "orders", consumer group "billing", message "m1"`. */
export function describeCall(context: CallContext): string {
  let text = `${context.operation} on topic "${context.topic}"`;

  if (context.consumerGroup !== undefined) text += `, consumer group "${context.consumerGroup}"`;
  if (context.messageId !== undefined) text += `, message "${context.messageId}"`;

  return text;
}

async function readErrorBody(answer: Pick<Answer, "text">): Promise<ErrorBody> {
  let text: string;
  try {
    text = (await answer.text()).trim();
  } catch {
    text = "";
  }

  return parseErrorBody(text);
}

/** Extracts `error` and `originalMessageId` from a JSON body; plain text stays text. */
export function parseErrorBody(text: string): ErrorBody {
  const quoted = text.length > MAX_QUOTED_BODY ? `${text.slice(0, MAX_QUOTED_BODY)}…` : text;
  if (!text.startsWith("{")) return { text: quoted };

  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return {
      text: quoted,
      error: typeof json.error === "string" ? json.error : undefined,
      originalMessageId:
        typeof json.originalMessageId === "string" ? json.originalMessageId : undefined,
    };
  } catch {
    return { text: quoted };
  }
}
