// Runs the server's `worker-config` command from the built Atoll.Server.dll.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { serverDll } from '../../lib/atoll.js';

const run = promisify(execFile);

/** Runs `dotnet Atoll.Server.dll worker-config …` in `cwd`; resolves to {code, stdout, stderr}. */
export async function workerConfig(args, cwd) {
  try {
    const { stdout, stderr } = await run('dotnet', [serverDll(), 'worker-config', ...args], { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
