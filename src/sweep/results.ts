/**
 * The result table of a sweep: one row per combination (grid index, combination hash, the
 * expanded portfolio's id, every swept parameter, every metric, the objective and its rank),
 * written as `sweep.parquet` through the project's one Parquet module. The file depends only
 * on the rows and the grid (no times, no paths in it), so the same sweep always gives the same
 * bytes, whether it ran in one go, resumed, or on any number of workers.
 */
import { readParquetFile, writeParquetFile, type ParquetColumnInput } from '../parquet/index.ts';
import { MetricsSchema, type Metrics } from '../metrics/types.ts';
import { compareObjective } from './objective.ts';

/** A swept parameter's value (as the expansion flattens it). */
export type ParamValue = number | string | boolean | null;

/** What a worker sends back for one combination: its metrics, never its curves. */
export interface ChunkRow {
  readonly index: number;
  readonly hash: string;
  readonly metrics: Metrics;
}

/** One combination in the result table. */
export interface SweepRow extends ChunkRow {
  readonly portfolioId: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The objective (higher is better), null where the metric it needs is undefined. */
  readonly objective: number | null;
  /** 1 = best; ties by grid index; combinations without an objective come last. */
  readonly rank: number;
}

export const METRIC_COLUMNS = Object.keys(MetricsSchema.shape) as (keyof Metrics)[];
const INT_METRICS = new Set<string>(['trades', 'periods', 'max_drawdown_duration_periods']);
const NULLABLE_METRICS = new Set<string>(METRIC_COLUMNS.filter((k) => MetricsSchema.shape[k].safeParse(null).success));
const FIXED_COLUMNS = new Set<string>(['index', 'hash', 'portfolio_id', 'objective', 'rank', ...METRIC_COLUMNS]);

export const SWEEP_PARQUET_FORMAT = 'tradeflow-sweep-results';
export const SWEEP_PARQUET_VERSION = 1;

/** The column name of a swept parameter (prefixed only if it would clash with a fixed column). */
export const paramColumn = (name: string): string => (FIXED_COLUMNS.has(name) ? `param.${name}` : name);

/** Orders rows best first: objective descending, rows without one last, ties by grid index. */
export const compareByObjective = (a: { objective: number | null; index: number }, b: { objective: number | null; index: number }): number =>
  compareObjective(a.objective, b.objective, a.index, b.index);

/** Adds ranks to rows given in grid order (the input order is kept). */
export function withRanks<T extends { objective: number | null; index: number }>(rows: readonly T[]): (T & { rank: number })[] {
  const order = [...rows].sort(compareByObjective);
  const rank = new Map(order.map((r, i) => [r.index, i + 1]));
  return rows.map((r) => ({ ...r, rank: rank.get(r.index)! }));
}

function paramColumnInput(name: string, values: readonly ParamValue[]): ParquetColumnInput {
  const present = values.filter((v) => v !== null);
  const nullable = present.length < values.length;
  const column = paramColumn(name);
  if (present.every((v) => typeof v === 'number')) return { name: column, type: 'DOUBLE', data: values, nullable };
  if (present.every((v) => typeof v === 'boolean')) return { name: column, type: 'BOOLEAN', data: values, nullable };
  // Strings, or a mix: strings as they are, anything else as JSON text.
  return { name: column, type: 'STRING', data: values.map((v) => (v === null || typeof v === 'string' ? v : JSON.stringify(v))), nullable };
}

export interface SweepTableMeta {
  readonly name: string;
  readonly configHash: string;
  readonly parameters: readonly string[];
  readonly objective: unknown;
}

/** Writes the rows (in grid order, one per combination) as the sweep's Parquet file, atomically. */
export async function writeSweepParquet(path: string, rows: readonly SweepRow[], meta: SweepTableMeta): Promise<void> {
  rows.forEach((r, i) => {
    if (r.index !== i) throw new Error(`sweep results: row ${i} holds combination ${r.index} (rows must be complete and in grid order)`);
  });
  const columns: ParquetColumnInput[] = [
    { name: 'index', type: 'INT32', data: rows.map((r) => r.index) },
    { name: 'hash', type: 'STRING', data: rows.map((r) => r.hash) },
    { name: 'portfolio_id', type: 'STRING', data: rows.map((r) => r.portfolioId) },
    ...meta.parameters.map((p) => paramColumnInput(p, rows.map((r) => r.params[p] ?? null))),
    ...METRIC_COLUMNS.map((m): ParquetColumnInput => INT_METRICS.has(m)
      ? { name: m, type: 'INT32', data: rows.map((r) => r.metrics[m] as number) }
      : { name: m, type: 'DOUBLE', data: rows.map((r) => r.metrics[m]), nullable: NULLABLE_METRICS.has(m) }),
    { name: 'objective', type: 'DOUBLE', data: rows.map((r) => r.objective), nullable: true },
    { name: 'rank', type: 'INT32', data: rows.map((r) => r.rank) },
  ];
  await writeParquetFile(path, columns, {
    metadata: {
      format: SWEEP_PARQUET_FORMAT,
      format_version: String(SWEEP_PARQUET_VERSION),
      name: meta.name,
      config_hash: meta.configHash,
      parameters: JSON.stringify(meta.parameters),
      objective: JSON.stringify(meta.objective),
    },
  });
}

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as number));

/** Reads a sweep's Parquet file back into rows (grid order). */
export async function readSweepParquet(path: string): Promise<{ rows: SweepRow[]; parameters: string[]; configHash: string; name: string }> {
  const table = await readParquetFile(path);
  const { metadata, columns } = table;
  if (metadata.format !== SWEEP_PARQUET_FORMAT) throw new Error(`${path} is not a sweep results file (format ${metadata.format ?? 'missing'})`);
  const parameters = JSON.parse(metadata.parameters) as string[];
  const rows: SweepRow[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const metrics = Object.fromEntries(METRIC_COLUMNS.map((m) => [m, toNumber(columns[m][i])])) as unknown as Metrics;
    const params = Object.fromEntries(parameters.map((p) => [p, (columns[paramColumn(p)][i] ?? null) as ParamValue]));
    rows.push({
      index: columns.index[i] as number,
      hash: columns.hash[i] as string,
      portfolioId: columns.portfolio_id[i] as string,
      params,
      metrics,
      objective: toNumber(columns.objective[i]),
      rank: columns.rank[i] as number,
    });
  }
  return { rows, parameters, configHash: metadata.config_hash, name: metadata.name };
}
