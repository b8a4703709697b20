// The single-page app: a hash router over the views.
//   #/                  Backtest Manager + backtests list
//   #/backtest/<id>     details
//   #/sweeps            sweep list;  #/sweep/<id>  heatmap
//   #/compare/<id,id>   equity curves on one chart
import { ApiError } from './api.js';
import { backtestsView } from './backtests.js';
import { disposeCharts } from './charts.js';
import { compareView } from './compare.js';
import { detailsView } from './details.js';
import { clear, h } from './dom.js';
import { sweepView, sweepsView } from './sweeps.js';

const root = document.getElementById('view');

const routes = [
  [/^#?\/?$/, 'backtests', () => backtestsView(root)],
  [/^#\/backtest\/([^/]+)$/, 'backtests', (id) => detailsView(root, decodeURIComponent(id))],
  [/^#\/sweeps$/, 'sweeps', () => sweepsView(root)],
  [/^#\/sweep\/([^/]+)$/, 'sweeps', (id) => sweepView(root, decodeURIComponent(id))],
  [/^#\/compare(?:\/(.*))?$/, 'compare', (ids) => compareView(root, ids)],
];

let generation = 0;
async function route() {
  const mine = ++generation;
  disposeCharts();
  const hash = location.hash || '#/';
  const found = routes.find(([re]) => re.test(hash));
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', found && a.dataset.nav === found[1]);
  if (!found) {
    clear(root).append(h('section', { class: 'panel' }, h('h2', {}, 'Not found'), h('a', { href: '#/' }, 'Back to the backtests')));
    return;
  }
  const [re, , view] = found;
  document.body.dataset.view = 'loading';
  try {
    await view(...hash.match(re).slice(1));
    if (mine === generation) document.body.dataset.view = found[1];
  } catch (error) {
    if (mine !== generation) return;
    clear(root).append(h('section', { class: 'panel' }, h('h2', {}, 'Error'), h('div', { class: 'error', role: 'alert' }, error instanceof ApiError ? error.message : String(error)), h('a', { href: '#/' }, 'Back to the backtests')));
    document.body.dataset.view = 'error';
  }
}

window.addEventListener('hashchange', route);
route();
