/** Defaults and bounds of the task model, with the values Django 6 uses. */

/** Alias of the backend a task uses unless it names another. */
export const DEFAULT_TASK_BACKEND_ALIAS = "default";

/** Queue a task goes to unless it names another. */
export const DEFAULT_TASK_QUEUE_NAME = "default";

/** Priority of a task unless it sets one. */
export const DEFAULT_TASK_PRIORITY = 0;

/** Lowest allowed priority (inclusive). */
export const TASK_MIN_PRIORITY = -100;

/** Highest allowed priority (inclusive); larger means more urgent. */
export const TASK_MAX_PRIORITY = 100;
