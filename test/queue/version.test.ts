import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { USER_AGENT, VERSION } from "../../src/queue/version.js";

describe("version", () => {
  it("matches package.json, so User-Agent names the released version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`vercel-workers/${pkg.version}`);
  });
});
