/**
 * The list, sweep and compare views in a real browser on seeded store contents: sorting and
 * filtering the table, the sweep heatmap drawn on its canvas (cells in several colours, the
 * hovered cell named), and two equity curves on one compare chart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, openBrowserPage, pixelStats, seedBacktest, seedSweep, startTestUi, type TestUi } from './helpers.ts';

describe.skipIf(!HAVE_CHROMIUM)(`list, sweep and compare views in chromium (${CHROMIUM})`, () => {
  let t: TestUi;
  let browser: Browser;
  let page: Page;
  let ids: string[];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestUi();
    const stored = await t.store.storeMany([
      seedBacktest({ symbols: ['AAA'], drift: 0.002 }),
      seedBacktest({ symbols: ['BBB'], drift: -0.001, strategy: 'ema_crossover', params: { fast_period: 12, slow_period: 26, long_only: false } }),
      ...seedSweep('grid-1'),
    ]);
    ids = stored.map((s) => s.id);
    ({ browser, page } = await openBrowserPage(problems));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const sharpeColumn = () => page.$$eval('#backtests-table tbody td[data-metric=sharpe]', (tds) => tds.map((td) => Number(td.textContent)));
  const symbols = () => page.$$eval('#backtests-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));

  it('sorts by a clicked column and filters by symbol, strategy and a metric range', async () => {
    await page.goto(t.url);
    await page.waitForSelector('#backtests-table');
    expect(await page.$$eval('#backtests-table tbody tr', (trs) => trs.length)).toBe(11);
    await page.click('#backtests-table th[data-sort=sharpe]');
    await expect.poll(async () => (await page.textContent('#backtests-table th[data-sort=sharpe]'))!).toContain('▼');
    const desc = await sharpeColumn();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.click('#backtests-table th[data-sort=sharpe]');
    await expect.poll(async () => (await page.textContent('#backtests-table th[data-sort=sharpe]'))!).toContain('▲');
    const asc = await sharpeColumn();
    expect(asc).toEqual([...desc].reverse());

    await page.fill('#filter-symbol', 'AAA');
    await expect.poll(symbols).toEqual(['AAA']);
    await page.fill('#filter-symbol', '');
    await page.selectOption('#filter-strategy', 'ema_crossover');
    await expect.poll(symbols).toEqual(['BBB']);
    await page.selectOption('#filter-strategy', '');
    await page.click('details.ranges summary');
    await page.fill('#min-sharpe', '1');
    await expect.poll(async () => (await sharpeColumn()).length).toBe(4); // AAA (2) and fast 20 x slow 30, 50, 100 (1.7, 1.5, 1.0)
    expect((await sharpeColumn()).every((s) => s >= 1)).toBe(true);
    await page.fill('#max-sharpe', '0');
    await expect.poll(() => page.textContent('#filter-error')).toMatch(/min\.sharpe \(1\) is greater than max\.sharpe \(0\)/);
    await page.fill('#max-sharpe', '');
    await page.fill('#min-sharpe', '');
    await expect.poll(async () => (await sharpeColumn()).length).toBe(11);
  });

  it('draws the sweep heatmap of the chosen objective over two parameters', async () => {
    await page.goto(`${t.url}#/sweeps`);
    await page.waitForSelector('#sweeps-table');
    expect(await page.textContent('#sweeps-table tbody')).toContain('grid-1');
    await page.click('#sweeps-table tbody tr');
    await page.waitForSelector('#heatmap-canvas');
    // the axes default to the two parameters the sweep varied
    expect([await page.inputValue('#heatmap-x'), await page.inputValue('#heatmap-y')]).toEqual(['fast_period', 'slow_period']);
    await expect.poll(() => page.textContent('#heatmap-note')).toMatch(/3 × 3 cells/);
    const [map] = await pixelStats(page, '#heatmap-canvas');
    expect(map.ink).toBeGreaterThan(5000);
    expect(map.colours).toBeGreaterThan(5); // a colour scale, not one flat fill
    // hovering a cell names its params and value: the bottom-left cell is fast 5 x slow 30
    // (cells start 80 px from the left; the x labels take the 60 px below them)
    const box = (await page.locator('#heatmap-canvas').boundingBox())!;
    expect(box.width).toBeGreaterThan(200);
    await page.mouse.move(box.x + 80 + 5, box.y + box.height - 60 - 5);
    await expect.poll(() => page.textContent('#heatmap-tip')).toMatch(/fast_period=5, slow_period=30: 0\.200/);
    await page.selectOption('#heatmap-metric', 'total_return');
    await expect.poll(async () => pixelStats(page, '#heatmap-canvas').then(([s]) => s.colours)).toBeGreaterThan(3);
    await page.selectOption('#heatmap-y', 'fast_period');
    await expect.poll(() => page.textContent('#heatmap-error')).toMatch(/two different parameters/);
  });

  it('compares two backtests on one chart', async () => {
    await page.goto(t.url);
    await page.waitForSelector('#backtests-table');
    await page.fill('#filter-symbol', 'AAA');
    await expect.poll(symbols).toEqual(['AAA']);
    await page.check('#backtests-table tbody tr input[type=checkbox]');
    await page.fill('#filter-symbol', 'BBB');
    await expect.poll(symbols).toEqual(['BBB']);
    await page.check('#backtests-table tbody tr input[type=checkbox]');
    expect(await page.textContent('#compare-button')).toBe('Compare selected (2)');
    await page.click('#compare-button');
    await page.waitForSelector('#compare-chart canvas');
    expect(new Set(page.url().split('#/compare/')[1].split(','))).toEqual(new Set([ids[0], ids[1]]));
    const legend = await page.$$eval('#compare-chart .u-legend .u-series', (els) => els.length);
    expect(legend).toBe(3); // time + two series
    const [blue] = await pixelStats(page, '#compare-chart canvas', [37, 99, 235]);
    const [red] = await pixelStats(page, '#compare-chart canvas', [220, 38, 38]);
    expect(blue.match).toBeGreaterThan(200);
    expect(red.match).toBeGreaterThan(200);
    expect(await page.$$eval('#compare-table tbody tr', (trs) => trs.length)).toBe(2);
    await page.uncheck('#rebase');
    await expect.poll(() => page.textContent('#compare-chart .u-title')).toBe('Equity');
    expect(problems).toEqual([]);
  });
});
