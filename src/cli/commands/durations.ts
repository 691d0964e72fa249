/** Parsers of duration options given in seconds. */
import { InvalidArgumentError } from "commander";

/** A number of seconds greater than 0 (fractions allowed), e.g. for `--timeout 2.5`. */
export function positiveSeconds(value: string): number {
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;

  if (!(parsed > 0) || parsed > 86_400) {
    throw new InvalidArgumentError("expected a number of seconds greater than 0, at most 86400.");
  }

  return parsed;
}
