import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRange, toDataWindow, walkForwardWindows, WindowError, type WalkForwardSpec } from '../../src/workflow/windows.ts';

const ranges = (spec: WalkForwardSpec, n: number) =>
  walkForwardWindows(spec, n).map((w) => [w.train.start, w.train.end, w.test.start, w.test.end, w.partial]);

describe('walk-forward windows', () => {
  it('rolling: fixed-length train parts sliding by step, tests tiling the data', () => {
    expect(ranges({ train: 100, test: 50, step: 50, mode: 'rolling' }, 300)).toEqual([
      [0, 100, 100, 150, false],
      [50, 150, 150, 200, false],
      [100, 200, 200, 250, false],
      [150, 250, 250, 300, false],
    ]);
  });

  it('anchored: every train part starts at `start` and grows', () => {
    expect(ranges({ train: 100, test: 50, step: 50, mode: 'anchored', start: 10 }, 300)).toEqual([
      [10, 110, 110, 160, false],
      [10, 160, 160, 210, false],
      [10, 210, 210, 260, false],
    ]);
  });

  it('the last partial window: dropped by default, cut at the last bar with partial: keep', () => {
    const spec = { train: 100, test: 50, step: 50, mode: 'rolling' } as const;
    expect(ranges(spec, 320)).toHaveLength(4);
    expect(ranges({ ...spec, partial: 'keep' }, 320).at(-1)).toEqual([200, 300, 300, 320, true]);
    expect(ranges({ ...spec, partial: 'keep' }, 320)).toHaveLength(5);
    // a test part that would start at the last bar + 1 never exists
    expect(ranges({ ...spec, partial: 'keep' }, 300)).toHaveLength(4);
  });

  it('step larger than test leaves gaps, smaller overlaps; counts follow', () => {
    expect(ranges({ train: 10, test: 5, step: 20, mode: "rolling" }, 100).map((w) => w[2])).toEqual([10, 30, 50, 70, 90]);
    expect(walkForwardWindows({ train: 10, test: 20, step: 5, mode: 'rolling' }, 100)).toHaveLength(15);
  });

  it('errors: bad numbers, and data too short for one window, with the figures', () => {
    expect(() => walkForwardWindows({ train: 0, test: 5, step: 5, mode: 'rolling' }, 100)).toThrow(/walk_forward.train must be a whole number of bars >= 1, got 0/);
    expect(() => walkForwardWindows({ train: 5, test: 2.5, step: 5, mode: 'rolling' }, 100)).toThrow(/walk_forward.test/);
    expect(() => walkForwardWindows({ train: 5, test: 5, step: -1, mode: 'rolling' }, 100)).toThrow(/walk_forward.step/);
    expect(() => walkForwardWindows({ train: 5, test: 5, step: 5, mode: 'rolling', start: -3 }, 100)).toThrow(/walk_forward.start/);
    expect(() => walkForwardWindows({ train: 5, test: 5, step: 5, mode: 'sideways' as never }, 100)).toThrow(/rolling or anchored/);
    expect(() => walkForwardWindows({ train: 80, test: 30, step: 10, mode: 'rolling' }, 100)).toThrow(/needs at least 110 bars .* the data has 100/);
    expect(() => walkForwardWindows({ train: 80, test: 30, step: 10, mode: 'rolling', partial: 'keep' }, 80)).toThrow(WindowError);
    expect(walkForwardWindows({ train: 80, test: 30, step: 10, mode: 'rolling', partial: 'keep' }, 81)).toHaveLength(1);
  });

  it('single ranges: checked against the data; as data.window', () => {
    expect(() => checkRange({ start: 10, end: 10 }, 100, 'phases[3] (oos) inputs.window')).toThrow(/phases\[3\] \(oos\) inputs.window: end_bar \(10\) must be greater than start_bar \(10\)/);
    expect(() => checkRange({ start: 10, end: 101 }, 100, 'w')).toThrow(/past the end of the data \(100 bars\)/);
    expect(() => checkRange({ start: -1, end: 5 }, 100, 'w')).toThrow(/start_bar/);
    expect(() => checkRange({ start: 0, end: 100 }, 100, 'w')).not.toThrow();
    expect(toDataWindow({ start: 5, end: 9 })).toEqual({ start_bar: 5, end_bar: 9 });
  });
});

describe('walk-forward windows: properties (fast-check)', () => {
  const specArb = fc.record({
    train: fc.integer({ min: 1, max: 200 }),
    test: fc.integer({ min: 1, max: 200 }),
    step: fc.integer({ min: 1, max: 200 }),
    mode: fc.constantFrom('rolling' as const, 'anchored' as const),
    start: fc.integer({ min: 0, max: 100 }),
    partial: fc.constantFrom('drop' as const, 'keep' as const),
  });

  it('no test window ever sees data from after it; train ends where test starts, before it; counts and lengths', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 0, max: 3000 }), (spec, n) => {
        let windows;
        try {
          windows = walkForwardWindows(spec, n);
        } catch (error) {
          expect(error).toBeInstanceOf(WindowError);
          // refused only when not one window fits
          expect(spec.start + spec.train + (spec.partial === 'keep' ? 1 : spec.test)).toBeGreaterThan(n);
          return;
        }
        const room = n - spec.start - spec.train - spec.test;
        const full = room >= 0 ? Math.floor(room / spec.step) + 1 : 0;
        // keep: one more, cut, window if the full ones stop short of the end and another test part starts before it
        const firstTest = spec.start + spec.train;
        const lastFullEnd = full > 0 ? firstTest + (full - 1) * spec.step + spec.test : -1;
        const cut = spec.partial === 'keep' && lastFullEnd !== n && firstTest + full * spec.step < n ? 1 : 0;
        expect(windows).toHaveLength(full + cut);
        windows.forEach((w, k) => {
          expect(w.index).toBe(k);
          // the run of a test part loads [0, test.end): its data window ends with the test part,
          // within the data, and its scoring starts at the test part's first bar
          const run = toDataWindow(w.test);
          expect(run.end_bar).toBe(w.test.end);
          expect(run.end_bar).toBeLessThanOrEqual(n);
          expect(w.test.start).toBeLessThan(w.test.end);
          // the train part is strictly before the test part and ends exactly where it starts
          expect(w.train.start).toBeLessThan(w.train.end);
          expect(w.train.end).toBe(w.test.start);
          expect(toDataWindow(w.train).end_bar).toBeLessThanOrEqual(w.test.start);
          expect(w.train.start).toBeGreaterThanOrEqual(spec.start);
          if (spec.mode === 'rolling') expect(w.train.end - w.train.start).toBe(spec.train);
          else expect(w.train.start).toBe(spec.start);
          const last = k === windows.length - 1;
          expect(w.partial).toBe(w.test.end - w.test.start < spec.test);
          if (!last || spec.partial === 'drop') expect(w.test.end - w.test.start).toBe(spec.test);
          if (k > 0) {
            expect(w.test.start - windows[k - 1].test.start).toBe(spec.step);
            expect(w.train.end).toBeGreaterThan(windows[k - 1].train.end);
          }
        });
        // no window was left out that would have fitted, and at most the last one is cut
        const lastWindow = windows.at(-1)!;
        const nextStart = lastWindow.test.start + spec.step;
        expect(nextStart >= n || lastWindow.test.end === n || (spec.partial === 'drop' && nextStart + spec.test > n)).toBe(true);
        expect(windows.filter((w) => w.partial).length).toBeLessThanOrEqual(spec.partial === 'keep' ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});
