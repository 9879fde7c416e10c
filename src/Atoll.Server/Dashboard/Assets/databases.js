import { el, field, formatBytes, scroller } from './dom.js';
import { api, paths, session } from './api.js';
import { confirmAction, announce, errorBox } from './ui.js';

const PER_PAGE = 10;

export function databasesPage(main, params) {
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const search = params.get('name') ?? '';
  const searchInput = el('input', { type: 'search', name: 'name', value: search });
  const list = el('div', { 'aria-busy': 'true' }, el('p', { class: 'muted' }, 'Loading…'));
  const go = (name, p) => { location.hash = `#/databases?${new URLSearchParams({ name, page: String(p) })}`; };

  main.append(
    el('h1', {}, 'Databases'),
    el('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); go(searchInput.value.trim(), 1); } },
      field('Search by name', searchInput), el('button', { type: 'submit' }, 'Search')),
    session.canManage ? createForm() : el('p', { class: 'muted' }, 'This token may not create databases.'),
    list);

  load();

  async function load() {
    try {
      const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
      if (search) query.set('name', search);
      const { result, resultInfo } = await api('GET', `${paths.databases()}?${query}`);
      const total = resultInfo?.total_count ?? result.length;
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      list.replaceChildren(
        el('p', {}, `${total} database${total === 1 ? '' : 's'}${search ? ` matching "${search}"` : ''}.`),
        scroller('Databases', el('table', { class: 'grid' },
          el('caption', { class: 'visually-hidden' }, 'Databases'),
          el('thead', {}, el('tr', {}, ['Name', 'Tables', 'Size', 'Created', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, result.map(row)))),
        el('nav', { class: 'pager', 'aria-label': 'Pages' },
          el('button', { type: 'button', disabled: page <= 1, onclick: () => go(search, page - 1) }, 'Previous'),
          el('span', {}, `Page ${page} of ${pages}`),
          el('button', { type: 'button', disabled: page >= pages, onclick: () => go(search, page + 1) }, 'Next')));
      measure(result.map((db) => String(db.name)));
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
    list.removeAttribute('aria-busy');
  }

  // The list carries the figures last recorded; the page's own databases are measured now (one GET each, ten at most).
  async function measure(names) {
    await Promise.all(names.map(async (name) => {
      try {
        const { result } = await api('GET', `${paths.database(name)}?fields=num_tables,file_size`);
        const cells = list.querySelectorAll(`tr[data-name="${CSS.escape(name)}"] td`);
        cells[0].textContent = String(result.num_tables);
        cells[1].textContent = formatBytes(result.file_size);
      } catch {
        // the recorded figures stay
      }
    }));
  }

  function row(db) {
    const name = String(db.name);
    return el('tr', { 'data-name': name },
      el('th', { scope: 'row' }, el('a', { href: `#/db/${encodeURIComponent(name)}/console` }, name)),
      el('td', { class: 'num' }, String(db.num_tables ?? '—')),
      el('td', { class: 'num' }, formatBytes(db.file_size)),
      el('td', {}, String(db.created_at ?? '')),
      el('td', { class: 'actions' },
        el('a', { href: `#/db/${encodeURIComponent(name)}/tables` }, 'Tables'), ' ',
        el('a', { href: `#/db/${encodeURIComponent(name)}/time-travel` }, 'Time Travel'), ' ',
        el('a', { href: `#/db/${encodeURIComponent(name)}/metrics` }, 'Metrics'), ' ',
        session.canWrite ? el('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${name}`, onclick: () => remove(name) }, 'Delete') : null));
  }

  async function remove(name) {
    if (!(await confirmAction(`Delete the database "${name}" and all its data? This cannot be undone.`, `Delete ${name}`))) return;
    try {
      await api('DELETE', paths.database(name));
      announce(`Deleted ${name}.`);
      load();
    } catch (e) {
      list.prepend(errorBox(e));
    }
  }

  function createForm() {
    const name = el('input', { name: 'new-name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]*', maxlength: 255, autocomplete: 'off' });
    const message = el('div');
    return el('form', {
      class: 'row card',
      'aria-label': 'Create a database',
      onsubmit: async (e) => {
        e.preventDefault();
        message.replaceChildren();
        try {
          const { result } = await api('POST', paths.databases(), { name: name.value.trim() });
          announce(`Created ${result.name}.`);
          location.hash = `#/db/${encodeURIComponent(result.name)}/console`;
        } catch (err) {
          message.replaceChildren(errorBox(err));
        }
      },
    }, field('New database name', name, 'Letters, digits, _ and -'), el('button', { type: 'submit', class: 'primary' }, 'Create database'), message);
  }
}
