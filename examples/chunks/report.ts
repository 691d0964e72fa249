/**
 * Checking the batch against what each task was meant to do, and the summary printed at the
 * end. Works on the plain fields of the task results, so it can be read without the backend.
 */
import { combineTotals, formatCents, REGIONS, type SalesTotals, sameTotals } from "./sales.js";

/** The role of a task in the batch, which decides the state it must end in. */
export type TaskKind = "chunk" | "flaky" | "always-fails" | "deferred";

/** The fields of a task result the checks read (a `TaskResult` has them all). */
export interface ResultView {
  id: string;
  status: string;
  attempts: number;
  errors: readonly { className: string; message: string }[];
  enqueuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  isFinished: boolean;
  /** Read only when `status` is SUCCESSFUL. */
  readonly returnValue: unknown;
}

/** One enqueued task with its latest result. */
export interface TrackedTask {
  kind: TaskKind;
  result: ResultView;
  /** For the deferred task: the earliest time it may start. */
  runAfter?: Date;
}

/** What the batch was asked to do, to check the outcome against. */
export interface Expectations {
  chunks: number;
  /** Attempts in all of the backend (`maxAttempts`). */
  maxAttempts: number;
  /** Attempts the flaky task fails before it succeeds. */
  flakyFailures: number;
  /** The totals computed directly from the CSV. */
  directTotals: SalesTotals;
}

/** The verdict: every problem found, empty when the batch did what it should. */
export interface Verdict {
  ok: boolean;
  problems: string[];
  /** The chunk tasks' totals added up (over the successful chunks). */
  combined: SalesTotals;
}

/** Checks every task against the state its kind must end in. */
export function checkBatch(tasks: readonly TrackedTask[], expected: Expectations): Verdict {
  const problems: string[] = [];
  const chunks = tasks.filter((tracked) => tracked.kind === "chunk");
  const succeeded = chunks.filter((tracked) => tracked.result.status === "SUCCESSFUL");
  const combined = combineTotals(
    succeeded.map((tracked) => tracked.result.returnValue as SalesTotals),
  );

  if (chunks.length !== expected.chunks) {
    problems.push(`expected ${expected.chunks} chunk tasks, enqueued ${chunks.length}`);
  }

  for (const tracked of chunks) {
    if (tracked.result.status !== "SUCCESSFUL") {
      problems.push(`chunk task ${tracked.result.id} ended ${describe(tracked.result)}`);
    }
  }

  if (succeeded.length === expected.chunks && !sameTotals(combined, expected.directTotals)) {
    problems.push("the chunk totals added up differ from the totals computed from the CSV");
  }

  problems.push(...checkSingle(tasks, "flaky", (result) => checkFlaky(result, expected)));
  problems.push(
    ...checkSingle(tasks, "always-fails", (result) => checkAlwaysFails(result, expected)),
  );
  problems.push(
    ...checkSingle(tasks, "deferred", (result, tracked) => checkDeferred(result, tracked.runAfter)),
  );

  return { ok: problems.length === 0, problems, combined };
}

/** Counts of results per status, e.g. `{ SUCCESSFUL: 102, FAILED: 1 }`. */
export function countByStatus(tasks: readonly TrackedTask[]): Record<string, number> {
  const counts: Record<string, number> = {};

  for (const { result } of tasks) {
    counts[result.status] = (counts[result.status] ?? 0) + 1;
  }

  return counts;
}

/** `"SUCCESSFUL 102, FAILED 1"`, statuses in their life-cycle order. */
export function formatCounts(counts: Record<string, number>): string {
  const order = ["READY", "RUNNING", "SUCCESSFUL", "FAILED"];
  const known = order.filter((status) => counts[status] !== undefined);
  const other = Object.keys(counts).filter((status) => !order.includes(status));

  return [...known, ...other].map((status) => `${status} ${counts[status]}`).join(", ");
}

/** What the summary needs besides the tasks. */
export interface SummaryContext {
  queueServiceUrl: string;
  /** `"memory"` or the redacted Redis URL. */
  resultStore: string;
  elapsedMs: number;
  expected: Expectations;
}

