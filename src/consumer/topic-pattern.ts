/**
 * Topic patterns of subscriptions, with the platform's rule for queue triggers: a topic name,
 * optionally ending in ONE `*` that matches any rest (including nothing). `*` alone matches
 * every topic.
 */

import { InvalidTopicPatternError } from "./errors.js";

const PATTERN = /^[A-Za-z0-9_-]*\*?$/;

/** A parsed topic pattern. */
export interface TopicPattern {
  /** The pattern as written, e.g. `"orders-*"`. */
  readonly source: string;
  /** Fixed part before the wildcard, or the whole topic when there is none. */
  readonly prefix: string;
  readonly wildcard: boolean;
}

/** Parses and checks a pattern; throws {@link InvalidTopicPatternError} when invalid. */
export function parseTopicPattern(source: string): TopicPattern {
  if (typeof source !== "string" || source === "" || !PATTERN.test(source)) {
    throw new InvalidTopicPatternError(String(source));
  }

  const wildcard = source.endsWith("*");
  return { source, prefix: wildcard ? source.slice(0, -1) : source, wildcard };
}

/** Whether `topic` matches `pattern`. */
export function matchesTopic(pattern: TopicPattern, topic: string): boolean {
  return pattern.wildcard ? topic.startsWith(pattern.prefix) : topic === pattern.prefix;
}

/**
 * How specific a pattern is: an exact topic beats every wildcard, and a longer wildcard prefix
 * beats a shorter one. Higher is more specific.
 */
export function topicSpecificity(pattern: TopicPattern): number {
  return pattern.wildcard ? pattern.prefix.length : Number.MAX_SAFE_INTEGER;
}
