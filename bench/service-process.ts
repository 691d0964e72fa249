/**
 * Runs `vercel-workers dev` in a child process for the local Queue Service benchmarks, so the
 * figures (RSS above all) are the service's own and not mixed with the load generator's.
 *
 * The built bin (`dist/cli/main.js`, from `npm run build`) is used when it exists, or the file
 * named by `VW_SERVICE_BIN`; otherwise the TypeScript source runs under tsx, whose loader adds
 * about 40 MB of RSS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** How to start the bin: the built file when there is one, else the source under tsx. */
export function serviceCommand(): { args: string[]; label: string } {
  const built = process.env.VW_SERVICE_BIN ?? "dist/cli/main.js";
  if (existsSync(built)) return { args: [built], label: built };
  return { args: ["--import", "tsx", "src/cli/main.ts"], label: "src/cli/main.ts under tsx" };
}

export interface ServiceProcess {
  baseUrl: string;
  /** Which bin runs the service. */
  label: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServiceProcess(extraArgs: string[] = []): Promise<ServiceProcess> {
  const command = serviceCommand();
  const child = spawn(
    process.execPath,
    [...command.args, "dev", "--port", "0", "--json", ...extraArgs],
    { stdio: ["ignore", "pipe", "inherit"] },
  );

  let output = "";
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n")[0];
      if (output.includes("\n") && line) resolve((JSON.parse(line) as { baseUrl: string }).baseUrl);
    });
    child.on("exit", (code) => reject(new Error(`service exited early with code ${code}`)));
  });

  return {
    baseUrl,
    label: command.label,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs `count` calls of `task` with at most `concurrency` in flight. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function serviceStats(baseUrl: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/_stats`);
  return (await res.json()) as Record<string, unknown>;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
