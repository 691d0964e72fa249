/**
 * Push subscriptions: which topics the local Queue Service pushes to which callback URL, under
 * which consumer group, and how (lease length, retry floor, concurrency, delivery cap).
 */
import { InvalidSubscriptionError } from "../errors.js";
import { MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS, NAME_PATTERN } from "../limits.js";

/** A push subscription as given in code, on the command line or read from vercel.json. */
export interface Subscription {
  /**
   * Topic to push: an exact name (`orders`), a prefix ending in one `*` (`orders-*`), or `*`
   * for every topic.
   */
  topic: string;
  /** Consumer group the pushes lease under. Each group gets its own copy of every message. */
  consumerGroup: string;
  /** Callback URL the CloudEvents are POSTed to (`http:` or `https:`). */
  url: string;
  /**
   * Lease given with each push, in seconds. The consumer extends it while it works; an
   * unsuccessful push leaves the message invisible until the lease ends.
   * Default: the service's `pushVisibilityTimeoutSeconds` (60).
   */
  visibilityTimeoutSeconds?: number;
  /**
   * Least time after a failed push (non-2xx, network error, timeout) before the message is
   * pushed again, in seconds. It only ever lengthens the remaining lease, never shortens it.
   * @default 0
   */
  retryAfterSeconds?: number;
  /**
   * Holds back each message's first push until this many seconds after it was sent.
   * @default 0
   */
  initialDelaySeconds?: number;
  /**
   * Pushes in flight at once for this subscription.
   * Default: the service's `maxConcurrency` (10).
   */
  maxConcurrency?: number;
  /**
   * Deliveries after which a message that still was not acknowledged is dropped for this
   * group (with a warning). Default: the service's `maxDeliveries` (32).
   */
  maxDeliveries?: number;
  /** Where the subscription came from, for messages (e.g. `vercel.json app/api/x/route.ts`). */
  source?: string;
}

/** A subscription with every default applied. */
export interface ResolvedSubscription extends Required<Omit<Subscription, "source">> {
  source: string | undefined;
}

export interface SubscriptionDefaults {
  visibilityTimeoutSeconds: number;
  maxConcurrency: number;
  maxDeliveries: number;
}

const TOPIC_PATTERN = /^[A-Za-z0-9_-]*\*?$/;

/** Checks a subscription and fills in its defaults; throws {@link InvalidSubscriptionError}. */
export function resolveSubscription(
  subscription: Subscription,
  defaults: SubscriptionDefaults,
): ResolvedSubscription {
  if (typeof subscription !== "object" || subscription === null) {
    throw new InvalidSubscriptionError("expected an object { topic, consumerGroup, url }");
  }

  const { topic, consumerGroup, url } = subscription;
  checkTopicPattern(topic);
  checkConsumerGroup(consumerGroup);
  checkUrl(url);

  return {
    topic,
    consumerGroup,
    url,
    visibilityTimeoutSeconds: wholeNumber(
      "visibilityTimeoutSeconds",
      subscription.visibilityTimeoutSeconds ?? defaults.visibilityTimeoutSeconds,
      1,
      MAX_VISIBILITY_SECONDS,
    ),
    retryAfterSeconds: wholeNumber(
      "retryAfterSeconds",
      subscription.retryAfterSeconds ?? 0,
      0,
      MAX_VISIBILITY_SECONDS,
    ),
    initialDelaySeconds: wholeNumber(
      "initialDelaySeconds",
      subscription.initialDelaySeconds ?? 0,
      0,
      MAX_DELAY_SECONDS,
    ),
    maxConcurrency: wholeNumber(
      "maxConcurrency",
      subscription.maxConcurrency ?? defaults.maxConcurrency,
      1,
      10_000,
    ),
    maxDeliveries: wholeNumber(
      "maxDeliveries",
      subscription.maxDeliveries ?? defaults.maxDeliveries,
      1,
      1_000_000,
    ),
    source: subscription.source,
  };
}

/** Whether a subscription's topic pattern covers a topic. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern.endsWith("*")) return topic.startsWith(pattern.slice(0, -1));
  return pattern === topic;
}

function checkTopicPattern(topic: unknown): void {
  if (typeof topic === "string" && topic !== "" && TOPIC_PATTERN.test(topic)) return;

  throw new InvalidSubscriptionError(
    `topic ${JSON.stringify(topic)} must be a topic name (letters, digits, "_", "-"), ` +
      'optionally ending in one "*" wildcard, or "*"',
  );
}

function checkConsumerGroup(group: unknown): void {
  if (typeof group === "string" && NAME_PATTERN.test(group)) return;

  throw new InvalidSubscriptionError(
    `consumerGroup ${JSON.stringify(group)} must use only letters, digits, "_" and "-"`,
  );
}

function checkUrl(url: unknown): void {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:")) return;

  throw new InvalidSubscriptionError(
    `url ${JSON.stringify(url)} must be an absolute http(s) URL, ` +
      "e.g. http://localhost:3000/api/queue",
  );
}

function wholeNumber(option: string, value: unknown, min: number, max: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new InvalidSubscriptionError(
    `${option} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`,
  );
}
