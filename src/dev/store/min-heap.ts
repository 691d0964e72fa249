/**
 * A binary min-heap. The store keeps one per consumer group (redeliveries in send order) and the
 * scheduler one for all deadlines, so no operation ever scans every message.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.less = less;
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);

    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(item, items[parent] as T)) break;
      items[index] = items[parent] as T;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;

    this.siftDown(last);
    return top;
  }

  /** Drops every item; used when the service closes. */
  clear(): void {
    this.items.length = 0;
  }

  private siftDown(item: T): void {
    const items = this.items;
    const length = items.length;
    let index = 0;

    while (true) {
      const left = 2 * index + 1;
      if (left >= length) break;

      const right = left + 1;
      const child = right < length && this.less(items[right] as T, items[left] as T) ? right : left;
      if (!this.less(items[child] as T, item)) break;

      items[index] = items[child] as T;
      index = child;
    }
    items[index] = item;
  }
}
