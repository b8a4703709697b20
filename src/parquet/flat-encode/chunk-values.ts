import { EMPTY_FLOAT64, EMPTY_INT32, EMPTY_STRINGS, K_BOOLEAN, K_DOUBLE, K_INT32, K_INT64 } from './constants.ts';
import type { PlannedColumn } from './plan.ts';

/** A chunk's non-null values, densely (views of the column's arrays when it has no nulls). */
export class ChunkValues {
  constructor(
    readonly ints: Int32Array,
    readonly nums: Float64Array,
    readonly strs: readonly string[],
  ) {}
}

export function chunkValues(column: PlannedColumn, g0: number, g1: number, count: number): ChunkValues {
  const { defined, hasNulls } = column;
  switch (column.kind) {
    case K_INT32:
    case K_BOOLEAN: {
      if (!hasNulls) return new ChunkValues(column.ints.subarray(g0, g1), EMPTY_FLOAT64, EMPTY_STRINGS);
      const ints = new Int32Array(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) ints[k++] = column.ints[i];
      return new ChunkValues(ints, EMPTY_FLOAT64, EMPTY_STRINGS);
    }
    case K_INT64:
    case K_DOUBLE: {
      if (!hasNulls) return new ChunkValues(EMPTY_INT32, column.nums.subarray(g0, g1), EMPTY_STRINGS);
      const nums = new Float64Array(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) nums[k++] = column.nums[i];
      return new ChunkValues(EMPTY_INT32, nums, EMPTY_STRINGS);
    }
    default: {
      const source = column.strs;
      // no nulls: the column itself (a string column is an array), or a copy of the group's part
      if (!hasNulls) return new ChunkValues(EMPTY_INT32, EMPTY_FLOAT64, (g0 === 0 && g1 === source.length ? source : source.slice(g0, g1)) as readonly string[]);
      const strs = new Array<string>(count);
      for (let i = g0, k = 0; i < g1; i++) if (defined[i]) strs[k++] = source[i] as string;
      return new ChunkValues(EMPTY_INT32, EMPTY_FLOAT64, strs);
    }
  }
}
