// Read replicas through the real binding: workerd's own D1 shim sends the session constraint or bookmark in
// x-cf-d1-session-commit-token, and Atoll (one node, replicas in WEUR and APAC) routes by it (docs/replication.md).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startAtoll } from '../lib/atoll.js';
import { startWorkerd } from '../lib/workerd.js';
import { bindingHeaders } from './lib/pair.js';

const script = `
export default {
  async fetch(request, env) {
    const meta = (r) => ({ primary: r.meta.served_by_primary, region: r.meta.served_by_region });
    const out = {};
    const session = env.DB.withSession('first-unconstrained');
    const write = await session.prepare("INSERT INTO t (v) VALUES ('from a session') RETURNING id").run();
    out.write = meta(write);
    const afterWrite = session.getBookmark();
    const read = await session.prepare('SELECT count(*) AS n FROM t').run();
    out.read = { ...meta(read), n: read.results[0].n };
    out.notBehind = session.getBookmark() >= afterWrite;
    out.plain = meta(await env.DB.prepare('SELECT count(*) AS n FROM t').run());
    out.primarySession = meta(await env.DB.withSession('first-primary').prepare('SELECT 1').run());
    out.resumed = meta(await env.DB.withSession(afterWrite).prepare('SELECT count(*) AS n FROM t').run());
    return Response.json(out);
  },
};`;

describe('binding: read replicas and sessions on real workerd', () => {
  let atoll, workerd;
  before(async () => {
    atoll = await startAtoll({ args: ['--Atoll:Region=WNAM', '--Atoll:Replication:Regions:0=WEUR', '--Atoll:Replication:Regions:1=APAC',
      '--Atoll:Replication:BookmarkWait=00:00:10'] });
    const database = await atoll.createDatabase('replicas');
    await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/${database.uuid}/query`, { sql: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)' });
    await atoll.call('PATCH', `/accounts/${atoll.accountId}/d1/database/${database.uuid}`, { read_replication: { mode: 'auto' } });
    const token = await atoll.createToken({ name: 'replicas', permission: 'edit', databases: [database.uuid] });
    workerd = await startWorkerd({ script, d1: { DB: { backend: atoll.url, headers: bindingHeaders({ accountId: atoll.accountId, database: database.uuid, token: token.value }) } } });
  });
  after(async () => {
    await workerd?.dispose();
    await atoll?.dispose();
  });

  test('session reads go to a replica that has the session\'s writes; plain and first-primary queries to the primary', async () => {
    const res = await fetch(workerd.url + '/');
    const out = await res.json();
    assert.deepEqual(out.write, { primary: true, region: 'WNAM' });         // writes: always the primary
    assert.deepEqual(out.read, { primary: false, region: 'WEUR', n: 1 });   // the bookmark travelled: the replica waited for it
    assert.equal(out.notBehind, true);
    assert.deepEqual(out.plain, { primary: true, region: 'WNAM' });
    assert.deepEqual(out.primarySession, { primary: true, region: 'WNAM' });
    assert.deepEqual(out.resumed, { primary: false, region: 'WEUR' });
  });
});
