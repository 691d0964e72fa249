/**
 * Queue Service client: the public names of the protocol layer. Internals (config resolution,
 * transport, multipart reading) stay private to this folder.
 */

export { QueueClient } from "./client.js";
export { dispatcherFetch } from "./dispatcher-fetch.js";
export {
  BadRequestError,
  CommunicationError,
  ConfigurationError,
  ConsumerDiscoveryError,
  ConsumerRegistryNotConfiguredError,
  DuplicateIdempotencyKeyError,
  ForbiddenError,
  InternalServerError,
  InvalidPayloadError,
  isQueueError,
  MessageAlreadyProcessedError,
  type MessageNotAvailableDetails,
  MessageNotAvailableError,
  MessageNotFoundError,
  MissingTokenError,
  ProtocolError,
  type ProtocolErrorDetails,
  QueueError,
  type QueueErrorDetails,
  ThrottledError,
  UnauthorizedError,
  UnexpectedStatusError,
} from "./errors.js";
export { send } from "./send.js";
export type {
  BatchMessage,
  BatchSendResult,
  Logger,
  QueueClientOptions,
  ReceiveByIdOptions,
  ReceivedMessage,
  ReceiveOptions,
  RetryPolicy,
  SendOptions,
  SendResult,
} from "./types.js";
export {
  MAX_BATCH_SIZE,
  MAX_DELAY_SECONDS,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_RECEIVE_LIMIT,
  MAX_RETENTION_SECONDS,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  MIN_RETENTION_SECONDS,
} from "./validation.js";
