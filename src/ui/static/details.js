// One backtest: metric cards, the equity and drawdown curves (uPlot, synced cursors) and the
// trades table.
import { api } from './api.js';
import { drawdownChart, equityChart } from './charts.js';
import { clear, h } from './dom.js';
import { METRIC_LABELS, fmtDate, fmtDateTime, fmtExitRule, fmtMetric, fmtParams } from './format.js';

const CARD_METRICS = ['total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'win_rate', 'num_trades', 'profit_factor', 'expectancy', 'exposure'];
const TRADE_ROWS = 500;

function cell(value, key) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') {
    if (/(Time|Ts|At)$|^(ts|time)$|_(ts|time)$/.test(key) && Math.abs(value) > 1e11) return fmtDateTime(value);
    return Number.isInteger(value) ? String(value) : value.toFixed(4);
  }
  return String(value);
}

function tradesTable(trades) {
  if (!trades.length) return h('p', { class: 'muted', id: 'trades-empty' }, 'No trades.');
  const keys = Object.keys(trades[0]);
  let shown = Math.min(TRADE_ROWS, trades.length);
  const body = h('tbody');
  const renderRows = () => {
    clear(body).append(...trades.slice(0, shown).map((t) => h('tr', {}, keys.map((k) => h('td', { class: typeof t[k] === 'number' ? 'num' : '' }, cell(t[k], k))))));
  };
  renderRows();
  const more = h('button', { type: 'button', hidden: shown >= trades.length, onclick: () => { shown = trades.length; renderRows(); more.hidden = true; } }, `Show all ${trades.length} trades`);
  return h('div', {}, h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'trades-table' }, h('thead', {}, h('tr', {}, keys.map((k) => h('th', {}, k)))), body)), more);
}

export async function detailsView(root, id) {
  const detail = await api.get(`/api/backtests/${encodeURIComponent(id)}`);
  const s = detail.summary;
  const equityBox = h('div', { class: 'chart', id: 'equity-chart' });
  const drawdownBox = h('div', { class: 'chart', id: 'drawdown-chart' });
  const deleteButton = h('button', { type: 'button', class: 'danger', id: 'delete-button' }, 'Delete');
  deleteButton.addEventListener('click', async () => {
    if (!confirm('Delete this backtest?')) return;
    await api.del(`/api/backtests/${encodeURIComponent(id)}`);
    location.hash = '#/';
  });
  clear(root).append(
    h('section', { class: 'panel', id: 'details' },
      h('div', { class: 'list-head' }, h('h2', {}, `${s.strategy} · ${s.symbols && s.symbols.length > 1 ? s.symbols.join('/') : s.symbol} · ${s.timeframe}`), deleteButton),
      h('p', { class: 'meta' },
        h('span', {}, h('b', {}, 'params '), fmtParams(s.params) || '(defaults)'),
        h('span', {}, h('b', {}, 'exit '), fmtExitRule(s.exitRule)),
        h('span', {}, h('b', {}, 'period '), `${fmtDate(s.start)} → ${fmtDate(s.end)}`),
        s.sweepId ? h('span', {}, h('b', {}, 'sweep '), h('a', { href: `#/sweep/${encodeURIComponent(s.sweepId)}` }, s.sweepId)) : null,
        h('span', { class: 'muted' }, h('b', {}, 'id '), s.id),
        s.runManifest ? h('span', { class: 'muted' }, h('b', {}, 'manifest '), s.runManifest) : null),
      h('div', { class: 'cards', id: 'metric-cards' }, CARD_METRICS.map((k) => h('div', { class: 'card', dataset: { metric: k } }, h('div', { class: 'label' }, METRIC_LABELS[k]), h('div', { class: 'value' }, fmtMetric(k, s[k]))))),
      equityBox, drawdownBox,
      h('h3', {}, `Trades (${detail.trades.length})`), tradesTable(detail.trades)),
  );
  if (detail.equity.ts.length) {
    const key = `bt-${id}`;
    equityChart(equityBox, detail.equity, key);
    drawdownChart(drawdownBox, detail.equity, key);
  } else {
    equityBox.append(h('p', { class: 'muted' }, 'No equity curve stored.'));
  }
}
