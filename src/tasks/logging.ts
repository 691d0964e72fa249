/**
 * Where the task model's log lines go: the logger given to `configureTasks()`, or nowhere.
 */

import type { Logger } from "../queue/types.js";

let current: Logger | undefined;

/** The configured logger, or `undefined` (silent). */
export function getTaskLogger(): Logger | undefined {
  return current;
}

/** Sets (or, with `undefined`, removes) the logger; `configureTasks()` calls it. */
export function setTaskLogger(logger: Logger | undefined): void {
  current = logger;
}
