/**
 * Type-level tests of the task model: `enqueue()` takes the function's own parameters (without
 * the context when `takesContext`), and `returnValue` has its awaited return type in JSON form.
 * Checked by tsc through vitest's typecheck mode; nothing here runs.
 */

import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type Jsonified,
  type JsonValue,
  type Task,
  type TaskContext,
  type TaskResult,
  task,
} from "../../src/tasks/index.js";

declare const email: Task<[to: string, subject: string], { sent: boolean }, false>;

describe("enqueue() parameters", () => {
  it("come from the function's signature", () => {
    const add = task(function add(a: number, b: number) {
      return a + b;
    });

    expectTypeOf(add.enqueue).parameters.toEqualTypeOf<[a: number, b: number]>();

    // @ts-expect-error: a string where the function takes a number.
    void add.enqueue(1, "2");
    // @ts-expect-error: the function takes two arguments, not one.
    void add.enqueue(1);
    // @ts-expect-error: nor three.
    void add.enqueue(1, 2, 3);
  });

  it("keep optional and rest parameters", () => {
    const greet = task(function greet(name: string, ...titles: string[]) {
      return [name, ...titles].join(" ");
    });
    const maybe = task(function maybe(id: string, retries?: number) {
      return `${id}${retries ?? 0}`;
    });

    void greet.enqueue("Ada", "Dr", "Prof");
    void maybe.enqueue("a");
    void maybe.enqueue("a", 2);
    // @ts-expect-error: every rest argument must be a string.
    void greet.enqueue("Ada", 1);
  });

  it("leave out the context when takesContext is set", () => {
    const resize = task(
      { name: "resize", takesContext: true },
      async (context: TaskContext, imageId: string, width: number) => {
        return { id: context.taskResult.id, imageId, width };
      },
    );

    expectTypeOf(resize.enqueue).parameters.toEqualTypeOf<[imageId: string, width: number]>();
    // call() runs the function itself, so it takes the context first.
    expectTypeOf(resize.call).parameters.toEqualTypeOf<
      [context: TaskContext, imageId: string, width: number]
    >();

    // @ts-expect-error: the context is supplied by the backend, not by the caller.
    void resize.enqueue({} as TaskContext, "img", 100);
  });

  it("refuse takesContext on a function whose first parameter cannot take a context", () => {
    // @ts-expect-error: the first parameter is a number, so it cannot receive the TaskContext.
    task({ name: "noContext", takesContext: true }, (count: number) => count);
  });

  it("survive using()", () => {
    expectTypeOf(email.using({ queueName: "emails" }).enqueue).parameters.toEqualTypeOf<
      [to: string, subject: string]
    >();
  });
});

describe("returnValue", () => {
  it("has the function's return type", async () => {
    const meaning = task(function meaning() {
      return 42;
    });
    const profile = task(function profile(id: string) {
      return { id, tags: ["a"], score: 1.5, active: true };
    });

    expectTypeOf((await meaning.enqueue()).returnValue).toEqualTypeOf<number>();
    expectTypeOf((await profile.enqueue("u1")).returnValue).toEqualTypeOf<{
      id: string;
      tags: string[];
      score: number;
      active: boolean;
    }>();
  });

  it("is the awaited type of an async function", async () => {
    const fetchCount = task(async function fetchCount(): Promise<number> {
      return 3;
    });

    const result = await fetchCount.enqueue();

    expectTypeOf(result).toEqualTypeOf<TaskResult<number>>();
    expectTypeOf(result.returnValue).toEqualTypeOf<number>();
  });

  it("is null for a function that returns nothing", async () => {
    const noop = task(function noop(): void {});

    expectTypeOf((await noop.enqueue()).returnValue).toEqualTypeOf<null>();
  });

  it("shows what the JSON rules make of a Date", async () => {
    const stamp = task(function stamp() {
      return { at: new Date(), note: undefined as string | undefined };
    });

    const value = (await stamp.enqueue()).returnValue;

    expectTypeOf(value.at).toEqualTypeOf<string>();
    expectTypeOf(value.note).toEqualTypeOf<string>();
  });

  it("comes through getResult() with the same type", async () => {
    expectTypeOf(await email.getResult("id")).toEqualTypeOf<TaskResult<{ sent: boolean }>>();
  });
});

describe("argsSchema", () => {
  it("must produce the function's parameters", () => {
    task({ name: "ok", argsSchema: [z.string(), z.number()] }, (a: string, b: number) => a + b);
    task({ name: "okTuple", argsSchema: z.tuple([z.string()]) }, (a: string) => a);

    // @ts-expect-error: the schema yields a number where the function takes a string.
    task({ name: "wrong", argsSchema: [z.number()] }, (a: string) => a);
  });
});

describe("Jsonified", () => {
  it("maps values as toJsonValue does", () => {
    expectTypeOf<Jsonified<string | undefined>>().toEqualTypeOf<string | null>();
    expectTypeOf<Jsonified<Date>>().toEqualTypeOf<string>();
    expectTypeOf<Jsonified<(number | undefined)[]>>().toEqualTypeOf<(number | null)[]>();
    expectTypeOf<Jsonified<Map<string, number>>>().toEqualTypeOf<never>();
    expectTypeOf<Jsonified<unknown>>().toEqualTypeOf<JsonValue>();
  });
});
