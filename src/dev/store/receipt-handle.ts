/**
 * Receipt handles name one lease of one message: `rh:<lease number>/<message id>`. They contain
 * `:` and `/` on purpose, so that a client which forgets to percent-encode path segments fails
 * here instead of in production.
 */

const HANDLE_PATTERN = /^rh:(\d{1,15})\/(.+)$/;

export interface ParsedReceiptHandle {
  readonly leaseSeq: number;
  readonly messageId: string;
}

export function formatReceiptHandle(leaseSeq: number, messageId: string): string {
  return `rh:${leaseSeq}/${messageId}`;
}

/** The lease and message a handle names, or `undefined` for a string this service never made. */
export function parseReceiptHandle(handle: string): ParsedReceiptHandle | undefined {
  const match = HANDLE_PATTERN.exec(handle);
  if (match === null) return undefined;

  return { leaseSeq: Number(match[1]), messageId: match[2] as string };
}
