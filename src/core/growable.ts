/** An append-only Float64 column that doubles its capacity as needed (equity curves and the like). */
export class GrowableFloat64 {
  private data: Float64Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  /** Replaces the last value (the column must not be empty). */
  setLast(value: number): void {
    if (this.size === 0) throw new Error('setLast on an empty column');
    this.data[this.size - 1] = value;
  }

  get length(): number {
    return this.size;
  }

  /** The values without copying: valid until the next push (do not keep it across appends). */
  view(): Float64Array {
    return this.data.subarray(0, this.size);
  }

  /** A trimmed copy of the values. */
  toArray(): Float64Array {
    return this.data.slice(0, this.size);
  }
}

/**
 * {@link GrowableFloat64} for whole numbers (indices, counts) that fit in 32 bits: half the
 * bytes. A class of its own rather than one generic over the array type, so each column's push
 * stays monomorphic in the loops that call it.
 */
export class GrowableInt32 {
  private data: Int32Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Int32Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  /** The values without copying: valid until the next push (do not keep it across appends). */
  view(): Int32Array {
    return this.data.subarray(0, this.size);
  }

  /** A trimmed copy of the values. */
  toArray(): Int32Array {
    return this.data.slice(0, this.size);
  }
}
