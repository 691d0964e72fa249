/**
 * `QueueClient`: every call of the Queue Service API v3 that an application or a consumer
 * makes — send, batch send, receive (poll), receive by id (claim), acknowledge and change
 * visibility. It speaks the protocol exactly as the official `@vercel/queue` SDK does, over
 * the runtime's `fetch`, so it runs on Node.js, edge runtimes, Deno and Bun alike.
 */

import { buildBatchBody, parseBatchResults } from "./batch.js";
import { type ResolvedConfig, resolveConfig } from "./config.js";
import { ProtocolError } from "./errors.js";
import type { Answer } from "./exchange.js";
import { type PreparedMessage, prepareMessage } from "./message.js";
import { readReceivedMessages } from "./receive-response.js";
import type { CallContext } from "./response-errors.js";
import { Transport } from "./transport.js";
import type {
  BatchMessage,
  BatchSendResult,
  QueueClientOptions,
  ReceiveByIdOptions,
  ReceivedMessage,
  ReceiveOptions,
  SendOptions,
  SendResult,
} from "./types.js";
import {
  validateBatchSize,
  validateConsumerGroup,
  validateCursorFallback,
  validateOpaqueId,
  validateReceiveLimit,
  validateTopic,
  validateVisibilityTimeout,
} from "./validation.js";

/** Lease length of a receive when the caller names none, in seconds (the service's default). */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 60;
/** Messages a receive leases when the caller names no limit. */
export const DEFAULT_RECEIVE_LIMIT = 1;
/** Region clients one client keeps for {@link QueueClient.forRegion}, least recent dropped. */
export const MAX_REGION_CLIENTS = 32;

/**
 * A configured client of the Vercel Queue Service. Options are resolved once, at
 * construction (explicit option, then environment variable, then default); a missing token
 * only fails the first call, so a client can be created at module load.
 *
 * @example
 * const queue = new QueueClient();
 * const { messageId } = await queue.send("orders", { orderId: 42 });
 * const [message] = await queue.receive("orders", "billing");
 * if (message) await queue.acknowledge("orders", "billing", message.receiptHandle);
 */
export class QueueClient {
  /** Region whose Queue Service this client talks to. */
  readonly region: string;

  readonly #options: QueueClientOptions;
  readonly #config: ResolvedConfig;
  readonly #transport: Transport;
  readonly #topicPrefix: string;
  readonly #regionClients = new Map<string, QueueClient>();

  /** @throws ConfigurationError when an option or its environment variable is invalid. */
  constructor(options: QueueClientOptions = {}) {
    this.#options = options;
    this.#config = resolveConfig(options);
    this.#transport = new Transport(this.#config);
    this.#topicPrefix = `${this.#config.baseUrl}${this.#config.basePath}/`;
    this.region = this.#config.region;
  }

  /**
   * Sends one message to `topic`. The payload is JSON-serialised unless `contentType` names
   * another type (then it must be a string or bytes). Retried on transient failures only when
   * it carries an `idempotencyKey`, since a repeat could otherwise store it twice.
   *
   * @returns `{status: "sent", messageId}`, or `{status: "deferred", messageId: null}` when the
   *   service accepted the message without storing it yet (HTTP 202).
   */
  async send(topic: string, payload: unknown, options?: SendOptions): Promise<SendResult> {
    validateTopic(topic);
    const message = prepareMessage(topic, payload, options, this.#config);
    const context: CallContext = { operation: "send", topic };

    return this.#transport.request(
      {
        method: "POST",
        url: this.#topicUrl(topic),
        headers: message.headers,
        body: message.body,
        context,
        replay: message.idempotent ? "transient" : "never",
      },
      (answer) => readSendResult(answer, context),
    );
  }

