/**
 * Argument and value checks shared by every store, so that the memory store refuses exactly what
 * Redis could not keep. A value that passes `assertStorableValue` survives a JSON round trip
 * unchanged, which is why the memory store can copy with `structuredClone` and still behave like
 * the Redis store.
 */

import { ResultStoreArgumentError, ResultStoreValueError } from "./errors.js";
import type { JsonValue, ResultStoreWriteOptions } from "./store.js";

/** Throws unless `key` is a non-empty string. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw new ResultStoreArgumentError("key", `expected a non-empty string, got ${show(key)}`);
  }
}

/** Throws unless `keyPrefix` is a string (empty is allowed: no prefix). */
export function checkKeyPrefix(keyPrefix: unknown): asserts keyPrefix is string {
  if (typeof keyPrefix !== "string") {
    throw new ResultStoreArgumentError("keyPrefix", `expected a string, got ${show(keyPrefix)}`);
  }
}

/** Returns the TTL of a write after checking that it is a whole number of seconds, at least 1. */
export function checkTtlSeconds(options: ResultStoreWriteOptions | undefined): number {
  const ttl = options?.ttlSeconds;
  if (typeof ttl !== "number" || !Number.isSafeInteger(ttl) || ttl < 1) {
    throw new ResultStoreArgumentError(
      "ttlSeconds",
      `expected a whole number of seconds >= 1, got ${show(ttl)}`,
    );
  }

  return ttl;
}

/** Throws unless `value` is a positive whole number; used for count-like options. */
export function checkPositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ResultStoreArgumentError(name, `expected a whole number >= 1, got ${show(value)}`);
  }
}

/** Throws unless `mutate` is a function. */
export function checkMutate(mutate: unknown): void {
  if (typeof mutate !== "function") {
    throw new ResultStoreArgumentError("mutate", `expected a function, got ${show(mutate)}`);
  }
}

/**
 * Checks what `mutate` returned: a Promise means an async function was passed, which cannot run
 * inside an atomic read-modify-write.
 */
export function checkMutateResult(next: unknown): void {
  const thenable = typeof next === "object" && next !== null && "then" in next;
  if (thenable && typeof next.then === "function") {
    throw new ResultStoreArgumentError(
      "mutate",
      "it returned a Promise; update() needs a synchronous function (read anything async first)",
    );
  }
}

/** Throws a {@link ResultStoreValueError} unless `value` is plain JSON and not `null`. */
export function assertStorableValue(key: string, value: unknown): asserts value is JsonValue {
  if (value === null) {
    throw new ResultStoreValueError(key, "value", "is null; call delete() to remove a value");
  }

  const problem = findProblem(value, new Set());
  if (problem !== undefined) {
    throw new ResultStoreValueError(key, `value${problem.path}`, problem.reason);
  }
}

interface Problem {
  path: string;
  reason: string;
}

function findProblem(value: unknown, ancestors: Set<object>): Problem | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : { path: "", reason: `is ${value}` };
    case "object":
      return value === null ? undefined : findContainerProblem(value, ancestors);
    default:
      return { path: "", reason: `is of type ${typeof value}` };
  }
}

function findContainerProblem(value: object, ancestors: Set<object>): Problem | undefined {
  if (ancestors.has(value)) {
    return { path: "", reason: "refers back to itself (a cycle)" };
  }

  const proto = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    const kind = (proto?.constructor?.name as string | undefined) ?? "unknown";
    return { path: "", reason: `is a ${kind} instance, not a plain object` };
  }

  ancestors.add(value);
  const problem = isArray
    ? findArrayProblem(value, ancestors)
    : findObjectProblem(value, ancestors);
  ancestors.delete(value);

  return problem;
}

function findArrayProblem(items: unknown[], ancestors: Set<object>): Problem | undefined {
  for (let index = 0; index < items.length; index++) {
    // A hole reads as undefined, which JSON would turn into null.
    const problem = findProblem(items[index], ancestors);
    if (problem !== undefined) {
      return { path: `[${index}]${problem.path}`, reason: problem.reason };
    }
  }

  return undefined;
}

function findObjectProblem(record: object, ancestors: Set<object>): Problem | undefined {
  for (const [name, item] of Object.entries(record)) {
    const problem = findProblem(item, ancestors);
    if (problem !== undefined) {
      return { path: `${formatProperty(name)}${problem.path}`, reason: problem.reason };
    }
  }

  return undefined;
}

function formatProperty(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

function show(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value);
  }

  return typeof value === "object" && value !== null ? "an object" : String(value);
}
