/**
 * Malformed and hostile input: every bad request gets a 4xx JSON answer and the service keeps
 * serving afterwards.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueService } from "../../src/dev/index.js";
import { api, closeAll, receive, send, startService, TOKEN } from "./helpers.js";

afterEach(closeAll);

/** Sends raw bytes on a fresh socket and returns everything the server answers. */
function rawRequest(service: QueueService, bytes: string): Promise<string> {
  const { port } = new URL(service.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

async function stillServes(service: QueueService): Promise<void> {
  const id = await send(service, "alive", '"ping"');
  const [part] = await receive(service, "alive", `check-${id.replace(/\W/g, "")}`);
  expect(part?.body).toBe('"ping"');
}

function jsonBody(raw: string): { error: string } {
  return JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as { error: string };
}

describe("malformed requests", () => {
  it("answers 400 JSON for a path with broken percent-encoding", async () => {
    const service = await startService();
    const res = await api(service, "bad%E0%A4%A/consumer/g", { method: "POST" });

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/percent-encoding/);
    await stillServes(service);
  });

  it("answers 431 JSON for oversized headers and keeps serving", async () => {
    const service = await startService();
    const raw = await rawRequest(
      service,
      `POST /api/v3/topic/t HTTP/1.1\r\nHost: x\r\nX-Huge: ${"a".repeat(20_000)}\r\n\r\n`,
    );

    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/json/i);
    expect(jsonBody(raw).error).toMatch(/headers are too large/);
    await stillServes(service);
  });

  it("answers 400 JSON for bytes that are not HTTP and keeps serving", async () => {
    const service = await startService();
    const raw = await rawRequest(service, "\x00\x01garbage\r\n\r\n");

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(jsonBody(raw).error).toMatch(/not valid HTTP/);
    await stillServes(service);
  });

  it("answers 400 JSON for a huge idempotency key header", async () => {
    const service = await startService();
    const res = await api(service, "t", {
      method: "POST",
      body: "{}",
      headers: { "vqs-idempotency-key": "k".repeat(10_000) },
    });

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/limit is 256/);
  });

  it("answers 400 JSON for a repeated integer header", async () => {
    const service = await startService();
    const raw = await rawRequest(
      service,
      "POST /api/v3/topic/t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        `Authorization: Bearer ${TOKEN}\r\nVqs-Delay-Seconds: 1\r\nVqs-Delay-Seconds: 2\r\n` +
        "Content-Length: 2\r\n\r\n{}",
    );

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(jsonBody(raw).error).toMatch(/Vqs-Delay-Seconds must be a whole number/);
  });

  it("survives a client that disconnects in the middle of a body", async () => {
    const service = await startService();
    const { port } = new URL(service.url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.write(
          "POST /api/v3/topic/t HTTP/1.1\r\nHost: x\r\n" +
            `Authorization: Bearer ${TOKEN}\r\nContent-Length: 1000\r\n\r\npartial`,
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });

    await stillServes(service);
    expect(service.stats().messages).toBe(1);
  });

  it("answers every random request with a status and JSON errors, and never crashes", async () => {
    const service = await startService({ maxPayloadBytes: 4096 });
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    const paths = [
      "",
      "t",
      "t/batch",
      "t/consumer",
      "t/consumer/g",
      "t/consumer/g/id/x",
      "t/consumer/g/lease/rh%3A1%2Fx",
      "t/consumer/g/lease/rh%3A1%2Fx/visibility",
      "%%%",
      "t/consumer/%FF",
      "../../etc",
      "t/consumer/g/id/",
    ];
    const headerSets: Array<Record<string, string>> = [
      {},
      { accept: "multipart/mixed" },
      { "vqs-max-messages": "-3", accept: "multipart/mixed" },
      { "vqs-visibility-timeout-seconds": "1e9", accept: "multipart/mixed" },
      { "content-type": "multipart/mixed; boundary=" },
      { "content-type": "multipart/mixed" },
      { "vqs-retention-seconds": "" },
      { authorization: "" },
    ];
    const bodies = [undefined, "", "{", "null", '{"visibilityTimeoutSeconds":5}', "x".repeat(5000)];

    let seed = 7;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length] as T;
    };

    for (let i = 0; i < 300; i++) {
      const method = pick(methods);
      const body = method === "GET" ? undefined : pick(bodies);
      const res = await api(service, pick(paths), { method, body, headers: pick(headerSets) });

      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.headers.get("content-type")).toMatch(/application\/json/);
        const json = (await res.json()) as { error: unknown };
        expect(typeof json.error).toBe("string");
      } else {
        await res.arrayBuffer();
      }
    }
    await stillServes(service);
  });
});
