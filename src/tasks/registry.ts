/**
 * The task registry: every task made by `task()` under its name. Django finds a task again by
 * importing its module path; JavaScript has nothing as reliable, so a worker that receives
 * "run task `emails.send`" looks the name up here. A name therefore identifies one function for
 * the whole process, and defining a second, different task under it is an error.
 */

import { InvalidTask, UnknownTask } from "./errors.js";
import type { Task } from "./task.js";

/** Registered tasks by name. Use the shared {@link taskRegistry}. */
export class TaskRegistry {
  readonly #tasks = new Map<string, Task>();

  /**
   * Registers `task` under its name. The same definition seen again (the same function, or one
   * with the same source, with the same options, as when a module is evaluated twice) replaces
   * the entry; any other task under a taken name throws {@link InvalidTask}.
   */
  register(task: Task): void {
    const existing = this.#tasks.get(task.name);

    if (existing !== undefined && !isSameDefinition(existing, task)) {
      throw new InvalidTask(
        `A different task is already registered under the name '${task.name}'. Task names ` +
          "must be unique in a process: pass a distinct `name` option to task().",
        task.name,
      );
    }

    this.#tasks.set(task.name, task);
  }

  /** The task registered under `name`, or `undefined`. */
  get(name: string): Task | undefined {
    return this.#tasks.get(name);
  }

  /** Whether a task is registered under `name`. */
  has(name: string): boolean {
    return this.#tasks.has(name);
  }

  /** The registered names, in registration order. */
  get names(): string[] {
    return [...this.#tasks.keys()];
  }

  /** Removes the task registered under `name`; returns whether there was one. */
  unregister(name: string): boolean {
    return this.#tasks.delete(name);
  }

  /** Removes every task (for tests). */
  clear(): void {
    this.#tasks.clear();
  }
}

/** The process-wide registry that `task()` fills. */
export const taskRegistry = new TaskRegistry();

/**
 * The task registered under `name`; throws {@link UnknownTask} (listing the registered names)
 * when there is none. A worker uses it to run a task it received by name.
 */
export function getTask(name: string): Task {
  const task = taskRegistry.get(name);
  if (task === undefined) throw new UnknownTask(name, taskRegistry.names);

  return task;
}

function isSameDefinition(a: Task, b: Task): boolean {
  const sameFunction = a.fn === b.fn || a.fn.toString() === b.fn.toString();

  return (
    sameFunction &&
    a.queueName === b.queueName &&
    a.priority === b.priority &&
    a.backend === b.backend &&
    a.takesContext === b.takesContext
  );
}
