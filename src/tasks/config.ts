/**
 * The backend configuration: Django's `TASKS` setting and its `task_backends` handler.
 * `configureTasks()` replaces the whole configuration (it is not merged); backends are built
 * lazily, once per alias, the first time one is asked for. Without any configuration there is
 * one alias, `default`, with an {@link ImmediateBackend}, as in Django.
 */

import type { Logger } from "../queue/types.js";
import {
  type BaseTaskBackend,
  isTaskBackend,
  isTaskBackendClass,
  type TaskBackendParams,
} from "./backends/base.js";
import { ImmediateBackend } from "./backends/immediate.js";
import { DEFAULT_TASK_BACKEND_ALIAS } from "./constants.js";
import { InvalidTaskBackend } from "./errors.js";
import { setTaskLogger } from "./logging.js";

/** A backend class: `new Backend(alias, params)`. */
export type TaskBackendClass = new (
  alias: string,
  // biome-ignore lint/suspicious/noExplicitAny: each backend class has its own options type.
  params: TaskBackendParams<any>,
) => BaseTaskBackend;

/** A function that builds a backend, for backends that need more than a class. */
export type TaskBackendFactory = (
  alias: string,
  // biome-ignore lint/suspicious/noExplicitAny: each backend has its own options type.
  params: TaskBackendParams<any>,
) => BaseTaskBackend;

/** The configuration of one backend alias (Django: `BACKEND`, `QUEUES`, `OPTIONS`). */
export interface TaskBackendConfig {
  /** The backend class (TypeScript has no import strings), or a factory function. */
  backend: TaskBackendClass | TaskBackendFactory;
  /**
   * Queue names tasks of this backend may use; `[]` allows any.
   * @default ["default"]
   */
  queues?: readonly string[];
  /** Backend-specific options, handed to the backend as `options`. @default {} */
  options?: object;
}

/** Backend configurations by alias. A `default` alias is what tasks use unless they name one. */
export type TasksConfig = Record<string, TaskBackendConfig>;

/** Options of {@link configureTasks} besides the backends. */
export interface ConfigureTasksOptions {
  /**
   * Receives the lifecycle log lines (debug: enqueued; info: started and finished; error:
   * failed, with the traceback) and errors thrown by event listeners. `console` fits.
   * @default silent
   */
  logger?: Logger;
}

const KNOWN_KEYS = new Set(["backend", "queues", "options"]);

let settings: TasksConfig = defaultSettings();
let explicit = false;
const instances = new Map<string, BaseTaskBackend>();

/**
 * Sets the task backends (replacing any earlier configuration) and the logger. Each entry is
 * checked at once; backends are built when first used.
 * @example
 * configureTasks({
 *   default: { backend: VercelQueuesBackend, queues: ["default", "emails"] },
 *   inline: { backend: ImmediateBackend, queues: [] },
 * }, { logger: console });
 */
export function configureTasks(config: TasksConfig, options: ConfigureTasksOptions = {}): void {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new InvalidTaskBackend(
      DEFAULT_TASK_BACKEND_ALIAS,
      "configureTasks() takes an object of backend configurations by alias, e.g. " +
        "{ default: { backend: ImmediateBackend } }.",
    );
  }

  const checked: TasksConfig = {};
  for (const [alias, entry] of Object.entries(config)) {
    checked[alias] = checkEntry(alias, entry);
  }

  settings = checked;
  explicit = true;
  instances.clear();
  setTaskLogger(options.logger);
}

/**
 * Back to the state before any `configureTasks()`: the Immediate `default` backend, no logger,
 * no built backends. For tests; backends are dropped without `close()`.
 */
export function resetTaskConfiguration(): void {
  settings = defaultSettings();
  explicit = false;
  instances.clear();
  setTaskLogger(undefined);
}

/** Whether `configureTasks()` has run since the start or the last reset. */
export function isTaskConfigurationExplicit(): boolean {
  return explicit;
}

