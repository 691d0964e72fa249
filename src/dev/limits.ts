/**
 * The limits of the Vercel Queue Service (its README and the official SDK's docs), in the units
 * the wire protocol uses. The local Queue Service enforces the same numbers so that a request
 * it accepts is one the hosted service accepts too.
 */

/** Topic, consumer group and deployment id names. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Region codes as the official SDK validates them (`iad1`, `lhr1`, ...). */
export const REGION_PATTERN = /^[a-z]{2,5}[0-9]{1,2}$/;

export const DEFAULT_RETENTION_SECONDS = 86_400;
export const MIN_RETENTION_SECONDS = 60;
export const MAX_RETENTION_SECONDS = 604_800;

export const MAX_DELAY_SECONDS = 604_800;

/** The idempotency window is `min(retention, 24 h)`. */
export const MAX_IDEMPOTENCY_WINDOW_SECONDS = 86_400;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** Lease length of a poll receive that sends no `Vqs-Visibility-Timeout-Seconds`. */
export const DEFAULT_RECEIVE_VISIBILITY_SECONDS = 60;
export const MAX_VISIBILITY_SECONDS = 3_600;

export const DEFAULT_MAX_MESSAGES = 1;
export const MAX_MESSAGES_PER_RECEIVE = 10;

export const MAX_BATCH_MESSAGES = 100;

/** 100 MB, the documented payload cap. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 100 * 1024 * 1024;

/** Bodies of calls that carry only a small JSON document (visibility change). */
export const MAX_CONTROL_BODY_BYTES = 64 * 1024;
