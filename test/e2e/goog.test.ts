/**
 * topologies/goog_daily.yaml against an independent re-implementation of the same backtest,
 * written with plain loops straight from the rules in docs/semantics.md (it shares no code
 * with the engine: it parses GOOG_1d.csv itself and never imports src/):
 *
 * - SMA(10), SMA(30) of closes; from bar k = 29 on, signal = sign(sma10 - sma30); the initial
 *   signal is 0 and only changes produce orders;
 * - an order decided at bar k's close fills at bar k+1's open (none if k is the last bar):
 *   first the current position (if any) closes, then the new direction opens with
 *   units = floor(0.95 * equity_k / close_k), equity_k = cash + position * close_k at bar k's
 *   close (before the closing fill); every fill pays 0.1% of its value; a short sale adds its
 *   proceeds to cash; the opening leg is rejected when units * price + commission exceeds
 *   buying power = equity - gross exposure after the closing leg (here: no other positions,
 *   so buying power is the cash left after the close);
 * - at the end, an open position closes at the last close.
 * Needs the real data in ../shared/data (outside the repo); skipped when it is absent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR, describeRun, readCsvRows, runCli, type CliResult } from '../cli/run-cli.ts';

const GOOG_CSV = join(SHARED_DATA_DIR, 'GOOG_1d.csv');
const hasData = existsSync(GOOG_CSV);
if (!hasData) console.warn(`[goog] ${GOOG_CSV} not found: skipping the GOOG reference backtest (real market data is not in the repo)`);

const FAST = 10;
const SLOW = 30;
const PCT = 0.95;
const COMMISSION = 0.001;
const INITIAL_CASH = 100_000;

interface Bars {
  date: string[];
  open: number[];
  close: number[];
}

function readGoog(): Bars {
  const [header, ...lines] = readFileSync(GOOG_CSV, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',').map((s) => s.trim().toLowerCase());
  const iOpen = names.indexOf('open');
  const iClose = names.indexOf('close');
  const bars: Bars = { date: [], open: [], close: [] };
  for (const line of lines) {
    const cells = line.split(',');
    bars.date.push(cells[0]);
    bars.open.push(Number(cells[iOpen]));
    bars.close.push(Number(cells[iClose]));
  }
  return bars;
}

interface RefTrade {
  direction: 'long' | 'short';
  quantity: number;
  entryIdx: number;
  entryPrice: number;
  exitIdx: number;
  exitPrice: number;
  commission: number;
  pnl: number;
  endOfData: boolean;
}

interface Reference {
  trades: RefTrade[];
  equity: number[];
  finalEquity: number;
  signals: number;
  rejected: { signalBar: number; fillBar: number; units: number; cost: number; buyingPower: number }[];
}

function referenceBacktest({ open, close }: Bars): Reference {
  const n = close.length;
  const sma = (k: number, period: number) => {
    let sum = 0;
    for (let i = k - period + 1; i <= k; i++) sum += close[i];
    return sum / period;
  };
  let cash = INITIAL_CASH;
  let position = 0; // signed units
  let entry = { idx: -1, price: 0, commission: 0 };
  let signal = 0;
  let signals = 0;
  let pending: { target: number; units: number; signalBar: number } | null = null;
  const trades: RefTrade[] = [];
  const equity: number[] = [];
  const rejected: Reference['rejected'] = [];

  const closePosition = (idx: number, price: number, endOfData: boolean) => {
    const commission = COMMISSION * Math.abs(position) * price;
    cash -= -position * price + commission; // selling a long / buying back a short
    trades.push({
      direction: position > 0 ? 'long' : 'short',
      quantity: Math.abs(position),
      entryIdx: entry.idx,
      entryPrice: entry.price,
      exitIdx: idx,
      exitPrice: price,
      commission: entry.commission + commission,
      pnl: (price - entry.price) * position - entry.commission - commission,
      endOfData,
    });
    position = 0;
  };

  for (let k = 0; k < n; k++) {
    // 1. the broker: a pending order fills at this bar's open
    if (pending) {
      const price = open[k];
      const { target, units, signalBar } = pending;
      pending = null;
      if (position !== 0 && Math.sign(position) !== target) closePosition(k, price, false);
      if (target !== 0 && position === 0) {
        const commission = COMMISSION * units * price;
        const buyingPower = cash; // equity - gross exposure, no position left
        if (units <= 0 || units * price + commission > buyingPower) {
          rejected.push({ signalBar, fillBar: k, units, cost: units * price + commission, buyingPower });
        } else {
          cash -= target * units * price + commission;
          position = target * units;
          entry = { idx: k, price, commission };
        }
      }
    }
    // 3. the strategy at this bar's close
    if (k >= SLOW - 1) {
      const fast = sma(k, FAST);
      const slow = sma(k, SLOW);
      const value = fast > slow ? 1 : fast < slow ? -1 : 0;
      if (value !== signal) {
        signal = value;
        signals++;
        const equityAtClose = cash + position * close[k];
        const units = Math.floor((PCT * equityAtClose) / close[k]);
        if (k + 1 < n) pending = { target: value, units, signalBar: k };
      }
    }
    if (k === n - 1 && position !== 0) closePosition(k, close[k], true);
    equity.push(cash + position * close[k]);
  }
  return { trades, equity, finalEquity: cash, signals, rejected };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

/** Wall-clock date and time of an instant in New York, e.g. `2004-10-01 00:00`. */
function newYorkWallClock(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

describe.skipIf(!hasData)('goog_daily.yaml vs an independent reference backtest', () => {
  let dir: string;
  let out: string;
  let run: CliResult;
  let bars: Bars;
  let ref: Reference;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tradeflow-e2e-goog-'));
    out = join(dir, 'run');
    bars = readGoog();
    ref = referenceBacktest(bars);
    run = await runCli(['topologies/goog_daily.yaml', '--json', '--out', out]);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs and loads all 2148 GOOG bars', () => {
    expect(run.code, describeRun(run)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.datasets).toHaveLength(1);
    expect(manifest.datasets[0]).toMatchObject({ stream: 'GOOG_1d', symbol: 'GOOG', timeframe: '1d', bars: bars.close.length, skipped_rows: 0 });
    expect(bars.close.length).toBe(2148);
    expect(manifest.stats.signals).toBe(ref.signals);
    if (ref.rejected.length > 0) console.info(`[goog] reference: ${ref.rejected.length} opening leg(s) rejected for buying power: ${JSON.stringify(ref.rejected)}`);
  });

  it('every trade matches the reference: direction, quantity, entry/exit bars, prices, commission, pnl', () => {
    const { header, rows } = readCsvRows(readFileSync(join(out, 'trades.csv'), 'utf8'));
    const col = (name: string) => header.indexOf(name);
    expect(ref.trades.length).toBeGreaterThan(10);
    const mismatches: string[] = [];
    const n = Math.max(rows.length, ref.trades.length);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const r = ref.trades[i];
      if (!row || !r) {
        mismatches.push(`trade ${i}: engine ${row ? row.join(',') : '(none)'} vs reference ${r ? JSON.stringify(r) : '(none)'}`);
        continue;
      }
      const got = {
        direction: row[col('direction')],
        quantity: Number(row[col('quantity')]),
        entryIdx: Number(row[col('entry_bar_idx')]),
        entryPrice: Number(row[col('entry_price')]),
        exitIdx: Number(row[col('exit_bar_idx')]),
        exitPrice: Number(row[col('exit_price')]),
        commission: Number(row[col('commission')]),
        pnl: Number(row[col('pnl')]),
        ret: Number(row[col('return')]),
        bars: Number(row[col('bars')]),
        reason: row[col('exit_reason')],
        entryTime: row[col('entry_time')],
        exitTime: row[col('exit_time')],
      };
      const problems: string[] = [];
      if (got.direction !== r.direction) problems.push(`direction ${got.direction} != ${r.direction}`);
      if (got.quantity !== r.quantity) problems.push(`quantity ${got.quantity} != ${r.quantity}`);
      if (got.entryIdx !== r.entryIdx) problems.push(`entry_bar_idx ${got.entryIdx} != ${r.entryIdx}`);
      if (got.exitIdx !== r.exitIdx) problems.push(`exit_bar_idx ${got.exitIdx} != ${r.exitIdx}`);
      if (got.bars !== r.exitIdx - r.entryIdx) problems.push(`bars ${got.bars} != ${r.exitIdx - r.entryIdx}`);
      if (relDiff(got.entryPrice, r.entryPrice) > 1e-9) problems.push(`entry_price ${got.entryPrice} != ${r.entryPrice}`);
      if (relDiff(got.exitPrice, r.exitPrice) > 1e-9) problems.push(`exit_price ${got.exitPrice} != ${r.exitPrice}`);
      if (relDiff(got.commission, r.commission) > 1e-6) problems.push(`commission ${got.commission} != ${r.commission}`);
      if (relDiff(got.pnl, r.pnl) > 1e-6) problems.push(`pnl ${got.pnl} != ${r.pnl}`);
      const ret = r.pnl / (r.quantity * r.entryPrice);
      if (relDiff(got.ret, ret) > 1e-6) problems.push(`return ${got.ret} != ${ret}`);
      const reason = r.endOfData ? 'end_of_data' : 'signal';
      if (got.reason !== reason) problems.push(`exit_reason ${got.reason} != ${reason}`);
      // times: open fills at the bar's start (local midnight of its date); the end-of-data
      // close at the last bar's close time (the next local midnight, 2013-03-02).
      if (newYorkWallClock(got.entryTime) !== `${bars.date[r.entryIdx]} 00:00`) problems.push(`entry_time ${got.entryTime} is not ${bars.date[r.entryIdx]} 00:00 New York`);
      const exitWall = r.endOfData ? '2013-03-02 00:00' : `${bars.date[r.exitIdx]} 00:00`;
      if (newYorkWallClock(got.exitTime) !== exitWall) problems.push(`exit_time ${got.exitTime} is not ${exitWall} New York`);
      if (problems.length > 0) mismatches.push(`trade ${i} (${r.direction} entry bar ${r.entryIdx} ${bars.date[r.entryIdx]}): ${problems.join('; ')}`);
    }
    expect(mismatches.slice(0, 20), `${mismatches.length} mismatching trade(s)`).toEqual([]);
    expect(rows.length).toBe(ref.trades.length);
  });

  it('final equity and the equity curve match the reference', () => {
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, { final_equity: number; trades: number; initial_equity: number }>;
    expect(Object.keys(metrics)).toEqual(['goog_sma']);
    const m = metrics.goog_sma;
    expect(m.initial_equity).toBe(INITIAL_CASH);
    expect(m.trades).toBe(ref.trades.length);
    expect(relDiff(m.final_equity, ref.finalEquity), `final_equity ${m.final_equity} vs reference ${ref.finalEquity}`).toBeLessThan(1e-9);

    // one equity point per bar (one stream: one bar per tick), after that bar's fills, marked at its close
    const { rows } = readCsvRows(readFileSync(join(out, 'equity.csv'), 'utf8'));
    expect(rows.length).toBe(ref.equity.length);
    const bad: string[] = [];
    for (let k = 0; k < rows.length; k++) {
      const got = Number(rows[k][2]);
      if (relDiff(got, ref.equity[k]) > 1e-9) bad.push(`bar ${k} (${bars.date[k]}): ${got} vs reference ${ref.equity[k]}`);
    }
    expect(bad.slice(0, 10), `${bad.length} equity point(s) differ`).toEqual([]);
    expect(Number(rows.at(-1)![2])).toBe(m.final_equity);
  });
});
