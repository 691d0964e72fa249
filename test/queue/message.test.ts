import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/queue/config.js";
import { ConfigurationError } from "../../src/queue/errors.js";
import { prepareMessage } from "../../src/queue/message.js";

const config = resolveConfig({ token: "t" }, {});

describe("prepareMessage", () => {
  it("sends plain JSON with only a content type", () => {
    const message = prepareMessage("t", { a: 1 }, undefined, config);
    expect(message).toEqual({
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
      idempotent: false,
    });
  });

  it("adds Vqs-* option headers only when set", () => {
    const message = prepareMessage(
      "t",
      "x",
      { idempotencyKey: "k1", retentionSeconds: 600, delaySeconds: 30 },
      config,
    );
    expect(message.headers).toEqual({
      "content-type": "application/json",
      "vqs-idempotency-key": "k1",
      "vqs-retention-seconds": "600",
      "vqs-delay-seconds": "30",
    });
    expect(message.idempotent).toBe(true);
    expect(prepareMessage("t", "x", {}, config).headers).toEqual({
      "content-type": "application/json",
    });
  });

  it("uses the client's retentionSeconds as the default retention", () => {
    const withRetention = resolveConfig({ token: "t", retentionSeconds: 120 }, {});
    expect(prepareMessage("t", 1, undefined, withRetention).headers).toMatchObject({
      "vqs-retention-seconds": "120",
    });
    expect(prepareMessage("t", 1, { retentionSeconds: 90 }, withRetention).headers).toMatchObject({
      "vqs-retention-seconds": "90",
    });
  });

  it("drops reserved per-message headers and keeps the rest", () => {
    const message = prepareMessage(
      "t",
      1,
      { headers: { Authorization: "x", "Vqs-Delay-Seconds": "9", "X-Trace": "abc" } },
      config,
    );
    expect(message.headers).toEqual({ "content-type": "application/json", "x-trace": "abc" });
  });

  it("sends bytes with another content type", () => {
    const bytes = new Uint8Array([1, 2]);
    const message = prepareMessage("t", bytes, { contentType: "application/octet-stream" }, config);
    expect(message.body).toBe(bytes);
    expect(message.headers["content-type"]).toBe("application/octet-stream");
  });

  it("checks a delay against the default 24 h retention when none is set", () => {
    expect(() => prepareMessage("t", 1, { delaySeconds: 86_401 }, config)).toThrow(
      ConfigurationError,
    );
    expect(() =>
      prepareMessage("t", 1, { delaySeconds: 7200, retentionSeconds: 3600 }, config),
    ).toThrow(/beyond its retention/);
  });
});
