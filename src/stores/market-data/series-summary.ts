/** Per-series totals from a manifest, for `ls`, `stats` and listSeries(). */
import { seriesKey, type RecordKind } from './layout.ts';
import type { Manifest, Tier } from './manifest.ts';

export interface SeriesSummary {
  readonly kind: RecordKind;
  readonly symbol: string;
  readonly timeframe: string;
  readonly rows: number;
  /** Earliest and latest record time (epoch ms). */
  readonly minTs: number;
  readonly maxTs: number;
  readonly partitions: number;
  readonly files: number;
  readonly bytes: number;
  readonly outOfOrder: number;
  readonly tiers: Readonly<Record<Tier, number>>;
}

export function summarizeSeries(manifest: Manifest): SeriesSummary[] {
  const out = new Map<string, { -readonly [K in keyof SeriesSummary]: SeriesSummary[K] } & { tiers: Record<Tier, number> }>();
  for (const p of Object.values(manifest.partitions)) {
    if (p.files.length === 0) continue;
    const key = seriesKey(p);
    let s = out.get(key);
    if (!s) {
      s = { kind: p.kind, symbol: p.symbol, timeframe: p.timeframe, rows: 0, minTs: Infinity, maxTs: -Infinity, partitions: 0, files: 0, bytes: 0, outOfOrder: 0, tiers: { hot: 0, warm: 0, cold: 0 } };
      out.set(key, s);
    }
    s.partitions++;
    for (const f of p.files) {
      s.rows += f.rows;
      s.minTs = Math.min(s.minTs, f.minTs);
      s.maxTs = Math.max(s.maxTs, f.maxTs);
      s.files++;
      s.bytes += f.bytes;
      s.outOfOrder += f.outOfOrder;
      s.tiers[f.tier]++;
    }
  }
  return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, s]) => s);
}
