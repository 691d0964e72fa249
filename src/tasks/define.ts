/**
 * `task()`: defines and registers a task. The counterpart of Django's `@task` decorator, as a
 * function that takes the options first (TypeScript has no decorators on plain functions).
 */

import {
  DEFAULT_TASK_BACKEND_ALIAS,
  DEFAULT_TASK_PRIORITY,
  DEFAULT_TASK_QUEUE_NAME,
} from "./constants.js";
import type { TaskContext } from "./context.js";
import { InvalidTask } from "./errors.js";
import { taskRegistry } from "./registry.js";
import { Task, validateNewTask } from "./task.js";
import type { AnyTaskArgsSchema, TaskArgsSchema, TaskFunction, WithoutContext } from "./types.js";
import { TASK_NAME_PATTERN } from "./validation.js";

/** Options of {@link task}. */
export interface TaskOptions<TArgs extends unknown[] = unknown[]> {
  /**
   * Name the task is registered and sent under; unique in the process and stable across
   * deployments. Set it explicitly when the code is minified or the function is anonymous.
   * Default: the function's own name (`fn.name`).
   */
  name?: string;
  /** Queue the task is sent to. @default "default" */
  queueName?: string;
  /**
   * Whole number from -100 to 100, larger is more urgent (when the backend honours it).
   * @default 0
   */
  priority?: number;
  /** Alias of the backend, as given to `configureTasks()`. @default "default" */
  backend?: string;
  /**
   * Pass a `TaskContext` (result, attempt number, abort signal) as the function's first
   * argument; `enqueue()` then takes the remaining arguments. @default false
   */
  takesContext?: boolean;
  /**
   * Standard Schema (zod, valibot…) for the arguments, checked at enqueue and again before
   * each run; a mismatch throws `InvalidTaskArguments` naming the argument. Either one schema
   * for the argument list or one per position. Default: no check.
   */
  argsSchema?: TaskArgsSchema<TArgs>;
  /**
   * Not an option of `task()`: a fixed time would be fixed when the module loads. Set it per
   * enqueue with `task.using({ runAfter })` (Django 6.1 refuses it in `@task` too).
   */
  runAfter?: never;
}

const KNOWN_OPTIONS = new Set([
  "name",
  "queueName",
  "priority",
  "backend",
  "takesContext",
  "argsSchema",
]);

/** A function whose first parameter can receive a {@link TaskContext}. */
// biome-ignore lint/suspicious/noExplicitAny: the remaining parameters are the task's own.
export type ContextTaskFunction = (context: TaskContext, ...args: any[]) => unknown;

/** The awaited return type of a task function. */
export type TaskReturn<TFn extends TaskFunction> = Awaited<ReturnType<TFn>>;

/**
 * Defines a task and registers it under its name.
 *
 * `enqueue()` takes the function's parameters (without the context when `takesContext`), and
 * the result's `returnValue` has its (awaited, JSON-converted) return type.
 * @example
 * export const sendEmail = task(async function sendEmail(to: string, subject: string) {
 *   await mailer.send({ to, subject });
 *   return { sent: true };
 * });
 *
 * export const resize = task(
 *   { name: "images.resize", queueName: "images", takesContext: true },
 *   async (context: TaskContext, imageId: string) => {
 *     if (context.attempt > 1) log(`retrying ${imageId}`);
 *   },
 * );
 */
export function task<TFn extends TaskFunction>(
  fn: TFn,
): Task<Parameters<TFn>, TaskReturn<TFn>, false>;
export function task<TFn extends ContextTaskFunction>(
  options: TaskOptions<WithoutContext<Parameters<TFn>>> & { takesContext: true },
  fn: TFn,
): Task<WithoutContext<Parameters<TFn>>, TaskReturn<TFn>, true>;
export function task<TFn extends TaskFunction>(
  options: TaskOptions<Parameters<TFn>> & { takesContext?: false },
  fn: TFn,
): Task<Parameters<TFn>, TaskReturn<TFn>, false>;
export function task(optionsOrFn: TaskOptions | TaskFunction, maybeFn?: TaskFunction): Task {
  const [options, fn] =
    typeof optionsOrFn === "function" && maybeFn === undefined
      ? [{} as TaskOptions, optionsOrFn]
      : [optionsOrFn as TaskOptions, maybeFn];

  checkOptions(options);

  const defined = new Task({
    name: resolveName(options, fn),
    fn: fn as TaskFunction,
    queueName: options.queueName ?? DEFAULT_TASK_QUEUE_NAME,
    priority: options.priority ?? DEFAULT_TASK_PRIORITY,
    backend: options.backend ?? DEFAULT_TASK_BACKEND_ALIAS,
    takesContext: options.takesContext ?? false,
    runAfter: null,
    argsSchema: options.argsSchema as AnyTaskArgsSchema | undefined,
  });

  validateNewTask(defined);
  taskRegistry.register(defined);

  return defined;
}

function checkOptions(options: unknown): asserts options is TaskOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidTask(
      "task() takes an options object and a function: task({ name: 'x' }, fn) or task(fn).",
    );
  }

  if ("runAfter" in options) {
    throw new InvalidTask(
      "runAfter cannot be defined statically with task(). Use .using({ runAfter }) to set it " +
        "when enqueueing.",
    );
  }

  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) {
    throw new InvalidTask(
      `Unknown task option(s): ${unknown.join(", ")}. Known options: ` +
        `${[...KNOWN_OPTIONS].join(", ")}.`,
    );
  }

  const { takesContext, argsSchema } = options as TaskOptions;
  if (takesContext !== undefined && typeof takesContext !== "boolean") {
    throw new InvalidTask(`takesContext must be true or false, got ${String(takesContext)}.`);
  }

  if (argsSchema !== undefined && !isArgsSchema(argsSchema)) {
    throw new InvalidTask(
      "argsSchema must be a Standard Schema (zod, valibot…) or an array of them, one per argument.",
    );
  }
}

function isArgsSchema(value: unknown): boolean {
  const schemas = Array.isArray(value) ? value : [value];

  return schemas.every(
    (schema) =>
      typeof schema === "object" &&
      schema !== null &&
      typeof (schema as { "~standard"?: { validate?: unknown } })["~standard"]?.validate ===
        "function",
  );
}

function resolveName(options: TaskOptions, fn: unknown): string {
  if (typeof fn !== "function") {
    throw new InvalidTask(
      `Task function must be a function, got ${fn === null ? "null" : typeof fn}.`,
      options.name,
    );
  }

  if (options.name !== undefined) return options.name;

  if (fn.name === "") {
    throw new InvalidTask(
      "Task function has no name (an anonymous or inline arrow function), so workers could not " +
        'find it again. Pass one: task({ name: "emails.send" }, fn).',
    );
  }

  if (!TASK_NAME_PATTERN.test(fn.name)) {
    throw new InvalidTask(
      `Task function name '${fn.name}' cannot be a task name (bound functions and names with ` +
        'whitespace are refused). Pass one: task({ name: "emails.send" }, fn).',
    );
  }

  return fn.name;
}
