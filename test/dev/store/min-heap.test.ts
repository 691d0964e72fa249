import { describe, expect, it } from "vitest";
import { MinHeap } from "../../../src/dev/store/min-heap.js";

describe("MinHeap", () => {
  it("pops items in ascending order whatever the push order", () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1009);
    for (const value of values) heap.push(value);

    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop() as number);

    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
  });

  it("interleaves pushes and pops", () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    heap.push(5);
    heap.push(1);
    expect(heap.pop()).toBe(1);
    heap.push(3);
    heap.push(9);
    expect(heap.peek()).toBe(3);
    expect([heap.pop(), heap.pop(), heap.pop()]).toEqual([3, 5, 9]);
  });
});
