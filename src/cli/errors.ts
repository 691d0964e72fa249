/** Exit codes of the CLI and the failure that maps to a usage error. */

export const EXIT_OK = 0;
/** The command ran and failed (port in use, unreadable vercel.json, ...). */
export const EXIT_FAILURE = 1;
/** The command line is wrong (unknown option, malformed flag value). */
export const EXIT_USAGE = 2;

/** A malformed command line; the CLI prints the message and exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  readonly code = "cli_usage";

  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
