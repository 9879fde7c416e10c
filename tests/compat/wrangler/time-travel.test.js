// `wrangler d1 time-travel info/restore` (the REAL wrangler CLI, pinned in package.json) against a real
// Atoll server: bookmarks, timestamps as RFC 3339 and as unix seconds, restores with and without --json,
// undo through the printed previous bookmark, and the errors wrangler shows.
// Run: dotnet build src/Atoll.Server && cd tests/compat && node --test wrangler/time-travel.test.js

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { startAtoll } from '../lib/atoll.js';
import { parseJsonOutput, wranglerProject } from '../lib/wrangler.js';

const bookmarkPattern = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
// Well-formed, but no database here has made this many commits.
const unknownBookmark = '00000000-000fffff-00000000-00000000000000000000000000000000';

let atoll;
before(async () => { atoll = await startAtoll(); });
after(async () => { await atoll?.dispose(); });

function ok(run) {
  assert.equal(run.code, 0, run.all);
  assert.doesNotMatch(run.all, /error handler also failed/);
  return run;
}

function failed(run, pattern) {
  assert.notEqual(run.code, 0, run.all);
  assert.match(run.all, pattern);
  assert.doesNotMatch(run.all, /error handler also failed/);
  return run;
}

/** A database with a table `t(v)`, and a wrangler project that reaches it by name. */
async function databaseWithTable(server, name) {
  const db = await server.createDatabase(name);
  const created = new Date();
  const project = await wranglerProject(server);
  ok(await project.run(['d1', 'execute', name, '--remote', '--command', 'CREATE TABLE t(v TEXT)']));
  return { db, created, project };
}

/** Runs SQL through wrangler (execute --json) and returns the last statement's rows. */
async function execute(project, name, sql) {
  const results = parseJsonOutput(ok(await project.run(['d1', 'execute', name, '--remote', '--json', '--command', sql])).stdout);
  return results.at(-1).results;
}

const values = async (project, name) => (await execute(project, name, 'SELECT v FROM t ORDER BY rowid')).map((row) => row.v);

async function currentBookmark(project, name) {
  const { bookmark } = parseJsonOutput(ok(await project.run(['d1', 'time-travel', 'info', name, '--json'])).stdout);
  assert.match(bookmark, bookmarkPattern);
  return bookmark;
}

/** A point in time strictly between the commit before and the commit after (commit times have ms resolution; unix seconds lose the rest). */
async function pause() {
  await sleep(1100);
  const now = Date.now();
  await sleep(1100);
  return { iso: new Date(now).toISOString(), unixSeconds: String(Math.floor(now / 1000)) };
}

