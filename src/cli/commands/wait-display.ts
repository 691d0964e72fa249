/**
 * What a command shows on stderr while it waits: a spinner line redrawn in place on a
 * terminal, a plain line per change elsewhere (logs, pipes), so stdout stays machine-readable.
 */
import type { CliOutput } from "../io.js";

const FRAMES = ["|", "/", "-", "\\"];

export interface WaitDisplay {
  /** Shows `state` after `elapsedMs` of waiting. */
  update(state: string, elapsedMs: number): void;
  /** Ends the display (clears the spinner line). */
  stop(): void;
}

export function createWaitDisplay(stream: CliOutput): WaitDisplay {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;

  return tty ? spinner(stream) : plainLines(stream);
}

function spinner(stream: CliOutput): WaitDisplay {
  let frame = 0;
  let drawn = false;

  return {
    update(state, elapsedMs) {
      const symbol = FRAMES[frame++ % FRAMES.length];
      stream.write(`\r\u001b[2K${symbol} waiting: ${state} (${(elapsedMs / 1000).toFixed(1)} s)`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write("\r\u001b[2K");
    },
  };
}

function plainLines(stream: CliOutput): WaitDisplay {
  let last = "";

  return {
    update(state, elapsedMs) {
      if (state === last) return;

      last = state;
      stream.write(`waiting: ${state} (${(elapsedMs / 1000).toFixed(1)} s)\n`);
    },
    stop() {},
  };
}
