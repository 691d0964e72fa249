import type { IncomingMessage, ServerResponse } from "node:http";
import type { MessageStore } from "../store/message-store.js";

/** What every API handler is given. */
export interface ApiContext {
  readonly store: MessageStore;
  /** Largest accepted body of a send or batch send, in bytes. */
  readonly maxPayloadBytes: number;
  /** The figures `GET /_stats` answers with. */
  readonly stats: () => unknown;
}

export interface ApiExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}
