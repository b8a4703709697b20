// Number and label formatting shared by the views.

export const METRIC_LABELS = {
  win_rate: 'Win rate',
  num_trades: 'Trades',
  total_return: 'Total return',
  cagr: 'CAGR',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  max_drawdown: 'Max drawdown',
  expectancy: 'Expectancy',
  profit_factor: 'Profit factor',
  exposure: 'Exposure',
};

const PERCENT = new Set(['win_rate', 'total_return', 'cagr', 'max_drawdown', 'exposure']);

export function fmtMetric(name, value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (name === 'num_trades') return String(value);
  if (PERCENT.has(name)) return `${(value * 100).toFixed(2)}%`;
  if (name === 'expectancy') return value.toFixed(2);
  return value.toFixed(3);
}

export function fmtDate(ms) {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(0, 10);
}

export function fmtDateTime(ms) {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').slice(0, 16);
}

export function fmtExitRule(rule) {
  if (!rule) return '–';
  if (rule.type === 'signal') return 'signal';
  // The primary rule first, then any rules combined with it.
  const parts = { fixed_stop: ['stop_pct', 'stop'], trailing_stop: ['trail_pct', 'trail'], profit_target: ['target_pct', 'target'] };
  const order = [rule.type, ...Object.keys(parts).filter((t) => t !== rule.type)];
  const out = order.filter((t) => parts[t] && rule[parts[t][0]] !== undefined).map((t) => `${parts[t][1]} ${rule[parts[t][0]]}%`);
  return out.length ? out.join(' + ') : rule.type;
}

export function fmtParams(params) {
  return Object.entries(params ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
}

export function label(summary) {
  return `${summary.strategy} ${summary.symbol} ${fmtParams(summary.params)} ${fmtExitRule(summary.exitRule)}`.trim();
}

/** Colour i of the series palette. */
export function seriesColor(i) {
  const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d', '#7c3aed', '#0d9488'];
  return palette[i % palette.length];
}
