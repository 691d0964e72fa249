/**
 * Errors of the result stores. Each failure kind has its own class and a stable string `code`;
 * check errors with {@link isResultStoreError} (a `Symbol.for` brand), which also works when two
 * copies of this package share one process, where `instanceof` would not.
 */

const BRAND = Symbol.for("vercel-workers.results.error");

/** Stable codes of the result-store errors. */
export type ResultStoreErrorCode =
  | "RESULT_STORE_INVALID_ARGUMENT"
  | "RESULT_STORE_INVALID_VALUE"
  | "RESULT_STORE_CORRUPT_VALUE"
  | "RESULT_STORE_UPDATE_CONFLICT"
  | "RESULT_STORE_NOT_REGISTERED"
  | "RESULT_STORE_CONNECTION_FAILED"
  | "RESULT_STORE_MISSING_DEPENDENCY"
  | "RESULT_STORE_CLOSED";

/** Base class of every result-store error. */
export class ResultStoreError extends Error {
  readonly code: ResultStoreErrorCode;

  constructor(code: ResultStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True when `error` is a result-store error, optionally of the given `code`. */
export function isResultStoreError(
  error: unknown,
  code?: ResultStoreErrorCode,
): error is ResultStoreError {
  if (typeof error !== "object" || error === null || !(BRAND in error)) {
    return false;
  }

  return code === undefined || (error as { code?: unknown }).code === code;
}

/** An option or argument is out of range (a key, a TTL, a prefix, a URL, a `mutate`). */
export class ResultStoreArgumentError extends ResultStoreError {
  /** Name of the option or argument, e.g. `ttlSeconds`. */
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super("RESULT_STORE_INVALID_ARGUMENT", `Invalid result-store ${argument}: ${problem}`);
    this.argument = argument;
  }
}

/** A value to store is not plain JSON (or is `null` at the top level). */
export class ResultStoreValueError extends ResultStoreError {
  /** Key the value was meant for, without the store's prefix. */
  readonly key: string;
  /** Where in the value the problem sits, e.g. `value.errors[2].at`. */
  readonly path: string;

  constructor(key: string, path: string, problem: string) {
    super(
      "RESULT_STORE_INVALID_VALUE",
      `Cannot store result "${key}": ${path} ${problem}. Result stores keep plain JSON only ` +
        "(objects, arrays, strings, finite numbers, booleans, null); convert the value first.",
    );
    this.key = key;
    this.path = path;
  }
}

/** A stored value could not be read back as JSON; something else wrote to the key. */
export class ResultStoreCorruptValueError extends ResultStoreError {
  /** Key that holds the unreadable value, without the store's prefix. */
  readonly key: string;

  constructor(key: string, storedKey: string, cause: unknown) {
    super(
      "RESULT_STORE_CORRUPT_VALUE",
      `The value stored at "${storedKey}" is not JSON written by a result store. Another ` +
        "program may share the key prefix; give this store its own `keyPrefix`, or delete the key.",
      { cause },
    );
    this.key = key;
  }
}

/** `update()` lost the race for a key more times than it may retry. */
export class ResultStoreConflictError extends ResultStoreError {
  /** Key that kept changing, without the store's prefix. */
  readonly key: string;
  /** Read-modify-write rounds tried before giving up. */
  readonly attempts: number;

  constructor(key: string, attempts: number) {
    super(
      "RESULT_STORE_UPDATE_CONFLICT",
      `update("${key}") gave up after ${attempts} attempts because other writers kept changing ` +
        "the key between read and write. Retry later, or raise `maxUpdateAttempts`.",
    );
    this.key = key;
    this.attempts = attempts;
  }
}

/** `getResultStore(alias)` found no store under the alias. */
export class ResultStoreNotRegisteredError extends ResultStoreError {
  /** Alias that was asked for. */
  readonly alias: string;
  /** Aliases registered at the time of the call. */
  readonly registered: readonly string[];

  constructor(alias: string, registered: readonly string[]) {
    const known = registered.length > 0 ? registered.map((a) => `"${a}"`).join(", ") : "none";
    super(
      "RESULT_STORE_NOT_REGISTERED",
      `No result store is registered under the alias "${alias}" (registered: ${known}). ` +
        `Register one first, e.g. registerResultStore("${alias}", new RedisResultStore()), ` +
        'or use the alias "default" (a process-local MemoryResultStore).',
    );
    this.alias = alias;
    this.registered = registered;
  }
}

/** The store could not reach its server. */
export class ResultStoreConnectionError extends ResultStoreError {
  /** Server URL with any password replaced by `***`. */
  readonly url: string;

  constructor(url: string, problem: string, cause?: unknown) {
    super(
      "RESULT_STORE_CONNECTION_FAILED",
      `Cannot reach the result store at ${url}: ${problem}. Check that Redis is running and ` +
        "reachable, and that REDIS_URL (or the `url` option) points at it.",
      { cause },
    );
    this.url = url;
  }
}

/** An optional peer dependency that the store needs is not installed. */
export class ResultStoreDependencyError extends ResultStoreError {
  /** npm package that is missing. */
  readonly packageName: string;

  constructor(packageName: string, cause: unknown) {
    super(
      "RESULT_STORE_MISSING_DEPENDENCY",
      `The Redis result store needs the "${packageName}" package, which is not installed. ` +
        `Run \`npm install ${packageName}\`.`,
      { cause },
    );
    this.packageName = packageName;
  }
}

/** The store was used after `close()`. */
export class ResultStoreClosedError extends ResultStoreError {
  constructor(operation: string) {
    super(
      "RESULT_STORE_CLOSED",
      `Cannot ${operation}: the result store was closed. Create a new store instead.`,
    );
  }
}
