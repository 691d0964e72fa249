/** Result and worker ids (src/tasks/ids.ts); the backport's `RandomIdTestCase`. */

import { describe, expect, it } from "vitest";
import { randomTaskId, TASK_ID_LENGTH } from "../../src/tasks/index.js";

describe("RandomIdTestCase", () => {
  it("test_correct_length", () => {
    expect(randomTaskId()).toHaveLength(32);
    expect(TASK_ID_LENGTH).toBe(32);
  });

  it("test_random_ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomTaskId()));

    expect(ids.size).toBe(1000);
  });

  it("uses letters and digits only, all of them", () => {
    const characters = new Set(Array.from({ length: 200 }, () => randomTaskId()).join(""));

    expect([...characters].every((character) => /[A-Za-z0-9]/.test(character))).toBe(true);
    expect(characters.size).toBe(62);
  });
});
