import { describe, expect, it } from "vitest";
import { InvalidPayloadError, ProtocolError } from "../../src/queue/errors.js";
import { decodePayload, encodePayload, isJsonContentType } from "../../src/queue/payload.js";

describe("isJsonContentType", () => {
  it("matches application/json with parameters, case-insensitively", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType("Application/JSON; charset=utf-8")).toBe(true);
    expect(isJsonContentType("application/jsonl")).toBe(false);
    expect(isJsonContentType("text/plain")).toBe(false);
  });
});

describe("encodePayload", () => {
  it("serialises JSON for the JSON content type", () => {
    expect(encodePayload({ a: [1, "x"] }, "application/json", "t")).toBe('{"a":[1,"x"]}');
    expect(encodePayload("text", "application/json", "t")).toBe('"text"');
  });

  it("sends strings and bytes as they are for other content types", () => {
    const bytes = new Uint8Array([0, 255]);
    expect(encodePayload(bytes, "application/octet-stream", "t")).toBe(bytes);
    expect(encodePayload("raw", "text/plain", "t")).toBe("raw");
    expect(encodePayload(new ArrayBuffer(2), "application/octet-stream", "t")).toEqual(
      new Uint8Array(2),
    );
  });

  it("rejects objects for non-JSON content types, naming the topic", () => {
    expect(() => encodePayload({ a: 1 }, "text/plain", "orders")).toThrow(InvalidPayloadError);
    expect(() => encodePayload({ a: 1 }, "text/plain", "orders")).toThrow(/topic "orders"/);
  });

  it("rejects values with no JSON form", () => {
    expect(() => encodePayload(undefined, "application/json", "t")).toThrow(/no JSON form/);
    expect(() => encodePayload(10n, "application/json", "t")).toThrow(/not JSON-serialisable/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodePayload(cyclic, "application/json", "t")).toThrow(InvalidPayloadError);
  });
});

describe("decodePayload", () => {
  const details = { topic: "t", messageId: "m", receiptHandle: "h" };

  it("parses JSON and keeps other types as bytes", () => {
    const json = new TextEncoder().encode('{"ok":true}');
    expect(decodePayload(json, "application/json", details)).toEqual({ ok: true });
    expect(decodePayload(json, "text/plain", details)).toBe(json);
  });

  it("throws a ProtocolError with the message id and receipt handle for bad JSON", () => {
    const bad = new TextEncoder().encode("{nope");
    try {
      decodePayload(bad, "application/json", details);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).messageId).toBe("m");
      expect((error as ProtocolError).receiptHandle).toBe("h");
      expect((error as ProtocolError).message).toContain('Message "m"');
    }
  });
});
