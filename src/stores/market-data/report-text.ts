/** Plain-text renderings of the store's reports, for the `data` CLI. */
import type { ImportReport } from './import-file.ts';
import type { CompactionReport, RetentionReport } from './maintenance.ts';
import { countByReason } from './quarantine.ts';
import type { RestoreReport } from './restore.ts';
import type { SeriesSummary } from './series-summary.ts';
import type { Snapshot } from './snapshot-format.ts';
import type { Verification } from './snapshots.ts';
import type { StoreStats } from './stats.ts';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const t = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-');
export const bytes = (b: number) => (b < 1024 ? `${b} B` : b < 1024 ** 2 ? `${(b / 1024).toFixed(1)} KB` : b < 1024 ** 3 ? `${(b / 1024 ** 2).toFixed(1)} MB` : `${(b / 1024 ** 3).toFixed(2)} GB`);
const ms = (x: number) => (Number.isFinite(x) ? (x < 1 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(2)} ms`) : '-');

export function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function importText(report: ImportReport, root: string, show: number): string {
  const out: string[] = [];
  for (const { symbol, timeframe, batch, rejections } of report.batches) {
    const what = `${report.kind}${symbol !== '-' ? ` ${symbol}` : ''}${timeframe !== '-' ? ` ${timeframe}` : ''}`;
    const rate = batch.durationMs > 0 ? `, ${n((batch.received / batch.durationMs) * 1000)} records/s` : '';
    out.push(
      `imported ${report.file} as ${what} (batch ${batch.id}): ${n(batch.received)} read, ${n(batch.stored)} stored, ${n(batch.duplicates)} duplicate, ` +
        `${n(batch.rejected)} rejected, ${n(batch.outOfOrder)} out of order; quality ${batch.quality.toFixed(3)}; ${batch.files.length} file(s)${rate}`,
    );
    if (rejections.length > 0) {
      out.push(`  rejected ${n(rejections.length)} record(s), by reason:`);
      for (const r of countByReason(rejections)) out.push(`    ${String(r.count).padStart(6)} x ${r.reason}`);
      for (const r of rejections.slice(0, show)) {
        const where = r.line !== undefined ? `line ${r.line}` : `record ${r.index ?? '?'}`;
        out.push(`    ${where}: ${r.reason}${typeof r.record === 'string' ? `  [${r.record}]` : ''}`);
      }
      if (rejections.length > show) out.push(`    ... and ${n(rejections.length - show)} more`);
      if (batch.quarantineFile) out.push(`  quarantined in ${root}/${batch.quarantineFile}`);
    }
  }
  out.push(`stamps read as ${report.timezone}; ${ms(report.durationMs)} in total`);
  return out.join('\n');
}

export function seriesText(series: readonly SeriesSummary[]): string {
  if (series.length === 0) return 'the store is empty';
  return table(
    ['kind', 'symbol', 'timeframe', 'rows', 'first', 'last', 'partitions', 'files', 'size', 'hot/warm/cold', 'out of order'],
    series.map((s) => [s.kind, s.symbol, s.timeframe, n(s.rows), t(s.minTs), t(s.maxTs), String(s.partitions), String(s.files), bytes(s.bytes), `${s.tiers.hot}/${s.tiers.warm}/${s.tiers.cold}`, n(s.outOfOrder)]),
    new Set([3, 6, 7, 8, 10]),
  );
}

export function statsText(s: StoreStats): string {
  const lines = [
    `store ${s.root} (manifest generation ${s.generation})`,
    `  ${n(s.rows)} records in ${n(s.series)} series, ${n(s.partitions)} partitions, ${n(s.files)} files (${Object.entries(s.filesByTier).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`,
    `  by kind: ${Object.entries(s.rowsByKind).map(([k, v]) => `${k} ${n(v)}`).join(', ') || '-'}`,
    `  disk: ${bytes(s.disk.totalBytes)} (data ${bytes(s.disk.dataBytes)}, quarantine ${bytes(s.disk.quarantineBytes)}, snapshots ${bytes(s.disk.snapshotBytes)} beyond shared links); ${s.snapshots} snapshot(s)`,
    `  ingest: ${n(s.ingest.batches)} batches, ${n(s.ingest.received)} received, ${n(s.ingest.stored)} stored, ${n(s.ingest.duplicates)} duplicate, ${n(s.ingest.rejected)} rejected; write throughput ${n(s.ingest.recordsPerSecond)} records/s`,
    `  quarantine: ${n(s.quarantine.total)} record(s)${s.quarantine.total ? ` (${Object.entries(s.quarantine.byKind).map(([k, v]) => `${k} ${n(v)}`).join(', ')})` : ''}; out of order: ${n(s.outOfOrder)}`,
  ];
  const q = Object.entries(s.process.queries);
  if (q.length > 0) {
    lines.push(`  queries (this process): ${q.map(([name, l]) => `${name} n=${l.count} p50 ${ms(l.p50Ms)} p99 ${ms(l.p99Ms)}`).join('; ')}`);
    lines.push(`  read: ${n(s.process.filesRead)} file(s), ${n(s.process.rowGroupsRead)} row group(s) decoded, ${n(s.process.rowGroupsSkipped)} skipped by their time statistics`);
    const c = s.process.cache;
    lines.push(`  cache: ${c.hits} hits, ${c.misses} misses (hit rate ${(c.hitRate * 100).toFixed(1)} %), ${c.evictions} evictions, ${c.expirations} expirations, ${c.invalidations} invalidations`);
  }
  return lines.join('\n');
}

export function snapshotText(s: Snapshot): string {
  return `snapshot ${s.id}${s.label ? ` "${s.label}"` : ''}: ${n(s.rows)} records, ${s.files.length} files, at ${s.at === null ? 'latest' : t(s.at)}, root hash ${s.rootHash}`;
}

export function verifyText(v: Verification): string {
  if (v.ok) return `snapshot ${v.id}: OK (${v.files} files, root hash ${v.snapshot?.rootHash})`;
  return [`snapshot ${v.id}: FAILED (${v.problems.length} problem(s))`, ...v.problems.map((p) => `  ${p}`)].join('\n');
}

export function restoreText(r: RestoreReport): string {
  return `restored snapshot ${r.restored}: ${n(r.rows)} records in ${r.files} files; previous state saved as snapshot ${r.previousState ?? '(none: the store was empty)'}; ${r.removed.length} file(s) removed`;
}

export function compactText(r: CompactionReport): string {
  const lines = r.partitions.map((p) => `  ${p.partition}: ${p.filesBefore} files, ${bytes(p.bytesBefore)} -> 1 file, ${bytes(p.bytesAfter)}`);
  return [`compacted ${r.partitions.length} partition(s); removed ${r.garbage.length} unreferenced file(s)`, ...lines].join('\n');
}

export function retentionText(r: RetentionReport): string {
  const lines = r.actions.map((a) => `  ${a.action.padEnd(5)} ${a.partition}: ${a.files} file(s), ${n(a.rows)} records, ${bytes(a.bytesBefore)} -> ${a.bytesAfter === null ? '?' : bytes(a.bytesAfter)}`);
  return [`retention as of ${r.now}${r.dryRun ? ' (dry run: nothing changed)' : ''}: ${r.actions.length} action(s)`, ...lines].join('\n');
}
