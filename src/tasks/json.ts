/**
 * The JSON rules for task arguments and return values. Every backend stores and sends exactly
 * what these functions produce, the in-process ones (Immediate, Dummy) included, so a value that
 * cannot survive the trip to another process fails in a test the way it would in production.
 *
 * The rules follow `JSON.stringify` where it is lossless (a `Date` becomes its ISO string, an
 * object with `toJSON()` becomes what that returns, an `undefined` property is left out) and
 * refuse what it would silently mangle or drop (NaN, functions, Maps, class instances, cycles),
 * with a `TypeError` that names the path of the offending value, such as
 * `args[0].user.createdAt`. Like Django's normaliser, bytes (`Uint8Array`, `Buffer`) become
 * their UTF-8 text.
 */

/** A value JSON can carry. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

const BRAND = Symbol.for("vercel-workers.tasks.UnsupportedJsonValue");

/**
 * A value cannot be converted to JSON. Its message starts with "Unsupported type" (or
 * "Unsupported value") as Django's does, then names the path and how to fix it.
 */
export class UnsupportedJsonValue extends TypeError {
  readonly code = "unsupported_json_value";
  /** Where the value is, e.g. `args[0].user.tags`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = "UnsupportedJsonValue";
    this.path = path;
  }
}

Object.defineProperty(UnsupportedJsonValue.prototype, BRAND, { value: true });

/** Whether `error` is an {@link UnsupportedJsonValue} from any copy of this library. */
export function isUnsupportedJsonValue(error: unknown): error is UnsupportedJsonValue {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * Converts `value` to plain JSON data (always a fresh copy), or throws an
 * {@link UnsupportedJsonValue} naming where, under `path`, the bad value sits.
 *
 * A top-level `undefined` becomes `null`, as a task that returns nothing succeeds with `null`.
 * @param path Name of the value in error messages. @default "value"
 * @example
 * toJsonValue({ at: new Date(0) }, "args[0]"); // { at: "1970-01-01T00:00:00.000Z" }
 * toJsonValue({ tags: new Set() }, "args[0]"); // TypeError: Unsupported type Set at args[0].tags…
 */
export function toJsonValue(value: unknown, path = "value"): JsonValue {
  return convert(value, { root: path, segments: [], ancestors: new Set() }, "", true);
}

/**
 * Converts the arguments of an `enqueue()` call. Trailing `undefined` arguments are dropped (so
 * an optional parameter stays `undefined` when the task runs); any other `undefined` becomes
 * `null`, as `JSON.stringify` would make it. Paths in errors read `args[1].user`.
 */
export function toJsonArgs(args: readonly unknown[]): JsonValue[] {
  let length = args.length;
  while (length > 0 && args[length - 1] === undefined) length -= 1;

  const trimmed = args.slice(0, length);

  return convert(
    trimmed,
    { root: "args", segments: [], ancestors: new Set() },
    "",
    true,
  ) as JsonValue[];
}

/**
 * The type a value of type `T` has after {@link toJsonValue}: what a task's `returnValue` really
 * is. JSON types stay as they are, `Date` (and anything with `toJSON()`) becomes what `toJSON`
 * returns, `undefined` becomes `null`, and refused types (functions, Maps, bigint…) become
 * `never`.
 */
export type Jsonified<T> = 0 extends 1 & T
  ? // biome-ignore lint/suspicious/noExplicitAny: `any` in, `any` out: nothing is known about it.
    any
  : unknown extends T
    ? JsonValue
    : // biome-ignore lint/suspicious/noConfusingVoidType: functions returning nothing are void.
      T extends undefined | void
      ? null
      : JsonifiedDefined<T>;

type Refused =
  | bigint
  | symbol
  // biome-ignore lint/suspicious/noExplicitAny: matches every function whatever its parameters.
  | ((...args: any[]) => unknown)
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | Promise<unknown>
  | RegExp
  | Error;

type JsonifiedDefined<T> = T extends string | number | boolean | null
  ? T
  : T extends Uint8Array
    ? string
    : T extends { toJSON(...args: never[]): infer J }
      ? Jsonified<J>
      : T extends Refused
        ? never
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Jsonified<T[K]> }
          : T extends object
            ? { [K in keyof T]: JsonifiedDefined<Exclude<T[K], undefined>> }
            : never;

interface ConversionState {
  /** Name of the whole value, e.g. `args` or `returnValue`. */
  root: string;
  /** Keys and indexes from the root down to the value being converted. */
  segments: (string | number)[];
  /** Objects being converted above the current one; meeting one again is a cycle. */
  ancestors: Set<object>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(state: ConversionState): string {
  let path = state.root;

  for (const segment of state.segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }

  return path;
}

function refuse(state: ConversionState, what: string, hint: string): UnsupportedJsonValue {
  const path = formatPath(state);

  return new UnsupportedJsonValue(path, `${what} at ${path}: ${hint}.`);
}

function convert(
  value: unknown,
  state: ConversionState,
  key: string,
  allowToJson: boolean,
): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return convertNumber(value, state);
    case "undefined":
      return null;
    case "bigint":
      throw refuse(state, "Unsupported type bigint", "convert it with String(value)");
    case "symbol":
      throw refuse(state, "Unsupported type symbol", "symbols have no JSON form; use a string");
    case "function":
      throw refuse(
        state,
        "Unsupported type function",
        "a function cannot be sent to a worker; pass the data it needs instead",
      );
  }

