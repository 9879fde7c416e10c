// Bad input to import, export, the signed transfer URLs and GraphQL: each gets a
// documented, clear answer (v4 envelope, D1 polling failure, or GraphQL error), and
// nothing changes in the database. Real Atoll server; the cloudflare SDK where it
// has a method, plain fetch for the signed URLs.

import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import { useAtollSdk } from '../lib/sdk.js';

const env = useAtollSdk();

const md5 = (text) => createHash('md5').update(text).digest('hex');

async function rejectsWith(promise, status, code, message) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.status, status, String(error));
    assert.equal(error.errors[0].code, code);
    assert.match(error.errors[0].message, message);
    return true;
  });
}

describe('import bad input', () => {
  test('init with a malformed or missing etag is a 400', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-etag' });
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'init', etag: 'not-md5' }), 400, 7400, /Invalid etag 'not-md5'/);
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'init' }), 400, 7400, /Missing required field "etag"/);
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'explode' }), 400, 7400, /"init", "ingest" or "poll"/);
  });

  test('ingest with an unknown filename, or before the upload, is a 400', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-ingest' });
    const etag = md5('SELECT 1;');
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'ingest', etag, filename: 'other.sql' }), 400, 7400, /Unknown filename 'other\.sql'/);
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'ingest', etag, filename: `${etag}.sql` }), 400, 7400, /No file '[0-9a-f]{32}\.sql' was uploaded/);
  });

  test('an upload whose content does not match its etag is refused and not kept', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-content' });
    const etag = md5('CREATE TABLE t(x);');
    const init = await cf.d1.database.import(uuid, { account_id, action: 'init', etag });
    const put = await fetch(init.upload_url, { method: 'PUT', body: 'DROP TABLE everything;' });
    assert.equal(put.status, 400);
    assert.equal(put.headers.get('etag'), null);
    const body = await put.json();
    assert.equal(body.success, false);
    assert.equal(body.errors[0].code, 7400);
    assert.match(body.errors[0].message, /The uploaded file's MD5 is [0-9a-f]{32}, not the etag/);
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'ingest', etag, filename: init.filename }), 400, 7400, /was uploaded/);
  });

  test('uploads with a tampered, missing or expired signature are refused', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-signature' });
    const file = 'SELECT 1;';
    const etag = md5(file);
    const init = await cf.d1.database.import(uuid, { account_id, action: 'init', etag });
    const url = new URL(init.upload_url);

    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const unsigned = new URL(url.origin + url.pathname);
    // A URL signed correctly (with this server's secret) but already past its expiry.
    const secret = Buffer.from((await readFile(path.join(atoll.dataDir, 'transfer-secret'), 'utf8')).trim(), 'hex');
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = new URL(url.origin + url.pathname);
    expired.searchParams.set('expires', String(past));
    expired.searchParams.set('signature', createHmac('sha256', secret).update(`PUT\n${url.pathname}\n${past}`).digest('hex'));

    for (const [target, message] of [[tampered, /signature does not match/], [unsigned, /not signed/], [expired, /has expired/]]) {
      const res = await fetch(target, { method: 'PUT', body: file });
      assert.equal(res.status, 403);
      const body = await res.json();
      assert.equal(body.success, false);
      assert.match(body.errors[0].message, message);
    }
    const good = await fetch(url, { method: 'PUT', body: file });
    assert.equal(good.status, 200);
  });

  test('a poll with no import running gets D1\'s polling failure; a malformed bookmark a 400', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-poll' });
    const idle = await cf.d1.database.import(uuid, { account_id, action: 'poll', current_bookmark: '00000000-00000000-00000000-00000000000000000000000000000000' });
    assert.deepEqual(idle, { success: false, error: 'Not currently importing anything.' });
    await rejectsWith(cf.d1.database.import(uuid, { account_id, action: 'poll', current_bookmark: 'yesterday' }), 400, 7400, /Invalid bookmark 'yesterday'/);
  });

  test('an import with BEGIN/COMMIT ends in status error and changes nothing', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-transaction' });
    await cf.d1.database.query(uuid, { account_id, sql: "CREATE TABLE t(x); INSERT INTO t VALUES ('kept')" });
    const file = "BEGIN;\nDELETE FROM t;\nCOMMIT;\n";
    const etag = md5(file);
    const init = await cf.d1.database.import(uuid, { account_id, action: 'init', etag });
    assert.equal((await fetch(init.upload_url, { method: 'PUT', body: file })).status, 200);
    let state = await cf.d1.database.import(uuid, { account_id, action: 'ingest', etag, filename: init.filename });
    for (let i = 0; i < 30 && state.status === 'active'; i++) {
      state = await cf.d1.database.import(uuid, { account_id, action: 'poll', current_bookmark: state.at_bookmark });
    }
    assert.equal(state.success, true);
    assert.equal(state.status, 'error');
    assert.match(state.error, /^cannot start a transaction within a transaction: SQLITE_ERROR/);
    assert.deepEqual(state.errors, [state.error]);
    assert.ok(state.messages.some((m) => /rolled back/.test(m)));
    const rows = await cf.d1.database.query(uuid, { account_id, sql: 'SELECT x FROM t' });
    assert.deepEqual(rows.result[0].results, [{ x: 'kept' }]);
  });
});

