/**
 * More signal-store test helpers: record what strategies and classifiers decide at every
 * call (independently of the store), forward-fill sparse rows over the bars, read Parquet
 * files with DuckDB, slice real data, and write topology YAML for the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BarSeries } from '../../src/data/bar-series.ts';
import { createBarSeries, truncateBarColumns } from '../../src/data/series.ts';
import type { ClassifierDefinition, SignalValue, StrategyDefinition } from '../../src/strategies/types.ts';
import { buildGraph } from '../../src/topology/build.ts';
import { runGraph, type RunOutcome } from '../../src/topology/run.ts';
import { planFor } from './helpers.ts';

type Config = Record<string, unknown>;

/** One call of a strategy: bar_idx of its first input, and its signal state after the call. */
export interface StrategyCall { readonly barIdx: number; readonly state: SignalValue }
/** One call of a classifier: bar_idx of its first input, and its regime after the call. */
export interface ClassifierCall { readonly barIdx: number; readonly regime: string | null }

export interface Recording {
  readonly outcome: RunOutcome;
  readonly strategies: Map<string, StrategyCall[]>;
  readonly classifiers: Map<string, ClassifierCall[]>;
}

/**
 * Runs the full backtest graph of `config` with every strategy's decide() and every
 * classifier's classify() wrapped to record, per call, the first input's bar_idx and the
 * resulting state (the returned value, or the previous state when it returns null).
 */
export function recordBacktest(config: Config, series: readonly BarSeries[]): Recording {
  const plan = planFor(config, 'backtest', null);
  const strategies = new Map<string, StrategyCall[]>();
  const classifiers = new Map<string, ClassifierCall[]>();
  const wrappedStrategies = plan.strategies.map((s) => {
    const calls: StrategyCall[] = [];
    strategies.set(s.id, calls);
    const original = s.definition;
    let state: SignalValue = 0;
    const definition: StrategyDefinition = {
      ...original,
      decide: (features, bars, params) => {
        const value = original.decide(features, bars, params);
        state = value ?? state;
        calls.push({ barIdx: bars[0].barIdx, state });
        return value;
      },
    };
    return { ...s, definition };
  });
  const wrappedClassifiers = plan.classifiers.map((c) => {
    const calls: ClassifierCall[] = [];
    classifiers.set(c.id, calls);
    const original = c.definition;
    let regime: string | null = null;
    const definition: ClassifierDefinition = {
      ...original,
      classify: (features, bars, params) => {
        const result = original.classify(features, bars, params);
        regime = result?.regime ?? regime;
        calls.push({ barIdx: bars[0].barIdx, regime });
        return result;
      },
    };
    return { ...c, definition };
  });
  const outcome = runGraph(buildGraph({ ...plan, strategies: wrappedStrategies, classifiers: wrappedClassifiers }, series), { runId: 'recording' });
  return { outcome, strategies, classifiers };
}

/**
 * Dense per-bar series over `bars` bars: at bar i, the value of the last point with
 * barIdx <= i (points in call order), or `initial` before the first one.
 */
export function carryForward<T>(points: readonly { barIdx: number; value: T }[], bars: number, initial: T): T[] {
  const dense = new Array<T>(bars);
  let p = 0;
  let current = initial;
  for (let i = 0; i < bars; i++) {
    while (p < points.length && points[p].barIdx <= i) current = points[p++].value;
    dense[i] = current;
  }
  if (p < points.length) throw new Error(`point ${p} has bar_idx ${points[p].barIdx} beyond the ${bars} bars`);
  return dense;
}

/** The first `rows` bars of `s`, as a new series (own content hash). */
export function sliceSeries(s: BarSeries, rows: number): BarSeries {
  return createBarSeries({ symbol: s.symbol, timeframe: s.timeframe, source: `${s.source}[0:${rows}]`, columns: truncateBarColumns(s, Math.min(rows, s.length)) });
}

/** A DuckDB value as plain JS for comparisons: timestamps as epoch ms, bigints as numbers. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** Runs `sql` in a fresh in-memory DuckDB; column names and rows as plain JS objects. */
export async function duckdb(sql: string): Promise<{ columns: string[]; types: string[]; rows: Record<string, unknown>[] }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    return { columns: reader.columnNames(), types: reader.columnTypes().map(String), rows };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** SQL string literal. */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A fresh temp folder. */
export const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `signal-${label}-`));

/** Writes `text` to `<dir>/<name>` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
