import { describe, expect, it } from "vitest";
import {
  Ack,
  ack,
  isAck,
  isDirective,
  isRetryAfter,
  RetryAfter,
  retryAfter,
} from "../../src/consumer/directives.js";

describe("directives", () => {
  it("retryAfter() carries its delay and reason and is a throwable Error", () => {
    const directive = retryAfter(30, "inventory not synced");

    expect(directive).toBeInstanceOf(RetryAfter);
    expect(directive).toBeInstanceOf(Error);
    expect(directive.seconds).toBe(30);
    expect(directive.reason).toBe("inventory not synced");
    expect(directive.stack).toBeTypeOf("string");
    expect(isRetryAfter(directive)).toBe(true);
    expect(isAck(directive)).toBe(false);
  });

  it("negative or non-finite delays become 0", () => {
    expect(retryAfter(-5).seconds).toBe(0);
    expect(retryAfter(Number.NaN).seconds).toBe(0);
    expect(retryAfter(Number.POSITIVE_INFINITY).seconds).toBe(0);
  });

  it("ack() is recognised by brand and code", () => {
    const directive = ack("cancelled");

    expect(directive).toBeInstanceOf(Ack);
    expect(directive.reason).toBe("cancelled");
    expect(isAck(directive)).toBe(true);
    expect(isRetryAfter(directive)).toBe(false);
  });

  it("plain errors and look-alike objects are not directives", () => {
    expect(isDirective(new Error("retry_after"))).toBe(false);
    expect(isDirective({ code: "ack" })).toBe(false);
    expect(isDirective({ afterSeconds: 30 })).toBe(false);
    expect(isDirective(null)).toBe(false);
    expect(isDirective("ack")).toBe(false);
  });

  it("the brand survives a second copy of the class (Symbol.for)", () => {
    const foreign = Object.create({ [Symbol.for("vercel-workers.Directive")]: true });
    foreign.code = "retry_after";
    foreign.seconds = 7;

    expect(isRetryAfter(foreign)).toBe(true);
  });
});
