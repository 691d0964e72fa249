import { describe, expect, it } from "vitest";
import {
  createTaskEnvelope,
  readTaskEnvelope,
  TASK_ENVELOPE_KIND,
  TASK_ENVELOPE_VERSION,
} from "../../src/tasks/backends/vercel/envelope.js";

const valid = createTaskEnvelope({
  resultId: "3f0c9a4e-0000-4000-8000-000000000000",
  task: "emails.send",
  queue: "emails",
  backend: "default",
  args: ["ada@example.com", { subject: "Hi" }],
  runAfter: null,
  enqueuedAt: "2026-01-01T00:00:00.000Z",
});

function problemOf(payload: unknown): string {
  const reading = readTaskEnvelope(payload);
  if (reading.ok) throw new Error("expected the payload to be refused");
  return reading.problem;
}

describe("task envelope", () => {
  it("is marked with its kind and version", () => {
    expect(valid.kind).toBe(TASK_ENVELOPE_KIND);
    expect(valid.version).toBe(TASK_ENVELOPE_VERSION);
  });

  it("reads back what was written, after a JSON round trip", () => {
    const reading = readTaskEnvelope(JSON.parse(JSON.stringify(valid)));

    expect(reading).toEqual({ ok: true, envelope: valid });
  });

  it.each([
    [null, "expected a JSON object, got null"],
    [[1, 2], "expected a JSON object, got an array"],
    ["text", 'expected a JSON object, got "text"'],
    [new TextEncoder().encode("raw"), "3 bytes that are not JSON"],
    [{ hello: "world" }, '"kind" is nothing'],
    [{ ...valid, kind: "celery" }, '"kind" is "celery"'],
    [{ ...valid, version: 2 }, "envelope version number 2 is not supported"],
    [{ ...valid, resultId: "" }, '"resultId" must be a non-empty string'],
    [{ ...valid, task: 7 }, '"task" must be a non-empty string, got number 7'],
    [{ ...valid, args: { 0: 1 } }, '"args" must be an array'],
    [{ ...valid, runAfter: "soon" }, '"runAfter" must be an ISO-8601 instant or null'],
    [{ ...valid, enqueuedAt: "yesterday" }, '"enqueuedAt" must be an ISO-8601 instant'],
  ])("refuses %j, saying why", (payload, problem) => {
    const message = problemOf(payload);

    expect(message).toContain("not a vercel-workers task envelope");
    expect(message).toContain(problem);
  });
});
