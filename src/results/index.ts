/**
 * `vercel-workers/results`: result stores, runtime-neutral. The store contract, the process-local
 * memory store and the alias registry. The Redis store is Node-only and lives in its own entry,
 * `vercel-workers/results/redis`.
 */

export {
  isResultStoreError,
  ResultStoreArgumentError,
  ResultStoreClosedError,
  ResultStoreConflictError,
  ResultStoreConnectionError,
  ResultStoreCorruptValueError,
  ResultStoreDependencyError,
  ResultStoreError,
  type ResultStoreErrorCode,
  ResultStoreNotRegisteredError,
  ResultStoreValueError,
} from "./errors.js";
export {
  DEFAULT_MAX_ENTRIES,
  MemoryResultStore,
  type MemoryResultStoreOptions,
} from "./memory.js";
export {
  DEFAULT_RESULT_STORE_ALIAS,
  getResultStore,
  registerResultStore,
  resetResultStores,
  resultStoreAliases,
} from "./registry.js";
export {
  DEFAULT_KEY_PREFIX,
  type JsonObject,
  type JsonValue,
  type ResultStore,
  type ResultStoreMutate,
  type ResultStoreUpdateOptions,
  type ResultStoreWriteOptions,
} from "./store.js";
