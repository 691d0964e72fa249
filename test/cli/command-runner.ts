/**
 * Runs the CLI in-process for the send/worker/result tests: `main(argv)` with captured
 * stdout/stderr, an empty environment unless given, and an AbortSignal standing in for Ctrl+C.
 */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Pretend stderr is a terminal (for the spinner). */
  stderrIsTty?: boolean;
}

/** Runs `vercel-workers <args...>` and collects what it printed and its exit code. */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "vercel-workers", ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrIsTty === true } as {
      write(text: string): unknown;
    },
    env: options.env ?? {},
    signal: options.signal,
  });

  return { code, stdout, stderr };
}
