// The REAL `cloudflare` npm SDK (pinned in package.json) against a real Atoll server,
// pointed there only by `baseURL`. Run: dotnet build src/Atoll.Server && cd tests/compat && node --test sdk/

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';

import Cloudflare from 'cloudflare';

import { useAtollSdk } from '../lib/sdk.js';

const env = useAtollSdk();

describe('cloudflare SDK d1.database against Atoll', () => {
  test('create, then get by uuid and by name, update and edit', async () => {
    const { atoll, cf, account_id } = env;
    const created = await cf.d1.database.create({ account_id, name: 'sdk-main', primary_location_hint: 'weur' });
    assert.match(created.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(created.name, 'sdk-main');
    assert.equal(created.version, 'production');

    const byUuid = await cf.d1.database.get(created.uuid, { account_id });
    const byName = await cf.d1.database.get('sdk-main', { account_id });
    assert.equal(byUuid.uuid, created.uuid);
    assert.equal(byName.uuid, created.uuid);
    assert.equal(byName.running_in_region, 'WEUR');
    const fields = await cf.d1.database.get('sdk-main', { account_id, fields: ['uuid', 'name'] });
    assert.deepEqual(fields, { uuid: created.uuid, name: 'sdk-main' });

    const updated = await cf.d1.database.update(created.uuid, { account_id, read_replication: { mode: 'auto' } });
    assert.equal(updated.read_replication.mode, 'auto');
    const edited = await cf.d1.database.edit(created.uuid, { account_id, read_replication: { mode: 'disabled' } });
    assert.equal(edited.read_replication.mode, 'disabled');
  });

  test('list pages through every database', async () => {
    const { atoll, cf, account_id } = env;
    for (let i = 0; i < 23; i++) await cf.d1.database.create({ account_id, name: `sdk-page-${i}` });
    const names = [];
    for await (const database of cf.d1.database.list({ account_id, per_page: 10 })) names.push(database.name);
    assert.equal(names.filter((n) => n.startsWith('sdk-page-')).length, 23);
    assert.equal(new Set(names).size, names.length);
    const first = await cf.d1.database.list({ account_id, per_page: 10 });
    assert.equal(first.result.length, 10);
    const filtered = await cf.d1.database.list({ account_id, name: 'sdk-page-22' });
    assert.deepEqual(filtered.result.map((d) => d.name), ['sdk-page-22']);
  });

  test('query with params, batch and raw', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'sdk-query' });
    await cf.d1.database.query(uuid, { account_id, sql: 'CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, n REAL)' });
    const inserted = await cf.d1.database.query(uuid, { account_id, sql: 'INSERT INTO t(s, n) VALUES (?, ?)', params: ['a', '1.5'] });
    assert.equal(inserted.result[0].meta.changes, 1);
    assert.equal(inserted.result[0].meta.last_row_id, 1);

    const batch = await cf.d1.database.query(uuid, {
      account_id,
      batch: [{ sql: 'INSERT INTO t(s) VALUES (?)', params: ['b'] }, { sql: 'SELECT s FROM t WHERE id > ? ORDER BY id', params: ['0'] }],
    });
    assert.equal(batch.result.length, 2);
    assert.deepEqual(batch.result[1].results, [{ s: 'a' }, { s: 'b' }]);

    const rows = [];
    for await (const item of await cf.d1.database.query(uuid, { account_id, sql: 'SELECT id, s FROM t WHERE s = ?', params: ['b'] })) rows.push(...item.results);
    assert.deepEqual(rows, [{ id: 2, s: 'b' }]);

    const raw = await cf.d1.database.raw(uuid, { account_id, sql: 'SELECT id, s FROM t ORDER BY id' });
    assert.deepEqual(raw.result[0].results, { columns: ['id', 's'], rows: [[1, 'a'], [2, 'b']] });
  });

  test('errors come back as typed SDK errors with D1 codes', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'sdk-errors' });
    await assert.rejects(cf.d1.database.query(uuid, { account_id, sql: 'SELECT * FROM nope' }), (error) => {
      assert.ok(error instanceof Cloudflare.BadRequestError);
      assert.equal(error.status, 400);
      assert.deepEqual(error.errors, [{ code: 7500, message: 'no such table: nope: SQLITE_ERROR' }]);
      return true;
    });
    await assert.rejects(cf.d1.database.get('no-such-database', { account_id }), (error) => {
      assert.ok(error instanceof Cloudflare.NotFoundError);
      assert.equal(error.errors[0].code, 7404);
      return true;
    });
    await assert.rejects(cf.d1.database.create({ account_id, name: 'sdk-errors' }), (error) => {
      assert.equal(error.errors[0].code, 7502);
      return true;
    });
    const stranger = new Cloudflare({ apiToken: 'not-a-token', baseURL: atoll.api, maxRetries: 0 });
    await assert.rejects(stranger.d1.database.list({ account_id }), Cloudflare.AuthenticationError);
  });

  test('import: init, upload to the signed URL, ingest, poll', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'sdk-import' });
    const file = 'CREATE TABLE t(x);\nINSERT INTO t VALUES (1), (2), (3);\n';
    const etag = createHash('md5').update(file).digest('hex');
    const init = await cf.d1.database.import(uuid, { account_id, action: 'init', etag });
    assert.equal(init.filename, `${etag}.sql`);
    assert.match(init.upload_url, new RegExp(`^${atoll.url}/atoll/transfers/uploads/${uuid}/${etag}\\.sql\\?expires=\\d+&signature=[0-9a-f]{64}$`));

    const put = await fetch(init.upload_url, { method: 'PUT', body: file });
    assert.equal(put.status, 200);
    assert.equal(put.headers.get('etag'), `"${etag}"`);

    let state = await cf.d1.database.import(uuid, { account_id, action: 'ingest', etag, filename: init.filename });
    for (let i = 0; i < 30 && state.status === 'active'; i++) {
      state = await cf.d1.database.import(uuid, { account_id, action: 'poll', current_bookmark: state.at_bookmark });
    }
    assert.equal(state.success, true);
    assert.equal(state.type, 'import');
    assert.equal(state.status, 'complete');
    assert.ok(Array.isArray(state.messages));
    assert.equal(state.result.num_queries, 2);
    assert.match(state.result.final_bookmark, /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    assert.equal(state.result.meta.rows_written, 3);
    assert.equal(typeof state.result.meta.duration, 'number');
    assert.equal(typeof state.result.meta.size_after, 'number');
    const rows = await cf.d1.database.query(uuid, { account_id, sql: 'SELECT count(*) AS n FROM t' });
    assert.deepEqual(rows.result[0].results, [{ n: 3 }]);
  });

  test('export: polling, dump_options, and the signed download', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'sdk-export' });
    await cf.d1.database.query(uuid, { account_id, sql: "CREATE TABLE t(x); INSERT INTO t VALUES ('a'); CREATE TABLE u(y); INSERT INTO u VALUES (1)" });
    let state = await cf.d1.database.export(uuid, { account_id, output_format: 'polling', dump_options: { tables: ['t'] } });
    for (let i = 0; i < 30 && state.status === 'active'; i++) {
      state = await cf.d1.database.export(uuid, { account_id, output_format: 'polling', dump_options: { tables: ['t'] }, current_bookmark: state.at_bookmark });
    }
    assert.equal(state.success, true);
    assert.equal(state.type, 'export');
    assert.equal(state.status, 'complete');
    assert.match(state.result.filename, /\.sql$/);
    const download = await fetch(state.result.signed_url);
    assert.equal(download.status, 200);
    assert.equal(await download.text(), "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE t(x);\nINSERT INTO \"t\" (\"x\") VALUES('a');\n");
  });

  test('delete, after which the database is gone', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'sdk-delete' });
    assert.equal(await cf.d1.database.delete(uuid, { account_id }), null);
    await assert.rejects(cf.d1.database.get(uuid, { account_id }), Cloudflare.NotFoundError);
    await assert.rejects(cf.d1.database.query(uuid, { account_id, sql: 'SELECT 1' }), Cloudflare.NotFoundError);
  });
});
