import type { ConsumerGroup } from "./consumer-group.js";

/**
 * The records the store keeps: one {@link StoredMessage} per sent message (shared by every
 * consumer group) and one {@link Delivery} per message and consumer group that has touched it.
 * A message that a group has never received has no Delivery for that group, so an idle group
 * costs nothing per message.
 */

/** Where a message is in its life, the same for every consumer group. */
export type MessageState = "delayed" | "available" | "expired";

export interface StoredMessage {
  readonly id: string;
  /** Service-wide send order; redeliveries are served in this order. */
  readonly seq: number;
  readonly topic: string;
  /** The raw bytes as sent; emptied when the message expires. */
  payload: Buffer;
  readonly contentType: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly visibleAt: number;
  readonly expiresAt: number;
  /** `Vqs-Deployment-Id` of the send, when there was one (recorded, not used for routing). */
  readonly deploymentId: string | undefined;
  state: MessageState;
}

/**
 * Where a message is for one consumer group:
 * - `visible`: waiting to be received (after a lease ran out or was given back);
 * - `leased`: received, with a receipt handle, until `deadline`;
 * - `held`: kept back until `deadline` without a receipt handle, either because a push sent
 *   only its metadata and the consumer is expected to claim it by id, or because a push
 *   subscription's initial delay has not passed yet;
 * - `acked`: done for this group (acknowledged, or dropped after too many push deliveries).
 */
export type DeliveryState = "visible" | "leased" | "held" | "acked";

export interface Delivery {
  readonly message: StoredMessage;
  /** The consumer group this delivery belongs to. */
  readonly group: ConsumerGroup;
  state: DeliveryState;
  /** Leases handed out so far (receives and claims). */
  deliveryCount: number;
  /** Push requests made for this message and group. */
  pushAttempts: number;
  /** Number of the current or last lease; 0 before the first. Part of the receipt handle. */
  leaseSeq: number;
  /** Earlier lease numbers of this delivery, to tell a superseded handle from an unknown one. */
  pastLeases: number[] | undefined;
  /** End of the lease or hold, in milliseconds since the epoch. */
  deadline: number;
  /** Bumped on every change, so that a scheduled lease end that is out of date does nothing. */
  version: number;
  /** Whether the delivery sits in its group's ready heap. */
  inReady: boolean;
}

export const EMPTY_PAYLOAD: Buffer = Buffer.alloc(0);

export function newDelivery(message: StoredMessage, group: ConsumerGroup): Delivery {
  return {
    message,
    group,
    state: "visible",
    deliveryCount: 0,
    pushAttempts: 0,
    leaseSeq: 0,
    pastLeases: undefined,
    deadline: 0,
    version: 0,
    inReady: false,
  };
}
