// Two or more backtests' equity curves on one chart, optionally rebased to 1, with their
// metrics side by side.
import { api, ApiError } from './api.js';
import { compareChart } from './charts.js';
import { clear, h } from './dom.js';
import { METRIC_LABELS, fmtMetric, label, seriesColor } from './format.js';

export async function compareView(root, idsText) {
  const ids = (idsText || '').split(',').filter(Boolean).map(decodeURIComponent);
  if (ids.length < 2) {
    clear(root).append(h('section', { class: 'panel', id: 'compare' }, h('h2', {}, 'Compare'),
      h('p', { class: 'muted' }, 'Select two or more backtests in the list (the checkboxes) and press "Compare selected".'), h('a', { href: '#/' }, 'Go to the backtests')));
    return;
  }
  let res;
  try {
    res = await api.get(`/api/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
  } catch (error) {
    clear(root).append(h('section', { class: 'panel' }, h('h2', {}, 'Compare'), h('div', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : String(error))));
    return;
  }
  const series = res.series.map((s) => ({ ...s, label: label(s.summary) }));
  const chartBox = h('div', { class: 'chart', id: 'compare-chart' });
  const rebase = h('input', { type: 'checkbox', id: 'rebase', checked: true });
  let plot = null;
  const draw = () => {
    if (plot) plot.destroy();
    clear(chartBox);
    plot = compareChart(chartBox, series, { rebase: rebase.checked });
  };
  rebase.addEventListener('change', draw);
  const metrics = Object.keys(METRIC_LABELS);
  clear(root).append(h('section', { class: 'panel', id: 'compare' },
    h('div', { class: 'list-head' }, h('h2', {}, `Compare ${series.length} backtests`), h('label', { class: 'inline' }, rebase, ' rebase to 1')),
    chartBox,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'compare-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Backtest'), metrics.map((k) => h('th', {}, METRIC_LABELS[k])))),
      h('tbody', {}, series.map((s, i) => h('tr', { class: 'row', onclick: () => { location.hash = `#/backtest/${encodeURIComponent(s.summary.id)}`; } },
        h('td', {}, h('span', { class: 'swatch', style: { background: seriesColor(i) } }), s.label),
        metrics.map((k) => h('td', { class: 'num' }, fmtMetric(k, s.summary[k]))))))))));
  draw();
}
