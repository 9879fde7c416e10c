// `Atoll.Server worker-config` writes a workerd config; real workerd serves it and the Worker's
// bindings (DB and a second one, by uuid and by name) reach the right Atoll databases.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startAtoll } from '../lib/atoll.js';
import { serveConfig } from '../lib/workerd.js';
import { workerConfig } from './lib/worker-config.js';

const WORKER = `
export default {
  async fetch(request, env) {
    const db = new URL(request.url).pathname === '/other' ? env.OTHER : env.DB;
    try {
      const { results } = await db.prepare('SELECT name FROM marker').all();
      return Response.json({ ok: results, cls: db.constructor.name });
    } catch (e) {
      return Response.json({ error: e.message });
    }
  },
};`;

describe('worker-config', () => {
  let atoll, dir, workerd, first, second, token;
  before(async () => {
    atoll = await startAtoll();
    dir = await mkdtemp(path.join(tmpdir(), 'atoll-worker-config-'));
    first = await atoll.createDatabase('wc-first');
    second = await atoll.createDatabase('wc-second');
    token = (await atoll.createToken({ name: 'wc', permission: 'read', databases: [first.uuid, second.uuid] })).value;
    for (const [db, name] of [[first, 'first'], [second, 'second']]) {
      await atoll.call('POST', `/accounts/${atoll.accountId}/d1/database/${db.uuid}/query`,
        { sql: 'CREATE TABLE marker (name TEXT); INSERT INTO marker VALUES (?)', params: [name] });
    }
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'worker.js'), WORKER);
  });
  after(async () => {
    await workerd?.dispose();
    await atoll?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('writes a private config that workerd serves, with each binding on its own database', async () => {
    const result = await workerConfig(['--url', atoll.url, '--token', token, '--account', atoll.accountId,
      '--binding', `DB=${first.uuid}`, '--binding', 'OTHER=wc-second', '--worker', 'src/worker.js',
      '--out', 'deploy/config.capnp', '--port', '0'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /env\.DB → [0-9a-f-]{36}, env\.OTHER → wc-second/);
    const configPath = path.join(dir, 'deploy', 'config.capnp');
    assert.equal((await stat(configPath)).mode & 0o777, 0o600, 'the config holds a token: owner-only');
    assert.match(await readFile(configPath, 'utf8'), /esModule = embed "\.\.\/src\/worker\.js"/);

    workerd = await serveConfig({ configPath });
    assert.deepEqual(await (await fetch(`${workerd.url}/`)).json(), { ok: [{ name: 'first' }], cls: 'D1Database' });
    assert.deepEqual(await (await fetch(`${workerd.url}/other`)).json(), { ok: [{ name: 'second' }], cls: 'D1Database' });
  });

  test('refuses unusable arguments with every problem listed and exit code 2', async () => {
    const result = await workerConfig(['--url', 'https://example.test/d1', '--token', 't', '--account', 'a',
      '--binding', '1DB=x', '--binding', 'NOEQUALS', '--worker', 'missing.js', '--compatibility-date', 'soon'], dir);
    assert.equal(result.code, 2);
    for (const line of [
      '--binding must be NAME=DATABASE: NOEQUALS',
      '--worker: no such file:',
      '--url must be http://',
      '--url must not have a path or query',
      'binding name "1DB" is not a JavaScript identifier',
      '--compatibility-date must be YYYY-MM-DD: soon',
    ]) assert.ok(result.stderr.includes(line), `missing "${line}" in:\n${result.stderr}`);
  });

  test('names a missing required option', async () => {
    const result = await workerConfig(['--url', atoll.url], dir);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Option '--token' is required/);
  });
});
