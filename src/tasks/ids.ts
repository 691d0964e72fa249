/** Random identifiers for task results and workers (Django's 32-character alphanumeric form). */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Bytes at or above this would make some characters likelier than others; they are redrawn. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** Length of the ids made by {@link randomTaskId}. */
export const TASK_ID_LENGTH = 32;

/**
 * A random id of {@link TASK_ID_LENGTH} letters and digits (about 190 bits), drawn from
 * `crypto.getRandomValues`. Used for result ids and worker ids.
 */
export function randomTaskId(): string {
  let id = "";

  while (id.length < TASK_ID_LENGTH) {
    const bytes = crypto.getRandomValues(new Uint8Array(TASK_ID_LENGTH * 2));

    for (const byte of bytes) {
      if (byte >= UNBIASED_LIMIT) continue;

      id += ALPHABET[byte % ALPHABET.length];
      if (id.length === TASK_ID_LENGTH) break;
    }
  }

  return id;
}
