import { el, field } from './dom.js';
import { raw, sqlBody } from './api.js';
import { parseJson } from './json.js';
import { resultGrid } from './grid.js';
import { errorBox, announce } from './ui.js';

const HISTORY_KEY = 'atoll.history';
const HISTORY_LIMIT = 50;

function history() {
  try { return JSON.parse(sessionStorage.getItem(HISTORY_KEY) ?? '[]'); } catch { return []; }
}

export function consolePage(main, database) {
  const sql = el('textarea', { name: 'sql', rows: 6, spellcheck: 'false', class: 'code', required: true });
  const params = el('textarea', { name: 'params', rows: 2, spellcheck: 'false', class: 'code', placeholder: '[]' });
  const batch = el('input', { type: 'checkbox', name: 'batch', id: 'batch' });
  const output = el('section', { 'aria-label': 'Results', 'aria-live': 'polite' });
  const historyList = el('ol', { class: 'history' });
  const last = history()[0];
  if (last && last.database === database) { sql.value = last.sql; params.value = last.params; batch.checked = last.batch; }
  else sql.value = 'SELECT name, type FROM sqlite_schema';

  const run = async () => {
    output.replaceChildren(el('p', { class: 'muted' }, 'Running…'));
    let body;
    try {
      body = batch.checked ? batchBody(sql.value, params.value) : sqlBody(sql.value, params.value || '[]');
      parseJson(body); // a malformed parameter list is caught here, in the page, not sent
    } catch (e) {
      output.replaceChildren(errorBox(new Error(`Parameters must be a JSON array${batch.checked ? ' of arrays (one per statement)' : ''}: ${e.message}`)));
      return;
    }
    remember({ database, sql: sql.value, params: params.value, batch: batch.checked });
    const started = performance.now();
    try {
      const { result, headers } = await raw(database, body);
      const elapsed = performance.now() - started;
      output.replaceChildren(...result.map((r, i) => statementResult(r, i, result.length)),
        el('p', { class: 'meta' }, `Round trip ${elapsed.toFixed(1)} ms · bookmark `, el('code', {}, headers.get('x-d1-bookmark') ?? '—')));
      announce(`Query ran: ${result.length} result${result.length === 1 ? '' : 's'}.`);
    } catch (e) {
      output.replaceChildren(errorBox(e));
      announce(`Query failed: ${e.message}`);
    }
    renderHistory();
  };

  const form = el('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); run(); } },
    field('SQL', sql, 'Ctrl+Enter runs. Several statements run in one transaction; each gets a result.'),
    field('Parameters (JSON array)', params, 'e.g. [1, "text", 9007199254740993] — integers are sent exactly as typed. In batch mode: one array per statement.'),
    el('div', { class: 'check' }, batch, el('label', { for: 'batch' }, 'Batch mode (one statement per line ending in ;, sent as a D1 batch)')),
    el('button', { type: 'submit', class: 'primary' }, 'Run'));
  sql.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });

  main.append(el('h1', {}, 'SQL console'), form, output,
    el('section', { 'aria-labelledby': 'history-title' }, el('h2', { id: 'history-title' }, 'History (this tab)'), historyList));
  renderHistory();

  function renderHistory() {
    historyList.replaceChildren(...history().filter((h) => h.database === database).map((h) =>
      el('li', {}, el('button', { type: 'button', class: 'link', onclick: () => { sql.value = h.sql; params.value = h.params; batch.checked = h.batch; sql.focus(); } },
        oneLine(h.sql)))));
  }
}

function oneLine(sql) {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 120 ? text.slice(0, 120) + '…' : text;
}

function remember(entry) {
  const list = history().filter((h) => !(h.database === entry.database && h.sql === entry.sql && h.params === entry.params));
  list.unshift(entry);
  sessionStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_LIMIT)));
}

// Statements split at a ';' that ends a line; parameters: an array of arrays, matched by position.
function batchBody(text, paramsText) {
  const statements = text.split(/;[ \t]*(?:\r?\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0);
  const params = paramsText.trim() ? splitArray(paramsText) : [];
  return `{"batch":[${statements.map((s, i) => sqlBody(s, params[i] ?? '[]')).join(',')}]}`;
}

// The top-level items of a JSON array as their own texts (so big integers are passed on untouched).
function splitArray(text) {
  const parsed = parseJson(text);
  if (!Array.isArray(parsed)) throw new SyntaxError('expected an array');
  const items = [];
  let depth = 0, start = -1, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') { depth++; if (depth === 2) start = i; }
    else if (c === ']' || c === '}') { if (depth === 2) items.push(text.slice(start, i + 1)); depth--; }
  }
  return items;
}

function statementResult(result, index, count) {
  const meta = result.meta ?? {};
  const label = count > 1 ? `Statement ${index + 1}` : 'Result';
  const columns = result.results?.columns ?? [];
  const rows = result.results?.rows ?? [];
  return el('article', { class: 'result' },
    el('h2', {}, `${label}: ${rows.length} row${rows.length === 1 ? '' : 's'}`),
    el('p', { class: 'meta' },
      `duration ${meta.duration ?? '—'} ms · rows read ${meta.rows_read ?? 0} · rows written ${meta.rows_written ?? 0} · changes ${meta.changes ?? 0}`
      + (meta.last_row_id ? ` · last row id ${meta.last_row_id}` : '')),
    resultGrid(columns, rows, `${label} rows`));
}
