/** Waiting until a long-running command is told to stop: SIGINT, SIGTERM or an AbortSignal. */

export function waitForStop(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string) => {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
      signal?.removeEventListener("abort", onAbort);
      resolve(reason);
    };
    const onInterrupt = () => stop("SIGINT");
    const onTerminate = () => stop("SIGTERM");
    const onAbort = () => stop("abort");

    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onTerminate);
    if (signal?.aborted) stop("abort");
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
