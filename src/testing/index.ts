/**
 * `vercel-workers/testing`: helpers for an app's own tests (Node only). A local Queue Service
 * with a client pointed at it, and a wait for task results.
 */
export {
  LOCAL_QUEUE_TOKEN,
  type LocalQueue,
  startLocalQueue,
} from "./local-queue.js";
export { ResultWaitTimeoutError, type WaitForResultOptions, waitForResult } from "./wait.js";
