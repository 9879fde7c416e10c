// Runs a Worker on the real `workerd` binary with D1 bindings wired to an
// external HTTP backend (e.g. the Atoll server), the way production wires D1:
// a `wrapped` binding on "cloudflare-internal:d1-api" whose inner `fetcher`
// is an `external` service. Extra request headers (database selector, auth
// token, ...) are injected by workerd itself via HttpOptions.injectRequestHeaders.
//
//   const w = await startWorkerd({
//     script: 'export default { fetch(req, env) { ... } }',
//     d1: { DB: { backend: 'http://127.0.0.1:8787', headers: { 'x-d1-database': 'db-a' } } },
//   });
//   await fetch(w.url + '/path'); ...; await w.dispose();
//
// workerd listens on 127.0.0.1 port 0; the port it picked is read from
// `--control-fd` (a JSON line {"event":"listen","socket":"http","port":N}),
// so there is no free-port race and "listening" doubles as the readiness signal.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Path of the workerd binary from the top-level `workerd` package (override: ATOLL_WORKERD_BIN). */
export function workerdBinary() {
  if (process.env.ATOLL_WORKERD_BIN) return process.env.ATOLL_WORKERD_BIN;
  return path.join(path.dirname(require.resolve('workerd/package.json')), 'bin', 'workerd');
}

/** Cap'n Proto text literal. */
function capnpString(value) {
  const s = String(value);
  let out = '"';
  for (const ch of Buffer.from(s, 'utf8')) {
    if (ch === 0x22) out += '\\"';
    else if (ch === 0x5c) out += '\\\\';
    else if (ch >= 0x20 && ch < 0x7f) out += String.fromCharCode(ch);
    else out += '\\x' + ch.toString(16).padStart(2, '0');
  }
  return out + '"';
}

function capnpIdent(name, what) {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new Error(`invalid ${what} name: ${name}`);
  return name;
}

function backendAddress(backend, binding) {
  let u;
  try {
    u = new URL(backend);
  } catch {
    throw new Error(`d1.${binding}.backend is not a URL: ${backend}`);
  }
  if (u.protocol !== 'http:') throw new Error(`d1.${binding}.backend must be http:// (got ${u.protocol})`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search) {
    // workerd forwards the binding's own path (/query, /execute, /dump) unchanged;
    // route databases with headers instead of a path prefix.
    throw new Error(`d1.${binding}.backend must not have a path or query: ${backend}`);
  }
  return `${u.hostname}:${u.port || 80}`;
}

/**
 * Build the workerd capnp config text.
 * @param {object} o
 * @param {Record<string,{backend:string, headers?:Record<string,string>}>} [o.d1]
 * @param {Record<string,string>} [o.vars] plain text bindings
 * @param {string} [o.compatibilityDate]
 * @param {string[]} [o.compatibilityFlags]
 * @param {string} [o.moduleFile] file name (relative to the config) holding the worker script
 */
export function buildConfig({
  d1 = {},
  vars = {},
  compatibilityDate = '2025-05-01',
  compatibilityFlags = [],
  moduleFile = 'worker.js',
} = {}) {
  const services = ['    (name = "main", worker = .mainWorker),'];
  const bindings = [];
  let i = 0;
  for (const [binding, spec] of Object.entries(d1)) {
    capnpIdent(binding, 'binding');
    const svc = `d1-backend-${i++}-${binding}`;
    const headers = Object.entries(spec.headers ?? {}).map(
      ([name, value]) => `(name = ${capnpString(name)}, value = ${capnpString(value)})`,
    );
    const http = headers.length ? `(injectRequestHeaders = [ ${headers.join(', ')} ])` : '()';
    services.push(
      `    (name = ${capnpString(svc)}, external = (address = ${capnpString(backendAddress(spec.backend, binding))}, http = ${http})),`,
    );
    bindings.push(
      `    (name = ${capnpString(binding)}, wrapped = (\n` +
        `        moduleName = "cloudflare-internal:d1-api",\n` +
        `        innerBindings = [ (name = "fetcher", service = ${capnpString(svc)}) ],\n` +
        `    )),`,
    );
  }
  for (const [name, value] of Object.entries(vars)) {
    capnpIdent(name, 'binding');
    bindings.push(`    (name = ${capnpString(name)}, text = ${capnpString(value)}),`);
  }
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services.join('\n')}
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);

const mainWorker :Workerd.Worker = (
  compatibilityDate = ${capnpString(compatibilityDate)},
  compatibilityFlags = [ ${compatibilityFlags.map(capnpString).join(', ')} ],
  modules = [ (name = "worker", esModule = embed ${capnpString(moduleFile)}) ],
  bindings = [
${bindings.join('\n')}
  ],
);
`;
}

/**
 * Start workerd with the given ES-module Worker script.
 * @returns {Promise<{url:string, port:number, pid:number, dir:string, config:string, logs:()=>string, dispose:()=>Promise<void>}>}
 *   url is the origin without a trailing slash, e.g. "http://127.0.0.1:40123".
 */
export async function startWorkerd({
  script,
  d1 = {},
  vars = {},
  compatibilityDate,
  compatibilityFlags,
  experimental = false,
  verbose = false,
  startTimeoutMs = 20_000,
} = {}) {
  if (typeof script !== 'string') throw new Error('startWorkerd: script (ES module source) is required');
  const dir = await mkdtemp(path.join(tmpdir(), 'atoll-workerd-'));
  const config = buildConfig({ d1, vars, compatibilityDate, compatibilityFlags });
  const configPath = path.join(dir, 'config.capnp');
  await writeFile(path.join(dir, 'worker.js'), script);
  await writeFile(configPath, config);

  const served = await serveConfig({ configPath, cwd: dir, experimental, verbose, startTimeoutMs }).catch(async (err) => {
    await rm(dir, { recursive: true, force: true });
    err.message += `\n${config}`;
    throw err;
  });
  return {
    ...served,
    dir,
    config,
    async dispose() {
      await served.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Serve an existing workerd config file; its socket named "http" may use port 0 (the chosen port is read
 * from `--control-fd`).
 * @returns {Promise<{url:string, port:number, pid:number, logs:()=>string, dispose:()=>Promise<void>}>}
 */
export async function serveConfig({ configPath, cwd = path.dirname(configPath), experimental = false, verbose = false, startTimeoutMs = 20_000 }) {
  const args = ['serve', configPath, '--control-fd=3'];
  if (experimental) args.push('--experimental');
  if (verbose) args.push('--verbose');
  const child = spawn(workerdBinary(), args, { cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });

  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);

  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  const dispose = async () => {
    if (!exited) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
      await exitPromise;
    }
  };

  try {
    const port = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`workerd did not start within ${startTimeoutMs} ms\n${output}`)), startTimeoutMs);
      child.stdio[3].setEncoding('utf8').on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          let msg;
          try { msg = JSON.parse(line); } catch { continue; }
          if (msg.event === 'listen' && (msg.socket ?? msg.socketName) === 'http') {
            clearTimeout(timer);
            resolve(msg.port);
          }
        }
      });
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited during start (code ${code}, signal ${signal})\n${output}\n--- config ${configPath} ---`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      pid: child.pid,
      logs: () => output,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