describe('export bad input', () => {
  test('exports of a deleted database are 404', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-export-deleted' });
    await cf.d1.database.delete(uuid, { account_id });
    await rejectsWith(cf.d1.database.export(uuid, { account_id, output_format: 'polling' }), 404, 7404, /Not Found/);
  });

  test('unknown bookmarks, formats and options get clear answers', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-export' });
    const unknown = await cf.d1.database.export(uuid, { account_id, output_format: 'polling', current_bookmark: '00000000-000000ff-00000000-00000000000000000000000000000000' });
    assert.equal(unknown.success, false);
    assert.match(unknown.error, /No export with these dump_options is running at bookmark 00000000-000000ff-/);
    await rejectsWith(cf.d1.database.export(uuid, { account_id, output_format: 'polling', current_bookmark: 'nope' }), 400, 7400, /Invalid bookmark 'nope'/);
    await rejectsWith(cf.d1.database.export(uuid, { account_id, output_format: 'zip' }), 400, 7400, /"output_format" must be "polling"/);
    await rejectsWith(cf.d1.database.export(uuid, { account_id, output_format: 'polling', dump_options: { no_data: true, no_schema: true } }),
      400, 7400, /cannot both be true/);
  });

  test('a download URL with a tampered signature is refused', async () => {
    const { atoll, cf, account_id } = env;
    const { uuid } = await cf.d1.database.create({ account_id, name: 'bad-download' });
    let state = await cf.d1.database.export(uuid, { account_id, output_format: 'polling' });
    for (let i = 0; i < 30 && state.status === 'active'; i++) state = await cf.d1.database.export(uuid, { account_id, output_format: 'polling', current_bookmark: state.at_bookmark });
    const url = new URL(state.result.signed_url);
    url.searchParams.set('signature', '0'.repeat(64));
    const res = await fetch(url);
    assert.equal(res.status, 403);
    assert.match((await res.json()).errors[0].message, /signature does not match/);
  });
});

describe('GraphQL bad input', () => {
  test('anything but the two D1 analytics queries gets a GraphQL error', async () => {
    const { atoll, cf, account_id } = env;
    const res = await fetch(`${atoll.api}/graphql`, {
      method: 'POST', headers: { authorization: `Bearer ${atoll.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { zones { httpRequests1dGroups { sum { requests } } } } }' }),
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.data, null);
    assert.match(body.errors[0].message, /answers viewer\.accounts\.d1AnalyticsAdaptiveGroups and d1QueriesAdaptiveGroups only/);
  });

  test('a token of another account gets an unauthorized GraphQL error', async () => {
    const { atoll, cf, account_id } = env;
    const res = await fetch(`${atoll.api}/graphql`, {
      method: 'POST', headers: { authorization: `Bearer ${atoll.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { viewer { accounts { d1AnalyticsAdaptiveGroups { count } } } }', variables: { accountTag: 'f'.repeat(32) } }),
    });
    assert.equal(res.status, 403);
    const body = await res.json();
    assert.equal(body.errors[0].extensions.code, 'UNAUTHORIZED');
  });
});
