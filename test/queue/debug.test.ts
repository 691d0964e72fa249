import { describe, expect, it } from "vitest";
import { formatHeaders, logRequest, logResponse, redactUrl } from "../../src/queue/debug.js";

describe("debug lines", () => {
  it("redact the token and receipt handles", () => {
    const headers = formatHeaders({
      Authorization: "Bearer hidden1",
      "vqs-receipt-handle": "hidden2",
      "x-proxy-token": "hidden3",
      "x-api-key": "hidden4",
      "x-team": "visible",
    });
    expect(headers).not.toContain("hidden");
    expect(headers).toContain("x-team: visible");
    expect(redactUrl("http://x/api/v3/topic/t/consumer/g/lease/abc%2Fdef")).toBe(
      "http://x/api/v3/topic/t/consumer/g/lease/<redacted>",
    );
  });

  it("go to logger.debug, else logger.info", () => {
    const lines: string[] = [];
    logRequest({ debug: (line) => lines.push(line) }, "POST", "http://x/t", { a: "1" }, 12);
    logResponse({ info: (line) => lines.push(line) }, "POST", "http://x/t", 201, 0);
    expect(lines[0]).toContain("-> POST http://x/t body=12B headers={a: 1}");
    expect(lines[1]).toMatch(/<- 201 POST http:\/\/x\/t \d+ms/);
  });
});