/** The summary lines printed on stdout at the end of a run. */
export function summaryLines(
  tasks: readonly TrackedTask[],
  verdict: Verdict,
  context: SummaryContext,
): string[] {
  const { directTotals } = context.expected;
  const lines = [
    `chunks example: ${tasks.length} tasks via ${context.queueServiceUrl}, ` +
      `results in ${context.resultStore}`,
    `status: ${formatCounts(countByStatus(tasks))}`,
    `rows: ${verdict.combined.rows.toLocaleString("en-US")} by the tasks, ` +
      `${directTotals.rows.toLocaleString("en-US")} in the CSV`,
    "revenue per region (tasks | direct from the CSV):",
  ];

  for (const region of REGIONS) {
    const fromTasks = verdict.combined.revenueCentsByRegion[region];
    const direct = directTotals.revenueCentsByRegion[region];
    const mark = fromTasks === direct ? "ok" : "MISMATCH";
    lines.push(
      `  ${region.padEnd(8)} ${pad(formatCents(fromTasks))} | ${pad(formatCents(direct))}  ${mark}`,
    );
  }

  lines.push(
    `  ${"total".padEnd(8)} ${pad(formatCents(sum(verdict.combined)))} | ` +
      pad(formatCents(sum(directTotals))),
  );

  for (const kind of ["flaky", "always-fails", "deferred"] as const) {
    const tracked = tasks.find((candidate) => candidate.kind === kind);
    if (tracked !== undefined) lines.push(`${kind}: ${describeSingle(tracked)}`);
  }

  lines.push(`elapsed: ${(context.elapsedMs / 1000).toFixed(2)} s`);
  lines.push(verdict.ok ? "result: OK, every task reached its expected state" : "result: FAILED");

  for (const problem of verdict.problems) {
    lines.push(`  problem: ${problem}`);
  }

  return lines;
}

function checkSingle(
  tasks: readonly TrackedTask[],
  kind: TaskKind,
  check: (result: ResultView, tracked: TrackedTask) => string | undefined,
): string[] {
  const matching = tasks.filter((tracked) => tracked.kind === kind);

  if (matching.length !== 1) {
    return [`expected one ${kind} task, enqueued ${matching.length}`];
  }

  const tracked = matching[0] as TrackedTask;
  const problem = check(tracked.result, tracked);

  return problem === undefined ? [] : [`${kind} task ${tracked.result.id}: ${problem}`];
}

function checkFlaky(result: ResultView, expected: Expectations): string | undefined {
  const attempts = expected.flakyFailures + 1;

  if (result.status !== "SUCCESSFUL" || result.attempts !== attempts) {
    return `expected SUCCESSFUL after ${attempts} attempts, got ${describe(result)}`;
  }

  if (result.errors.length !== expected.flakyFailures) {
    return `expected ${expected.flakyFailures} recorded errors, got ${result.errors.length}`;
  }

  return undefined;
}

function checkAlwaysFails(result: ResultView, expected: Expectations): string | undefined {
  const { maxAttempts } = expected;

  if (result.status !== "FAILED" || result.errors.length !== maxAttempts) {
    return `expected FAILED with ${maxAttempts} errors, got ${describe(result)}`;
  }

  return undefined;
}

function checkDeferred(result: ResultView, runAfter: Date | undefined): string | undefined {
  if (result.status !== "SUCCESSFUL") {
    return `expected SUCCESSFUL, got ${describe(result)}`;
  }

  if (runAfter === undefined || result.startedAt === null) {
    return "its runAfter or start time is missing";
  }

  if (result.startedAt.getTime() < runAfter.getTime()) {
    const startedAt = result.startedAt.toISOString();
    return `started at ${startedAt}, before its runAfter ${runAfter.toISOString()}`;
  }

  return undefined;
}

function describe(result: ResultView): string {
  const errors = result.errors.length;
  const last = result.errors.at(-1);
  const lastError = last === undefined ? "" : `; last error ${last.className}: ${last.message}`;

  return `${result.status} after ${result.attempts} attempt(s) with ${errors} error(s)${lastError}`;
}

function describeSingle(tracked: TrackedTask): string {
  const { result } = tracked;
  const base = `${result.status}, ${result.attempts} attempt(s), ${result.errors.length} error(s)`;

  if (tracked.kind !== "deferred" || tracked.runAfter === undefined || result.startedAt === null) {
    return base;
  }

  const enqueued = result.enqueuedAt?.getTime() ?? tracked.runAfter.getTime();
  const delay = (tracked.runAfter.getTime() - enqueued) / 1000;
  const margin = (result.startedAt.getTime() - tracked.runAfter.getTime()) / 1000;

  const started = `started ${margin.toFixed(2)} s after it`;
  return `${base}; runAfter enqueue + ${delay.toFixed(1)} s, ${started}`;
}

function sum(totals: SalesTotals): number {
  return REGIONS.reduce((total, region) => total + totals.revenueCentsByRegion[region], 0);
}

function pad(text: string): string {
  return text.padStart(14);
}
