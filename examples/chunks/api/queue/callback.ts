/**
 * The queue callback route: Vercel Queues (or the local Queue Service) POSTs one CloudEvent per
 * task message here; the handler claims the message, runs the task while keeping its lease, and
 * records the outcome. vercel.json subscribes this file to the `chunks` topic.
 */
import { createNodeTaskCallbackHandler } from "../../../../src/tasks/backends/vercel/index.js";
import { chunkTasks } from "../../tasks.js";

/** Route path of this handler, as vercel.json's function file `api/queue/callback.ts` serves. */
export const CALLBACK_PATH = "/api/queue/callback";

export const handleQueueCallback = createNodeTaskCallbackHandler({ tasks: chunkTasks });

export default handleQueueCallback;
