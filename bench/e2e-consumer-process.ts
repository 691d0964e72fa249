/**
 * The consumer side of bench/e2e.ts in a process of its own (layout `split`): the parent forks
 * one of the consumer scripts (`e2e-app.ts`: the vercel-workers callback route on node:http;
 * `e2e-bullmq-worker.ts`: a BullMQ worker) and keeps producing and measuring in its own
 * process, the way an app's enqueuing function and its queue consumer run as separate functions
 * on Vercel. The child reports when each task started and finished (and, for the callback route,
 * when each request arrived) in batches over the IPC channel; both processes read the same
 * wall clock (`nowMs`), so the parent can subtract its enqueue times from them.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { nowMs } from "./e2e-measure.js";

/** Child → parent messages. */
export type ConsumerMessage =
  | { type: "listening"; port: number }
  | { type: "ready" }
  | { type: "events"; starts: number[]; finishes: number[]; arrivals: number[] };

/** Parent → child messages. */
export type ParentMessage = { type: "configure"; serviceUrl: string } | { type: "stop" };

/** What the parent sees of a forked consumer. */
export interface ConsumerProcess {
  child: ChildProcess;
  /** Resolves with the first message of `type`. */
  next<T extends ConsumerMessage["type"]>(type: T): Promise<Extract<ConsumerMessage, { type: T }>>;
  send(message: ParentMessage): void;
  /** Asks the child to stop, then waits for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Event times reported by a child, by task sequence number. */
export interface ConsumerTimes {
  startedAt: Map<number, number>;
  finishedAt: Map<number, number>;
  arrivals: number[];
}

/** Forks `script` (a bench file name) with tsx; its event batches go into `times`. */
export function forkConsumer(
  script: string,
  env: Record<string, string>,
  times: ConsumerTimes,
): ConsumerProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = fork(path, [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<string, (message: ConsumerMessage) => void>();
  // A message that came before anyone waited for it (e.g. a fast "ready").
  const early = new Map<string, ConsumerMessage>();

  child.on("message", (message: ConsumerMessage) => {
    if (message.type === "events") {
      addPairs(times.startedAt, message.starts);
      addPairs(times.finishedAt, message.finishes);
      times.arrivals.push(...message.arrivals);
      return;
    }
    const waiter = waiting.get(message.type);
    waiting.delete(message.type);
    if (waiter === undefined) early.set(message.type, message);
    else waiter(message);
  });

  return {
    child,
    next: (type) =>
      new Promise((resolve, reject) => {
        const arrived = early.get(type);
        early.delete(type);
        if (arrived !== undefined) return resolve(arrived as never);

        const timer = setTimeout(() => reject(new Error(`${script} sent no "${type}"`)), 30_000);
        child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
        waiting.set(type, (message) => {
          clearTimeout(timer);
          resolve(message as never);
        });
      }),
    send: (message) => child.send(message),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: "stop" } satisfies ParentMessage);
      }),
  };
}

function addPairs(into: Map<number, number>, pairs: number[]): void {
  for (let index = 0; index + 1 < pairs.length; index += 2) {
    into.set(pairs[index] as number, pairs[index + 1] as number);
  }
}

/**
 * The child's end: collects event times and sends them to the parent every few milliseconds
 * (one IPC message per batch, not per task, so reporting costs both processes little).
 */
export class EventReporter {
  #starts: number[] = [];
  #finishes: number[] = [];
  #arrivals: number[] = [];
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(everyMs = 5) {
    this.#timer = setInterval(() => this.flush(), everyMs);
  }

  started(seq: number): void {
    this.#starts.push(seq, nowMs());
  }

  finished(seq: number): void {
    this.#finishes.push(seq, nowMs());
  }

  arrived(): void {
    this.#arrivals.push(nowMs());
  }

  flush(): void {
    if (this.#starts.length + this.#finishes.length + this.#arrivals.length === 0) return;

    const message: ConsumerMessage = {
      type: "events",
      starts: this.#starts,
      finishes: this.#finishes,
      arrivals: this.#arrivals,
    };
    this.#starts = [];
    this.#finishes = [];
    this.#arrivals = [];
    process.send?.(message);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}

/** Child side: sends `message` to the parent. */
export function tellParent(message: ConsumerMessage): void {
  process.send?.(message);
}

/** Child side: calls `handler` for each parent message. */
export function onParentMessage(handler: (message: ParentMessage) => void): void {
  process.on("message", (message: ParentMessage) => handler(message));
}