describe('wrangler d1 time-travel against Atoll', () => {
  test('info: the current bookmark, and the bookmark at an RFC 3339 or unix-seconds timestamp', async () => {
    const name = 'tt-info';
    const { db, created, project } = await databaseWithTable(atoll, name);
    try {
      await execute(project, name, "INSERT INTO t VALUES ('one')");
      const one = await currentBookmark(project, name);
      const rest = await atoll.call('GET', `/accounts/${atoll.accountId}/d1/database/${db.uuid}/time_travel/bookmark`);
      assert.equal(rest.bookmark, one);

      const between = await pause();
      await execute(project, name, "INSERT INTO t VALUES ('two')");
      const two = await currentBookmark(project, name);
      assert.ok(two > one, `${two} sorts after ${one}`);

      const human = ok(await project.run(['d1', 'time-travel', 'info', name]));
      assert.match(human.stdout, new RegExp(`The current bookmark is '${two}'`));
      assert.match(human.stdout, new RegExp(`wrangler d1 time-travel restore ${name} --bookmark=${two}`));

      for (const timestamp of [between.iso, between.unixSeconds]) {
        const json = parseJsonOutput(ok(await project.run(['d1', 'time-travel', 'info', name, `--timestamp=${timestamp}`, '--json'])).stdout);
        assert.deepEqual(json, { bookmark: one }, `--timestamp=${timestamp}`);
      }
      const atSeconds = ok(await project.run(['d1', 'time-travel', 'info', name, '--timestamp', between.unixSeconds]));
      assert.match(atSeconds.stdout, new RegExp(`Timestamp '${between.unixSeconds}' corresponds with bookmark '${one}'`));

      // Between creation and the first write the database existed, empty: that is its first bookmark.
      const empty = parseJsonOutput(ok(await project.run(['d1', 'time-travel', 'info', name, '--json', `--timestamp=${created.toISOString()}`])).stdout);
      assert.match(empty.bookmark, bookmarkPattern);
      assert.ok(empty.bookmark < one, `${empty.bookmark} sorts before ${one}`);
    } finally {
      await project.dispose();
    }
  });

  test('restore --bookmark and --timestamp, with and without --json; undo through the previous bookmark', async () => {
    const name = 'tt-restore';
    const { project } = await databaseWithTable(atoll, name);
    try {
      await execute(project, name, "INSERT INTO t VALUES ('one')");
      const one = await currentBookmark(project, name);
      const afterOne = await pause();
      await execute(project, name, "INSERT INTO t VALUES ('two')");
      const afterTwo = await pause();
      await execute(project, name, "DELETE FROM t WHERE v = 'one'; INSERT INTO t VALUES ('three')");
      const latest = await currentBookmark(project, name);
      assert.deepEqual(await values(project, name), ['two', 'three']);

      // --bookmark --json: the new bookmark, the undo point (the bookmark before the restore) and D1's message.
      const restored = parseJsonOutput(ok(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${one}`, '--json'])).stdout);
      assert.deepEqual(Object.keys(restored).sort(), ['bookmark', 'message', 'previous_bookmark']);
      assert.equal(restored.message, 'Database restored successfully');
      assert.equal(restored.previous_bookmark, latest);
      assert.match(restored.bookmark, bookmarkPattern);
      assert.ok(restored.bookmark > latest, 'a restore is a new commit: its bookmark sorts after every earlier one');
      assert.deepEqual(await values(project, name), ['one']);
      assert.equal(await currentBookmark(project, name), restored.bookmark);

      // Undo, without --json: wrangler asks (CI answers yes), then prints the new bookmark and the next undo point.
      const undo = ok(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${restored.previous_bookmark}`]));
      assert.match(undo.stdout, new RegExp(`Restoring database ${name} from bookmark ${latest}`));
      assert.match(undo.stdout, /In-flight queries and transactions will be cancelled\./);
      const undone = undo.stdout.match(new RegExp(`Database ${name} restored back to bookmark (\\S+)`))[1];
      assert.ok(undone > restored.bookmark);
      assert.match(undo.stdout, new RegExp(`To undo this operation, you can restore to the previous bookmark: ${restored.bookmark}`));
      assert.deepEqual(await values(project, name), ['two', 'three']);

      // Redo: the bookmark of the first restore is still valid.
      ok(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${restored.bookmark}`, '--json']));
      assert.deepEqual(await values(project, name), ['one']);

      // --timestamp (RFC 3339, human output) lands on the last commit at or before it.
      const byIso = ok(await project.run(['d1', 'time-travel', 'restore', name, `--timestamp=${afterTwo.iso}`]));
      assert.match(byIso.stdout, /Database tt-restore restored back to bookmark [0-9a-f-]{59}/);
      assert.deepEqual(await values(project, name), ['one', 'two']);

      // --timestamp as unix seconds, --json.
      const bySeconds = parseJsonOutput(ok(await project.run(['d1', 'time-travel', 'restore', name, `--timestamp=${afterOne.unixSeconds}`, '--json'])).stdout);
      assert.equal(bySeconds.message, 'Database restored successfully');
      assert.deepEqual(await values(project, name), ['one']);

      // The database goes on from the restored state.
      await execute(project, name, "INSERT INTO t VALUES ('four')");
      assert.deepEqual(await values(project, name), ['one', 'four']);
      assert.ok(await currentBookmark(project, name) > bySeconds.bookmark);
    } finally {
      await project.dispose();
    }
  });

  test('unknown and malformed bookmarks, a timestamp before the database existed, a read-only token: clear errors, nothing changes', async () => {
    const name = 'tt-errors';
    const { project } = await databaseWithTable(atoll, name);
    const reader = await atoll.createToken({ name: 'tt-reader', permission: 'read' });
    const readOnly = await wranglerProject(atoll, { token: reader.value });
    try {
      await execute(project, name, "INSERT INTO t VALUES ('kept')");
      const before = await currentBookmark(project, name);

      failed(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${unknownBookmark}`]),
        new RegExp(`Bookmark ${unknownBookmark} does not name a commit of this database\\. \\[code: 7400\\]`));
      const malformed = failed(await project.run(['d1', 'time-travel', 'restore', name, '--bookmark=yesterday', '--json']),
        /'yesterday' is not a bookmark: expected XXXXXXXX-XXXXXXXX-XXXXXXXX-<32 hex>, lowercase\. \[code: 7400\]/);
      assert.match(malformed.all, /A request to the Cloudflare API \(.*\/time_travel\/restore\?bookmark=yesterday\) failed\./);

      const anHourAgo = new Date(Date.now() - 3600_000).toISOString();
      for (const command of ['info', 'restore']) {
        failed(await project.run(['d1', 'time-travel', command, name, `--timestamp=${anHourAgo}`]),
          /No commit at or before \d{4}-\d\d-\d\dT[\d:.]+Z: the database's history starts later, at \d{4}-\d\d-\d\dT[\d:.]+Z\. \[code: 7400\]/);
      }

      failed(await readOnly.run(['d1', 'time-travel', 'restore', name, `--bookmark=${before}`]),
        /this API token may only read \[code: 10000\]/);
      // Reading the bookmark is allowed with a read-only token.
      assert.equal(await currentBookmark(readOnly, name), before);

      // wrangler itself refuses timestamps in the future and beyond its 30 days, before any request.
      failed(await project.run(['d1', 'time-travel', 'restore', name, `--timestamp=${new Date(Date.now() + 3600_000).toISOString()}`]),
        /Please provide a timestamp in the past/);

      assert.deepEqual(await values(project, name), ['kept']);
      assert.equal(await currentBookmark(project, name), before);
    } finally {
      await Promise.all([project.dispose(), readOnly.dispose()]);
    }
  });
});

