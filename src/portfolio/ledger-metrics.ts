/**
 * A portfolio's metrics straight from its fill ledger: exactly what computeMetrics gives on the
 * curve buildEquityCurve would build (from tick `from` on), to the bit, without building it.
 *
 * The per-point work (the curve, its returns, drawdown, durations and exposure, then the
 * dispersion of the returns) runs in a small WebAssembly kernel (ledger-kernel.wat): the same
 * IEEE operations in the same order as the JavaScript. What made it worth it: the same loop in
 * JavaScript ran 2-3x slower in some processes than in others, depending on how V8 happened to
 * compile it; the kernel runs at the fast figure every time, and skips writing and reading back
 * a 50k-point curve per portfolio.
 *
 * Anything computeMetrics would reject (an empty curve, a non-finite point, bad options, a bad
 * trade) is handed to computeMetrics on the built curve, so the errors are its own.
 */
import { computeMetrics, summariseTrades, type TradesInput } from '../metrics/compute.ts';
import { metricsRecord, type CurveSums } from '../metrics/metrics-record.ts';
import type { Metrics, MetricsOptions } from '../metrics/types.ts';
import { buildEquityCurve, type TickMarks } from './equity-curve.ts';
import type { FillLedger } from './fill-ledger.ts';
import { LEDGER_KERNEL_WASM } from './ledger-kernel-wasm.ts';

interface KernelExports {
  measure(ts: number, close: number, n: number, i0: number, ledger: number, fills: number, cash0: number, streams: number,
    units: number, held: number, ret: number, out: number, tsOk: number): number;
  dispersion(ret: number, m: number, mean: number, rfPerPeriod: number, out: number): void;
}

const PAGE = 65536;
/** out: 10 f64 (see the kernel's header), then the tick times. */
const OUT = 0;
const TS = 128;

/** Where things sit in the kernel's memory for the marks currently loaded. */
interface Layout {
  /** Weakly: the kernel must not keep a finished run's marks (and through them its series' memo) alive. */
  readonly marks: WeakRef<TickMarks>;
  readonly n: number;
  readonly streams: number;
  readonly close: number;
  readonly ret: number;
  readonly units: number;
  readonly held: number;
  readonly ledger: number;
  /** 1 if every tick time is finite and none goes back (the kernel then skips flat stretches whole), else 0. */
  readonly tsOk: number;
}

function timesInOrder(ts: Float64Array): number {
  let previous = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!(t - t === 0 && t >= previous)) return 0;
    previous = t;
  }
  return 1;
}

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/** One instance per thread, used synchronously: the marks of the last run stay loaded. */
class LedgerKernel {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly kernel: KernelExports;
  private f64 = new Float64Array(this.memory.buffer);
  private i32 = new Int32Array(this.memory.buffer);
  private layout: Layout | null = null;

  constructor() {
    const module = new WebAssembly.Module(Buffer.from(LEDGER_KERNEL_WASM, 'base64'));
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.kernel = instance.exports as unknown as KernelExports;
  }

  /** The tick times and every stream's closes, copied in once per marks (a run's curves all share them). */
  private load(marks: TickMarks): Layout {
    if (this.layout?.marks.deref() === marks) return this.layout;
    const n = marks.ts.length;
    const streams = marks.close.length;
    const close = TS + n * 8;
    const ret = close + streams * n * 8;
    const units = ret + n * 8;
    const held = units + streams * 8;
    const ledger = held + align8(streams * 4);
    this.reserve(ledger);
    this.f64.set(marks.ts, TS / 8);
    marks.close.forEach((c, s) => this.f64.set(c, close / 8 + s * n));
    return (this.layout = { marks: new WeakRef(marks), n, streams, close, ret, units, held, ledger, tsOk: timesInOrder(marks.ts) });
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** The curve sums from tick `from`, or the curve index of the first point computeMetrics rejects. */
  measure(marks: TickMarks, ledger: FillLedger, from: number): { sums: CurveSums; dispersion: (mean: number, rfPerPeriod: number) => { ss: number; downside: number } } | number {
    const at = this.load(marks);
    const fills = ledger.length;
    // The kernel's ledger layout: the three 32-bit columns as they are, then the two f64 ones.
    const doubles = align8(at.ledger + 3 * fills * 4);
    this.reserve(doubles + 2 * fills * 8);
    const f64 = this.f64;
    const i32 = this.i32;
    const base = at.ledger / 4;
    i32.set(ledger.tick.view(), base);
    i32.set(ledger.stream.view(), base + fills);
    i32.set(ledger.openAfter.view(), base + 2 * fills);
    f64.set(ledger.quantity.view(), doubles / 8);
    f64.set(ledger.cashAfter.view(), doubles / 8 + fills);
    const failed = this.kernel.measure(TS, at.close, at.n, from, at.ledger, fills, ledger.initialCash, at.streams, at.units, at.held, at.ret, OUT, at.tsOk);
    if (failed >= 0) return failed;
    const points = at.n - from;
    const m = points - 1;
    const sums: CurveSums = {
      initial: f64[OUT / 8], final: f64[OUT / 8 + 1], m, returnsDefined: f64[OUT / 8 + 7] === 1,
      sumR: f64[OUT / 8 + 2], maxDd: f64[OUT / 8 + 3], ddPeriods: f64[OUT / 8 + 4], ddMs: f64[OUT / 8 + 5],
      exposure: f64[OUT / 8 + 6] / points,
    };
    const dispersion = (mean: number, rfPerPeriod: number) => {
      this.kernel.dispersion(at.ret, m, mean, rfPerPeriod, OUT);
      return { ss: this.f64[OUT / 8 + 8], downside: this.f64[OUT / 8 + 9] };
    };
    return { sums, dispersion };
  }
}

let kernel: LedgerKernel | null = null;

/**
 * computeMetrics(curve from tick `from` of buildEquityCurve(marks, ledger), trades, options),
 * without building the curve. `from` is a tick index (0: the whole curve).
 */
export function ledgerMetrics(marks: TickMarks, ledger: FillLedger, from: number, trades: TradesInput, options: MetricsOptions): Metrics {
  const P = options.periodsPerYear;
  const rf = options.riskFreeRate ?? 0;
  const points = marks.ts.length - from;
  // What computeMetrics checks before its pass: left to it, so the error is its own.
  if (!(points >= 1 && Number.isInteger(from) && from >= 0 && Number.isFinite(P) && P > 0 && Number.isFinite(rf))) return viaCurve(marks, ledger, from, trades, options);
  kernel ??= new LedgerKernel();
  const measured = kernel.measure(marks, ledger, from);
  if (typeof measured === 'number') {
    viaCurve(marks, ledger, from, trades, options);
    throw new Error(`ledgerMetrics: the kernel rejected curve point ${measured}, which computeMetrics accepts`);
  }
  // The trades after the curve, as in computeMetrics: a bad point is reported before a bad trade.
  const tradeStats = summariseTrades(trades);
  const rfPerPeriod = rf / P;
  return metricsRecord('computeMetrics', measured.sums, (mean) => measured.dispersion(mean, rfPerPeriod), P, rf, tradeStats);
}

/** computeMetrics on the built curve: the reference, and the source of every error. */
function viaCurve(marks: TickMarks, ledger: FillLedger, from: number, trades: TradesInput, options: MetricsOptions): Metrics {
  const curve = buildEquityCurve(marks, ledger);
  return computeMetrics({ ts: curve.ts.subarray(from), equity: curve.equity.subarray(from), exposed: curve.exposed.subarray(from) }, trades, options);
}
