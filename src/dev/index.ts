/**
 * `vercel-workers/dev`: the local Queue Service. It speaks the Vercel Queue Service API v3 over
 * HTTP, exactly as the official SDK does, and pushes v2beta CloudEvents to callback routes, so
 * an app runs end to end on a laptop or in CI without a Vercel account. Node only.
 */
export {
  InvalidServiceOptionError,
  InvalidSubscriptionError,
  isQueueServiceError,
  QueueServiceError,
  ServiceListenError,
  VercelJsonError,
} from "./errors.js";
export type { Logger } from "./logger.js";
export {
  DEFAULT_CLI_PORT,
  DEFAULT_HOST,
  DEFAULT_INLINE_THRESHOLD_BYTES,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_PUSH_VISIBILITY_TIMEOUT_SECONDS,
  DEFAULT_REGION,
  type QueueServiceOptions,
} from "./options.js";
export type { SubscriptionStats } from "./push/dispatcher.js";
export type { ResolvedSubscription, Subscription } from "./push/subscription.js";
export { type QueueService, type QueueServiceStats, startQueueService } from "./service.js";
export {
  type ReadVercelJsonOptions,
  readVercelJsonSubscriptions,
  routePathForFunction,
  sanitizeConsumerName,
} from "./vercel-json.js";
