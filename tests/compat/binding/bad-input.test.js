// Bad input to the binding protocol: malformed bodies, unknown routes, oversized bodies, missing or
// wrong database/credential headers, another account's database, read-only tokens. Each gets one
// clear {success:false, error} that workerd's binding surfaces as `D1_ERROR: …`, and writes nothing.
// Checked twice: with plain fetch against the endpoints, and through real Worker code on workerd.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startAtoll } from '../lib/atoll.js';
import { startWorkerd } from '../lib/workerd.js';
import { bindingHeaders } from './lib/pair.js';

const LIMIT = 4096;

const WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const db = env[url.searchParams.get('db')];
    const describe = (e) => ({ message: String(e && e.message), cause: e && e.cause && e.cause.message });
    try {
      switch (url.pathname) {
        case '/insert': return Response.json({ ok: await db.prepare('INSERT INTO notes (body) VALUES (?)').bind(url.searchParams.get('body') ?? 'x').run() });
        case '/count': return Response.json({ ok: await db.prepare('SELECT count(*) AS n FROM notes').first('n') });
        case '/big': return Response.json({ ok: await db.prepare('INSERT INTO notes (body) VALUES (?)').bind('y'.repeat(${LIMIT})).run() });
        case '/batch': return Response.json({ ok: await db.batch([db.prepare("INSERT INTO notes (body) VALUES ('b1')"), db.prepare('SELECT 1')]) });
        case '/exec': return Response.json({ ok: await db.exec("INSERT INTO notes (body) VALUES ('e1')") });
        case '/dump': return Response.json({ ok: (await db.dump()).byteLength });
      }
      return new Response('no route', { status: 404 });
    } catch (e) {
      return Response.json({ error: describe(e) });
    }
  },
};`;

describe('binding: bad input', () => {
  let atoll, workerd, db, other, foreign, headers, readToken, otherDbToken, secondAccount;

  before(async () => {
    atoll = await startAtoll({ args: [`--Atoll:MaxRequestBodyBytes=${LIMIT}`] });
    db = await atoll.createDatabase('bad-input');
    other = await atoll.createDatabase('bad-input-other');
    secondAccount = await atoll.call('POST', '/accounts', { name: 'second' });
    foreign = await atoll.call('POST', `/accounts/${secondAccount.id}/d1/database`, { name: 'foreign' });
    const edit = await atoll.createToken({ name: 'edit', permission: 'edit', databases: [db.uuid] });
    readToken = (await atoll.createToken({ name: 'read', permission: 'read', databases: [db.uuid] })).value;
    otherDbToken = (await atoll.createToken({ name: 'other', permission: 'edit', databases: [other.uuid] })).value;
    headers = bindingHeaders({ accountId: atoll.accountId, database: db.uuid, token: edit.value });
    await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/${db.uuid}/query`, { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' });

    const without = (name) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
    const d1 = {
      OK: { backend: atoll.url, headers },
      BY_NAME: { backend: atoll.url, headers: { ...headers, 'x-atoll-database': 'bad-input' } },
      NO_DATABASE: { backend: atoll.url, headers: without('x-atoll-database') },
      NO_ACCOUNT: { backend: atoll.url, headers: without('x-atoll-account') },
      NO_TOKEN: { backend: atoll.url, headers: without('authorization') },
      BAD_TOKEN: { backend: atoll.url, headers: { ...headers, authorization: 'Bearer not-a-token' } },
      NOT_BEARER: { backend: atoll.url, headers: { ...headers, authorization: 'Basic abc' } },
      UNKNOWN_DATABASE: { backend: atoll.url, headers: { ...headers, 'x-atoll-database': 'no-such-db' } },
      OTHER_DATABASE_TOKEN: { backend: atoll.url, headers: { ...headers, authorization: `Bearer ${otherDbToken}` } },
      FOREIGN_DATABASE: { backend: atoll.url, headers: { ...headers, 'x-atoll-database': foreign.uuid } },
      FOREIGN_ACCOUNT: { backend: atoll.url, headers: { ...headers, 'x-atoll-account': secondAccount.id, 'x-atoll-database': foreign.uuid } },
      READ_ONLY: { backend: atoll.url, headers: { ...headers, authorization: `Bearer ${readToken}` } },
    };
    workerd = await startWorkerd({ script: WORKER, d1 });
  });
  after(async () => {
    await workerd?.dispose();
    await atoll?.dispose();
  });

  const worker = async (path, binding) => (await fetch(`${workerd.url}${path}${path.includes('?') ? '&' : '?'}db=${binding}`)).json();
  const count = async () => (await worker('/count', 'OK')).ok;
  const post = (path, body, extra = headers) => fetch(`${atoll.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...extra }, body });

  test('a well-formed binding call works by uuid and by name', async () => {
    assert.equal((await worker('/insert?body=first', 'OK')).ok.success, true);
    assert.equal((await worker('/count', 'BY_NAME')).ok, 1);
  });

  describe('through the binding: D1_ERROR with a clear message, nothing written', () => {
    const cases = [
      ['NO_DATABASE', /^D1_ERROR: Missing header x-atoll-database: the binding's database \(uuid or name\)/],
      ['NO_ACCOUNT', /^D1_ERROR: Missing header x-atoll-account: the account that owns the database/],
      ['NO_TOKEN', /^D1_ERROR: Authentication error: no API token was sent$/],
      ['BAD_TOKEN', /^D1_ERROR: Authentication error: the API token is not valid$/],
      ['NOT_BEARER', /^D1_ERROR: Authentication error: the Authorization header must be 'Bearer <token>'$/],
      ['UNKNOWN_DATABASE', /^D1_ERROR: Database not found: account \w+ has no database "no-such-db" that this token may use/],
      ['OTHER_DATABASE_TOKEN', /^D1_ERROR: Database not found: account \w+ has no database "[0-9a-f-]{36}" that this token may use/],
      ['FOREIGN_DATABASE', /^D1_ERROR: Database not found: account \w+ has no database "[0-9a-f-]{36}"/],
      ['FOREIGN_ACCOUNT', /^D1_ERROR: The given account is not valid or is not authorized to access this service$/],
      ['READ_ONLY', /^D1_ERROR: not authorized to write: this API token may only read/],
    ];
    for (const [binding, message] of cases) {
      test(binding, async () => {
        const before = await count();
        for (const path of ['/insert', '/batch', '/exec']) {
          const answer = await worker(path, binding);
          const expected = path === '/exec' ? new RegExp(message.source.replace('^D1_ERROR: ', '^D1_EXEC_ERROR: Error in line 1: .*: ')) : message;
          assert.match(answer.error?.message ?? JSON.stringify(answer), expected, path);
        }
        assert.equal(await count(), before);
      });
    }

    test('a read-only token still reads', async () => {
      assert.equal(typeof (await worker('/count', 'READ_ONLY')).ok, 'number');
    });

    test('an oversized body is refused before it reaches the database', async () => {
      const before = await count();
      const answer = await worker('/big', 'OK');
      assert.equal(answer.error?.message, `D1_ERROR: Request body is larger than the ${LIMIT}-byte limit.`);
      assert.equal(await count(), before);
    });

    test('dump() without valid credentials fails with D1_DUMP_ERROR and the status', async () => {
      assert.equal((await worker('/dump', 'BAD_TOKEN')).error.message, 'D1_DUMP_ERROR: Status + 401');
      assert.equal((await worker('/dump', 'FOREIGN_DATABASE')).error.message, 'D1_DUMP_ERROR: Status + 404');
      assert.ok((await worker('/dump', 'READ_ONLY')).ok > 0, 'a read-only token may dump');
    });
  });

  describe('plain HTTP', () => {
    const failure = async (res, status, message) => {
      assert.equal(res.status, status);
      const body = await res.json();
      assert.equal(body.success, false);
      assert.match(body.error, message);
      assert.deepEqual(Object.keys(body).sort(), ['error', 'success'], 'one top-level failure object');
    };

    test('a body that is not JSON', async () => {
      await failure(await post('/query', 'SELECT 1'), 400, /^Malformed JSON in request body: /);
      await failure(await post('/execute?resultsFormat=NONE', '{"sql": "SELECT 1"'), 400, /^Malformed JSON in request body: /);
    });

    test('JSON of the wrong shape', async () => {
      await failure(await post('/query', '{"sql": 1}'), 400, /^Field "sql" must be a string, not a number\.$/);
      await failure(await post('/query', '"SELECT 1"'), 400, /^Request body must be a JSON object with "sql"/);
      await failure(await post('/query', '[{"sql":"SELECT ?","params":[{"a":1}]}]'), 400, /^D1_TYPE_ERROR: /);
      await failure(await post('/query', ''), 400, /^Request body is empty: expected a JSON object with "sql"\.$/);
    });

    test('an oversized body', async () => {
      const before = await count();
      await failure(await post('/query', JSON.stringify({ sql: "INSERT INTO notes (body) VALUES ('" + 'z'.repeat(LIMIT) + "')" })), 413,
        new RegExp(`^Request body is larger than the ${LIMIT}-byte limit\\.$`));
      assert.equal(await count(), before);
    });

    test('an unknown path with binding headers is a binding error; without them a v4 envelope', async () => {
      await failure(await post('/querry', '{"sql":"SELECT 1"}'), 404, /^No binding route for POST \/querry: use POST \/query, \/execute or \/dump$/);
      const res = await post('/querry', '{}', {});
      assert.equal(res.status, 404);
      assert.deepEqual((await res.json()).errors, [{ code: 7003, message: 'No route for the URI' }]);
    });

    test('a wrong method on a binding route', async () => {
      await failure(await fetch(`${atoll.url}/query`, { headers }), 404, /^No binding route for GET \/query: use POST /);
    });

    test('missing or wrong headers', async () => {
      await failure(await post('/query', '{"sql":"SELECT 1"}', { ...headers, 'x-atoll-database': '' }), 400, /^Missing header x-atoll-database/);
      await failure(await post('/query', '{"sql":"SELECT 1"}', { ...headers, authorization: 'Bearer nope' }), 401, /^Authentication error/);
      await failure(await post('/query', '{"sql":"SELECT 1"}', { ...headers, 'x-atoll-database': foreign.uuid }), 404, /^Database not found/);
    });

    test('any session token is accepted (first-primary, first-unconstrained, a bookmark, anything else)', async () => {
      for (const token of ['first-primary', 'first-unconstrained', '00000000-00000001-00000000-' + '0'.repeat(32), 'token-does-not-matter']) {
        const res = await post('/query', '{"sql":"SELECT 1 AS one"}', { ...headers, 'x-cf-d1-session-commit-token': token });
        assert.equal(res.status, 200, token);
        assert.deepEqual((await res.json())[0].results, [{ one: 1 }]);
      }
    });

    test('a success is an array with meta, and carries the commit token', async () => {
      const res = await post('/query?resultsFormat=ROWS_AND_COLUMNS', '{"sql":"SELECT 1 AS one","params":[]}');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('x-cf-d1-session-commit-token'), /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
      const [item, ...rest] = await res.json();
      assert.deepEqual(rest, []);
      assert.deepEqual(item.results, { columns: ['one'], rows: [[1]] });
      assert.equal(item.success, true);
      assert.equal(typeof item.meta.size_after, 'number');
    });
  });
});
