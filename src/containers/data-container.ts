/**
 * A data container holds one immutable symbol-timeframe dataset and publishes its bars to
 * the root bus when the clock reaches their close time.
 */
import { Container, type RunContext } from '../core/container.ts';
import type { BarSeries } from '../data/bar-series.ts';

export class DataContainer extends Container {
  constructor(readonly series: BarSeries, readonly streamIndex: number, context: RunContext) {
    super(`data.${series.id}`, 'data', context);
  }

  publishBar(barIdx: number, tickEnd: boolean): void {
    const s = this.series;
    this.publish(this.event('BAR', {
      streamIndex: this.streamIndex,
      stream: s.id,
      symbol: s.symbol,
      timeframe: s.timeframe,
      barIdx,
      start: s.start[barIdx],
      open: s.open[barIdx],
      high: s.high[barIdx],
      low: s.low[barIdx],
      close: s.close[barIdx],
      volume: s.volume[barIdx],
      tickEnd,
    }));
  }

  override describe(): string {
    const s = this.series;
    return `data ${this.id}: ${s.length} bars from ${s.source} (hash ${s.hash.slice(0, 12)})`;
  }
}
