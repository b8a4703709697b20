/** A FIFO of records with O(1) push and amortised O(1) removal from the front. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The first `n` items (a copy). */
  peek(n: number): T[] {
    return this.items.slice(this.head, this.head + n);
  }

  consume(n: number): void {
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
  }
}
