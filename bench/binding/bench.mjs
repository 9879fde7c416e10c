// Load benchmark of the binding path: the same Worker (worker.js) on workerd bound to Atoll, on
// miniflare with its built-in D1 and (with BARE_KESTREL_DLL) on workerd bound to a constant-answer
// backend (bench/BareKestrel --shape binding: the binding's result shape, no database: the ceiling
// workerd itself imposes), driven by wrk over loopback in the same run, hosts alternating. Reports
// req/s and p50/p99 latency per host (median of the repetitions), Atoll ÷ miniflare and Atoll ÷ constant.
//
//   node bench/binding/bench.mjs [--duration 5] [--connections 32] [--repetitions 3] [--out file.json]
// Needs: wrk on PATH, tests/compat installed (scripts/compat-install.sh), and ATOLL_SERVER_DLL pointing
// at a Release build (bench/binding/run.sh does all three).

import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const compat = path.join(here, '..', '..', 'tests', 'compat');
const { startAtoll } = await import(path.join(compat, 'lib', 'atoll.js'));
const { startMiniflare } = await import(path.join(compat, 'lib', 'oracle.js'));
const { startWorkerd } = await import(path.join(compat, 'lib', 'workerd.js'));
const { bindingHeaders } = await import(path.join(compat, 'binding', 'lib', 'pair.js'));
const run = promisify(execFile);

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    repetitions: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
});
const duration = Math.min(10, Number(options.duration)); // the machine is shared: at most 10 s per run
const connections = Number(options.connections);
const repetitions = Math.min(5, Number(options.repetitions));

const SCHEMA = [
  'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL)',
  'CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL)',
];
const SEED = "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 10000) " +
  "INSERT INTO items (id, name, score) SELECT v, 'item-' || v, v * 0.5 FROM n";

/** Runs wrk once; returns {rps, p50, p99} (latencies in ms). */
async function wrk(url, seconds) {
  const { stdout } = await run('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', url],
    { timeout: (seconds + 30) * 1000 });
  const rps = Number(stdout.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const latency = (p) => {
    const m = stdout.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm'));
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const errors = stdout.match(/Non-2xx or 3xx responses: (\d+)/);
  if (errors) throw new Error(`${url}: ${errors[1]} failed responses\n${stdout}`);
  return { rps, p50: latency(50), p99: latency(99) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Starts bench/BareKestrel answering in the binding's shape; returns {url, dispose}. */
async function startConstant(dll) {
  const port = await new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const child = spawn('dotnet', [dll, '--urls', `http://127.0.0.1:${port}`, '--shape', 'binding'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try { if ((await fetch(`${url}/query`, { method: 'POST', body: '{}' })).ok) return { url, dispose: () => child.kill() }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error('the constant backend did not start');
}

const script = await readFile(path.join(here, 'worker.js'), 'utf8');
const atoll = await startAtoll();
let workerd, oracle, constant, workerdConstant;
try {
  const database = await atoll.createDatabase('bench');
  await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/${database.uuid}/query`, { sql: `${SCHEMA[0]}; ${SCHEMA[1]}; ${SEED}` });
  const token = await atoll.createToken({ name: 'bench', permission: 'edit', databases: [database.uuid] });
  workerd = await startWorkerd({ script, d1: { DB: { backend: atoll.url, headers: bindingHeaders({ accountId: atoll.accountId, database: database.uuid, token: token.value }) } } });
  oracle = await startMiniflare({ script, persistDir: true });
  const db = await oracle.mf.getD1Database('DB');
  await db.batch([db.prepare(SCHEMA[0]), db.prepare(SCHEMA[1]), db.prepare(SEED)]);

  const hosts = { atoll: workerd.url, miniflare: oracle.url };
  if (process.env.BARE_KESTREL_DLL) {
    constant = await startConstant(process.env.BARE_KESTREL_DLL);
    workerdConstant = await startWorkerd({ script, d1: { DB: { backend: constant.url, headers: bindingHeaders({ accountId: atoll.accountId, database: 'constant', token: 'constant' }) } } });
    hosts.constant = workerdConstant.url;
  }
  const results = {};
  for (const workload of ['read', 'insert']) {
    results[workload] = Object.fromEntries(Object.keys(hosts).map((host) => [host, []]));
    for (const [host, origin] of Object.entries(hosts)) await wrk(`${origin}/${workload}`, 1); // warm-up
    for (let i = 0; i < repetitions; i++) {
      // Alternate the order so drift on the shared machine does not favour one host.
      const order = i % 2 === 0 ? Object.keys(hosts).reverse() : Object.keys(hosts);
      for (const host of order) results[workload][host].push(await wrk(`${hosts[host]}/${workload}`, duration));
    }
  }

  const summary = {};
  for (const [workload, byHost] of Object.entries(results)) {
    const m = Object.fromEntries(Object.entries(byHost).map(([host, runs]) =>
      [host, { rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) }]));
    summary[workload] = {
      ...m,
      ratio: {
        rps: +(m.atoll.rps / m.miniflare.rps).toFixed(2),            // > 1: Atoll serves more
        p50: +(m.atoll.p50 / m.miniflare.p50).toFixed(2),            // < 1: Atoll answers faster
        p99: +(m.atoll.p99 / m.miniflare.p99).toFixed(2),
      },
      // ≤ 1: the share of workerd's own ceiling (a backend that answers at once) that Atoll reaches.
      ...(m.constant ? { ofConstant: { rps: +(m.atoll.rps / m.constant.rps).toFixed(2) } } : {}),
      // Per repetition, Atoll ÷ miniflare and Atoll ÷ constant (alternating order, so each pair is adjacent in time).
      perRepetition: byHost.atoll.map((r, i) => ({
        miniflare: +(r.rps / byHost.miniflare[i].rps).toFixed(2),
        ...(byHost.constant ? { constant: +(r.rps / byHost.constant[i].rps).toFixed(2) } : {}),
      })),
    };
  }
  const report = { date: new Date().toISOString(), duration, connections, repetitions, summary, runs: results };
  console.log(JSON.stringify(summary, null, 2));
  if (options.out) await writeFile(options.out, JSON.stringify(report, null, 2));
} finally {
  await workerd?.dispose();
  await workerdConstant?.dispose();
  constant?.dispose();
  await oracle?.dispose();
  await atoll.dispose();
}
