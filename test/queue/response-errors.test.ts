import { describe, expect, it } from "vitest";
import type { QueueError } from "../../src/queue/errors.js";
import { answerFromResponse } from "../../src/queue/exchange.js";
import {
  type CallContext,
  describeCall,
  errorFromResponse,
  mapStatusToError,
  parseErrorBody,
} from "../../src/queue/response-errors.js";

const claim: CallContext = {
  operation: "receiveById",
  topic: "orders",
  consumerGroup: "billing",
  messageId: "m-1",
};
const sendCall: CallContext = { operation: "send", topic: "orders" };

function map(status: number, context: CallContext, body = "", headers: HeadersInit = {}) {
  const table = new Headers(headers);
  return mapStatusToError(status, (name) => table.get(name), parseErrorBody(body), context);
}

describe("mapStatusToError", () => {
  it.each([
    [400, claim, "bad_request"],
    [401, claim, "unauthorized"],
    [403, claim, "forbidden"],
    [404, claim, "message_not_found"],
    [409, claim, "message_not_available"],
    [410, claim, "message_already_processed"],
    [429, claim, "throttled"],
    [500, claim, "internal_server_error"],
    [502, claim, "internal_server_error"],
    [409, sendCall, "duplicate_idempotency_key"],
    [503, sendCall, "consumer_registry_not_configured"],
    [503, claim, "internal_server_error"],
    [404, sendCall, "unexpected_status"],
    [418, claim, "unexpected_status"],
  ] as const)("HTTP %i on %o -> %s", (status, context, code) => {
    const error = map(status, context);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.operation).toBe(context.operation);
    expect(error.topic).toBe("orders");
  });

  it("maps 502 with Vqs-Error-Code consumer_discovery_failed to ConsumerDiscoveryError", () => {
    const error = map(502, sendCall, "", { "Vqs-Error-Code": "consumer_discovery_failed" });
    expect(error.code).toBe("consumer_discovery_failed");
    expect(error.retryable).toBe(true);
  });

  it("quotes the server's {error} message, the operation, topic and ids", () => {
    const error = map(400, claim, JSON.stringify({ error: "Invalid visibility timeout" }));
    expect(error.message).toContain("Invalid visibility timeout");
    expect(error.message).toContain('receiveById on topic "orders"');
    expect(error.message).toContain('consumer group "billing"');
    expect(error.message).toContain('message "m-1"');
  });

  it("quotes a plain-text body as is", () => {
    expect(map(500, sendCall, "upstream exploded").message).toContain(": upstream exploded.");
  });

  it("carries originalMessageId of a duplicate on a 409", () => {
    const body = JSON.stringify({ error: "duplicate", originalMessageId: "first" });
    const error = map(409, claim, body) as QueueError & { originalMessageId?: string };
    expect(error.originalMessageId).toBe("first");
    expect(error.message).toContain('use originalMessageId "first"');
  });

  it("reads Retry-After (seconds or HTTP date) into a ThrottledError", () => {
    const seconds = map(429, claim, "", { "Retry-After": "4" }) as QueueError & {
      retryAfterSeconds: number | null;
    };
    expect(seconds.retryAfterSeconds).toBe(4);
    const future = new Date(Date.now() + 60_000).toUTCString();
    const dated = map(429, claim, "", { "Retry-After": future }) as typeof seconds;
    expect(dated.retryAfterSeconds).toBeGreaterThan(50);
    const none = map(429, claim) as typeof seconds;
    expect(none.retryAfterSeconds).toBeNull();
  });
});

describe("errorFromResponse", () => {
  it("reads the body of a real Response", async () => {
    const response = new Response(JSON.stringify({ error: "Message not found" }), { status: 404 });
    const error = await errorFromResponse(answerFromResponse(response), claim);
    expect(error.code).toBe("message_not_found");
    expect(error.message).toContain("Message not found");
  });
});

describe("parseErrorBody", () => {
  it("truncates long bodies and survives broken JSON", () => {
    expect(parseErrorBody("x".repeat(600)).text).toHaveLength(501);
    expect(parseErrorBody("{broken")).toEqual({ text: "{broken" });
  });
});

describe("describeCall", () => {
  it("names only what is known", () => {
    expect(describeCall(sendCall)).toBe('send on topic "orders"');
  });
});
