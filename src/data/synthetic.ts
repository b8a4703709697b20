/**
 * Seeded, deterministic synthetic bars with regime structure, for tests and examples.
 *
 * Model (log price x, one step per bar; "per day" parameters are scaled to the bar: drifts by
 * dt = timeframe / 1 day, volatilities by sqrt(dt)):
 *   - a Markov chain over three regimes; each bar the chain leaves its regime with probability
 *     `switchProbability` (default 0.02, i.e. regimes last ~50 bars) for one of the other two,
 *     chosen uniformly; the first regime is drawn uniformly (or `regimes.initial`);
 *   - trending: return r_t = phi * r_{t-1} + (1 - phi) * dir * drift + sigma * e (momentum with
 *     persistence phi; the direction dir = +-1 is drawn when the regime starts);
 *   - mean-reverting: Ornstein-Uhlenbeck around a moving level L: L_t = L_{t-1} + sigmaL * e',
 *     x_t = x_{t-1} + kappa * (L_t - x_{t-1}) + sigma * e (L starts at the price when the regime
 *     starts);
 *   - volatile: r_t = sigma_high * e, zero drift.
 * Bars: open = previous close moved by a small gap (a tenth of a bar sigma), close = exp(x_t);
 * high/low extend max/min(open, close) by |N(0,1)| * sigma / 2; prices rounded to 1e-4 and then
 * clamped so low <= min(open, close) <= max(open, close) <= high and low >= 1e-4; volume =
 * round(baseVolume * exp(0.3 e'') * (1 + |r| / sigma)), a non-negative integer.
 * Time stamps start at `start` (a UTC date, 00:00 UTC) and are consecutive at the timeframe
 * spacing; for `1d` Saturdays and Sundays are skipped (a weekend start moves to Monday).
 *
 * Determinism: the only randomness is a mulberry32 stream seeded with `seed`, consumed in a
 * fixed order, so the same options give byte-identical columns (and hash) on a given Node/V8
 * (V8's Math.log/exp/sin/cos are its own fdlibm port, identical across operating systems).
 */
import type { BarSeries } from './bar-series.ts';
import { mulberry32 } from './prng.ts';
import { allocateBarColumns, createBarSeries } from './series.ts';
import { timeframeMs } from '../core/timeframe.ts';

export const REGIME_NAMES = ['trending', 'mean-reverting', 'volatile'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

export interface RegimeConfig {
  /** Probability per bar of leaving the current regime (default 0.02). */
  readonly switchProbability: number;
  /** First regime (default: drawn from the seed). */
  readonly initial?: RegimeName;
  readonly trending: { readonly drift: number; readonly volatility: number; readonly persistence: number };
  readonly meanReverting: { readonly volatility: number; readonly reversion: number; readonly levelVolatility: number };
  readonly volatile: { readonly volatility: number };
}

export const DEFAULT_REGIMES: RegimeConfig = Object.freeze({
  switchProbability: 0.02,
  trending: Object.freeze({ drift: 0.004, volatility: 0.01, persistence: 0.3 }),
  meanReverting: Object.freeze({ volatility: 0.008, reversion: 0.15, levelVolatility: 0.002 }),
  volatile: Object.freeze({ volatility: 0.035 }),
});

export interface SyntheticBarsOptions {
  readonly symbol: string;
  readonly timeframe: string;
  /** Number of bars (>= 0). */
  readonly bars: number;
  /** Seed (reduced to uint32). */
  readonly seed: number;
  /** First open (default 100). */
  readonly startPrice?: number;
  /** First bar's UTC date `YYYY-MM-DD` (default '2020-01-02'). */
  readonly start?: string;
  /** Volume scale per 1d bar (default 1_000_000; scaled by dt for other timeframes). */
  readonly baseVolume?: number;
  /** Overrides of {@link DEFAULT_REGIMES}; all parameters are per day. */
  readonly regimes?: {
    readonly switchProbability?: number;
    readonly initial?: RegimeName;
    readonly trending?: Partial<RegimeConfig['trending']>;
    readonly meanReverting?: Partial<RegimeConfig['meanReverting']>;
    readonly volatile?: Partial<RegimeConfig['volatile']>;
  };
}

/** A synthetic series plus the regime that generated each bar. */
export interface SyntheticBarSeries extends BarSeries {
  readonly regimes: readonly RegimeName[];
}

const DAY_MS = 86_400_000;
const TICK = 1e-4;
const round = (x: number): number => Math.round(x * 1e4) / 1e4; // nearest double to the 4-decimal price

function parseUtcDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(t).toISOString().slice(0, 10) !== text) {
    throw new Error(`synthetic bars: start must be a valid YYYY-MM-DD date, got ${JSON.stringify(text)}`);
  }
  return t;
}

function isWeekend(t: number): boolean {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
}

