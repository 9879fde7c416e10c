// Where Atoll answers differently from miniflare's D1 on purpose. Each test runs the same Worker
// (worker.js) on both hosts and asserts both sides: the oracle's behaviour (so a change in miniflare
// is noticed) and Atoll's (so the difference stays deliberate). Each is a row of the README's
// compatibility table (docs/binding.md).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { startPair } from './lib/pair.js';

const script = await readFile(new URL('./worker.js', import.meta.url), 'utf8');

describe('binding: deliberate differences from miniflare', () => {
  let pair;
  before(async () => { pair = await startPair({ script }); });
  after(async () => { await pair?.dispose(); });

  test('BEGIN, SAVEPOINT and COMMIT are refused on both, with a message that names batch()', async () => {
    const { oracle, atoll } = await pair.both('/s/refusedDifferently');
    for (const key of ['begin', 'savepoint', 'commit']) {
      assert.match(oracle.ok[key].error.message, /^D1_ERROR: To execute a transaction, please use the state\.storage\.transaction\(\)/);
      assert.equal(atoll.ok[key].error.message,
        'D1_ERROR: not authorized to use BEGIN, COMMIT, ROLLBACK or SAVEPOINT: each request, and each batch(), already runs ' +
        'as one atomic transaction; group statements with batch() instead: SQLITE_AUTH');
    }
  });

  test('load_extension() is refused on both; Atoll names the function', async () => {
    const { oracle, atoll } = await pair.both('/s/refusedDifferently');
    assert.equal(oracle.ok.loadExtension.error.message, 'D1_ERROR: not authorized: SQLITE_ERROR');
    assert.equal(atoll.ok.loadExtension.error.message, 'D1_ERROR: not authorized to use function: load_extension at offset 7: SQLITE_ERROR');
  });

  test('rows_read and rows_written: Atoll counts rows returned or scanned, and rows changed (triggers included)', async () => {
    const { oracle, atoll } = await pair.both('/s/counting');
    const a = atoll.ok;
    // Atoll's rule.
    assert.deepEqual([a.create.rows_read, a.create.rows_written], [0, 0]);          // DDL writes no table rows
    assert.deepEqual([a.insert.changes, a.insert.rows_written], [6, 6]);            // 3 rows + 3 trigger rows
    assert.deepEqual([a.update.changes, a.update.rows_written], [3, 3]);
    assert.equal(a.scan.rows_read, 2);                                               // the 2 rows returned
    assert.equal(a.pointRead.rows_read, 1);
    assert.equal(a.constant.rows_read, 1);                                           // a row returned counts as read
    // The oracle counts B-tree rows inside workerd's patched SQLite (schema rows included).
    const o = oracle.ok;
    assert.deepEqual([o.create.rows_written, o.insert.rows_written, o.scan.rows_read, o.count.rows_read, o.constant.rows_read], [2, 6, 3, 3, 0]);
    // What both agree on.
    for (const key of Object.keys(o)) assert.equal(a[key].changes, o[key].changes, key);
  });

  test('a read does not move a session bookmark on Atoll (it names the last commit); miniflare advances it', async () => {
    const { oracle, atoll } = await pair.both('/s/bookmarkAfterRead');
    assert.equal(oracle.ok.order, 'ascending');
    assert.equal(atoll.ok.order, 'same');
  });

  test('Atoll has no internal _cf_ tables in sqlite_master', async () => {
    const { oracle, atoll } = await pair.both('/s/internalTables');
    assert.deepEqual(oracle.ok.cfTables, [{ name: '_cf_METADATA' }]);
    assert.deepEqual(atoll.ok.cfTables, []);
  });

  test('dump() returns the SQLite file on Atoll (as D1 alpha did); miniflare has no /dump route', async () => {
    const { oracle, atoll } = await pair.both('/s/dump');
    assert.equal(oracle.ok.error.message, 'D1_DUMP_ERROR: Status + 404');
    assert.equal(atoll.ok.header, 'SQLite format 3');
    assert.ok(atoll.ok.size >= 4096 && atoll.ok.size % 4096 === 0, `size ${atoll.ok.size}`);
    assert.equal(atoll.ok.containsRow, true);
  });

  test("meta carries production D1's extra fields (served_by_region, served_by_primary, served_by_colo, timings, total_attempts)", async () => {
    const { oracle, atoll } = await pair.both('/s/metaShape');
    assert.deepEqual(oracle.ok.keys, ['changed_db', 'changes', 'duration', 'last_row_id', 'rows_read', 'rows_written', 'served_by', 'size_after']);
    assert.deepEqual(atoll.ok.keys, ['changed_db', 'changes', 'duration', 'last_row_id', 'rows_read', 'rows_written', 'served_by',
      'served_by_colo', 'served_by_primary', 'served_by_region', 'size_after', 'timings', 'total_attempts']);
    assert.deepEqual([atoll.ok.served_by, atoll.ok.primary, atoll.ok.attempts], ['atoll', true, 1]);
  });
});
