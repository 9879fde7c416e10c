// samples/worker: the D1 guide's Worker, set up exactly as its README says (REST calls, the
// `worker-config` command, workerd serving the written config), and the same Worker on miniflare's
// D1. A session over every route must give the same answers on both (timestamps and JWTs masked).

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startAtoll } from '../lib/atoll.js';
import { startMiniflare } from '../lib/oracle.js';
import { serveConfig } from '../lib/workerd.js';
import { differences, startPair } from './lib/pair.js';
import { workerConfig } from './lib/worker-config.js';

const sample = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'samples', 'worker');
const script = await readFile(path.join(sample, 'worker.js'), 'utf8');
const schema = await readFile(path.join(sample, 'schema.sql'), 'utf8');

/** schema.sql as single statements (it has no semicolons inside statements), for miniflare's batch(). */
const schemaStatements = () => schema.split('\n').filter((line) => !line.startsWith('--')).join('\n')
  .split(';').map((s) => s.trim()).filter(Boolean);

const VOLATILE = new Set(['created_at', 'updated_at', 'executed_at', 'token']);
// The guide orders many lists by created_at (whole seconds): rows written in the same second tie, and
// which side crossed a second boundary is chance. Lists of rows with ids are compared in id order.
const byId = (rows) => (rows.every((r) => r && typeof r === 'object' && typeof r.id === 'number')
  ? [...rows].sort((a, b) => a.id - b.id) : rows);
const maskVolatile = (value) => {
  if (Array.isArray(value)) return byId(value).map(maskVolatile);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE.has(k) && v !== null ? 'masked' : maskVolatile(v)]));
};

/** A client of one deployment of the sample: records every answer. */
function client(origin) {
  const transcript = [];
  const call = async (method, route, body, headers = {}) => {
    const res = await fetch(origin + route, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = text; }
    transcript.push({ call: `${method} ${route}`, status: res.status, body: parsed });
    return parsed;
  };
  return { call, transcript };
}

/** A session over every route of the sample; the same on both hosts. */
async function session({ call }) {
  await call('POST', '/users', { name: 'Ada', email: 'ada@example.com' });
  await call('GET', '/users');
  await call('POST', '/users/full', { name: 'Grace', email: 'grace@example.com', bio: 'Navy' });
  await call('GET', '/users/1');
  await call('GET', '/users/99');
  await call('GET', '/users/by-email?email=grace%40example.com');
  await call('GET', '/users/page?limit=1&offset=0');
  await call('POST', '/posts', { user_id: 1, title: 'Hello World', content: 'First post', published: true });
  await call('POST', '/posts', { user_id: 1, title: 'Hello Again', content: 'A draft' });
  await call('POST', '/posts', { user_id: 2, title: 'World News', content: 'Ships and compilers', published: true });
  await call('POST', '/posts/2/publish');
  await call('GET', '/users/1/posts');
  await call('GET', '/users/1/posts?all=1');
  await call('PUT', '/users/2', { name: 'Grace Hopper', email: 'grace@example.com', bio: 'Rear admiral' });
  await call('POST', '/transactions/transfer-posts', { from: 1, to: 2 });
  await call('POST', '/transactions/user-with-post', { user: { name: 'Linus', email: 'linus@example.com' },
    post: { title: 'Hello Kernel', content: 'Just a hobby', published: true } });
  await call('POST', '/transactions/bulk-posts', [
    { user_id: 3, title: 'Bulk one', content: 'x' }, { user_id: 3, title: 'Bulk two', content: 'yy', published: true }]);
  await call('POST', '/transactions/bulk-posts', [{ user_id: 999, title: 'Orphan', content: 'fk fails' }]);
  await call('GET', '/analytics/users');
  await call('GET', '/analytics/posts');
  await call('GET', '/analytics/top-authors?limit=5');
  await call('GET', '/analytics/trends?days=30');
  await call('GET', '/analytics/search?q=Hello');
  await call('GET', '/analytics/related/1');
  // The authenticated API.
  const registered = await call('POST', '/api/auth/register', { name: 'Barbara', email: 'barbara@example.com', password: 's3cret' });
  await call('POST', '/api/auth/register', { name: 'Barbara', email: 'barbara@example.com', password: 'again' });
  await call('POST', '/api/auth/login', { email: 'barbara@example.com', password: 'wrong' });
  const login = await call('POST', '/api/auth/login', { email: 'barbara@example.com', password: 's3cret' });
  const auth = { authorization: `Bearer ${login.token ?? registered.token}` };
  await call('GET', '/api/users/me', undefined, auth);
  await call('GET', '/api/users/me');
  await call('PUT', '/api/users/me', { bio: 'Liskov substitution' }, auth);
  const post = await call('POST', '/api/posts', { title: 'Data abstraction', content: 'CLU' }, auth);
  await call('PUT', `/api/posts/${post.id}`, { published: true }, auth);
  await call('GET', '/api/posts?all=1', undefined, auth);
  await call('DELETE', `/api/posts/${post.id}`, undefined, auth);
  await call('DELETE', '/api/posts/1', undefined, auth);
  // Deletes.
  await call('DELETE', '/posts/3');
  await call('DELETE', '/users/3');
  await call('GET', '/users');
}

