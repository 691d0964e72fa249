/**
 * Consumer layer: subscriptions, push callback handling (every CloudEvent form the platform
 * sends), lease keep-alive, outcome directives and the polling worker. Runtime-neutral: it
 * needs only `fetch`, web `Request`/`Response` and timers.
 */

export { checkContentLength, DEFAULT_MAX_BODY_BYTES, readRequestBody } from "./body.js";
export {
  type CallbackInput,
  type CallbackResponseBody,
  type CallbackResult,
  processCallback,
} from "./callback.js";
export {
  type CallbackHandlerOptions,
  createCallbackHandler,
  type FetchHandler,
  type HandlerCallbackOptions,
  parseCallback,
  toResponse,
} from "./callback-handler.js";
export {
  type CallbackEvent,
  type CallbackEventBase,
  CLOUD_EVENT_TYPE_V1BETA,
  CLOUD_EVENT_TYPE_V2BETA,
  type ClaimCallbackEvent,
  type HeaderSource,
  type InlineCallbackEvent,
  parseCallbackEvent,
  STRUCTURED_CONTENT_TYPE,
} from "./cloud-event.js";
export {
  Consumer,
  createConsumer,
  getDefaultConsumer,
  type Subscription,
  subscribe,
} from "./consumer.js";
export {
  acknowledgePoison,
  type DeliveryContext,
  type DeliveryOutcome,
  deliver,
  type LeasedMessage,
} from "./delivery.js";
export {
  Ack,
  ack,
  type Directive,
  isAck,
  isDirective,
  isRetryAfter,
  RetryAfter,
  retryAfter,
} from "./directives.js";
export {
  ConsumerError,
  type ConsumerErrorDetails,
  ConsumerShutdownError,
  InvalidCallbackError,
  InvalidRegionError,
  InvalidTopicPatternError,
  isConsumerError,
  LeaseLostError,
  NoSubscriptionError,
  PayloadTooLargeError,
  RawBodyRequiredError,
  SettleFailedError,
  SubscriptionConflictError,
  UnsupportedContentTypeError,
} from "./errors.js";
export type { ConsumerEvent, ConsumerEventType, MessageRef } from "./events.js";
export { type LeaseClient, LeaseKeeper, type LeaseKeeperOptions } from "./lease.js";
export {
  clampDelaySeconds,
  DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
  defaultRetryDelay,
  type ResolvedDeliveryOptions,
} from "./options.js";
export type {
  ConsumerOptions,
  DeliveryOptions,
  MessageHandler,
  MessageMetadata,
  RetryDelay,
  SubscribeOptions,
} from "./types.js";
export {
  createPollingWorker,
  type HandlerPollingWorkerOptions,
  PollingWorker,
  type PollingWorkerOptions,
} from "./worker.js";
