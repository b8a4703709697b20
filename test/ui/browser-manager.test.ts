/**
 * The Backtest Manager in a real browser (playwright-core driving Debian's chromium): run a
 * backtest from the form on synthetic data, see it in the list, open its details, see the
 * equity and drawdown charts drawn (pixels of the series colours on the canvases), and see
 * validation messages for bad JSON, bad params and a missing exit-rule value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, openBrowserPage, pixelStats, startTestUi, type TestUi } from './helpers.ts';

describe.skipIf(!HAVE_CHROMIUM)(`Backtest Manager in chromium (${CHROMIUM})`, () => {
  let t: TestUi;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestUi();
    ({ browser, page } = await openBrowserPage(problems));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('runs a backtest from the form and shows it in the list', async () => {
    await page.goto(t.url);
    await page.waitForSelector('#no-rows');
    expect(await page.inputValue('#strategy')).toBe('sma_crossover');
    // the parameter form is generated from the schema, and editing a field rewrites the JSON
    await page.fill('#param-fast_period', '8');
    expect(JSON.parse(await page.inputValue('#params-json'))).toEqual({ fast_period: 8, slow_period: 30, long_only: false });
    await page.fill('#symbol-0', 'WEB');
    await page.fill('#bars-0', '800');
    await page.selectOption('#exit-rule', 'fixed_stop');
    await page.fill('#exit-pct', '7');
    await page.click('#run-button');
    await page.waitForSelector('#job-status[data-status=done]');
    await page.waitForSelector('#backtests-table tbody tr.new');
    const rows = await page.$$eval('#backtests-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('WEB');
    expect(rows[0]).toContain('sma_crossover');
    expect(rows[0]).toContain('fast_period=8');
    expect(rows[0]).toContain('stop 7%');
    const stored = await t.store.query({ symbol: 'WEB' });
    expect(stored.map((s) => [s.params.fast_period, s.exitRule])).toEqual([[8, { type: 'fixed_stop', stop_pct: 7 }]]);
  });

  it('opens the details: metric cards, equity and drawdown charts drawn, trades table', async () => {
    await page.click('#backtests-table tbody tr');
    await page.waitForSelector('#equity-chart canvas');
    await page.waitForSelector('#drawdown-chart canvas');
    const cards = await page.$$eval('#metric-cards .card', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-metric'), e.querySelector('.value')!.textContent])));
    expect(Object.keys(cards)).toEqual(expect.arrayContaining(['win_rate', 'num_trades', 'sharpe', 'cagr', 'max_drawdown', 'total_return']));
    expect(cards.total_return).toMatch(/^-?\d+\.\d\d%$/);
    expect(cards.num_trades).toMatch(/^\d+$/);
    const [equity] = await pixelStats(page, '#equity-chart canvas', [37, 99, 235]);
    const [drawdown] = await pixelStats(page, '#drawdown-chart canvas', [220, 38, 38]);
    expect(equity.width).toBeGreaterThan(300);
    expect(equity.match).toBeGreaterThan(300); // the blue equity line
    expect(drawdown.match).toBeGreaterThan(100); // the red drawdown line
    // interactive: hovering moves the cursor and fills the legend value
    const box = (await page.locator('#equity-chart .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.textContent('#equity-chart .u-legend .u-series:nth-child(2) .u-value')).toMatch(/\d/);
    const trades = await page.$$eval('#trades-table tbody tr', (trs) => trs.length);
    const stored = (await t.store.query({ symbol: 'WEB' }))[0];
    expect(trades).toBe(Math.min(500, stored.num_trades ?? 0));
    expect(trades).toBeGreaterThan(0);
  });

  it('shows validation errors: bad JSON, a param constraint naming the field, a missing exit value', async () => {
    await page.goto(`${t.url}#/`);
    await page.waitForSelector('#backtests-table');
    await page.fill('#params-json', '{"fast_period": 5,');
    await expect.poll(() => page.textContent('#params-status')).toMatch(/not valid JSON/);
    await page.click('#run-button');
    await page.waitForSelector('#form-error:not([hidden])');
    expect(await page.textContent('#form-error')).toMatch(/parameters are not valid JSON/);

    await page.fill('#params-json', '{"fast_period": 50}');
    await expect.poll(() => page.textContent('#params-status')).toMatch(/params\.fast_period: fast_period \(50\) must be less than slow_period \(30\)/);
    await page.click('#run-button');
    await expect.poll(() => page.textContent('#form-error')).toMatch(/params\.fast_period/);
    expect(await page.textContent('#form-error')).toContain('must be less than slow_period');
    expect(await page.getAttribute('#param-fast_period', 'class')).toContain('invalid');
    expect(await page.inputValue('#param-fast_period')).toBe('50'); // the form follows the JSON

    await page.fill('#params-json', '{"fast_period": 5}');
    await page.selectOption('#exit-rule', 'profit_target');
    await page.fill('#exit-pct', '');
    await page.click('#run-button');
    await expect.poll(() => page.textContent('#form-error')).toMatch(/exitRule\.target_pct/);
    expect(await t.store.query({ symbol: 'SYN' })).toEqual([]); // nothing ran
    expect(problems).toEqual([]);
  });
});
