// The conformance Worker: each scenario is ordinary D1 Worker code against env.DB. The suite runs
// this same file on miniflare (the oracle) and on workerd bound to Atoll, and compares the answers.
// GET /s/<name> runs one scenario and answers {ok: value} or {error: {name, message, cause}}.
// Every scenario creates its own tables, so scenarios do not depend on each other.

const fresh = async (db, ...ddl) => {
  for (const sql of ddl) await db.prepare(sql).run();
};

const describe = (e) => ({ name: e?.constructor?.name, message: String(e?.message ?? e), cause: e?.cause?.message });

/** Runs fn and returns its value, or the error it threw, so one scenario can record several outcomes. */
const attempt = async (fn) => {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: describe(e) };
  }
};

const scenarios = {
  // ---- first()
  async first(db) {
    await fresh(db, 'DROP TABLE IF EXISTS f_users', 'CREATE TABLE f_users (id INTEGER PRIMARY KEY, name TEXT, note TEXT)');
    await db.prepare("INSERT INTO f_users (name, note) VALUES ('Ada', NULL), ('Grace', 'x')").run();
    const q = db.prepare('SELECT * FROM f_users ORDER BY id');
    return {
      row: await q.first(),
      column: await q.first('name'),
      nullColumn: await q.first('note'),
      missingColumn: await attempt(() => q.first('nope')),
      noRows: await db.prepare('SELECT * FROM f_users WHERE id = ?').bind(99).first(),
      noRowsColumn: await db.prepare('SELECT * FROM f_users WHERE id = ?').bind(99).first('nope'),
      bound: await db.prepare('SELECT name FROM f_users WHERE id = ?').bind(2).first('name'),
      selectOne: [await db.prepare('select 1').first(), await db.prepare('select 1').first('1')],
      insertThroughFirst: await db.prepare("INSERT INTO f_users (name) VALUES ('Linus')").first(),
      count: await db.prepare('SELECT count(*) AS n FROM f_users').first('n'),
      twoStatements: await attempt(() => db.prepare('SELECT 1 AS a; SELECT 2 AS b').first()),
    };
  },

  // ---- all()
  async all(db) {
    await fresh(db, 'DROP TABLE IF EXISTS a_items', 'CREATE TABLE a_items (id INTEGER PRIMARY KEY, label TEXT, qty INTEGER)');
    const insert = await db.prepare("INSERT INTO a_items (label, qty) VALUES ('a', 1), ('b', 2), ('c', 3)").all();
    return {
      insert,
      select: await db.prepare('SELECT * FROM a_items ORDER BY id').all(),
      filtered: await db.prepare('SELECT label FROM a_items WHERE qty > ? ORDER BY id').bind(1).all(),
      returning: await db.prepare("INSERT INTO a_items (label, qty) VALUES ('d', 4) RETURNING id, label").all(),
      twoSelects: await db.prepare('SELECT 1 AS one; SELECT label FROM a_items WHERE id = 1').all(),
      empty: await db.prepare('SELECT * FROM a_items WHERE 0').all(),
      update: await db.prepare('UPDATE a_items SET qty = qty + 1 WHERE qty >= ?').bind(3).all(),
      orderedParams: await db.prepare('SELECT ?3 AS c, ?1 AS a, ?2 AS b').bind('x', 'y', 'z').all(),
      rebind: await db.prepare('SELECT ? AS v').bind(1).bind(2).all(),
    };
  },

  // ---- raw()
  async raw(db) {
    await fresh(db, 'DROP TABLE IF EXISTS r_abc', 'DROP TABLE IF EXISTS r_cde',
      'CREATE TABLE r_abc (a, b, c)', 'CREATE TABLE r_cde (c, d, e)');
    await db.batch([
      db.prepare('INSERT INTO r_abc VALUES (1, 2, 3), (4, 5, 6)'),
      db.prepare("INSERT INTO r_cde VALUES ('c1', 'd1', 'e1'), ('c2', 'd2', 'e2'), ('c3', 'd3', 'e3')"),
    ]);
    const join = db.prepare('SELECT * FROM r_abc, r_cde ORDER BY r_abc.a, r_cde.c');
    return {
      rows: await join.raw(),
      withNames: await join.raw({ columnNames: true }),
      withoutNames: await join.raw({ columnNames: false }),
      objects: (await join.all()).results,
      zeroRowsWithNames: await db.prepare('SELECT a, b FROM r_abc WHERE 0').raw({ columnNames: true }),
      zeroRows: await db.prepare('SELECT a FROM r_abc WHERE 0').raw(),
      insert: await db.prepare('INSERT INTO r_abc VALUES (7, 8, 9)').raw(),
      twoStatements: await db.prepare('SELECT 1; SELECT a FROM r_abc ORDER BY a LIMIT 1').raw(),
      selectOne: await db.prepare('select 1').raw(),
    };
  },

  // ---- run()
  async run(db) {
    const create = await db.prepare('CREATE TABLE IF NOT EXISTS u_people (user_id INTEGER PRIMARY KEY, name TEXT, land_based BOOLEAN)').run();
    await db.prepare('DELETE FROM u_people').run();
    return {
      create,
      select: await db.prepare('SELECT * FROM u_people').run(),
      insertReturning: await db.prepare("INSERT INTO u_people (name, land_based) VALUES ('Albert Ross', ?), ('Al Dente', ?) RETURNING *")
        .bind(false, true).run(),
      insert: await db.prepare("INSERT INTO u_people (name, land_based) VALUES ('Cy', 1)").run(),
      twoInserts: await db.prepare("INSERT INTO u_people (name) VALUES ('x'); INSERT INTO u_people (name) VALUES ('y')").run(),
      selectRows: await db.prepare('SELECT name FROM u_people ORDER BY user_id').run(),
      update: await db.prepare('UPDATE u_people SET name = upper(name) WHERE land_based = ?').bind(true).run(),
      delete: await db.prepare('DELETE FROM u_people WHERE name = ?').bind('x').run(),
      boolCount: [
        await db.prepare('SELECT count(*) AS count FROM u_people WHERE land_based = ?').bind(true).first('count'),
        await db.prepare('SELECT count(*) AS count FROM u_people WHERE land_based = ?').bind(false).first('count'),
        await db.prepare('SELECT count(*) AS count FROM u_people WHERE land_based = ?').bind(2).first('count'),
      ],
    };
  },

  // ---- batch()
  async batch(db) {
    await fresh(db, 'DROP TABLE IF EXISTS b_colours', 'CREATE TABLE b_colours (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)');
    const ok = await db.batch([
      db.prepare('INSERT INTO b_colours (name) VALUES (?)').bind('red'),
      db.prepare('INSERT INTO b_colours (name) VALUES (?), (?)').bind('green', 'blue'),
      db.prepare('SELECT name FROM b_colours ORDER BY id'),
      db.prepare('SELECT count(*) AS n FROM b_colours'),
    ]);
    const failing = await attempt(() => db.batch([
      db.prepare('INSERT INTO b_colours (name) VALUES (?)').bind('purple'),
      db.prepare('PUT IN b_colours'),
      db.prepare('INSERT INTO b_colours (name) VALUES (?)').bind('orange'),
    ]));
    const constraint = await attempt(() => db.batch([
      db.prepare('INSERT INTO b_colours (name) VALUES (?)').bind('cyan'),
      db.prepare('INSERT INTO b_colours (name) VALUES (?)').bind('red'),
    ]));
    return {
      ok,
      failing,
      constraint,
      afterRollback: (await db.prepare('SELECT name FROM b_colours ORDER BY id').all()).results,
      single: await db.batch([db.prepare('SELECT 1 AS one')]),
      empty: await attempt(() => db.batch([])),
      ddl: await db.batch([
        db.prepare('DROP TABLE IF EXISTS b_t1'),
        db.prepare('CREATE TABLE b_t1 (a INTEGER)'),
        db.prepare('INSERT INTO b_t1 VALUES (1), (2)'),
        db.prepare('SELECT sum(a) AS s FROM b_t1'),
      ]),
      mixedReturning: await db.batch([
        db.prepare("INSERT INTO b_colours (name) VALUES ('teal') RETURNING id, name"),
        db.prepare('SELECT count(*) AS n FROM b_colours'),
      ]),
    };
  },

  // ---- exec()
  async exec(db) {
    const out = {};
    out.create = await db.exec('DROP TABLE IF EXISTS e_t;\nCREATE TABLE e_t (id INTEGER PRIMARY KEY, v TEXT);');
    out.one = await db.exec("INSERT INTO e_t (v) VALUES ('a')");
    out.lines = await db.exec("INSERT INTO e_t (v) VALUES ('b')\nINSERT INTO e_t (v) VALUES ('c')\n\nUPDATE e_t SET v = v || '!'");
    out.oneLineTwoStatements = await db.exec("INSERT INTO e_t (v) VALUES ('d'); INSERT INTO e_t (v) VALUES ('e');");
    out.indentedComments = await db.exec("SELECT 1;\n   -- a comment\n  -- another\nSELECT 2;");
    out.commentAtColumnZero = await attempt(() => db.exec('-- leading comment\nSELECT 1;'));
    out.errorLine1 = await attempt(() => db.exec('SELEC 1'));
    out.errorLine2 = await attempt(() => db.exec("SELECT 1\nINSERT INTO e_t (nope) VALUES ('x')\nSELECT 3"));
    out.errorRollsBack = await attempt(() => db.exec("INSERT INTO e_t (v) VALUES ('never')\nBAD SQL"));
    out.multiLineStatement = await attempt(() => db.exec('CREATE TABLE e_broken (\n  id INTEGER\n)'));
    out.rows = (await db.prepare('SELECT v FROM e_t ORDER BY id').all()).results;
    out.empty = await attempt(() => db.exec(''));
    out.blankLines = await attempt(() => db.exec('\n\n'));
    out.noSession = typeof db.withSession('first-primary').exec;
    return out;
  },

  // ---- values: blobs, NULLs, booleans, numbers, unicode
  async values(db) {
    await fresh(db, 'DROP TABLE IF EXISTS v_t', 'CREATE TABLE v_t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n)');
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 255]);
    await db.prepare('INSERT INTO v_t (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)').bind(42, 3.5, 'héllo 🙈 世界', bytes, null).run();
    await db.prepare('INSERT INTO v_t (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)').bind(true, false, 1, bytes.buffer, undefined === 1 ? 1 : null).run();
    await db.prepare('INSERT INTO v_t (b) VALUES (?)').bind([9, 8, 7]).run();
    await db.prepare('INSERT INTO v_t (b) VALUES (?)').bind(new Uint8Array(0)).run();
    return {
      rows: (await db.prepare('SELECT * FROM v_t ORDER BY id').all()).results,
      raw: await db.prepare('SELECT b, typeof(b) AS tb, typeof(t) AS tt FROM v_t ORDER BY id').raw(),
      typeofBound: await db.prepare('SELECT typeof(?) AS a, typeof(?) AS b, typeof(?) AS c, typeof(?) AS d, typeof(?) AS e')
        .bind(1, 1.5, true, 2 ** 53, 'x').first(),
      division: await db.prepare('SELECT ?/2 AS half').bind(7).first('half'),
      numberIntoText: await db.prepare('SELECT t FROM v_t WHERE id = 2').first('t'),
      bigLiteral: await db.prepare('SELECT 9007199254740993 AS big, -9223372036854775808 AS min, 9223372036854775807 AS max').first(),
      bigBound: await db.prepare('SELECT ? AS v').bind(2 ** 53 + 2).first('v'),
      nonFinite: await db.prepare('SELECT ? AS a, ? AS b, ? AS c').bind(NaN, Infinity, -0).first(),
      bigint: await attempt(() => db.prepare('SELECT ?').bind(10n).first()),
      objectParam: await attempt(() => db.prepare('SELECT ?').bind({ a: 1 }).first()),
      stringArray: await attempt(() => db.prepare('SELECT ?').bind(['a']).first()),
      nulls: await db.prepare('SELECT NULL AS a, ? AS b').bind(null).first(),
      unicode: await db.prepare("SELECT ? AS s, length(?) AS n, 'ÿ\u00e9\u{1F600}' AS lit, '\"quoted\" \\ back' AS esc").bind('ß∂ƒ©˙∆˚¬…æ', '🙈🙉🙊').first(),
      controlChars: await db.prepare('SELECT ? AS s').bind('tab\there\nnewline\u0001\u001f').first('s'),
      reals: await db.prepare('SELECT 0.1 + 0.2 AS a, 1e300 * 10 AS inf, 1.0 AS one, -2.5e-7 AS tiny, 100000000000000000000.0 AS huge').first(),
      blobLiteral: await db.prepare("SELECT x'00ff10' AS b, zeroblob(3) AS z").first(),
      hexAndCast: await db.prepare("SELECT hex(?) AS h, CAST(? AS BLOB) AS cb").bind([1, 2, 3], 'ab').first(),
      integerAffinity: await db.prepare('SELECT i, typeof(i) AS ti FROM v_t WHERE id = 1').first(),
    };
  },

  // ---- duplicate column names
  async duplicates(db) {
    return {
      all: (await db.prepare('SELECT 1 AS a, 2 AS a, 3 AS b').all()).results,
      first: await db.prepare('SELECT 1 AS a, 2 AS a').first(),
      firstColumn: await db.prepare('SELECT 1 AS a, 2 AS a').first('a'),
      raw: await db.prepare('SELECT 1 AS a, 2 AS a').raw({ columnNames: true }),
      batch: (await db.batch([db.prepare('SELECT 1 AS x, 2 AS x')]))[0].results,
      run: (await db.prepare('SELECT 1 AS x, 2 AS x').run()).results,
      expressionNames: (await db.prepare("SELECT 1+1, 'a' || 'b', count(*) FROM (SELECT 1)").all()).results,
    };
  },

  // ---- error texts
  async errors(db) {
    await fresh(db, 'DROP TABLE IF EXISTS x_child', 'DROP TABLE IF EXISTS x_parent', 'DROP TABLE IF EXISTS x_strict',
      'CREATE TABLE x_parent (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, age INTEGER CHECK (age >= 0))',
      'CREATE TABLE x_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES x_parent(id))',
      'CREATE TABLE x_strict (n INTEGER) STRICT');
    await db.prepare("INSERT INTO x_parent (email, age) VALUES ('a@x', 1)").run();
    const fail = (sql, ...params) => attempt(() => db.prepare(sql).bind(...params).run());
    return {
      unique: await fail("INSERT INTO x_parent (email, age) VALUES ('a@x', 2)"),
      notNull: await fail('INSERT INTO x_parent (email) VALUES (NULL)'),
      check: await fail("INSERT INTO x_parent (email, age) VALUES ('b@x', -1)"),
      foreignKey: await fail('INSERT INTO x_child (parent_id) VALUES (?)', 42),
      datatype: await fail("INSERT INTO x_strict (n) VALUES ('abc')"),
      primaryKey: await fail('INSERT INTO x_parent (id, email) VALUES (1, ?)', 'c@x'),
      syntax: await fail('SELEC 1'),
      syntaxLater: await fail('SELECT * FROM x_parent WHERE'),
      noTable: await fail('SELECT * FROM nope'),
      noColumn: await fail('SELECT nope FROM x_parent'),
      noFunction: await fail('SELECT nope(1)'),
      tableExists: await fail('CREATE TABLE x_parent (a)'),
      tooFewParams: await fail('SELECT ?, ?', 1),
      tooManyParams: await fail('SELECT ?', 1, 2),
      paramsInFirstOfTwo: await fail('SELECT ?; SELECT 2', 1),
      limitReal: await fail('SELECT 1 LIMIT 1.5'),
      viaAll: await attempt(() => db.prepare('SELECT * FROM nope').all()),
      viaRaw: await attempt(() => db.prepare('SELECT * FROM nope').raw()),
      viaFirst: await attempt(() => db.prepare('SELECT * FROM nope').first()),
      leadingWhitespaceOffset: await fail('   \n  SELEC 1'),
    };
  },

  // ---- empty and comment-only SQL
  async emptySql(db) {
    const q = (sql) => attempt(() => db.prepare(sql).all());
    return {
      empty: await q(''),
      spaces: await q('   '),
      newlines: await q('\n\n'),
      semicolon: await q(';'),
      commentAtColumnZero: await q('-- just a comment'),
      indentedComment: await q('   -- just a comment'),
      commentThenNewlineComment: await q('\n-- a\n  -- b\n'),
      blockComment: await q('/* block */'),
      commentThenStatement: await q('-- note\nSELECT 1 AS one'),
      statementThenComment: await q('SELECT 1 AS one -- trailing'),
      batchWithEmpty: await attempt(() => db.batch([db.prepare('SELECT 1 AS a'), db.prepare('   '), db.prepare('SELECT 2 AS b')])),
      batchAllEmpty: await attempt(() => db.batch([db.prepare(''), db.prepare('  -- c')])),
      runEmpty: await attempt(() => db.prepare('').run()),
      firstEmpty: await attempt(() => db.prepare('').first()),
      rawEmpty: await attempt(() => db.prepare('').raw()),
    };
  },

  // ---- misc statements users send
  async statements(db) {
    await fresh(db, 'DROP TABLE IF EXISTS s_t', 'CREATE TABLE s_t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)');
    return {
      trigger: await db.prepare('CREATE TRIGGER IF NOT EXISTS s_trg AFTER INSERT ON s_t BEGIN SELECT 1; END').run(),
      insertWithTrigger: await db.prepare("INSERT INTO s_t (v) VALUES ('a')").run(),
      pragmaTableInfo: (await db.prepare('PRAGMA table_info(s_t)').all()).results,
      pragmaForeignKeys: await db.prepare('PRAGMA foreign_keys').first(),
      cte: (await db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c').all()).results,
      json: await db.prepare("SELECT json_extract('{\"a\":[1,2,3]}', '$.a[1]') AS v, json_object('k', 1) AS o").first(),
      upsert: await db.prepare("INSERT INTO s_t (id, v) VALUES (1, 'z') ON CONFLICT(id) DO UPDATE SET v = excluded.v RETURNING *").run(),
      explain: (await db.prepare('EXPLAIN QUERY PLAN SELECT * FROM s_t WHERE id = 1').all()).results.length > 0,
      sqliteMaster: (await db.prepare("SELECT name, type FROM sqlite_master WHERE name LIKE 's\\_%' ESCAPE '\\' ORDER BY name").all()).results,
      lastRowIdAfterDelete: await db.prepare('DELETE FROM s_t').run(),
    };
  },
};

