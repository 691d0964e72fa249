/**
 * Typed failures of the local Queue Service's setup (options, subscriptions, vercel.json,
 * listening). Requests that go wrong at run time never throw: they get a 4xx JSON answer.
 */

const BRAND = Symbol.for("vercel-workers.dev.QueueServiceError");

/** Base class; check failures by `code` or with {@link isQueueServiceError}. */
export class QueueServiceError extends Error {
  /** Stable machine-readable kind of failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for any error thrown by the local Queue Service, even from another copy of the module. */
export function isQueueServiceError(error: unknown): error is QueueServiceError {
  return typeof error === "object" && error !== null && BRAND in error;
}

/** An option of `startQueueService` is out of range or of the wrong type. */
export class InvalidServiceOptionError extends QueueServiceError {
  /** The option at fault, e.g. `"port"`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super("invalid_service_option", `Queue Service option "${option}" ${problem}.`);
    this.option = option;
  }
}

/** A push subscription is malformed or clashes with one already served. */
export class InvalidSubscriptionError extends QueueServiceError {
  constructor(problem: string) {
    super("invalid_subscription", `Invalid push subscription: ${problem}.`);
  }
}

/** The app's vercel.json cannot be read or its queue triggers cannot be served. */
export class VercelJsonError extends QueueServiceError {
  /** Path of the file, when one was read. */
  readonly path: string | undefined;

  constructor(problem: string, path?: string, options?: { cause?: unknown }) {
    const where = path === undefined ? "vercel.json" : path;
    super("invalid_vercel_json", `${where}: ${problem}`, options);
    this.path = path;
  }
}

/** The HTTP server could not bind its host and port. */
export class ServiceListenError extends QueueServiceError {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, cause: unknown) {
    const reason = (cause as { code?: string } | undefined)?.code;
    const hint =
      reason === "EADDRINUSE"
        ? `port ${port} is in use; pick another port (port 0 takes any free one)`
        : `${String((cause as Error | undefined)?.message ?? cause)}`;
    super("service_listen_failed", `Queue Service cannot listen on ${host}:${port}: ${hint}.`, {
      cause,
    });
    this.host = host;
    this.port = port;
  }
}