  /**
   * Sends 1 to 100 messages in one request. Results come in input order; a message can fail
   * on its own (`status: "failed"`) while the others are stored. Retried on transient failures
   * only when every message carries an `idempotencyKey`.
   */
  async sendBatch(topic: string, messages: BatchMessage[]): Promise<BatchSendResult[]> {
    validateTopic(topic);
    validateBatchSize(messages);
    const prepared = messages.map((m) => prepareMessage(topic, m.payload, m.options, this.#config));
    const partHeaders = this.#config.headers;
    const { contentType, body } = buildBatchBody(prepared.map((m) => withHeaders(m, partHeaders)));
    const context: CallContext = { operation: "sendBatch", topic };

    return this.#transport.request(
      {
        method: "POST",
        url: `${this.#topicUrl(topic)}/batch`,
        headers: { "content-type": contentType },
        body,
        context,
        replay: prepared.every((m) => m.idempotent) ? "transient" : "never",
      },
      async (answer) => parseBatchResults(await answer.text(), messages.length, context),
    );
  }

  /**
   * Leases up to `limit` messages of `topic` for `consumerGroup`, for
   * `visibilityTimeoutSeconds`. Returns `[]` when none is available (HTTP 204). Not retried
   * after a network failure or 5xx, since the lost response may have leased messages (they
   * would then stay invisible until their lease ends); a 429 is retried, as nothing was leased.
   *
   * A message whose content type is JSON but whose payload does not parse does not fail the
   * others: it comes back with `payloadError` set and its raw bytes as `payload`, so that it
   * can be acknowledged at once while the rest are processed.
   */
  async receive<T = unknown>(
    topic: string,
    consumerGroup: string,
    options: ReceiveOptions = {},
  ): Promise<ReceivedMessage<T>[]> {
    validateTopic(topic);
    validateConsumerGroup(consumerGroup);
    const headers = leaseHeaders(options.visibilityTimeoutSeconds);
    const limit = options.limit ?? DEFAULT_RECEIVE_LIMIT;
    validateReceiveLimit(limit);
    headers["vqs-max-messages"] = String(limit);
    if (options.cursorFallback !== undefined) {
      validateCursorFallback(options.cursorFallback);
      headers["vqs-cursor-fallback"] = options.cursorFallback;
    }
    const context: CallContext = { operation: "receive", topic, consumerGroup };

    return this.#transport.request(
      {
        method: "POST",
        url: this.#groupUrl(topic, consumerGroup),
        headers,
        context,
        replay: "throttled",
      },
      async (answer, signal) => {
        if (answer.status === 204) return drain(answer, []);
        return readReceivedMessages<T>(answer, context, signal, "mark");
      },
    );
  }