// Scenarios whose values differ by design between hosts (bookmark texts): they return the properties
// D1 promises (null before the first answer, fixed shape, never going backwards, growing with writes).
const BOOKMARK = /^\w{8}-\w{8}-\w{8}-\w{32}$/;
const order = (a, b) => (a === b ? 'same' : a.localeCompare(b) < 0 ? 'ascending' : 'descending');

scenarios.sessions = async (db) => {
  await fresh(db, 'DROP TABLE IF EXISTS w_t', 'CREATE TABLE w_t (id INTEGER PRIMARY KEY, v TEXT)');
  const session = db.withSession();
  const out = { initial: session.getBookmark() };
  out.read = (await session.prepare('SELECT count(*) AS n FROM w_t').first('n'));
  const afterRead = session.getBookmark();
  out.afterReadShaped = BOOKMARK.test(afterRead);
  out.write = (await session.prepare("INSERT INTO w_t (v) VALUES ('a') RETURNING id").first('id'));
  const afterWrite = session.getBookmark();
  out.writeOrder = order(afterRead, afterWrite);
  out.readAfterWrite = (await session.prepare('SELECT v FROM w_t').all()).results;
  out.readNotBehind = order(afterWrite, session.getBookmark()) !== 'descending';
  const batch = await session.batch([session.prepare("INSERT INTO w_t (v) VALUES ('b')"), session.prepare('SELECT count(*) AS n FROM w_t')]);
  out.batch = batch.map((r) => r.results);
  out.batchOrder = order(afterWrite, session.getBookmark());
  out.hasExec = typeof session.exec;
  out.methods = ['prepare', 'batch', 'getBookmark'].map((m) => typeof session[m]);

  const primary = db.withSession('first-primary');
  out.primaryInitial = primary.getBookmark();
  out.primaryRead = await primary.prepare('SELECT count(*) AS n FROM w_t').first('n');
  out.primaryShaped = BOOKMARK.test(primary.getBookmark());
  out.primaryNotBehind = order(afterWrite, primary.getBookmark()) !== 'descending';

  const unconstrained = db.withSession('first-unconstrained');
  out.unconstrainedInitial = unconstrained.getBookmark();
  out.unconstrainedRead = await unconstrained.prepare('SELECT count(*) AS n FROM w_t').first('n');

  const resumed = db.withSession(afterWrite);
  out.resumedInitialIsGiven = resumed.getBookmark() === afterWrite;
  out.resumedRead = (await resumed.prepare('SELECT v FROM w_t ORDER BY id').all()).results;
  out.resumedNotBehind = order(afterWrite, resumed.getBookmark()) !== 'descending';

  const later = db.withSession();
  await later.prepare('SELECT 1').run();
  const before = later.getBookmark();
  await db.prepare("INSERT INTO w_t (v) VALUES ('c')").run();   // a write outside the session
  await later.prepare('SELECT 1').run();
  out.outsideWriteSeen = order(before, later.getBookmark());
  out.blankConstraint = db.withSession('   ').getBookmark();
  return out;
};

