import { describe, expect, it } from "vitest";
import { isConsumerError } from "../../src/consumer/errors.js";
import {
  matchesTopic,
  parseTopicPattern,
  topicSpecificity,
} from "../../src/consumer/topic-pattern.js";

describe("parseTopicPattern", () => {
  it("accepts names, a trailing wildcard, and * alone", () => {
    expect(parseTopicPattern("orders")).toEqual({
      source: "orders",
      prefix: "orders",
      wildcard: false,
    });
    expect(parseTopicPattern("orders-*")).toEqual({
      source: "orders-*",
      prefix: "orders-",
      wildcard: true,
    });
    expect(parseTopicPattern("*")).toEqual({ source: "*", prefix: "", wildcard: true });
  });

  it.each(["", "a*b", "**", "or ders", "orders/eu", "ord*ers*", "é"])(
    "rejects %j with a typed error naming the rule",
    (pattern) => {
      let caught: unknown;
      try {
        parseTopicPattern(pattern);
      } catch (error) {
        caught = error;
      }
      expect(isConsumerError(caught) && caught.code).toBe("invalid_topic_pattern");
      expect((caught as Error).message).toContain("[A-Za-z0-9_-]+");
    },
  );
});

describe("matchesTopic", () => {
  it("matches exact names exactly and wildcards by prefix", () => {
    expect(matchesTopic(parseTopicPattern("orders"), "orders")).toBe(true);
    expect(matchesTopic(parseTopicPattern("orders"), "orders-eu")).toBe(false);
    expect(matchesTopic(parseTopicPattern("orders-*"), "orders-eu")).toBe(true);
    expect(matchesTopic(parseTopicPattern("orders-*"), "orders-")).toBe(true);
    expect(matchesTopic(parseTopicPattern("orders-*"), "orders")).toBe(false);
    expect(matchesTopic(parseTopicPattern("*"), "anything")).toBe(true);
  });
});

describe("topicSpecificity", () => {
  it("ranks exact over long prefix over short prefix over *", () => {
    const ranks = ["orders-eu", "orders-*", "orders*", "*"].map((p) =>
      topicSpecificity(parseTopicPattern(p)),
    );
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(4);
  });
});
