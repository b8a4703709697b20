// The Backtest Manager form: strategy (with a parameter form generated from its schema),
// data source per input, parameters as JSON (parsed here, validated by the server, errors
// naming the field), exit rule, Run; then the job's progress until its backtest is stored.
import { api, ApiError, meta } from './api.js';
import { clear, debounce, h } from './dom.js';

function fieldHint(f) {
  const parts = [];
  if (f.min !== undefined) parts.push(`≥ ${f.min}`);
  if (f.exclusiveMin !== undefined) parts.push(`> ${f.exclusiveMin}`);
  if (f.max !== undefined) parts.push(`≤ ${f.max}`);
  if (f.exclusiveMax !== undefined) parts.push(`< ${f.exclusiveMax}`);
  if (f.space) parts.push(`sweep: ${f.space.join(', ')}`);
  return parts.join(' · ');
}

export async function managerPanel({ onDone }) {
  const m = await meta();
  const strategies = new Map(m.strategies.map((s) => [s.type, s]));
  const sources = m.sources;

  const strategySelect = h('select', { id: 'strategy', name: 'strategy' }, m.strategies.map((s) => h('option', { value: s.type }, s.type)));
  const description = h('p', { class: 'muted small', id: 'strategy-description' });
  const dataBox = h('div', { id: 'data-inputs' });
  const fieldsBox = h('div', { class: 'param-fields', id: 'param-fields' });
  const paramsJson = h('textarea', { id: 'params-json', name: 'params', rows: 6, spellcheck: 'false', 'aria-label': 'parameters as JSON' });
  const paramsStatus = h('div', { id: 'params-status', class: 'small', role: 'status' });
  const exitSelect = h('select', { id: 'exit-rule', name: 'exitRule' }, m.exitRules.map((r) => h('option', { value: r.type }, r.label)));
  const exitPct = h('input', { id: 'exit-pct', type: 'number', min: '0', step: 'any', value: '5', 'aria-label': 'exit rule percentage' });
  const exitPctLabel = h('label', { class: 'inline', id: 'exit-pct-label' }, h('span', {}, '%'), exitPct);
  const cash = h('input', { id: 'initial-cash', type: 'number', min: '1', step: 'any', value: '100000' });
  const runButton = h('button', { type: 'submit', id: 'run-button', class: 'primary' }, 'Run backtest');
  const formError = h('div', { id: 'form-error', class: 'error', role: 'alert', hidden: true });
  const jobBox = h('div', { id: 'job-status', class: 'job', hidden: true });

  function showError(message, issues = []) {
    clear(formError);
    formError.hidden = false;
    formError.append(h('strong', {}, message));
    if (issues.length) formError.append(h('ul', {}, issues.map((i) => h('li', {}, h('code', {}, i.path), `: ${i.message}`))));
    for (const el of document.querySelectorAll('.invalid')) el.classList.remove('invalid');
    for (const issue of issues) {
      const name = issue.path.startsWith('params.') ? issue.path.slice(7) : null;
      const input = name ? fieldsBox.querySelector(`[data-param="${CSS.escape(name)}"]`) : null;
      if (input) input.classList.add('invalid');
      if (issue.path.startsWith('params')) paramsJson.classList.add('invalid');
    }
  }
  function hideError() {
    formError.hidden = true;
    clear(formError);
    for (const el of document.querySelectorAll('.invalid')) el.classList.remove('invalid');
  }

  // --- parameters: form fields <-> JSON -------------------------------------------------
  function readJson() {
    const text = paramsJson.value.trim() === '' ? '{}' : paramsJson.value;
    try {
      const value = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'parameters must be a JSON object, e.g. {"fast_period": 10}' };
      return { value };
    } catch (error) {
      return { error: `parameters are not valid JSON: ${error.message}` };
    }
  }
  function writeJson(params) {
    paramsJson.value = JSON.stringify(params, null, 2);
  }
  function syncFieldsFromJson(params) {
    for (const input of fieldsBox.querySelectorAll('[data-param]')) {
      const v = params[input.dataset.param];
      if (input.type === 'checkbox') input.checked = v === true;
      else input.value = v === undefined ? '' : String(v);
    }
  }
  const validateRemote = debounce(async () => {
    const parsed = readJson();
    if (parsed.error) return;
    try {
      await api.post('/api/params/validate', { strategy: strategySelect.value, params: parsed.value });
      paramsStatus.textContent = 'parameters OK';
      paramsStatus.className = 'small ok';
      paramsJson.classList.remove('invalid');
    } catch (error) {
      const issues = error instanceof ApiError ? error.issues : [];
      paramsStatus.textContent = issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error.message;
      paramsStatus.className = 'small error-text';
      paramsJson.classList.add('invalid');
    }
  }, 250);
  function onJsonInput() {
    const parsed = readJson();
    if (parsed.error) {
      paramsStatus.textContent = parsed.error;
      paramsStatus.className = 'small error-text';
      paramsJson.classList.add('invalid');
      return;
    }
    syncFieldsFromJson(parsed.value);
    validateRemote();
  }
  paramsJson.addEventListener('input', onJsonInput);

  function onFieldInput(event) {
    const input = event.target;
    const parsed = readJson();
    const params = parsed.error ? {} : parsed.value;
    const name = input.dataset.param;
    if (input.type === 'checkbox') params[name] = input.checked;
    else if (input.value === '') delete params[name];
    else if (input.dataset.kind === 'string') params[name] = input.value;
    else params[name] = Number(input.value);
    writeJson(params);
    onJsonInput();
  }

  function renderStrategy() {
    const s = strategies.get(strategySelect.value);
    description.textContent = s.description;
    clear(fieldsBox);
    for (const f of s.fields) {
      let input;
      if (f.type === 'boolean') input = h('input', { type: 'checkbox', checked: f.default === true });
      else if (f.type === 'string') input = h('input', { type: 'text', value: String(f.default ?? '') });
      else input = h('input', { type: 'number', step: f.type === 'integer' ? '1' : 'any', value: String(f.default ?? ''), min: f.min ?? f.exclusiveMin, max: f.max ?? f.exclusiveMax });
      input.dataset.param = f.name;
      input.dataset.kind = f.type;
      input.id = `param-${f.name}`;
      input.addEventListener('input', onFieldInput);
      fieldsBox.append(h('label', { class: 'field', for: input.id }, h('span', { class: 'name' }, f.name), input, h('span', { class: 'hint' }, fieldHint(f))));
    }
    writeJson(s.defaults);
    paramsStatus.textContent = '';
    hideError();
    renderData(s.streams);
  }

  // --- data inputs ----------------------------------------------------------------------
  function dataRow(i) {
    const source = h('select', { class: 'source', id: `source-${i}`, 'aria-label': `data source ${i + 1}` }, sources.map((s) => h('option', { value: s.id }, s.label)));
    const symbol = h('input', { class: 'symbol', id: `symbol-${i}`, value: i === 0 ? 'SYN' : `SYN${i + 1}`, size: 8, 'aria-label': 'symbol' });
    const timeframe = h('select', { class: 'timeframe', id: `timeframe-${i}`, 'aria-label': 'timeframe' }, ((sources[0] && sources[0].timeframes) || ['1d']).map((t) => h('option', { value: t }, t)));
    const seed = h('input', { class: 'seed', id: `seed-${i}`, type: 'number', step: '1', min: '0', value: String(42 + i), 'aria-label': 'seed' });
    const bars = h('input', { class: 'bars', id: `bars-${i}`, type: 'number', step: '1', min: '50', value: '2520', 'aria-label': 'bars' });
    const synth = h('span', { class: 'synthetic-fields' },
      h('label', { class: 'inline' }, 'symbol ', symbol), h('label', { class: 'inline' }, 'tf ', timeframe),
      h('label', { class: 'inline' }, 'seed ', seed), h('label', { class: 'inline' }, 'bars ', bars));
    const row = h('div', { class: 'data-row' }, h('label', { class: 'inline' }, `input ${i + 1} `, source), synth);
    const toggle = () => { synth.hidden = source.value !== 'synthetic'; };
    source.addEventListener('change', toggle);
    toggle();
    row.read = () => {
      if (source.value !== 'synthetic') return { source: source.value };
      const choice = { source: 'synthetic', symbol: symbol.value.trim(), timeframe: timeframe.value };
      if (seed.value !== '') choice.seed = Number(seed.value);
      if (bars.value !== '') choice.bars = Number(bars.value);
      return choice;
    };
    return row;
  }
  let dataRows = [];
  function renderData(streams) {
    clear(dataBox);
    dataRows = Array.from({ length: streams }, (_, i) => dataRow(i));
    dataBox.append(...dataRows);
  }

  // --- exit rule ------------------------------------------------------------------------
  function renderExit() {
    const rule = m.exitRules.find((r) => r.type === exitSelect.value);
    exitPctLabel.hidden = !rule.field;
  }
  exitSelect.addEventListener('change', renderExit);

  // --- run ------------------------------------------------------------------------------
  async function pollJob(job) {
    jobBox.hidden = false;
    const bar = h('progress', { max: 1, value: 0 });
    const text = h('span', { class: 'small' });
    clear(jobBox).append(h('div', {}, h('strong', {}, 'Job '), h('code', { class: 'job-id' }, job.id), ` · ${job.label}`), bar, text);
    jobBox.dataset.status = job.status;
    for (;;) {
      const { job: j } = await api.get(`/api/jobs/${encodeURIComponent(job.id)}`);
      jobBox.dataset.status = j.status;
      if (j.progress && j.progress.total > 0) {
        bar.max = j.progress.total;
        bar.value = j.progress.done;
      }
      text.textContent = ` ${j.status}${j.phase ? ` (${j.phase})` : ''}${j.progress ? ` · ${j.progress.done}/${j.progress.total} bars` : ''}`;
      if (j.status === 'done') {
        bar.max = 1;
        bar.value = 1;
        text.textContent = ' done';
        return j;
      }
      if (j.status === 'failed') throw new Error(`run failed: ${j.error}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async function onSubmit(event) {
    event.preventDefault();
    hideError();
    const parsed = readJson();
    if (parsed.error) {
      showError(parsed.error, [{ path: 'params', message: 'invalid JSON' }]);
      return;
    }
    const rule = m.exitRules.find((r) => r.type === exitSelect.value);
    const exitRule = { type: rule.type };
    if (rule.field) exitRule[rule.field] = exitPct.value === '' ? null : Number(exitPct.value);
    const body = { strategy: strategySelect.value, params: parsed.value, data: dataRows.map((r) => r.read()), exitRule, initialCash: Number(cash.value) };
    runButton.disabled = true;
    try {
      const { job } = await api.post('/api/runs', body);
      const done = await pollJob(job);
      onDone(done);
    } catch (error) {
      showError(error.message, error instanceof ApiError ? error.issues : []);
    } finally {
      runButton.disabled = false;
    }
  }

  strategySelect.addEventListener('change', renderStrategy);
  const form = h('form', { id: 'manager-form', class: 'panel', novalidate: true, onsubmit: onSubmit },
    h('h2', {}, 'Backtest Manager'),
    h('label', { class: 'field' }, h('span', { class: 'name' }, 'strategy'), strategySelect),
    description,
    h('fieldset', {}, h('legend', {}, 'data'), dataBox),
    h('fieldset', {}, h('legend', {}, 'parameters'), fieldsBox, h('label', { class: 'block', for: 'params-json' }, 'as JSON'), paramsJson, paramsStatus),
    h('fieldset', {}, h('legend', {}, 'exit rule'), exitSelect, ' ', exitPctLabel, h('label', { class: 'inline' }, ' initial cash ', cash)),
    h('div', { class: 'actions' }, runButton),
    formError,
    jobBox,
  );
  strategySelect.value = strategies.has('sma_crossover') ? 'sma_crossover' : m.strategies[0].type;
  renderStrategy();
  renderExit();
  return form;
}