// Statements the sandbox refuses on both hosts.
scenarios.sandbox = async (db) => ({
  version: await attempt(() => db.prepare('SELECT sqlite_version()').first()),
  cfTable: await attempt(() => db.prepare('CREATE TABLE _cf_mine (a)').run()),
  attach: await attempt(() => db.prepare("ATTACH DATABASE 'x.db' AS x").run()),
  pragmaForeignKeysOff: await db.prepare('PRAGMA foreign_keys = OFF').run().then(() => 'ran', describe),
});

// Where Atoll differs on purpose; the suite asserts each side's behaviour separately.
scenarios.refusedDifferently = async (db) => ({
  loadExtension: await attempt(() => db.prepare("SELECT load_extension('x')").run()),
  begin: await attempt(() => db.prepare('BEGIN').run()),
  savepoint: await attempt(() => db.prepare('SAVEPOINT s1').run()),
  commit: await attempt(() => db.prepare('COMMIT').run()),
});

scenarios.counting = async (db) => {
  await fresh(db, 'DROP TABLE IF EXISTS c_t', 'DROP TABLE IF EXISTS c_log',
    'CREATE TABLE c_t (id INTEGER PRIMARY KEY, v INTEGER)', 'CREATE TABLE c_log (id INTEGER PRIMARY KEY, v INTEGER)',
    'CREATE TRIGGER c_trg AFTER INSERT ON c_t BEGIN INSERT INTO c_log (v) VALUES (new.v); END');
  const meta = async (q) => (await q).meta;
  return {
    create: await meta(db.prepare('CREATE TABLE IF NOT EXISTS c_other (a)').run()),
    insert: await meta(db.prepare('INSERT INTO c_t (v) VALUES (1), (2), (3)').run()),
    scan: await meta(db.prepare('SELECT * FROM c_t WHERE v > 1').all()),
    count: await meta(db.prepare('SELECT count(*) FROM c_t').all()),
    pointRead: await meta(db.prepare('SELECT * FROM c_t WHERE id = 2').all()),
    constant: await meta(db.prepare('SELECT 1').all()),
    update: await meta(db.prepare('UPDATE c_t SET v = v * 10').run()),
  };
};

