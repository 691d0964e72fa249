/**
 * The wait display of the example: a cli-progress bar on a terminal, plain lines otherwise
 * (CI logs, pipes), both on stderr so stdout carries only the summary.
 */
import cliProgress from "cli-progress";

/** Where the display writes; `isTTY` picks the bar or the plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What the display shows at each update. */
export interface ProgressState {
  finished: number;
  total: number;
  /** Short text after the figures, e.g. `"running 12, failed 1"`. */
  detail: string;
}

/** A display that is updated while the batch runs and stopped once. */
export interface ProgressDisplay {
  update(state: ProgressState): void;
  stop(): void;
}

/** Least time between two plain lines, so a log shows the pace without flooding. */
const PLAIN_LINE_INTERVAL_MS = 1000;

/** The display that fits `stream`: a bar on a terminal, plain lines elsewhere. */
export function createProgress(stream: ProgressStream, total: number): ProgressDisplay {
  return stream.isTTY === true ? barProgress(stream, total) : plainProgress(stream);
}

function barProgress(stream: ProgressStream, total: number): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      // cli-progress types want a NodeJS.WritableStream; it only calls write() and the TTY bits.
      stream: stream as NodeJS.WritableStream,
      format: "tasks [{bar}] {value}/{total} finished | {detail} | {duration}s",
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: "" });

  return {
    update: (state) => bar.update(state.finished, { detail: state.detail }),
    stop: () => bar.stop(),
  };
}

function plainProgress(stream: ProgressStream): ProgressDisplay {
  let lastLine = "";
  let lastAt = 0;
  let latest: ProgressState | undefined;

  const print = (state: ProgressState) => {
    const line = `tasks finished ${state.finished}/${state.total} (${state.detail})`;

    if (line !== lastLine) {
      stream.write(`${line}\n`);
      lastLine = line;
      lastAt = Date.now();
    }
  };

  return {
    update(state) {
      latest = state;

      if (Date.now() - lastAt >= PLAIN_LINE_INTERVAL_MS) {
        print(state);
      }
    },
    stop() {
      if (latest !== undefined) {
        print(latest);
      }
    },
  };
}
