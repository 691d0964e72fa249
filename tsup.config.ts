import { defineConfig } from "tsup";

// One entry per subpath export (see package.json "exports"), so Node-only code such as the
// local Queue Service or the Redis store never enters the graph of a runtime-neutral entry.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "tasks/index": "src/tasks/index.ts",
    "tasks/backends/vercel/index": "src/tasks/backends/vercel/index.ts",
    "results/index": "src/results/index.ts",
    "results/redis": "src/results/redis.ts",
    "http/index": "src/http/index.ts",
    "http/node": "src/http/node.ts",
    "dev/index": "src/dev/index.ts",
    "testing/index": "src/testing/index.ts",
    "cli/main": "src/cli/main.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
