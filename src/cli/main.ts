#!/usr/bin/env node
/**
 * Entry of the `vercel-workers` bin. `main(argv)` parses the command line, runs the command and
 * returns the exit code (0 ok, 1 failure, 2 usage), so tests call it directly; when this file is
 * the process's script, it runs `main(process.argv)` and exits with that code.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { type CliIo, processIo } from "./io.js";
import { buildProgram } from "./program.js";

/** Commander outcomes that are not failures: help or version printed on request. */
const HELP_CODES = new Set(["commander.helpDisplayed", "commander.version"]);

/**
 * Runs the CLI. `argv` is shaped like `process.argv` (node, script, then the arguments).
 * `io` replaces parts of the process's streams, env, working directory and stop signal.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const fullIo: CliIo = { ...processIo(), ...io };
  const exit = { code: EXIT_OK };
  const program = buildProgram(fullIo, exit);

  try {
    await program.parseAsync([...argv], { from: "node" });
    return exit.code;
  } catch (error) {
    return exitCodeOf(error, fullIo);
  }
}

function exitCodeOf(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander printed its message already.
    return HELP_CODES.has(error.code) ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n(run with --help for usage)\n`);
    return EXIT_USAGE;
  }

  io.stderr.write(`vercel-workers: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT_FAILURE;
}

function isProcessEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;

  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProcessEntry()) {
  process.exit(await main(process.argv));
}
