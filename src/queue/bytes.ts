/** Byte-array helpers shared by the queue client and the consumer layer. */

/**
 * Joins `chunks` into one new array (always a copy, so the result never pins a larger buffer
 * a chunk is a view of). `total` saves a pass when the caller already counted the bytes.
 */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  let length = total;
  if (length === undefined) {
    length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
  }

  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  return bytes;
}
