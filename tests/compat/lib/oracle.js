// The oracle: runs a Worker on miniflare 4.x with miniflare's own D1
// implementation bound, so compat tests can compare Atoll against it.
//
//   const o = await startMiniflare({ script, d1Databases: ['DB'] });
//   await fetch(o.url + '/path'); ...; await o.dispose();
//
// D1 data is in memory unless `persistDir` is given (pass `true` for a fresh
// temp dir that dispose() removes). miniflare picks a free port on 127.0.0.1.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';

/**
 * @param {object} o
 * @param {string} o.script ES-module Worker source
 * @param {string[]|Record<string,string>} [o.d1Databases] binding names (or {binding: databaseId})
 * @param {string|boolean} [o.persistDir] directory for D1 data; true = temp dir; default in-memory
 * @param {string} [o.compatibilityDate]
 * @param {string[]} [o.compatibilityFlags]
 * @param {Record<string,string>} [o.bindings] plain JSON/text bindings
 * @returns {Promise<{url:string, mf:Miniflare, dispose:()=>Promise<void>}>}
 *   url is the origin without a trailing slash; mf gives access to e.g. mf.getD1Database('DB').
 */
export async function startMiniflare({
  script,
  d1Databases = ['DB'],
  persistDir,
  compatibilityDate = '2025-05-01',
  compatibilityFlags = [],
  bindings,
} = {}) {
  if (typeof script !== 'string') throw new Error('startMiniflare: script (ES module source) is required');
  let tempDir;
  let d1Persist = false;
  if (persistDir === true) {
    tempDir = await mkdtemp(path.join(tmpdir(), 'atoll-oracle-'));
    d1Persist = tempDir;
  } else if (typeof persistDir === 'string') {
    d1Persist = persistDir;
  }

  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate,
    compatibilityFlags,
    d1Databases,
    d1Persist,
    bindings,
    host: '127.0.0.1',
    port: 0,
  });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    try {
      await mf.dispose();
    } finally {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    }
  };
  try {
    const ready = await mf.ready;
    return { url: ready.origin, mf, dispose };
  } catch (err) {
    await dispose().catch(() => {});
    throw err;
  }
}
