// The differential harness of the binding suite: one Worker script, run twice —
// on miniflare with its own D1 (the oracle) and on real workerd whose D1 binding
// points at a real Atoll server — so a test can require identical answers.
//
//   const pair = await startPair({ script });
//   const { oracle, atoll } = await pair.both('/s/first');   // parsed JSON of each side
//   await pair.dispose();

import { startAtoll } from '../../lib/atoll.js';
import { startMiniflare } from '../../lib/oracle.js';
import { startWorkerd } from '../../lib/workerd.js';

/** The headers workerd injects into every D1 call, as `worker-config` writes them. */
export function bindingHeaders({ accountId, database, token }) {
  return { 'x-atoll-account': accountId, 'x-atoll-database': database, authorization: `Bearer ${token}` };
}

/**
 * Starts Atoll (unless one is passed in), a database in it with a token scoped to it, workerd bound to it,
 * and miniflare, all running `script`.
 * @param {object} o
 * @param {string} o.script ES-module Worker source
 * @param {string[]} [o.atollArgs] extra server arguments
 * @param {Record<string,string>} [o.vars] text bindings for both sides
 */
export async function startPair({ script, atollArgs = [], vars = {}, atoll: shared } = {}) {
  const cleanups = [];
  const dispose = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const atoll = shared ?? (await startAtoll({ args: atollArgs }));
    if (!shared) cleanups.push(() => atoll.dispose());
    const database = await atoll.createDatabase(`binding-${Math.random().toString(36).slice(2, 10)}`);
    const token = await atoll.createToken({ name: 'binding-suite', permission: 'edit', databases: [database.uuid] });
    const headers = bindingHeaders({ accountId: atoll.accountId, database: database.uuid, token: token.value });
    const [workerd, oracle] = await Promise.all([
      startWorkerd({ script, vars, d1: { DB: { backend: atoll.url, headers } } }),
      startMiniflare({ script, bindings: vars }),
    ]);
    cleanups.push(() => workerd.dispose(), () => oracle.dispose());

    /** Sends the same request to both Workers, one after the other (oracle first); returns each parsed JSON body. */
    async function both(path, init) {
      const oracleBody = await call(oracle.url, path, init);
      const atollBody = await call(workerd.url, path, init);
      return { oracle: oracleBody, atoll: atollBody };
    }
    return { atoll, database, token: token.value, headers, workerd, oracle, both, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function call(origin, path, init) {
  const res = await fetch(origin + path, init);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${origin}${path} answered ${res.status} with non-JSON: ${text.slice(0, 500)}`);
  }
}

/** Meta fields that differ run to run (timings) or by design of the host (who served, file size): masked before comparing. */
export const VOLATILE_META = ['duration', 'timings', 'served_by', 'served_by_region', 'served_by_primary', 'served_by_colo',
  'size_after', 'total_attempts'];

/**
 * Meta counts that Atoll computes differently by design: workerd counts rows_read/rows_written inside a patched SQLite
 * (per B-tree row visited or written, schema and index rows included); Atoll's stock SQLite cannot see those, so it counts
 * rows returned or scanned and rows changed (deliberate-differences.test.js states its rule).
 */
export const COUNTED_DIFFERENTLY = ['rows_read', 'rows_written'];

/** A deep copy with every `meta` object's volatile fields removed and `duration` of exec() results masked. */
export function mask(value) {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'meta' && inner && typeof inner === 'object' && !Array.isArray(inner)) {
      out.meta = Object.fromEntries(Object.entries(inner).filter(([k]) => !VOLATILE_META.includes(k) && !COUNTED_DIFFERENTLY.includes(k)).map(([k, v]) => [k, mask(v)]));
    } else if (key === 'duration' && typeof inner === 'number') {
      out.duration = 'masked';
    } else {
      out[key] = mask(inner);
    }
  }
  return out;
}

/** The paths where `actual` and `expected` differ, e.g. `ok.first.meta.rows_read: 1 ≠ 2` (for readable failures). */
export function differences(actual, expected, path = '', out = []) {
  if (out.length >= 40) return out;
  const isObject = (v) => v !== null && typeof v === 'object';
  if (isObject(actual) && isObject(expected) && Array.isArray(actual) === Array.isArray(expected)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      differences(actual[key], expected[key], path ? `${path}.${key}` : key, out);
    }
  } else if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    out.push(`${path}: atoll ${JSON.stringify(actual)} ≠ oracle ${JSON.stringify(expected)}`);
  }
  return out;
}

/** Asserts the two sides agree after masking, listing only the differing paths on failure. */
export function assertSame({ oracle, atoll }) {
  const diffs = differences(mask(atoll), mask(oracle));
  if (diffs.length) throw new Error(`atoll differs from the oracle:\n  ${diffs.join('\n  ')}`);
}
