// The home page: the Backtest Manager beside the list of stored backtests, a sortable and
// filterable table (server-side sort and filters), with a selection to compare.
import { api, ApiError, meta } from './api.js';
import { clear, debounce, h } from './dom.js';
import { METRIC_LABELS, fmtDateTime, fmtExitRule, fmtMetric, fmtParams } from './format.js';
import { managerPanel } from './manager.js';

const PAGE = 200;
const state = { sort: 'createdAt', dir: 'desc', selected: new Set(), highlight: new Set() };

export async function backtestsView(root) {
  const m = await meta();
  const symbol = h('input', { id: 'filter-symbol', placeholder: 'symbol', size: 8, 'aria-label': 'filter by symbol' });
  const strategy = h('select', { id: 'filter-strategy', 'aria-label': 'filter by strategy' }, h('option', { value: '' }, 'any strategy'), m.strategies.map((s) => h('option', { value: s.type }, s.type)));
  const exitRule = h('select', { id: 'filter-exit', 'aria-label': 'filter by exit rule' }, h('option', { value: '' }, 'any exit rule'), ['signal', 'fixed_stop', 'trailing_stop', 'profit_target'].map((t) => h('option', { value: t }, t)));
  const ranges = m.metrics.map((metric) => {
    const min = h('input', { type: 'number', step: 'any', placeholder: 'min', class: 'range', id: `min-${metric}`, 'aria-label': `${metric} min` });
    const max = h('input', { type: 'number', step: 'any', placeholder: 'max', class: 'range', id: `max-${metric}`, 'aria-label': `${metric} max` });
    return { metric, min, max, row: h('label', { class: 'range-row' }, h('span', {}, METRIC_LABELS[metric]), min, max) };
  });
  const rangeHint = h('p', { class: 'muted small' }, 'Percent metrics (win rate, returns, drawdown, exposure) are fractions: 0.1 = 10%.');
  const filterError = h('div', { class: 'error', id: 'filter-error', role: 'alert', hidden: true });
  const count = h('span', { class: 'muted small', id: 'row-count' });
  const compareButton = h('button', { type: 'button', id: 'compare-button', disabled: true }, 'Compare selected');
  const more = h('button', { type: 'button', id: 'load-more', hidden: true }, 'Load more');
  const tableBox = h('div', { class: 'table-wrap' });
  let offset = 0;
  let rows = [];

  const columns = [
    ['symbol', 'Symbol'], ['timeframe', 'TF'], ['strategy', 'Strategy'], [null, 'Params'], [null, 'Exit'],
    ...m.metrics.map((k) => [k, METRIC_LABELS[k]]), ['createdAt', 'Created'],
  ];

  function queryString(at) {
    const q = new URLSearchParams();
    if (symbol.value.trim()) q.set('symbol', symbol.value.trim());
    if (strategy.value) q.set('strategy', strategy.value);
    if (exitRule.value) q.set('exitRule', exitRule.value);
    for (const r of ranges) {
      if (r.min.value !== '') q.set(`min.${r.metric}`, r.min.value);
      if (r.max.value !== '') q.set(`max.${r.metric}`, r.max.value);
    }
    q.set('sort', state.sort);
    q.set('dir', state.dir);
    q.set('limit', String(PAGE));
    q.set('offset', String(at));
    return q.toString();
  }

  function renderTable() {
    const head = h('tr', {}, h('th', {}, ''), columns.map(([key, text]) => {
      if (!key) return h('th', {}, text);
      const arrow = state.sort === key ? (state.dir === 'asc' ? ' ▲' : ' ▼') : '';
      return h('th', { class: 'sortable', dataset: { sort: key }, onclick: () => { state.dir = state.sort === key && state.dir === 'desc' ? 'asc' : 'desc'; state.sort = key; load(); } }, text + arrow);
    }));
    const body = rows.map((r) => {
      const box = h('input', { type: 'checkbox', checked: state.selected.has(r.id), 'aria-label': 'select for compare', onclick: (e) => e.stopPropagation(), onchange: (e) => { if (e.target.checked) state.selected.add(r.id); else state.selected.delete(r.id); updateCompare(); } });
      return h('tr', { class: state.highlight.has(r.id) ? 'row new' : 'row', dataset: { id: r.id }, onclick: () => { location.hash = `#/backtest/${encodeURIComponent(r.id)}`; } },
        h('td', {}, box), h('td', {}, r.symbol), h('td', {}, r.timeframe), h('td', {}, r.strategy), h('td', { class: 'params' }, fmtParams(r.params)), h('td', {}, fmtExitRule(r.exitRule)),
        m.metrics.map((k) => h('td', { class: 'num', dataset: { metric: k } }, fmtMetric(k, r[k]))), h('td', { class: 'small' }, fmtDateTime(r.createdAt)));
    });
    clear(tableBox).append(rows.length ? h('table', { id: 'backtests-table', class: 'data' }, h('thead', {}, head), h('tbody', {}, body)) : h('p', { class: 'muted', id: 'no-rows' }, 'No backtests match.'));
    count.textContent = `${rows.length}${more.hidden ? '' : '+'} backtest${rows.length === 1 ? '' : 's'}`;
  }

  function updateCompare() {
    compareButton.disabled = state.selected.size < 2;
    compareButton.textContent = `Compare selected (${state.selected.size})`;
  }

  async function load(append = false) {
    offset = append ? offset + PAGE : 0;
    try {
      const res = await api.get(`/api/backtests?${queryString(offset)}`);
      rows = append ? rows.concat(res.rows) : res.rows;
      more.hidden = res.rows.length < PAGE;
      filterError.hidden = true;
      renderTable();
    } catch (error) {
      filterError.hidden = false;
      filterError.textContent = error instanceof ApiError ? error.message : String(error);
    }
  }
  const reload = debounce(() => load(), 200);
  for (const el of [symbol, strategy, exitRule, ...ranges.flatMap((r) => [r.min, r.max])]) el.addEventListener('input', reload);
  more.addEventListener('click', () => load(true));
  compareButton.addEventListener('click', () => { location.hash = `#/compare/${[...state.selected].map(encodeURIComponent).join(',')}`; });

  const manager = await managerPanel({
    onDone: (job) => {
      state.highlight = new Set(job.backtestIds);
      load();
    },
  });
  const list = h('section', { class: 'panel list-panel' },
    h('div', { class: 'list-head' }, h('h2', {}, 'Backtests'), count, compareButton),
    h('div', { class: 'filters', id: 'filters' }, symbol, strategy, exitRule,
      h('details', { class: 'ranges' }, h('summary', {}, 'Metric ranges'), rangeHint, ranges.map((r) => r.row))),
    filterError, tableBox, more);
  clear(root).append(h('div', { class: 'home' }, manager, list));
  updateCompare();
  await load();
}
