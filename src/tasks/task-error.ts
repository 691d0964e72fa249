/**
 * `TaskError`: what a failed attempt leaves in `TaskResult.errors`. Django stores the exception
 * class path and the formatted traceback; JavaScript has no module paths, so the entry keeps
 * the error's class name, its message and its stack (with the `cause` chain appended).
 */

/** One failed attempt of a task. Plain JSON, so it can be stored as it is. */
export interface TaskError {
  /** Class of what was thrown, e.g. `"TypeError"` or a custom `"PaymentDeclinedError"`. */
  readonly className: string;
  /** The error's message. */
  readonly message: string;
  /**
   * The stack trace, starting with `"<className>: <message>"`, followed by one
   * `"Caused by: …"` section per `cause` in the chain.
   */
  readonly traceback: string;
}

/** How many `cause` links are followed; deeper ones (or a cycle) are cut off. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Builds the {@link TaskError} entry for something a task threw. Anything can be thrown in
 * JavaScript; a value that is not an Error is described as such.
 */
export function toTaskError(thrown: unknown): TaskError {
  if (!isErrorLike(thrown)) {
    const className = describeThrown(thrown);
    const message = stringify(thrown);

    return Object.freeze({
      className,
      message,
      traceback: `Thrown ${className} (not an Error): ${message}`,
    });
  }

  return Object.freeze({
    className: errorClassName(thrown),
    message: thrown.message,
    traceback: tracebackOf(thrown, 0),
  });
}

interface ErrorLike {
  name: string;
  message: string;
  stack?: unknown;
  cause?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (value instanceof Error) return true;

  // Errors from another realm (a vm context, a worker) fail instanceof but keep their shape.
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorLike).name === "string" &&
    typeof (value as ErrorLike).message === "string" &&
    typeof (value as ErrorLike).stack === "string"
  );
}

function errorClassName(error: ErrorLike): string {
  if (error.name !== "" && error.name !== "Error") return error.name;

  // A subclass that did not set `name` still shows its class through the constructor.
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;

  return typeof constructorName === "string" && constructorName !== "" ? constructorName : "Error";
}

function tracebackOf(error: ErrorLike, depth: number): string {
  const className = errorClassName(error);
  const header = error.message === "" ? className : `${className}: ${error.message}`;

  let traceback = header + framesOf(error.stack);

  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    const cause = isErrorLike(error.cause)
      ? tracebackOf(error.cause, depth + 1)
      : `${describeThrown(error.cause)}: ${stringify(error.cause)}`;
    traceback += `\nCaused by: ${cause}`;
  }

  return traceback;
}

/**
 * The stack frames without the engine's own header line, which V8 writes with the name current
 * when the stack was first read. Engines whose frames look like `fn@file:1:2` keep every line.
 */
function framesOf(stack: unknown): string {
  if (typeof stack !== "string") return "";

  const v8Frames = stack.indexOf("\n    at ");
  if (v8Frames >= 0) return stack.slice(v8Frames);

  return stack.includes("@") ? `\n${stack}` : "";
}

function describeThrown(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;

  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;

  return typeof name === "string" && name !== "" ? name : "object";
}

function stringify(value: unknown): string {
  if (typeof value === "string") return value;

  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
