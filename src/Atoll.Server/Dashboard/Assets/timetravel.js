import { el, field, scroller } from './dom.js';
import { api, paths, session } from './api.js';
import { barChart } from './chart.js';
import { confirmAction, announce, errorBox } from './ui.js';

export function timeTravelPage(main, database) {
  const timeline = el('section', { 'aria-label': 'Timeline' }, el('p', { class: 'muted' }, 'Loading…'));
  const outcome = el('div', { 'aria-live': 'polite' });
  main.append(el('h1', {}, 'Time Travel'), timeline, outcome);
  if (session.canWrite) main.append(restoreForm());
  else main.append(el('p', { class: 'muted' }, 'This token may only read: restore and undo need an edit token.'));
  if (session.canManage) main.append(forkForm());
  load();

  async function load() {
    try {
      const { result } = await api('GET', `${paths.database(database)}/time_travel/timeline`);
      const minutes = result.minutes.slice(-60);
      timeline.replaceChildren(
        el('p', {}, 'Current bookmark ', el('code', {}, result.current), result.earliest ? ' · earliest restorable ' : '', result.earliest ? el('code', {}, result.earliest) : ''),
        barChart({
          title: `Commits per minute (last ${minutes.length} active minute${minutes.length === 1 ? '' : 's'})`,
          labels: minutes.map((m) => m.minute.slice(11, 16)),
          series: [{ name: 'Commits', values: minutes.map((m) => m.commits), className: 's1' }],
        }),
        points('Snapshots', result.snapshots),
        points('Restores', result.restores),
        el('details', {}, el('summary', {}, 'Minutes with their last bookmark'), scroller('Minutes', el('table', { class: 'grid' },
          el('thead', {}, el('tr', {}, ['Minute (UTC)', 'Commits', 'Last bookmark', ''].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, result.minutes.slice().reverse().map((m) => el('tr', {},
            el('td', {}, m.minute.replace('T', ' ').slice(0, 16)), el('td', { class: 'num' }, String(m.commits)), el('td', {}, el('code', {}, m.last_bookmark)),
            el('td', {}, session.canWrite ? el('button', { type: 'button', onclick: () => restore(m.last_bookmark) }, 'Restore to this') : null))))))));
    } catch (e) {
      timeline.replaceChildren(errorBox(e));
    }
  }

  function points(title, list) {
    return el('details', {}, el('summary', {}, `${title} (${list.length})`),
      list.length === 0 ? el('p', { class: 'muted' }, 'None.') :
        el('ul', {}, list.map((p) => el('li', {}, el('code', {}, p.bookmark), ` at ${p.at.replace('T', ' ').slice(0, 19)} UTC`))));
  }

  async function restore(bookmark, timestamp) {
    const target = bookmark ? `bookmark ${bookmark}` : `time ${timestamp}`;
    if (!(await confirmAction(`Restore "${database}" to ${target}? Writes after it disappear from the current state (you can undo).`, 'Restore'))) return;
    const query = new URLSearchParams(bookmark ? { bookmark } : { timestamp });
    try {
      const { result } = await api('POST', `${paths.database(database)}/time_travel/restore?${query}`);
      announce(`Restored ${database}.`);
      outcome.replaceChildren(el('div', { class: 'card ok' },
        el('p', {}, `Restored. New bookmark `, el('code', {}, result.bookmark), '. Before the restore it was ', el('code', {}, result.previous_bookmark), '.'),
        el('button', { type: 'button', class: 'primary', onclick: () => restore(result.previous_bookmark) }, 'Undo this restore')));
      load();
    } catch (e) {
      outcome.replaceChildren(errorBox(e));
    }
  }

  function restoreForm() {
    const bookmark = el('input', { name: 'bookmark', autocomplete: 'off', spellcheck: 'false', class: 'code' });
    const time = el('input', { name: 'timestamp', type: 'datetime-local', step: 1 });
    return el('form', { class: 'card', 'aria-labelledby': 'restore-title', onsubmit: (e) => {
      e.preventDefault();
      if (bookmark.value.trim()) restore(bookmark.value.trim());
      else if (time.value) restore(null, new Date(time.value).toISOString());
      else outcome.replaceChildren(errorBox(new Error('Give a bookmark or a time.')));
    } },
    el('h2', { id: 'restore-title' }, 'Restore'),
    field('Bookmark', bookmark), field('Or a time (your local time)', time),
    el('button', { type: 'submit', class: 'danger' }, 'Restore…'));
  }

  function forkForm() {
    const name = el('input', { name: 'fork-name', required: true, autocomplete: 'off' });
    const bookmark = el('input', { name: 'fork-bookmark', autocomplete: 'off', spellcheck: 'false', class: 'code' });
    const message = el('div', { 'aria-live': 'polite' });
    return el('form', { class: 'card', 'aria-labelledby': 'fork-title', onsubmit: async (e) => {
      e.preventDefault();
      const body = { name: name.value.trim() };
      if (bookmark.value.trim()) body.bookmark = bookmark.value.trim();
      try {
        const { result } = await api('POST', `${paths.database(database)}/fork`, body);
        const forked = result.database.name;
        message.replaceChildren(el('p', { class: 'card ok' }, 'Forked into ', el('a', { href: `#/db/${encodeURIComponent(forked)}/tables` }, forked),
          ' at ', el('code', {}, result.forked_from.bookmark), '.'));
        announce(`Forked into ${forked}.`);
      } catch (err) {
        message.replaceChildren(errorBox(err));
      }
    } },
    el('h2', { id: 'fork-title' }, 'Fork into a new database'),
    field('New database name', name), field('At bookmark (empty: now)', bookmark),
    el('button', { type: 'submit' }, 'Fork'), message);
  }
}
