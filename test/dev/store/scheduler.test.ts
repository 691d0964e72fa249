import { afterEach, describe, expect, it } from "vitest";
import { Scheduler } from "../../../src/dev/store/scheduler.js";

const schedulers: Scheduler[] = [];
afterEach(() => {
  for (const scheduler of schedulers.splice(0)) scheduler.close();
});

function make(now: () => number) {
  const scheduler = new Scheduler({ now, maxSleepMs: 20 });
  schedulers.push(scheduler);
  return scheduler;
}

describe("Scheduler", () => {
  it("runs due events in time order on runDue, and nothing early", () => {
    let now = 1000;
    const scheduler = make(() => now);
    const fired: string[] = [];
    const record = (label: string) => fired.push(label);
    scheduler.at(3000, record, "c");
    scheduler.at(2000, record, "b");
    scheduler.at(2000, record, "b2");

    scheduler.runDue();
    now = 2500;
    scheduler.runDue();
    const midway = [...fired];
    now = 3000;
    scheduler.runDue();

    expect(midway).toEqual(["b", "b2"]);
    expect(fired).toEqual(["b", "b2", "c"]);
    expect(scheduler.pending).toBe(0);
  });

  it("fires from its own timer when the clock moves without requests", async () => {
    let now = 0;
    const scheduler = make(() => now);
    let fired = false;
    scheduler.at(
      10_000,
      () => {
        fired = true;
      },
      undefined,
    );

    now = 10_000;
    await new Promise((resolve) => setTimeout(resolve, 80));

    expect(fired).toBe(true);
  });

  it("runs nothing after close", async () => {
    const scheduler = make(Date.now);
    let fired = false;
    scheduler.at(
      Date.now() + 5,
      () => {
        fired = true;
      },
      undefined,
    );

    scheduler.close();
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(fired).toBe(false);
  });
});

describe("Scheduler tags", () => {
  it("hands each event its subject and tag", () => {
    const scheduler = make(() => 5);
    const seen: Array<[string, number]> = [];
    scheduler.at(1, (subject: string, tag) => seen.push([subject, tag]), "lease", 7);

    scheduler.runDue();

    expect(seen).toEqual([["lease", 7]]);
  });
});
