/**
 * What a command may touch of the outside world. Tests pass their own (buffers for output, an
 * AbortSignal instead of Ctrl+C); the bin uses the process's.
 */

export interface CliOutput {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Working directory, where `vercel.json` is looked for. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Stops long-running commands (like SIGINT/SIGTERM do). */
  signal: AbortSignal | undefined;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: undefined,
  };
}
