// Sweeps: the list of sweep ids, and for one sweep the heatmap of an objective over two of
// its parameters (canvas). Clicking a cell opens its best backtest.
import { api, ApiError, meta } from './api.js';
import { clear, h } from './dom.js';
import { METRIC_LABELS, fmtMetric } from './format.js';
import { drawHeatmap } from './heatmap.js';

export async function sweepsView(root) {
  const { sweeps } = await api.get('/api/sweeps');
  clear(root).append(h('section', { class: 'panel', id: 'sweeps' }, h('h2', {}, 'Sweeps'),
    sweeps.length
      ? h('table', { class: 'data', id: 'sweeps-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Sweep'), h('th', {}, 'Backtests'))),
        h('tbody', {}, sweeps.map((s) => h('tr', { class: 'row', onclick: () => { location.hash = `#/sweep/${encodeURIComponent(s.sweepId)}`; } }, h('td', {}, h('a', { href: `#/sweep/${encodeURIComponent(s.sweepId)}` }, s.sweepId)), h('td', { class: 'num' }, String(s.count))))))
      : h('p', { class: 'muted' }, 'No sweeps stored yet. Backtests stored with a sweep id appear here.')));
}

export async function sweepView(root, sweepId) {
  const m = await meta();
  const info = await api.get(`/api/sweep?${new URLSearchParams({ id: sweepId })}`);
  const pick = (id, values, value) => h('select', { id }, values.map((v) => h('option', { value: v, selected: v === value }, v)));
  // default axes: the first two parameters the sweep varied
  const axes = [...info.varied, ...info.params.filter((p) => !info.varied.includes(p))];
  const xSel = pick('heatmap-x', info.params, axes[0]);
  const ySel = pick('heatmap-y', info.params, axes[1] ?? axes[0]);
  const metricSel = h('select', { id: 'heatmap-metric' }, m.metrics.map((k) => h('option', { value: k, selected: k === 'sharpe' }, METRIC_LABELS[k])));
  const aggSel = h('select', { id: 'heatmap-agg' }, ['max', 'min', 'mean'].map((a) => h('option', { value: a }, a)));
  const canvas = h('canvas', { id: 'heatmap-canvas' });
  const tip = h('div', { class: 'tooltip', id: 'heatmap-tip', hidden: true });
  const error = h('div', { class: 'error', role: 'alert', hidden: true, id: 'heatmap-error' });
  const note = h('p', { class: 'muted small', id: 'heatmap-note' });
  let hit = null;

  async function render() {
    error.hidden = true;
    const q = new URLSearchParams({ id: sweepId, x: xSel.value, y: ySel.value, metric: metricSel.value, agg: aggSel.value });
    try {
      const map = await api.get(`/api/sweep/heatmap?${q}`);
      canvas.hidden = false;
      hit = drawHeatmap(canvas, map, (v) => fmtMetric(map.metric, v));
      note.textContent = `${map.xs.length} × ${map.ys.length} cells; cells sharing x and y combine by ${map.agg}${map.skipped ? `; ${map.skipped} backtests lack these parameters` : ''}. Click a cell to open its best backtest.`;
    } catch (e) {
      canvas.hidden = true;
      hit = null;
      error.hidden = false;
      error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  }
  for (const sel of [xSel, ySel, metricSel, aggSel]) sel.addEventListener('change', render);
  canvas.addEventListener('mousemove', (e) => {
    const c = hit && hit(e.clientX, e.clientY);
    if (!c) { tip.hidden = true; return; }
    tip.hidden = false;
    tip.textContent = `${xSel.value}=${c.x}, ${ySel.value}=${c.y}: ${fmtMetric(metricSel.value, c.value)} (${c.count} backtest${c.count === 1 ? '' : 's'})`;
    tip.style.left = `${e.offsetX + 14}px`;
    tip.style.top = `${e.offsetY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => { tip.hidden = true; });
  canvas.addEventListener('click', (e) => {
    const c = hit && hit(e.clientX, e.clientY);
    if (c && c.id) location.hash = `#/backtest/${encodeURIComponent(c.id)}`;
  });
  clear(root).append(h('section', { class: 'panel', id: 'sweep' },
    h('h2', {}, `Sweep ${sweepId}`),
    h('p', { class: 'muted' }, `${info.count} backtests · ${info.strategies.join(', ')} · ${info.symbols.join(', ')}`),
    h('div', { class: 'filters' }, h('label', { class: 'inline' }, 'x ', xSel), h('label', { class: 'inline' }, 'y ', ySel), h('label', { class: 'inline' }, 'objective ', metricSel), h('label', { class: 'inline' }, 'combine ', aggSel)),
    error, h('div', { class: 'heatmap-wrap' }, canvas, tip), note));
  if (info.params.length < 2) {
    error.hidden = false;
    error.textContent = 'This sweep varies fewer than two parameters: a heatmap needs two.';
    return;
  }
  await render();
}