/** The configured backends by alias (Django's `task_backends`). */
export const taskBackends = {
  /**
   * The backend configured under `alias`, built on first use and then reused. Throws
   * {@link InvalidTaskBackend} for an alias that is not configured.
   * @param alias @default "default"
   */
  get(alias: string = DEFAULT_TASK_BACKEND_ALIAS): BaseTaskBackend {
    const existing = instances.get(alias);
    if (existing !== undefined) return existing;

    const created = build(alias);
    instances.set(alias, created);

    return created;
  },

  /** The `default` backend. */
  get default(): BaseTaskBackend {
    return taskBackends.get(DEFAULT_TASK_BACKEND_ALIAS);
  },

  /** The configured aliases. */
  get aliases(): string[] {
    return Object.keys(settings);
  },

  /** Every configured backend (building those not built yet). */
  all(): BaseTaskBackend[] {
    return Object.keys(settings).map((alias) => taskBackends.get(alias));
  },

  /** Closes every backend built so far and forgets them (they are rebuilt on next use). */
  async close(): Promise<void> {
    const built = [...instances.values()];
    instances.clear();

    await Promise.all(built.map((backend) => backend.close()));
  },
};

function defaultSettings(): TasksConfig {
  return { [DEFAULT_TASK_BACKEND_ALIAS]: { backend: ImmediateBackend } };
}

function checkEntry(alias: string, entry: unknown): TaskBackendConfig {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new InvalidTaskBackend(
      alias,
      `The configuration of task backend '${alias}' must be an object.`,
    );
  }

  const unknown = Object.keys(entry).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    throw new InvalidTaskBackend(
      alias,
      `Unknown key(s) ${unknown.map((key) => `'${key}'`).join(", ")} in the configuration of ` +
        "task backend '" +
        alias +
        "'; the keys are backend, queues and options.",
    );
  }

  const { backend, queues, options } = entry as TaskBackendConfig;

  if (typeof backend !== "function") {
    throw new InvalidTaskBackend(
      alias,
      `Could not find backend '${String(backend)}': give task backend '${alias}' a backend ` +
        "class (e.g. ImmediateBackend) or a factory function; import strings are not supported.",
    );
  }

  if (queues !== undefined && !isQueueList(queues)) {
    throw new InvalidTaskBackend(
      alias,
      `queues of task backend '${alias}' must be an array of non-empty strings ([] allows any).`,
    );
  }

  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new InvalidTaskBackend(alias, `options of task backend '${alias}' must be an object.`);
  }

  return { backend, queues: queues === undefined ? undefined : [...queues], options };
}

function isQueueList(value: unknown): boolean {
  return Array.isArray(value) && value.every((queue) => typeof queue === "string" && queue !== "");
}

function build(alias: string): BaseTaskBackend {
  const entry = Object.hasOwn(settings, alias) ? settings[alias] : undefined;

  if (entry === undefined) {
    const known = Object.keys(settings).join(", ") || "none";
    throw new InvalidTaskBackend(
      alias,
      `The connection '${alias}' doesn't exist. Configured task backends: ${known}; add it ` +
        "with configureTasks().",
    );
  }

  const params: TaskBackendParams = { queues: entry.queues, options: entry.options };
  const source = entry.backend;
  const backend = isClass(source)
    ? new (source as TaskBackendClass)(alias, params)
    : (source as TaskBackendFactory)(alias, params);

  return checkBuilt(alias, source, backend);
}

function isClass(source: TaskBackendConfig["backend"]): boolean {
  if (isTaskBackendClass(source)) return true;

  return /^class[\s{]/.test(Function.prototype.toString.call(source));
}

function checkBuilt(alias: string, source: { name: string }, backend: unknown): BaseTaskBackend {
  if (!isTaskBackend(backend)) {
    throw new InvalidTaskBackend(
      alias,
      `Task backend '${alias}': ${source.name || "the factory"} did not produce a ` +
        "BaseTaskBackend; backends must extend BaseTaskBackend.",
    );
  }

  if (typeof (backend as { enqueue?: unknown }).enqueue !== "function") {
    throw new InvalidTaskBackend(
      alias,
      `Can't instantiate abstract class ${source.name} without an implementation for ` +
        `abstract method 'enqueue'. Implement enqueue(task, args) in it.`,
    );
  }

  return backend;
}
