import { K_BOOLEAN, K_INT32 } from './constants.ts';

/** A chunk's page split: row and value (non-null) index where each page starts, then the ends. */
export class PageSplit {
  readonly rowStarts: number[] = [];
  readonly valueStarts: number[] = [];
  get pages(): number {
    return this.rowStarts.length - 1;
  }
}

/** Bytes per value in hyparquet-writer's page-size estimate (strings: their UTF-8 bytes). */
export function valueSize(kind: number): number {
  return kind === K_INT32 ? 4 : kind === K_BOOLEAN ? 0.125 : 8;
}

export function pushPage(split: PageSplit, row: number, value: number): void {
  split.rowStarts.push(row);
  split.valueStarts.push(value);
}

/**
 * hyparquet-writer's page split of values of `size` bytes each (nulls count 0): a page ends
 * before the value that brings it to `pageSize` bytes, but holds at least one value.
 */
export function splitFixedPages(def: Int32Array, nullable: boolean, size: number, rows: number, pageSize: number, split: PageSplit): void {
  pushPage(split, 0, 0);
  if (!nullable) {
    // every value the same size (a power of two, so the division is exact): pages of `per` values
    const per = Math.max(1, Math.ceil(pageSize / size) - 1);
    for (let row = per; row < rows; row += per) pushPage(split, row, row);
    return;
  }
  let bytes = 0;
  let start = 0;
  let value = 0;
  for (let i = 0; i < rows; i++) {
    const present = def[i] !== 0;
    const s = present ? size : 0;
    bytes += s;
    if (bytes >= pageSize && i > start) {
      pushPage(split, i, value);
      start = i;
      bytes = s;
    }
    if (present) value++;
  }
}

/** {@link splitFixedPages} for PLAIN strings, whose sizes are their UTF-8 lengths (`ends` minus the 4-byte prefixes). */
export function splitStringPages(def: Int32Array, nullable: boolean, ends: Int32Array, rows: number, pageSize: number, split: PageSplit): void {
  let bytes = 0;
  let start = 0;
  let value = 0;
  pushPage(split, 0, 0);
  for (let i = 0; i < rows; i++) {
    const present = !nullable || def[i] !== 0;
    const s = present ? ends[value + 1] - ends[value] - 4 : 0;
    bytes += s;
    if (bytes >= pageSize && i > start) {
      pushPage(split, i, value);
      start = i;
      bytes = s;
    }
    if (present) value++;
  }
}
