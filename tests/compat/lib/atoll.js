// Starts a real Atoll server (the built Atoll.Server.dll on real Kestrel) for a
// compat test: loopback only, port 0, a fresh temp data directory, a known admin
// token. Build first (scripts/test.sh does): dotnet build src/Atoll.Server.
//
//   const atoll = await startAtoll();
//   atoll.url        // http://127.0.0.1:PORT
//   atoll.api        // http://127.0.0.1:PORT/client/v4
//   atoll.token      // admin token (edit, default account)
//   atoll.accountId  // default account id
//   await atoll.createDatabase('name')  // -> D1 database object
//   await atoll.dispose()

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Path of the built server assembly (ATOLL_SERVER_DLL overrides). */
export function serverDll() {
  if (process.env.ATOLL_SERVER_DLL) return process.env.ATOLL_SERVER_DLL;
  // The most recently built configuration: a stale Release build from a benchmark must not shadow the tested one.
  const built = ['Debug', 'Release']
    .map((config) => path.join(repo, 'src', 'Atoll.Server', 'bin', config, 'net10.0', 'Atoll.Server.dll'))
    .filter((dll) => existsSync(dll))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (built.length > 0) return built[0];
  throw new Error('Atoll.Server is not built: run `dotnet build src/Atoll.Server` first');
}

// Every server started here, killed by PID when this test process ends — a failed or timed-out test included —
// so no Atoll outlives its suite as an orphan.
const live = new Set();
function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export async function startAtoll({ args = [], env = {}, timeoutMs = 180_000 } = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'atoll-compat-'));
  const token = 'compat_' + randomBytes(18).toString('hex');
  const child = spawn('dotnet', [serverDll(), '--urls', 'http://127.0.0.1:0', '--data-dir', dataDir, '--admin-token', token, ...args], {
    env: { ...process.env, DOTNET_NOLOGO: '1', Logging__Console__FormatterName: 'simple', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Atoll did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/Atoll listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Atoll exited with ${code} before listening:\n${output}`));
    });
  }).catch(async (error) => {
    // Did not start in time (or exited): make sure it is gone before reporting why.
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  child.removeAllListeners('exit');
  child.once('exit', () => live.delete(child));
  const api = `${url}/client/v4`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const accounts = await (await fetch(`${api}/accounts`, { headers })).json();
  const accountId = accounts.result[0].id;

  async function call(method, pathname, body) {
    const res = await fetch(`${api}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (!json.success) throw new Error(`${method} ${pathname} failed (${res.status}): ${JSON.stringify(json.errors)}`);
    return json.result;
  }

  return {
    url,
    api,
    token,
    accountId,
    dataDir,
    logs: () => output,
    call,
    createDatabase: (name) => call('POST', `/accounts/${accountId}/d1/database`, { name }),
    createToken: (body) => call('POST', `/accounts/${accountId}/tokens`, body),
    async dispose() {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