  if (value === null) return null;

  return convertObject(value as object, state, key, allowToJson);
}

function convertNumber(value: number, state: ConversionState): number {
  if (!Number.isFinite(value)) {
    throw refuse(
      state,
      `Unsupported value ${value}`,
      "JSON has no NaN or Infinity; send null or a string instead",
    );
  }

  // -0 would print as 0 anyway; normalising here makes in-process runs see what workers see.
  return value === 0 ? 0 : value;
}

function convertObject(
  value: object,
  state: ConversionState,
  key: string,
  allowToJson: boolean,
): JsonValue {
  if (state.ancestors.has(value)) {
    throw refuse(state, "Unsupported value (circular reference)", "the value contains itself");
  }

  if (value instanceof Uint8Array) return decodeUtf8(value, state);

  if (value instanceof Date) return convertDate(value, state);

  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (allowToJson && typeof toJson === "function") {
    return convert(toJson.call(value, key), state, key, false);
  }

  if (Array.isArray(value)) return withAncestor(value, state, () => convertArray(value, state));

  if (isPlainObject(value)) return withAncestor(value, state, () => convertPlain(value, state));

  throw refuse(state, `Unsupported type ${describe(value)}`, hintFor(value));
}

function withAncestor<T>(value: object, state: ConversionState, run: () => T): T {
  state.ancestors.add(value);

  try {
    return run();
  } finally {
    state.ancestors.delete(value);
  }
}

function convertArray(value: readonly unknown[], state: ConversionState): JsonValue[] {
  const result: JsonValue[] = [];

  for (let index = 0; index < value.length; index += 1) {
    state.segments.push(index);
    result.push(convert(value[index], state, String(index), true));
    state.segments.pop();
  }

  return result;
}

function convertPlain(value: object, state: ConversionState): JsonObject {
  const symbolKey = Object.getOwnPropertySymbols(value).find((symbol) =>
    Object.prototype.propertyIsEnumerable.call(value, symbol),
  );
  if (symbolKey !== undefined) {
    throw refuse(
      state,
      `Unsupported key ${String(symbolKey)}`,
      "JSON object keys are strings; symbol keys would be lost",
    );
  }

  const entries: [string, JsonValue][] = [];

  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) continue;

    state.segments.push(name);
    entries.push([name, convert(item, state, name, true)]);
    state.segments.pop();
  }

  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries);
}

function convertDate(value: Date, state: ConversionState): string {
  if (Number.isNaN(value.getTime())) {
    throw refuse(state, "Unsupported value Invalid Date", "the Date does not hold a valid time");
  }

  return value.toISOString();
}

function decodeUtf8(value: Uint8Array, state: ConversionState): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(value);
  } catch {
    throw refuse(
      state,
      "Unsupported value (bytes that are not valid UTF-8)",
      "encode binary data as a base64 string",
    );
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);

  return prototype === Object.prototype || prototype === null;
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;

  return typeof name === "string" && name !== "" ? name : "object";
}

function hintFor(value: object): string {
  if (value instanceof Map) return "convert it with Object.fromEntries(map) or [...map]";
  if (value instanceof Set) return "convert it with [...set]";
  if (value instanceof Promise) return "await it before passing or returning it";
  if (value instanceof Error) return "pass what is needed, e.g. error.message";
  if (value instanceof RegExp) return "pass its source string";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return "encode binary data as a base64 string, or pass a Uint8Array of UTF-8 text";
  }

  return (
    "only plain objects and arrays are JSON data; copy it into a plain object " +
    "or give its class a toJSON() method"
  );
}