  /**
   * Leases the message `messageId` (a claim, as push callbacks do). Throws
   * `MessageNotFoundError` (404: unknown or expired), `MessageNotAvailableError` (409: leased
   * elsewhere, or a duplicate — then `originalMessageId` names the first message) or
   * `MessageAlreadyProcessedError` (410: already acknowledged), or `ProtocolError` when the
   * JSON payload does not parse (its `receiptHandle` is set, so it can be acknowledged).
   */
  async receiveById<T = unknown>(
    topic: string,
    consumerGroup: string,
    messageId: string,
    options: ReceiveByIdOptions = {},
  ): Promise<ReceivedMessage<T>> {
    validateTopic(topic);
    validateConsumerGroup(consumerGroup);
    validateOpaqueId("messageId", messageId);
    const context: CallContext = { operation: "receiveById", topic, consumerGroup, messageId };

    return this.#transport.request(
      {
        method: "POST",
        url: `${this.#groupUrl(topic, consumerGroup)}/id/${encodeURIComponent(messageId)}`,
        headers: leaseHeaders(options.visibilityTimeoutSeconds),
        context,
        replay: "transient",
      },
      async (answer, signal) => {
        const messages = await readReceivedMessages<T>(answer, context, signal);
        return onlyMessage(messages, answer.status, context);
      },
    );
  }

  /** Acknowledges (deletes) the message of the lease `receiptHandle`: it is done for good. */
  async acknowledge(topic: string, consumerGroup: string, receiptHandle: string): Promise<void> {
    validateTopic(topic);
    validateConsumerGroup(consumerGroup);
    validateOpaqueId("receiptHandle", receiptHandle);

    return this.#transport.request(
      {
        method: "DELETE",
        url: this.#leaseUrl(topic, consumerGroup, receiptHandle),
        context: { operation: "acknowledge", topic, consumerGroup },
        replay: "transient",
      },
      (answer) => drain(answer, undefined),
    );
  }

  /**
   * Sets the lease `receiptHandle` to end `visibilityTimeoutSeconds` (0…3600) from now: extends
   * a running lease, or with a delay schedules a retry; `0` makes the message visible at once.
   */
  async changeVisibility(
    topic: string,
    consumerGroup: string,
    receiptHandle: string,
    visibilityTimeoutSeconds: number,
  ): Promise<void> {
    validateTopic(topic);
    validateConsumerGroup(consumerGroup);
    validateOpaqueId("receiptHandle", receiptHandle);
    validateVisibilityTimeout(visibilityTimeoutSeconds);

    return this.#transport.request(
      {
        method: "PATCH",
        url: this.#leaseUrl(topic, consumerGroup, receiptHandle),
        headers: { "content-type": "application/json" },
        body: `{"visibilityTimeoutSeconds":${visibilityTimeoutSeconds}}`,
        context: { operation: "changeVisibility", topic, consumerGroup },
        replay: "transient",
      },
      (answer) => drain(answer, undefined),
    );
  }

  /**
   * A client with the same options for another region (a message can only be received,
   * acknowledged or extended in the region it was sent to; push callbacks name it in
   * `ce-vqsregion`). An explicit `baseUrl` (or `VERCEL_QUEUE_BASE_URL`) stays as it is.
   * The {@link MAX_REGION_CLIENTS} most recently used are cached: the region comes from a
   * request header, so an unbounded cache would let callers grow it at will.
   */
  forRegion(region: string): QueueClient {
    if (region === this.region) return this;

    let client = this.#regionClients.get(region);
    if (client === undefined) {
      client = new QueueClient({ ...this.#options, region });
    } else {
      // Re-inserting moves the region to the end: a Map iterates in insertion order.
      this.#regionClients.delete(region);
    }
    this.#regionClients.set(region, client);

    if (this.#regionClients.size > MAX_REGION_CLIENTS) {
      const [leastRecent] = this.#regionClients.keys();
      if (leastRecent !== undefined) this.#regionClients.delete(leastRecent);
    }

    return client;
  }

  // Names are validated to URL-safe characters already; encoding them anyway keeps every path
  // segment right should the name rules ever widen.
  #topicUrl(topic: string): string {
    return this.#topicPrefix + encodeURIComponent(topic);
  }

  #groupUrl(topic: string, consumerGroup: string): string {
    return `${this.#topicUrl(topic)}/consumer/${encodeURIComponent(consumerGroup)}`;
  }

  #leaseUrl(topic: string, consumerGroup: string, receiptHandle: string): string {
    return `${this.#groupUrl(topic, consumerGroup)}/lease/${encodeURIComponent(receiptHandle)}`;
  }
}

function leaseHeaders(visibilityTimeoutSeconds: number | undefined): Record<string, string> {
  const seconds = visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  validateVisibilityTimeout(seconds);

  return {
    accept: "multipart/mixed",
    "vqs-visibility-timeout-seconds": String(seconds),
  };
}

// Batch parts carry the client's custom headers too, below the message's own.
function withHeaders(message: PreparedMessage, clientHeaders: Record<string, string>) {
  return { ...message, headers: { ...clientHeaders, ...message.headers } };
}

async function readSendResult(answer: Answer, context: CallContext): Promise<SendResult> {
  const text = await answer.text();
  if (answer.status === 202) return { status: "deferred", messageId: null };

  const messageId = parseMessageId(text);
  if (messageId === undefined) {
    throw new ProtocolError(
      `send on topic "${context.topic}" got HTTP ${answer.status} without a messageId in ` +
        `its body (${JSON.stringify(text.slice(0, 200))}).`,
      { ...context, status: answer.status },
    );
  }

  return { status: "sent", messageId };
}

function parseMessageId(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { messageId?: unknown } | null;
    const id = json?.messageId;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
}

function onlyMessage<T>(
  messages: ReceivedMessage<T>[],
  status: number,
  context: CallContext,
): ReceivedMessage<T> {
  const [message] = messages;

  if (message === undefined || messages.length !== 1) {
    throw new ProtocolError(
      `receiveById on topic "${context.topic}", message "${context.messageId}" got HTTP ` +
        `${status} with ${messages.length} messages instead of exactly one.`,
      { ...context, status },
    );
  }

  return message;
}

// Reading the body to its end lets the connection serve the next request (keep-alive).
async function drain<T>(answer: Answer, value: T): Promise<T> {
  await answer.discard();
  return value;
}