/**
 * Waits until the server itself says that `moment` is beyond its retention window: from then on every commit made before it
 * has expired too (time only moves on). Asks the server rather than sleeping for the window, so a slow machine cannot race it.
 */
async function waitUntilExpired(server, uuid, moment) {
  const url = `${server.api}/accounts/${server.accountId}/d1/database/${uuid}/time_travel/bookmark?timestamp=${encodeURIComponent(moment.toISOString())}`;
  for (;;) {
    const reply = await (await fetch(url, { headers: { authorization: `Bearer ${server.token}` } })).json();
    if (!reply.success && /beyond the retention window/.test(reply.errors[0].message)) return;
    await sleep(200);
  }
}

describe('wrangler d1 time-travel with a short retention', () => {
  let server;
  before(async () => { server = await startAtoll({ args: ['--Atoll:TimeTravel:Retention=00:00:02'] }); });
  after(async () => { await server?.dispose(); });

  test('an expired bookmark is an error wrangler shows, and nothing changes', async () => {
    const name = 'tt-expired';
    const { db, project } = await databaseWithTable(server, name);
    try {
      await execute(project, name, "INSERT INTO t VALUES ('old')");
      const old = (await server.call('GET', `/accounts/${server.accountId}/d1/database/${db.uuid}/time_travel/bookmark`)).bookmark;
      await waitUntilExpired(server, db.uuid, new Date());
      await execute(project, name, "INSERT INTO t VALUES ('new')");
      failed(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${old}`]),
        new RegExp(`Bookmark ${old} has expired: it is older than the retention window \\(00:00:02\\)\\. \\[code: 7400\\]`));
      assert.deepEqual(await values(project, name), ['old', 'new']);
    } finally {
      await project.dispose();
    }
  });
});

// The default (30-day) retention: however slowly wrangler runs, the bookmarks it restores stay valid.
describe('wrangler d1 time-travel with a restore limit', () => {
  let server;
  before(async () => { server = await startAtoll({ args: ['--Atoll:TimeTravel:RestoresPerWindow=2'] }); });
  after(async () => { await server?.dispose(); });

  test('the restore rate limit is an error wrangler shows', async () => {
    const name = 'tt-limits';
    const { db, project } = await databaseWithTable(server, name);
    const current = async () => (await server.call('GET', `/accounts/${server.accountId}/d1/database/${db.uuid}/time_travel/bookmark`)).bookmark;
    try {
      await execute(project, name, "INSERT INTO t VALUES ('old')");
      await execute(project, name, "INSERT INTO t VALUES ('new')");
      for (let i = 0; i < 2; i++) ok(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${await current()}`, '--json']));
      failed(await project.run(['d1', 'time-travel', 'restore', name, `--bookmark=${await current()}`, '--json']),
        /Too many restores: at most 2 per 10 minutes for a database\. \[code: 7429\]/);
      assert.deepEqual(await values(project, name), ['old', 'new']);
    } finally {
      await project.dispose();
    }
  });
});
