import { el } from './dom.js';
import { raw, quoteIdentifier } from './api.js';
import { resultGrid } from './grid.js';
import { errorBox } from './ui.js';

const PAGE = 50;

export function tablesPage(main, database, params) {
  const selected = params.get('table');
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const list = el('nav', { class: 'side', 'aria-label': 'Tables and views' }, el('p', { class: 'muted' }, 'Loading…'));
  const detail = el('section', { class: 'detail', 'aria-live': 'polite' });
  main.append(el('h1', {}, 'Tables'), el('div', { class: 'split' }, list, detail));
  load();

  async function load() {
    try {
      const schema = "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY type, name";
      const { result } = await raw(database, JSON.stringify({ sql: schema }));
      const items = result[0].results.rows;
      list.replaceChildren(items.length === 0 ? el('p', { class: 'muted' }, 'No tables yet.') :
        el('ul', {}, items.map(([type, name]) => el('li', {},
          el('a', { href: link(name, 0), 'aria-current': name === selected ? 'page' : null }, name), ' ', el('span', { class: 'tag' }, type)))));
      const current = items.find(([, name]) => name === selected);
      if (current) await show(current[0], current[1], current[2]);
      else if (items.length > 0) detail.replaceChildren(el('p', { class: 'muted' }, 'Choose a table or view.'));
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  }

  function link(name, at) {
    return `#/db/${encodeURIComponent(database)}/tables?${new URLSearchParams({ table: name, offset: String(at) })}`;
  }

  async function show(type, name, sql) {
    const q = quoteIdentifier(name);
    const { result } = await raw(database, JSON.stringify({ batch: [
      { sql: `PRAGMA table_info(${q})` },
      { sql: `PRAGMA index_list(${q})` },
      { sql: `SELECT count(*) FROM ${q}` },
      { sql: `SELECT * FROM ${q} LIMIT ${PAGE} OFFSET ${offset}` },
    ] }));
    const [info, indexes, count, rows] = result.map((r) => r.results);
    const total = Number(count.rows[0][0]);
    detail.replaceChildren(
      el('h2', {}, `${type === 'view' ? 'View' : 'Table'} ${name}`),
      el('p', {}, `${total} row${total === 1 ? '' : 's'}`),
      el('details', { open: true }, el('summary', {}, 'Schema'),
        resultGrid(['cid', 'name', 'type', 'notnull', 'default', 'pk'], info.rows, `Columns of ${name}`),
        sql ? el('pre', { class: 'code' }, String(sql)) : null),
      el('details', {}, el('summary', {}, `Indexes (${indexes.rows.length})`),
        resultGrid(indexes.columns, indexes.rows, `Indexes of ${name}`)),
      el('h3', {}, `Rows ${total === 0 ? 0 : offset + 1}–${Math.min(offset + PAGE, total)} of ${total}`),
      resultGrid(rows.columns, rows.rows, `Rows of ${name}`),
      el('nav', { class: 'pager', 'aria-label': 'Row pages' },
        offset > 0 ? el('a', { href: link(name, Math.max(0, offset - PAGE)), class: 'button' }, 'Previous rows') : null,
        offset + PAGE < total ? el('a', { href: link(name, offset + PAGE), class: 'button' }, 'Next rows') : null));
  }
}