/** Generate `bars` deterministic bars (see the module comment for the model). */
export function generateSyntheticBars(options: SyntheticBarsOptions): SyntheticBarSeries {
  const { symbol, timeframe, bars, seed } = options;
  const tfMs = timeframeMs(timeframe);
  const startPrice = options.startPrice ?? 100;
  if (!Number.isInteger(bars) || bars < 0) throw new Error(`synthetic bars: bars must be an integer >= 0, got ${bars}`);
  if (!Number.isFinite(seed)) throw new Error(`synthetic bars: seed must be a finite number, got ${seed}`);
  if (!(startPrice > 0) || !Number.isFinite(startPrice)) {
    throw new Error(`synthetic bars: startPrice must be > 0, got ${startPrice}`);
  }
  const cfg: RegimeConfig = {
    switchProbability: options.regimes?.switchProbability ?? DEFAULT_REGIMES.switchProbability,
    initial: options.regimes?.initial,
    trending: { ...DEFAULT_REGIMES.trending, ...options.regimes?.trending },
    meanReverting: { ...DEFAULT_REGIMES.meanReverting, ...options.regimes?.meanReverting },
    volatile: { ...DEFAULT_REGIMES.volatile, ...options.regimes?.volatile },
  };
  if (!(cfg.switchProbability >= 0 && cfg.switchProbability <= 1)) {
    throw new Error(`synthetic bars: switchProbability must be in [0, 1], got ${cfg.switchProbability}`);
  }
  if (cfg.initial !== undefined && !REGIME_NAMES.includes(cfg.initial)) {
    throw new Error(`synthetic bars: unknown initial regime ${JSON.stringify(cfg.initial)}`);
  }
  const dt = tfMs / DAY_MS;
  const sq = Math.sqrt(dt);
  const baseVolume = (options.baseVolume ?? 1_000_000) * dt;
  const kappa = Math.min(1, Math.max(0, cfg.meanReverting.reversion));
  const phi = cfg.trending.persistence;

  const rng = mulberry32(seed);
  const cols = allocateBarColumns(bars);
  const labels: RegimeName[] = new Array<RegimeName>(bars);

  const daily = timeframe === '1d';
  let t = parseUtcDate(options.start ?? '2020-01-02');
  if (daily) while (isWeekend(t)) t += DAY_MS;

  let regime = cfg.initial === undefined ? rng.int(3) : REGIME_NAMES.indexOf(cfg.initial);
  let x = Math.log(startPrice); // log of the previous close
  let lastReturn = 0;
  let direction = rng.next() < 0.5 ? -1 : 1;
  let level = x;

  for (let i = 0; i < bars; i++) {
    if (i > 0) {
      if (rng.next() < cfg.switchProbability) {
        regime = (regime + 1 + rng.int(2)) % 3;
        direction = rng.next() < 0.5 ? -1 : 1;
        level = x;
        lastReturn = 0;
      }
      t += tfMs;
      if (daily) while (isWeekend(t)) t += DAY_MS;
    }
    let sigma: number;
    let r: number;
    const e = rng.normal();
    if (regime === 0) {
      sigma = cfg.trending.volatility * sq;
      r = phi * lastReturn + (1 - phi) * direction * cfg.trending.drift * dt + sigma * e;
    } else if (regime === 1) {
      sigma = cfg.meanReverting.volatility * sq;
      level += cfg.meanReverting.levelVolatility * sq * rng.normal();
      r = kappa * (level - x) + sigma * e;
    } else {
      sigma = cfg.volatile.volatility * sq;
      r = sigma * e;
    }
    lastReturn = r;
    const gap = i === 0 ? 0 : 0.1 * sigma * rng.normal();
    const xClose = x + r;
    let open = round(Math.exp(i === 0 ? x : x + gap));
    let close = round(Math.exp(xClose));
    if (open < TICK) open = TICK;
    if (close < TICK) close = TICK;
    let high = round(Math.max(open, close) * Math.exp(0.5 * sigma * Math.abs(rng.normal())));
    let low = round(Math.min(open, close) * Math.exp(-0.5 * sigma * Math.abs(rng.normal())));
    if (high < Math.max(open, close)) high = Math.max(open, close);
    if (low > Math.min(open, close)) low = Math.min(open, close);
    if (low < TICK) low = TICK;
    const vol = Math.round(baseVolume * Math.exp(0.3 * rng.normal()) * (1 + (sigma > 0 ? Math.abs(r) / sigma : 0)));

    cols.start[i] = t;
    cols.open[i] = open;
    cols.high[i] = high;
    cols.low[i] = low;
    cols.close[i] = close;
    cols.volume[i] = vol;
    labels[i] = REGIME_NAMES[regime];
    x = Math.log(close);
  }

  const series = createBarSeries({ symbol, timeframe, source: `synthetic:${seed}`, columns: cols });
  return Object.freeze({ ...series, regimes: Object.freeze(labels) });
}
