/**
 * Checks task arguments against the task's Standard Schema. It runs on the arguments after the
 * JSON rules, both at enqueue and before each run, so both see the same values; the schema's
 * output (defaults, coercions such as an ISO string back to a `Date`) is what the function
 * receives, while the stored arguments stay the plain JSON that was sent.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { InvalidTaskArguments, type TaskArgumentIssue } from "./errors.js";
import type { JsonValue } from "./json.js";
import type { Task } from "./task.js";

/**
 * The arguments to call `task.fn` with: `args` unchanged without a schema, else the schema's
 * output. Throws {@link InvalidTaskArguments} naming every bad argument.
 */
export async function checkTaskArgs(task: Task, args: readonly JsonValue[]): Promise<unknown[]> {
  const schema = task.argsSchema;
  if (schema === undefined) return [...args];

  if (Array.isArray(schema)) return checkEachArg(task, schema, args);

  return checkArgList(task, schema as StandardSchemaV1, args);
}

async function checkArgList(
  task: Task,
  schema: StandardSchemaV1,
  args: readonly JsonValue[],
): Promise<unknown[]> {
  const outcome = await schema["~standard"].validate([...args]);

  if (outcome.issues !== undefined) {
    throw new InvalidTaskArguments(task.name, outcome.issues.map(toIssue("args")));
  }

  if (!Array.isArray(outcome.value)) {
    throw new InvalidTaskArguments(task.name, [
      { path: "args", message: "argsSchema must produce an array of arguments" },
    ]);
  }

  return outcome.value;
}

async function checkEachArg(
  task: Task,
  schemas: readonly StandardSchemaV1[],
  args: readonly JsonValue[],
): Promise<unknown[]> {
  const values: unknown[] = [...args];
  const issues: TaskArgumentIssue[] = [];

  for (const [index, schema] of schemas.entries()) {
    const outcome = await schema["~standard"].validate(args[index]);

    if (outcome.issues === undefined) values[index] = outcome.value;
    else issues.push(...outcome.issues.map(toIssue(`args[${index}]`)));
  }

  if (issues.length > 0) throw new InvalidTaskArguments(task.name, issues);

  return trimTrailingUndefined(values);
}

function toIssue(root: string): (issue: StandardSchemaV1.Issue) => TaskArgumentIssue {
  return (issue) => ({ path: root + formatIssuePath(issue.path ?? []), message: issue.message });
}

function formatIssuePath(path: ReadonlyArray<PropertyKey | StandardSchemaV1.PathSegment>): string {
  let formatted = "";

  for (const segment of path) {
    const key = typeof segment === "object" ? segment.key : segment;

    if (typeof key === "number") formatted += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) formatted += `.${key}`;
    else formatted += `[${JSON.stringify(String(key))}]`;
  }

  return formatted;
}

/** A schema per position yields `undefined` for arguments left out; they stay left out. */
function trimTrailingUndefined(values: unknown[]): unknown[] {
  let length = values.length;
  while (length > 0 && values[length - 1] === undefined) length -= 1;

  return values.slice(0, length);
}
