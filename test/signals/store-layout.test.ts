/**
 * The physical layout of the store's signal and classifier files (store-writer.ts): seq, bar_idx
 * and ts delta-encoded, no compression, and every column within the flat decoder's reach, so a
 * replay reads them on its fast path. (What the layout means is checked by store-format.test.ts,
 * DuckDB included; this pins the choices the load time was measured with.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { decodeFlat, planFlatRead } from '../../src/parquet/flat-decode.ts';
import { readClassifierRows, readSignalRows, readStoreState } from '../../src/signals/store-reader.ts';
import { generate, loadSeries, tempStore } from './helpers.ts';

const data = {
  timezone: 'UTC',
  streams: [
    { symbol: 'AAA', timeframe: '1h', synthetic: { seed: 11, bars: 1200, start_price: 80 } },
    { symbol: 'BBB', timeframe: '1h', synthetic: { seed: 22, bars: 1200, start_price: 60 } },
  ],
};
const config = {
  name: 'store-layout',
  data,
  classifiers: [{ id: 'trend', type: 'trend', params: { fast_period: 10, slow_period: 30 }, inputs: ['AAA_1h'] }],
  strategies: [
    { id: 'sma', type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 }, inputs: ['AAA_1h'] },
    { id: 'pairs', type: 'pairs_zscore', params: { period: 30, entry: 1.5 }, inputs: ['AAA_1h', 'BBB_1h'] },
  ],
  portfolios: [{ id: 'p', strategies: ['sma', 'pairs'] }],
};

const DELTA = ['seq', 'bar_idx', 'ts'];

describe('signal store file layout', () => {
  it('delta-encodes seq, bar_idx and ts, compresses nothing, and stays on the flat decoder', async () => {
    const series = await loadSeries(config);
    const store = tempStore('layout');
    await generate(config, series, store);
    const state = await readStoreState(store);
    const rows = [...state.strategies, ...state.classifiers];
    expect(rows.length).toBe(3);
    for (const row of rows) {
      const bytes = readFileSync(join(store, row.path));
      const meta = parquetMetadata(bytes);
      expect(Number(meta.num_rows), row.path).toBeGreaterThan(0);
      for (const group of meta.row_groups) {
        for (const chunk of group.columns) {
          const md = chunk.meta_data!;
          const name = md.path_in_schema[0];
          expect(md.codec, name).toBe('UNCOMPRESSED');
          if (DELTA.includes(name)) expect(md.encodings, name).toEqual(['DELTA_BINARY_PACKED']);
        }
      }
      const names = meta.schema.slice(1).map((e) => e.name);
      const plan = planFlatRead(meta, names);
      expect(plan, row.path).toBeDefined();
      const decoded = decodeFlat(bytes, meta, plan!);
      // the decoder's columns are what the store reader hands out
      const read = state.strategies.includes(row) ? await readSignalRows(store, row) : await readClassifierRows(store, row);
      expect(Array.from(read.seq)).toEqual(Array.from(decoded.seq as Int32Array));
      expect(Array.from(read.barIdx)).toEqual(Array.from(decoded.bar_idx as Int32Array));
      expect(Array.from(read.ts)).toEqual(Array.from(decoded.ts as Float64Array));
      // ts are bar times (whole hours here): the INT64 deltas decode exactly
      for (const t of Array.from(read.ts)) expect(t % 3_600_000).toBe(0);
    }
  });
});
