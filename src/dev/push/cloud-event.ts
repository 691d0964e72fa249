/**
 * The v2beta binary CloudEvent the hosted Queue Service POSTs to a trigger route: metadata in
 * `ce-*` headers, the payload as the body. Above the inline threshold only the metadata goes
 * (no receipt handle, no body) and the consumer claims the message by id.
 */

import { formatReceiptHandle } from "../store/receipt-handle.js";
import type { Delivery } from "../store/records.js";

export const CLOUD_EVENT_TYPE_V2BETA = "com.vercel.queue.v2beta";

export interface CloudEventContext {
  readonly topic: string;
  readonly consumerGroup: string;
  readonly region: string;
  readonly now: number;
}

/** Headers of a push; `inline` says whether the payload and its lease travel with it. */
export function cloudEventHeaders(
  delivery: Delivery,
  context: CloudEventContext,
  inline: boolean,
): Record<string, string> {
  const message = delivery.message;
  const headers: Record<string, string> = {
    "ce-type": CLOUD_EVENT_TYPE_V2BETA,
    "ce-specversion": "1.0",
    "ce-id": message.id,
    "ce-source": `/topic/${context.topic}/consumer/${context.consumerGroup}`,
    "ce-time": new Date(context.now).toISOString(),
    "ce-vqsqueuename": context.topic,
    "ce-vqsconsumergroup": context.consumerGroup,
    "ce-vqsmessageid": message.id,
    "ce-vqscreatedat": new Date(message.createdAt).toISOString(),
    "ce-vqsexpiresat": new Date(message.expiresAt).toISOString(),
    "ce-vqsregion": context.region,
  };
  if (!inline) return headers;

  headers["ce-vqsreceipthandle"] = formatReceiptHandle(delivery.leaseSeq, message.id);
  headers["ce-vqsdeliverycount"] = String(delivery.deliveryCount);
  headers["ce-vqsvisibilitydeadline"] = new Date(delivery.deadline).toISOString();
  headers["content-type"] = message.contentType;
  return headers;
}
