/** Function and argument types shared by the task model. */

import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Any function that can become a task: sync or async, any parameters.
 */
// biome-ignore lint/suspicious/noExplicitAny: parameters are checked per task through generics.
export type TaskFunction = (...args: any[]) => unknown;

/** The parameters of a context-taking task function, without the leading context. */
export type WithoutContext<TParams extends unknown[]> = TParams extends [unknown, ...infer Rest]
  ? Rest
  : TParams extends [unknown?, ...infer Rest]
    ? Rest
    : TParams;

/**
 * A Standard Schema (zod, valibot, arktype…) for a task's arguments: either one schema for the
 * whole argument list (e.g. `z.tuple([z.string(), z.number()])`) or one schema per position
 * (e.g. `[z.string(), z.number()]`). The schema's output is what the function receives.
 */
export type TaskArgsSchema<TArgs extends unknown[]> =
  | StandardSchemaV1<unknown, TArgs>
  | { readonly [K in keyof TArgs]: StandardSchemaV1<unknown, TArgs[K]> };

/** A {@link TaskArgsSchema} of unknown shape, as a task stores it. */
export type AnyTaskArgsSchema = StandardSchemaV1 | readonly StandardSchemaV1[];

/** Whether `fn` was declared `async` (the only kind of function known to return a promise). */
export function isAsyncFunction(fn: TaskFunction): boolean {
  return Object.prototype.toString.call(fn) === "[object AsyncFunction]";
}
