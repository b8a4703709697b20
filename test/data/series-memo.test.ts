import { describe, expect, it } from 'vitest';
import { buildSchedule, scheduleOf } from '../../src/clock/schedule.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import { memoOnSeries } from '../../src/data/series-memo.ts';
import { tickMarks, tickMarksOf } from '../../src/portfolio/equity-curve.ts';
import { buildTimeline, timelineOf } from '../../src/topology/batch-replay/timeline.ts';

const bars = (symbol: string, seed: number) => generateSyntheticBars({ symbol, timeframe: '1m', bars: 300, seed });

describe('memoOnSeries: values derived from the bars alone, computed once per set of series', () => {
  it('builds once for the same series objects in the same order, again for another order or other objects', () => {
    const a = bars('AAA', 1);
    const b = bars('BBB', 2);
    let builds = 0;
    const build = () => ({ n: ++builds });
    const first = memoOnSeries('test-kind', [a, b], build);
    expect(memoOnSeries('test-kind', [a, b], build)).toBe(first);
    expect(builds).toBe(1);
    expect(memoOnSeries('test-kind', [b, a], build)).not.toBe(first);
    expect(memoOnSeries('test-kind', [a], build)).not.toBe(first);
    expect(memoOnSeries('other-kind', [a, b], build)).not.toBe(first);
    // Same values, other objects (bars loaded again): built again, never confused with the first.
    expect(memoOnSeries('test-kind', [bars('AAA', 1), b], build)).not.toBe(first);
    expect(builds).toBe(5);
  });

  it('a failing build is not remembered', () => {
    const a = bars('AAA', 3);
    expect(() => memoOnSeries('failing', [a], () => { throw new Error('boom'); })).toThrow('boom');
    expect(memoOnSeries('failing', [a], () => 7)).toBe(7);
  });

  it('the memoised schedule, tick marks and timeline equal freshly built ones', () => {
    const series = [bars('AAA', 4), bars('BBB', 5)];
    const schedule = scheduleOf(series);
    expect(scheduleOf(series)).toBe(schedule);
    expect(schedule).toEqual(buildSchedule(series));
    expect(tickMarksOf(series)).toBe(tickMarksOf(series));
    expect(tickMarksOf(series)).toEqual(tickMarks(buildSchedule(series), series));
    expect(timelineOf(series)).toEqual(buildTimeline(buildSchedule(series), series));
  });

  it('a stream listed twice still fails, every time', () => {
    const a = bars('AAA', 6);
    expect(() => scheduleOf([a, a])).toThrow(/appears twice/);
    expect(() => scheduleOf([a, a])).toThrow(/appears twice/);
  });
});
