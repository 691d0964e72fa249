import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/queue/bytes.js";

describe("concatBytes", () => {
  it("joins chunks in order, counting them when no total is given", () => {
    const joined = concatBytes([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]);
    expect(joined).toEqual(new Uint8Array([1, 2, 3]));
    expect(concatBytes([new Uint8Array([4]), new Uint8Array([5])], 2)).toEqual(
      new Uint8Array([4, 5]),
    );
  });

  it("copies even a single chunk, so the result does not pin a larger network buffer", () => {
    const buffer = new ArrayBuffer(64);
    const view = new Uint8Array(buffer, 8, 4).fill(7);

    const joined = concatBytes([view]);

    expect(joined).toEqual(new Uint8Array([7, 7, 7, 7]));
    expect(joined.buffer).not.toBe(buffer);
    expect(joined.buffer.byteLength).toBe(4);
  });
});
