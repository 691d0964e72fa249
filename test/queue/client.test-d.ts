import { describe, expectTypeOf, it } from "vitest";
import {
  type BatchMessage,
  type BatchSendResult,
  QueueClient,
  type QueueClientOptions,
  type ReceiveByIdOptions,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendOptions,
  type SendResult,
  send,
} from "../../src/queue/index.js";

describe("QueueClient signatures other layers code against", () => {
  it("has the agreed methods", () => {
    expectTypeOf(QueueClient).constructorParameters.toEqualTypeOf<[options?: QueueClientOptions]>();
    expectTypeOf<QueueClient["region"]>().toEqualTypeOf<string>();
    expectTypeOf<QueueClient["send"]>().toEqualTypeOf<
      (topic: string, payload: unknown, options?: SendOptions) => Promise<SendResult>
    >();
    expectTypeOf<QueueClient["sendBatch"]>().toEqualTypeOf<
      (topic: string, messages: BatchMessage[]) => Promise<BatchSendResult[]>
    >();
    expectTypeOf<QueueClient["acknowledge"]>().toEqualTypeOf<
      (topic: string, consumerGroup: string, receiptHandle: string) => Promise<void>
    >();
    expectTypeOf<QueueClient["changeVisibility"]>().toEqualTypeOf<
      (
        topic: string,
        consumerGroup: string,
        receiptHandle: string,
        visibilityTimeoutSeconds: number,
      ) => Promise<void>
    >();
    expectTypeOf<QueueClient["forRegion"]>().toEqualTypeOf<(region: string) => QueueClient>();
  });

  it("types received payloads by the caller's parameter", () => {
    const client = new QueueClient();
    expectTypeOf(client.receive<{ n: number }>("t", "g")).toEqualTypeOf<
      Promise<ReceivedMessage<{ n: number }>[]>
    >();
    expectTypeOf(client.receive).parameter(2).toEqualTypeOf<ReceiveOptions | undefined>();
    expectTypeOf(client.receiveById<string>("t", "g", "id")).toEqualTypeOf<
      Promise<ReceivedMessage<string>>
    >();
    expectTypeOf(client.receiveById).parameter(3).toEqualTypeOf<ReceiveByIdOptions | undefined>();
  });

  it("send() takes message and client options together", () => {
    expectTypeOf(send).toEqualTypeOf<
      (
        topic: string,
        payload: unknown,
        options?: SendOptions & QueueClientOptions,
      ) => Promise<SendResult>
    >();
  });

  it("never lets a deferred result carry an id", () => {
    expectTypeOf<Extract<SendResult, { status: "deferred" }>["messageId"]>().toEqualTypeOf<null>();
  });
});
