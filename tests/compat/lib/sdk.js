// The REAL cloudflare SDK pointed at a fresh Atoll server by `baseURL` alone, for the
// tests of one file: `const env = useAtollSdk();` then env.cf, env.atoll, env.account_id
// inside tests (before/after hooks start and stop the server).

import { after, before } from 'node:test';

import Cloudflare from 'cloudflare';

import { startAtoll } from './atoll.js';

export function useAtollSdk() {
  const env = {};
  before(async () => {
    env.atoll = await startAtoll();
    env.cf = new Cloudflare({ apiToken: env.atoll.token, baseURL: env.atoll.api, maxRetries: 0 });
    env.account_id = env.atoll.accountId;
  });
  after(async () => { await env.atoll?.dispose(); });
  return env;
}
