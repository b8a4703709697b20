import { z } from 'zod';
import type { BarIndicatorSpec, Indicator } from '../indicator.ts';
import { EmaState } from './rolling.ts';

export const macdParams = z
  .strictObject({
    fast_period: z.int().positive().default(12),
    slow_period: z.int().positive().default(26),
    signal_period: z.int().positive().default(9),
  })
  .check((ctx) => {
    const p = ctx.value;
    if (!(p.fast_period < p.slow_period)) {
      ctx.issues.push({
        code: 'custom',
        path: ['fast_period'],
        message: `fast_period (${p.fast_period}) must be less than slow_period (${p.slow_period})`,
        input: ctx.value,
      });
    }
  });
export type MacdParams = z.infer<typeof macdParams>;

/**
 * MACD. macd = EMA(fast) - EMA(slow) of closes (each seeded with its SMA), valid from bar
 * slow_period-1; signal = EMA(signal_period) of the macd line seeded with the SMA of its
 * first signal_period values (valid from bar slow_period+signal_period-2);
 * histogram = macd - signal. Outputs [macd, signal, histogram]; macd is published before
 * signal/histogram are warm.
 */
export class Macd implements Indicator {
  readonly values = new Float64Array(3).fill(NaN);
  private readonly fast: EmaState;
  private readonly slow: EmaState;
  private readonly signal: EmaState;

  constructor(fastPeriod: number, slowPeriod: number, signalPeriod: number) {
    this.fast = new EmaState(fastPeriod);
    this.slow = new EmaState(slowPeriod);
    this.signal = new EmaState(signalPeriod);
  }

  update(_open: number, _high: number, _low: number, close: number, _volume: number): void {
    const f = this.fast.push(close);
    const s = this.slow.push(close);
    const m = f - s;
    if (m !== m) return; // either EMA still warming up
    const sig = this.signal.push(m);
    const v = this.values;
    v[0] = m;
    v[1] = sig;
    v[2] = m - sig;
  }
}

export const macdSpec: BarIndicatorSpec<typeof macdParams> = {
  kind: 'bar',
  name: 'macd',
  description: 'MACD: EMA(fast) - EMA(slow), its EMA(signal) signal line, and their difference (histogram).',
  params: macdParams,
  outputs: ['macd', 'signal', 'histogram'],
  create: (p) => new Macd(p.fast_period, p.slow_period, p.signal_period),
};
