import { el, clear } from './dom.js';
import { api, session } from './api.js';
import { signInPage } from './signin.js';
import { databasesPage } from './databases.js';
import { consolePage } from './console.js';
import { tablesPage } from './tables.js';
import { timeTravelPage } from './timetravel.js';
import { metricsPage } from './metrics.js';
import { errorBox } from './ui.js';

// Routes live in the hash (#/db/<name>/console), so the server serves one page and the token never enters a URL.
const DATABASE_PAGES = [
  ['console', 'SQL console', consolePage],
  ['tables', 'Tables', tablesPage],
  ['time-travel', 'Time Travel', timeTravelPage],
  ['metrics', 'Metrics', metricsPage],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

async function render() {
  clear(main);
  clear(nav);
  clear(who);
  document.getElementById('status').textContent = '';
  if (!session.token) return signInPage(main, () => { location.hash = '#/databases'; render(); });
  if (!session.info) {
    try {
      session.info = (await api('GET', '/client/v4/dashboard/session')).result;
    } catch (e) {
      if (e.status === 401 || e.status === 403) { session.signOut(); return render(); }
      main.append(errorBox(e));
      return;
    }
  }
  who.append(
    el('span', {}, `${session.info.token_name} · ${session.info.permission === 'edit' ? 'edit' : 'read only'}`),
    el('button', { type: 'button', onclick: () => { session.signOut(); location.hash = ''; render(); } }, 'Sign out'));

  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const links = [['#/databases', 'Databases', parts[0] !== 'db']];
  if (parts[0] === 'db' && parts[1]) {
    const database = parts[1];
    for (const [slug, title] of DATABASE_PAGES)
      links.push([`#/db/${encodeURIComponent(database)}/${slug}`, `${title}`, parts[2] === slug]);
    nav.append(el('span', { class: 'context' }, database));
  }
  nav.append(el('ul', {}, links.map(([href, title, current]) => el('li', {}, el('a', { href, 'aria-current': current ? 'page' : null }, title)))));

  if (parts[0] === 'db' && parts[1]) {
    const page = DATABASE_PAGES.find(([slug]) => slug === (parts[2] ?? 'console'));
    if (page) {
      document.title = `${page[1]} · ${parts[1]} · Atoll`;
      return page[2](main, parts[1], params);
    }
  }
  document.title = 'Databases · Atoll';
  databasesPage(main, params);
}

window.addEventListener('hashchange', () => { render(); main.focus({ preventScroll: true }); });
render();
