import { el, field, formatBytes, scroller } from './dom.js';
import { api, paths, session } from './api.js';
import { barChart } from './chart.js';
import { errorBox } from './ui.js';

// The orders `wrangler d1 insights --sort-by` offers, as GraphQL orderBy terms.
const ORDERS = { time: 'sum_queryDurationMs_DESC', reads: 'sum_rowsRead_DESC', writes: 'sum_rowsWritten_DESC', count: 'count_DESC' };

export function metricsPage(main, database) {
  const charts = el('section', { 'aria-label': 'Charts' }, el('p', { class: 'muted' }, 'Loading…'));
  const sort = el('select', { name: 'sort' }, Object.keys(ORDERS).map((k) => el('option', { value: k }, k)));
  const insights = el('section', { 'aria-label': 'Query insights table' });
  sort.addEventListener('change', loadInsights);
  main.append(el('h1', {}, 'Metrics'), charts,
    el('h2', {}, 'Query insights (last 24 hours)'),
    el('p', { class: 'muted' }, 'The same figures as wrangler d1 insights.'),
    el('div', { class: 'row' }, field('Sort by', sort)), insights);
  loadCharts();
  loadInsights();

  async function loadCharts() {
    try {
      const { result } = await api('GET', `${paths.database(database)}/metrics?hours=24`);
      const hours = result.hours;
      if (hours.length === 0) { charts.replaceChildren(el('p', { class: 'muted' }, 'No queries in the last 24 hours.')); return; }
      const labels = hours.map((h) => h.hour.slice(11, 16));
      charts.replaceChildren(el('div', { class: 'charts' },
        barChart({ title: 'Queries per hour', labels, series: [
          { name: 'Read queries', values: hours.map((h) => h.read_queries), className: 's1' },
          { name: 'Write queries', values: hours.map((h) => h.write_queries), className: 's2' }] }),
        barChart({ title: 'Rows per hour', labels, series: [
          { name: 'Rows read', values: hours.map((h) => h.rows_read), className: 's1' },
          { name: 'Rows written', values: hours.map((h) => h.rows_written), className: 's2' }] }),
        barChart({ title: 'Latency (ms, recent samples)', labels, format: (v) => Number(v).toFixed(1), series: [
          { name: 'p50', values: hours.map((h) => h.p50_ms), className: 's1' },
          { name: 'p99', values: hours.map((h) => h.p99_ms), className: 's2' }] }),
        barChart({ title: 'Database size', labels, format: formatBytes, series: [
          { name: 'Size', values: hours.map((h) => h.size_bytes), className: 's3' }] })));
    } catch (e) {
      charts.replaceChildren(errorBox(e));
    }
  }

  async function loadInsights() {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600 * 1000);
    const query = `query getD1QueriesOverviewQuery($accountTag: string, $filter: ZoneWorkersRequestsFilter_InputObject) {
  viewer { accounts(filter: {accountTag: $accountTag}) {
    d1QueriesAdaptiveGroups(limit: 20, filter: $filter, orderBy: [${ORDERS[sort.value]}]) {
      sum { queryDurationMs rowsRead rowsWritten rowsReturned }
      avg { queryDurationMs rowsRead rowsWritten rowsReturned }
      count
      dimensions { query }
    } } } }`;
    try {
      const { result: database_ } = await api('GET', `${paths.database(database)}?fields=uuid`);
      const reply = await fetch('/client/v4/graphql', {
        method: 'POST', credentials: 'omit', cache: 'no-store',
        headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query, variables: { accountTag: session.account, filter: { AND: [
          { datetimeHour_geq: from.toISOString(), datetimeHour_leq: to.toISOString(), databaseId: database_.uuid }] } } }),
      });
      const body = await reply.json();
      if (body.errors?.length) throw new Error(body.errors[0].message);
      const rows = body.data.viewer.accounts[0].d1QueriesAdaptiveGroups;
      const headings = ['Query', 'Times run', 'Total ms', 'Avg ms', 'Total rows read', 'Avg rows read', 'Total rows written', 'Avg rows written', 'Efficiency'];
      insights.replaceChildren(rows.length === 0 ? el('p', { class: 'muted' }, 'No queries yet.') : scroller('Query insights', el('table', { class: 'grid' },
        el('caption', { class: 'visually-hidden' }, 'Query insights'),
        el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((r) => el('tr', {},
          el('td', { class: 'code' }, r.dimensions.query),
          num(r.count), num(r.sum.queryDurationMs.toFixed(2)), num(r.avg.queryDurationMs.toFixed(2)),
          num(r.sum.rowsRead), num(round(r.avg.rowsRead)), num(r.sum.rowsWritten), num(round(r.avg.rowsWritten)),
          // wrangler's queryEfficiency: rows returned per row read.
          num(r.avg.rowsReturned && r.avg.rowsRead ? round(r.avg.rowsReturned / r.avg.rowsRead) : 0)))))));
    } catch (e) {
      insights.replaceChildren(errorBox(e));
    }
  }
}

const num = (v) => el('td', { class: 'num' }, String(v));
const round = (v) => Math.round(v * 100) / 100;
