/**
 * Journal frames: what is written is read back bit for bit; a frame cut anywhere at the
 * tail is a torn (never acknowledged) append and is dropped, while damage followed by more
 * frames is corruption of acknowledged records and is an error naming file and offset.
 */
import { describe, expect, it } from 'vitest';
import { encodeJsonFrame, encodePerfFrame, scanFrames, JournalCorruptError } from '../../../src/stores/results/frame.ts';
import { trade } from './helpers/records.ts';

function perfColumns(n: number, shift = 0) {
  const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + (i + shift) * 60_000);
  const equity = Float64Array.from({ length: n }, (_, i) => 100_000 + Math.sin(i + shift) * 1234.5678);
  const cash = Float64Array.from({ length: n }, (_, i) => -0.1 * (i + shift));
  const portfolio = Uint32Array.from({ length: n }, (_, i) => i % 3);
  return { ts, equity, cash, portfolio, ids: ['a', 'b', 'ç/"x"'] };
}

describe('journal frames', () => {
  const perf = encodePerfFrame(7, perfColumns(50));
  const trades = encodeJsonFrame('trades', 3, [trade(1), trade(2)]);
  const perf2 = encodePerfFrame(57, perfColumns(1, 50));
  const file = Buffer.concat([perf, trades, perf2]);

  it('decodes what was encoded', () => {
    const scan = scanFrames(file, 'seg');
    expect(scan.tornBytes).toBe(0);
    expect(scan.validBytes).toBe(file.length);
    expect(scan.frames.map((f) => [f.kind, f.firstSeq, f.count])).toEqual([['performance', 7, 50], ['trades', 3, 2], ['performance', 57, 1]]);
    const first = scan.frames[0];
    if (first.kind !== 'performance') throw new Error('expected performance');
    expect(first.columns).toEqual(perfColumns(50));
    const second = scan.frames[1];
    expect(second.kind === 'trades' && second.records).toEqual([trade(1), trade(2)]);
  });

  it('a cut anywhere inside the last frame is a torn tail: earlier frames survive', () => {
    const lastStart = perf.length + trades.length;
    for (let cut = lastStart + 1; cut < file.length; cut++) {
      const scan = scanFrames(file.subarray(0, cut), 'seg');
      expect(scan.frames.length).toBe(2);
      expect(scan.validBytes).toBe(lastStart);
      expect(scan.tornBytes).toBe(cut - lastStart);
    }
  });

  it('a damaged last frame (bit flip, zero fill) is dropped as torn; zeros after the frames too', () => {
    const flipped = Buffer.from(file);
    flipped[file.length - 5] ^= 0x40;
    expect(scanFrames(flipped, 'seg')).toMatchObject({ validBytes: perf.length + trades.length, tornBytes: perf2.length });
    const zeros = Buffer.concat([file, Buffer.alloc(4096)]);
    expect(scanFrames(zeros, 'seg')).toMatchObject({ validBytes: file.length, tornBytes: 4096 });
  });

  it('damage followed by more frames is corruption, named with file and offset', () => {
    const damaged = Buffer.from(file);
    damaged[perf.length + 20] ^= 0x01; // inside the trades frame's payload
    expect(() => scanFrames(damaged, 'journal/00000001.wal')).toThrow(JournalCorruptError);
    expect(() => scanFrames(damaged, 'journal/00000001.wal')).toThrow(`journal/00000001.wal: corrupt journal frame at byte ${perf.length} (CRC mismatch)`);
    const garbage = Buffer.concat([perf, Buffer.from('not a frame at all, more than a header'), trades]);
    expect(() => scanFrames(garbage, 'seg')).toThrow(/bad frame magic/);
  });
});
