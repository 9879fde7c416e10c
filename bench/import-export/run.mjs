// Import of a generated ~100 MB .sql file through Atoll's import API (init → signed PUT →
// ingest → poll) and export of the resulting database (export → poll → signed GET), against
// the sqlite3 command-line shell doing the same import (one transaction, WAL, synchronous=FULL
// as Atoll runs) and `.dump`, in the same run. Reports medians of RUNS runs, MB/s, ratios, and
// the server's peak RSS (VmHWM) after start, after the imports and after the exports.
//   node run.mjs [SIZE_MB=100] [RUNS=3]

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

import { startAtoll } from '../../tests/compat/lib/atoll.js';

const [sizeMb = '100', runsText = '3'] = process.argv.slice(2);
const runs = Number(runsText);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'atoll-bench-ie-'));
const sqlFile = path.join(work, 'data.sql');
execFileSync(process.execPath, [path.join(here, 'generate.mjs'), sqlFile, sizeMb], { stdio: 'inherit' });
const bytes = statSync(sqlFile).size;
const etag = createHash('md5').update(readFileSync(sqlFile)).digest('hex');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = bytes / 1e6;
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function sqliteImport(db) {
  const start = process.hrtime.bigint();
  const script = `PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nBEGIN;\n.read ${sqlFile}\nCOMMIT;\n`;
  const r = spawnSync('sqlite3', ['-bail', db], { input: script, stdio: ['pipe', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('sqlite3 import failed');
  return seconds(start);
}
function sqliteDump(db, out) {
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `sqlite3 '${db}' .dump > '${out}'`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('sqlite3 dump failed');
  return { seconds: seconds(start), bytes: statSync(out).size };
}

const atoll = await startAtoll({ env: { ATOLL_BENCH: '1' } });
const pid = Number(execFileSync('sh', ['-c', `ps -o pid= --ppid ${process.pid} | head -1`]).toString().trim());
const peak = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]) / 1024;
const rss = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
const headers = { authorization: `Bearer ${atoll.token}`, 'content-type': 'application/json' };
async function api(uuid, action, body) {
  const res = await fetch(`${atoll.api}/accounts/${atoll.accountId}/d1/database/${uuid}/${action}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await res.json();
  if (!json.success) throw new Error(JSON.stringify(json.errors));
  return json.result;
}

try {
  const startup = { rss: rss(), peak: peak() };
  const atollImport = [], atollExport = [], cliImport = [], cliDump = [];
  let exportBytes = 0, dumpBytes = 0, afterImports = 0;
  for (let i = 0; i < runs; i++) {
    const { uuid } = await atoll.createDatabase(`bench-${i}`);
    let start = process.hrtime.bigint();
    const init = await api(uuid, 'import', { action: 'init', etag });
    const put = await fetch(init.upload_url, { method: 'PUT', body: Readable.toWeb(createReadStream(sqlFile)), duplex: 'half', headers: { 'content-length': String(bytes) } });
    if (put.status !== 200) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
    let state = await api(uuid, 'import', { action: 'ingest', etag, filename: init.filename });
    while (state.status === 'active') state = await api(uuid, 'import', { action: 'poll', current_bookmark: state.at_bookmark });
    if (state.status !== 'complete') throw new Error(`import failed: ${state.error}`);
    atollImport.push(seconds(start));
    afterImports = Math.max(afterImports, peak());

    start = process.hrtime.bigint();
    let exp = await api(uuid, 'export', { output_format: 'polling' });
    while (exp.status === 'active') exp = await api(uuid, 'export', { output_format: 'polling', current_bookmark: exp.at_bookmark });
    if (exp.status !== 'complete') throw new Error(`export failed: ${exp.error}`);
    const out = path.join(work, `atoll-${i}.sql`);
    const download = await fetch(exp.result.signed_url);
    await pipeline(Readable.fromWeb(download.body), createWriteStream(out));
    atollExport.push(seconds(start));
    exportBytes = statSync(out).size;
    rmSync(out);
    await api(uuid, 'query', { sql: 'SELECT 1' });

    const db = path.join(work, `cli-${i}.db`);
    cliImport.push(sqliteImport(db));
    const dump = sqliteDump(db, path.join(work, `cli-${i}.sql`));
    cliDump.push(dump.seconds);
    dumpBytes = dump.bytes;
    rmSync(path.join(work, `cli-${i}.sql`));
  }
  const afterExports = peak();
  const result = {
    file_mb: +mb.toFixed(1), runs,
    import: { atoll_s: +median(atollImport).toFixed(2), atoll_mb_s: +(mb / median(atollImport)).toFixed(1),
      sqlite3_s: +median(cliImport).toFixed(2), sqlite3_mb_s: +(mb / median(cliImport)).toFixed(1),
      ratio_atoll_to_sqlite3_throughput: +(median(cliImport) / median(atollImport)).toFixed(2) },
    export: { atoll_s: +median(atollExport).toFixed(2), atoll_mb_s: +(exportBytes / 1e6 / median(atollExport)).toFixed(1), atoll_bytes: exportBytes,
      sqlite3_s: +median(cliDump).toFixed(2), sqlite3_mb_s: +(dumpBytes / 1e6 / median(cliDump)).toFixed(1), sqlite3_bytes: dumpBytes,
      ratio_atoll_to_sqlite3_throughput: +((exportBytes / median(atollExport)) / (dumpBytes / median(cliDump))).toFixed(2) },
    server_memory_mb: { rss_after_start: +startup.rss.toFixed(0), peak_after_start: +startup.peak.toFixed(0),
      peak_after_imports: +afterImports.toFixed(0), peak_after_exports: +afterExports.toFixed(0) },
    samples_s: { atollImport, cliImport, atollExport, cliDump },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await atoll.dispose();
  rmSync(work, { recursive: true, force: true });
}
