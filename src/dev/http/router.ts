/**
 * Maps a request line to one operation of the Queue Service API v3. The API may sit under any
 * path prefix (`/anything/api/v3/topic/...`), so base URLs with a path work. Segments are split
 * on raw `/` before percent-decoding, so an encoded `%2F` inside a receipt handle stays part of
 * its segment.
 */
import { NAME_PATTERN } from "../limits.js";
import { ApiError, badRequest } from "./api-error.js";
import { quote } from "./request.js";

const API_ROOT = "/api/v3/topic/";

export type Route =
  | { kind: "send"; topic: string }
  | { kind: "batch"; topic: string }
  | { kind: "receive"; topic: string; group: string }
  | { kind: "claim"; topic: string; group: string; messageId: string }
  | { kind: "ack"; topic: string; group: string; handle: string }
  | { kind: "visibility"; topic: string; group: string; handle: string }
  | { kind: "stats" };

/** The route of a request, or an {@link ApiError} 404/405/400 that names the problem. */
export function route(method: string, rawUrl: string): Route {
  const path = rawUrl.split("?", 1)[0] as string;

  if (path === "/_stats") return expectMethod(method, ["GET"], { kind: "stats" });

  const rootAt = path.indexOf(API_ROOT);
  if (rootAt === -1) throw unknownRoute(path);

  const segments = path
    .slice(rootAt + API_ROOT.length)
    .split("/")
    .map(decodeSegment);
  return apiRoute(method, path, segments);
}

function apiRoute(method: string, path: string, segments: string[]): Route {
  const [topic, second, group, fourth, fifth, sixth] = segments;
  const count = segments.length;
  if (topic === undefined || topic === "") throw unknownRoute(path);

  if (count === 1) return expectMethod(method, ["POST"], { kind: "send", topic: name(topic) });
  if (count === 2 && second === "batch") {
    return expectMethod(method, ["POST"], { kind: "batch", topic: name(topic) });
  }
  if (second !== "consumer" || group === undefined || group === "") throw unknownRoute(path);

  const base = { topic: name(topic), group: name(group, "consumer group") };
  if (count === 3) return expectMethod(method, ["POST"], { kind: "receive", ...base });

  if (count === 5 && fourth === "id" && fifth) {
    return expectMethod(method, ["POST"], { kind: "claim", ...base, messageId: fifth });
  }
  if (fourth === "lease" && fifth) {
    if (count === 5) return leaseRoute(method, base, fifth);
    if (count === 6 && sixth === "visibility") {
      return expectMethod(method, ["PATCH"], { kind: "visibility", ...base, handle: fifth });
    }
  }
  throw unknownRoute(path);
}

function leaseRoute(method: string, base: { topic: string; group: string }, handle: string) {
  if (method === "DELETE") return { kind: "ack" as const, ...base, handle };
  if (method === "PATCH") return { kind: "visibility" as const, ...base, handle };
  throw methodNotAllowed(method, ["DELETE", "PATCH"]);
}

function expectMethod<R extends Route>(method: string, allowed: string[], result: R): R {
  if (allowed.includes(method)) return result;
  throw methodNotAllowed(method, allowed);
}

function name(value: string, what = "topic"): string {
  if (NAME_PATTERN.test(value)) return value;
  throw badRequest(`Invalid ${what} name ${quote(value)}: use only letters, digits, "_" and "-".`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Path segment ${quote(segment)} is not valid percent-encoding.`);
  }
}

function unknownRoute(path: string): ApiError {
  return new ApiError(
    404,
    `No such route: ${quote(path)}. The API lives under /api/v3/topic/{topic}.`,
  );
}

function methodNotAllowed(method: string, allowed: string[]): ApiError {
  return new ApiError(
    405,
    `Method ${method} is not allowed here; use ${allowed.join(" or ")}.`,
    undefined,
    { allow: allowed.join(", ") },
  );
}
