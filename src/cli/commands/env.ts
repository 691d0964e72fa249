/** Reading the environment a command was given (`io.env`, which tests replace). */
import type { CliIo } from "../io.js";

/** The variable's value, or `undefined` when it is unset or empty. */
export function envValue(io: CliIo, name: string): string | undefined {
  const value = io.env[name];

  return value === undefined || value === "" ? undefined : value;
}
