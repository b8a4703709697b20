// uPlot charts: the equity curve, the drawdown curve (cursor-synced with it) and the compare
// chart. Times arrive as epoch ms and are handed to uPlot in seconds.
import uPlot from '/vendor/uplot.js';
import { seriesColor } from './format.js';

const charts = new Set();

function widthOf(el) {
  return Math.max(320, Math.floor(el.getBoundingClientRect().width || el.clientWidth || 800));
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const entry of [...charts]) {
      if (!entry.el.isConnected) {
        entry.plot.destroy();
        charts.delete(entry);
      } else {
        entry.plot.setSize({ width: widthOf(entry.el), height: entry.plot.height });
      }
    }
  }, 100);
});

function mount(opts, data, el) {
  const plot = new uPlot({ ...opts, width: widthOf(el) }, data, el);
  charts.add({ plot, el });
  return plot;
}

/** Destroys charts whose element left the page (called on every view change). */
export function disposeCharts() {
  for (const entry of [...charts]) {
    entry.plot.destroy();
    charts.delete(entry);
  }
}

const seconds = (ts) => Float64Array.from(ts, (t) => t / 1000);

const money = (u, v) => (v === null || v === undefined ? '–' : v.toLocaleString(undefined, { maximumFractionDigits: 2 }));
const pct = (u, v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`);

export function equityChart(el, equity, syncKey) {
  return mount(
    {
      title: 'Equity',
      height: 300,
      cursor: { sync: { key: syncKey } },
      scales: { x: { time: true } },
      series: [{}, { label: 'equity', stroke: '#2563eb', width: 1.5, fill: 'rgba(37,99,235,0.08)', value: money }],
      axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => v.toLocaleString()) }],
    },
    [seconds(equity.ts), Float64Array.from(equity.equity)],
    el,
  );
}

export function drawdownChart(el, equity, syncKey) {
  return mount(
    {
      title: 'Drawdown',
      height: 180,
      cursor: { sync: { key: syncKey } },
      scales: { x: { time: true } },
      series: [{}, { label: 'drawdown', stroke: '#dc2626', width: 1, fill: 'rgba(220,38,38,0.15)', value: pct }],
      axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => `${(v * 100).toFixed(0)}%`) }],
    },
    [seconds(equity.ts), Float64Array.from(equity.drawdown)],
    el,
  );
}

/** Several equity curves on one chart, joined on their time stamps (gaps spanned). */
export function compareChart(el, series, { rebase }) {
  const tables = series.map((s) => {
    const base = s.equity.length ? s.equity[0] : 1;
    return [Array.from(s.ts, (t) => t / 1000), Array.from(s.equity, (v) => (rebase ? v / base : v))];
  });
  const data = uPlot.join(tables);
  return mount(
    {
      title: rebase ? 'Equity (rebased to 1)' : 'Equity',
      height: 380,
      scales: { x: { time: true } },
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: seriesColor(i), width: 1.5, spanGaps: true, value: rebase ? (u, v) => (v == null ? '–' : v.toFixed(4)) : money }))],
      axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => (rebase ? v.toFixed(2) : v.toLocaleString())) }],
    },
    data,
    el,
  );
}
