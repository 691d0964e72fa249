/**
 * The `vercel-workers` command line: one commander program, one module per command. A command
 * module exports a `register…Command(program, io, exit)` function; `exit.code` is what `main`
 * returns once the command's action finished.
 */
import { Command } from "commander";
import { registerDevCommand } from "./commands/dev.js";
import { registerResultCommand } from "./commands/result.js";
import { registerSendCommand } from "./commands/send.js";
import { registerWorkerCommand } from "./commands/worker.js";
import type { CliIo } from "./io.js";

/** Exit code set by the command that ran. */
export interface ExitState {
  code: number;
}

export function buildProgram(io: CliIo, exit: ExitState): Command {
  const program = new Command("vercel-workers")
    .description("Background work on Vercel Queues: local Queue Service and tools.")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  registerDevCommand(program, io, exit);
  registerSendCommand(program, io, exit);
  registerResultCommand(program, io, exit);
  registerWorkerCommand(program, io, exit);
  return program;
}
