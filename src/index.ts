/**
 * `vercel-workers`: the runtime-neutral entry. Queue Service client (`send`, `QueueClient`) and
 * the consumer layer (`subscribe`, push callback handling, polling).
 */

export * from "./consumer/index.js";
export * from "./queue/index.js";
