// Differential conformance: the same Worker (worker.js) on miniflare's D1 (the oracle) and on workerd
// bound to Atoll must give identical answers, volatile meta masked (see lib/pair.js VOLATILE_META).
// Deliberate differences are tested in deliberate-differences.test.js instead.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { assertSame, startPair } from './lib/pair.js';

const script = await readFile(new URL('./worker.js', import.meta.url), 'utf8');

describe('binding conformance: miniflare D1 vs workerd → Atoll', () => {
  let pair;
  before(async () => { pair = await startPair({ script }); });
  after(async () => { await pair?.dispose(); });

  for (const name of ['first', 'all', 'raw', 'run', 'batch', 'exec', 'values', 'duplicates', 'errors', 'emptySql', 'statements', 'sessions', 'sandbox']) {
    test(name, async () => {
      const answers = await pair.both(`/s/${name}`);
      assert.ok(answers.oracle.ok !== undefined, `oracle failed: ${JSON.stringify(answers.oracle)}`);
      assertSame(answers);
    });
  }
});