scenarios.bookmarkAfterRead = async (db) => {
  const session = db.withSession();
  await session.prepare('SELECT 1').run();
  const first = session.getBookmark();
  await session.prepare('SELECT 2').run();
  return { order: order(first, session.getBookmark()) };
};

scenarios.metaShape = async (db) => {
  const { meta } = await db.prepare('SELECT 1').run();
  return { keys: Object.keys(meta).sort(), served_by: meta.served_by, primary: meta.served_by_primary, attempts: meta.total_attempts };
};

scenarios.internalTables = async (db) => ({
  cfTables: (await db.prepare("SELECT name FROM sqlite_master WHERE substr(name, 1, 4) = '_cf_'").all()).results,
});

scenarios.dump = async (db) => {
  await fresh(db, 'DROP TABLE IF EXISTS d_t', 'CREATE TABLE d_t (v TEXT)');
  await db.prepare("INSERT INTO d_t VALUES ('dumped')").run();
  try {
    const buffer = await db.dump();
    const bytes = new Uint8Array(buffer);
    return { size: bytes.length, header: new TextDecoder().decode(bytes.slice(0, 15)), containsRow: new TextDecoder('latin1').decode(bytes).includes('dumped') };
  } catch (e) {
    return { error: describe(e) };
  }
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const match = url.pathname.match(/^\/s\/([\w-]+)$/);
    const scenario = match && scenarios[match[1]];
    if (!scenario) return Response.json({ error: { message: `no scenario ${url.pathname}` } }, { status: 404 });
    try {
      return Response.json({ ok: (await scenario(env.DB, url)) ?? null });
    } catch (e) {
      return Response.json({ error: describe(e) });
    }
  },
};
