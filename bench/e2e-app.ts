/**
 * The vercel-workers consumer app of bench/e2e.ts's `split` layout, in a process of its own:
 * the task callback route on node:http, results in the same Redis under the parent's key
 * prefix. Forked by e2e-vercel-workers.ts (see e2e-consumer-process.ts for the messages).
 *
 * Env: BENCH_REDIS_URL, BENCH_PREFIX (key prefix of the result store).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { registerResultStore } from "../src/results/index.js";
import { RedisResultStore } from "../src/results/redis.js";
import {
  createNodeTaskCallbackHandler,
  VercelQueuesBackend,
} from "../src/tasks/backends/vercel/index.js";
import { configureTasks, taskBackends, taskEvents } from "../src/tasks/index.js";
import { EventReporter, onParentMessage, tellParent } from "./e2e-consumer-process.js";
import { noop, noopStarts, STORE_ALIAS, TOPIC } from "./e2e-vercel-workers.js";

const reporter = new EventReporter();
noopStarts.current = { set: (seq) => reporter.started(seq) };

const store = new RedisResultStore({
  url: process.env.BENCH_REDIS_URL,
  keyPrefix: process.env.BENCH_PREFIX,
});
registerResultStore(STORE_ALIAS, store);
taskEvents.on("taskFinished", ({ taskResult }) => reporter.finished(taskResult.args[0] as number));

const callback = createNodeTaskCallbackHandler({ tasks: [noop] });
const server = createServer((req, res) => {
  reporter.arrived();
  void callback(req, res);
});
server.listen(0, "127.0.0.1", () => {
  tellParent({ type: "listening", port: (server.address() as AddressInfo).port });
});

onParentMessage((message) => {
  if (message.type === "configure") {
    configureTasks({
      default: {
        backend: VercelQueuesBackend,
        queues: [TOPIC],
        options: {
          baseUrl: message.serviceUrl,
          token: "bench",
          cacheAlias: STORE_ALIAS,
          deploymentId: null,
        },
      },
    });
    tellParent({ type: "ready" });
    return;
  }

  void stop();
});

async function stop(): Promise<void> {
  reporter.stop();
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  await taskBackends.close();
  await store.close();
  process.exit(0);
}