describe('samples/worker', () => {
  let atoll, dir, workerd, oracle;
  before(async () => {
    atoll = await startAtoll();
    dir = await mkdtemp(path.join(tmpdir(), 'atoll-sample-'));
    // README steps 2-4: create the database, apply schema.sql in one request, a token scoped to it.
    await atoll.createDatabase('blog');
    await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/blog/query`, { sql: schema });
    const token = await atoll.createToken({ name: 'blog-worker', permission: 'edit', databases: ['blog'] });
    // Step 5: worker-config; step 6: workerd serves the config.
    const configPath = path.join(dir, 'config.capnp');
    const written = await workerConfig(['--url', atoll.url, '--token', token.value, '--account', atoll.accountId,
      '--binding', 'DB=blog', '--worker', path.join(sample, 'worker.js'), '--out', configPath, '--port', '0'], dir);
    assert.equal(written.code, 0, written.stderr);
    workerd = await serveConfig({ configPath });
    // The oracle: the same Worker on miniflare, the same schema.
    oracle = await startMiniflare({ script });
    const db = await oracle.mf.getD1Database('DB');
    await db.batch(schemaStatements().map((sql) => db.prepare(sql)));
  });
  after(async () => {
    await workerd?.dispose();
    await oracle?.dispose();
    await atoll?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('every route answers the same on workerd → Atoll as on miniflare', async () => {
    const onOracle = client(oracle.url);
    const onAtoll = client(workerd.url);
    await session(onOracle);
    await session(onAtoll);
    const diffs = differences(maskVolatile(onAtoll.transcript), maskVolatile(onOracle.transcript));
    assert.deepEqual(diffs, []);
    // The session really exercised the guide's code: spot-check answers users rely on.
    const answer = (call) => onAtoll.transcript.find((t) => t.call === call);
    assert.deepEqual(answer('POST /users').body, { id: 1, name: 'Ada', email: 'ada@example.com' });
    assert.equal(answer('POST /users').status, 201);
    assert.equal(answer('GET /users/99').status, 404);
    assert.deepEqual(answer('POST /transactions/transfer-posts').body, { success: true, posts_transferred: 2 });
    assert.match(answer('POST /api/auth/register').body.token, /^[\w=+/-]+\.[\w=+/-]+\.[0-9a-f]{64}$/);
    assert.equal(answer('GET /api/users/me').body.email, 'barbara@example.com');
    assert.equal(onAtoll.transcript.filter((t) => t.call === 'POST /transactions/bulk-posts')[1].status, 500);
    assert.deepEqual(answer('GET /analytics/related/1').body.map((p) => p.title).sort(), ['Hello Again', 'Hello Kernel', 'World News']);
    assert.equal(answer('GET /analytics/users').body.total_users, 3);
  });
});

describe('samples/worker migrations on an empty database', () => {
  let pair;
  before(async () => { pair = await startPair({ script }); });
  after(async () => { await pair?.dispose(); });

  test('POST /admin/migrate runs the guide\'s four migrations through exec(), once', async () => {
    const first = await pair.both('/admin/migrate', { method: 'POST' });
    assert.deepEqual(differences(maskVolatile(first.atoll), maskVolatile(first.oracle)), []);
    assert.deepEqual(first.atoll.map((m) => m.name),
      ['001_create_users_table', '002_create_posts_table', '003_add_user_avatar', '004_create_categories_table']);
    const again = await pair.both('/admin/migrate', { method: 'POST' });
    assert.deepEqual(again.atoll.map((m) => m.name), first.atoll.map((m) => m.name));
    const columns = await pair.both('/users', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }) });
    assert.deepEqual(columns.atoll, columns.oracle);
    assert.equal(columns.atoll.id, 1);
  });
});
