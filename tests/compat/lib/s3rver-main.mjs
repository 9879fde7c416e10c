// Runs s3rver (a real S3-protocol server from npm) on loopback for tests that need
// object storage, e.g. the .NET S3 tests:
//
//   node --openssl-legacy-provider tests/compat/lib/s3rver-main.mjs --port 0 --dir /tmp/s3 --bucket atoll
//
// The flag matters: s3rver encrypts ListObjectsV2 continuation tokens with DES,
// which OpenSSL 3 (Node 17+) only has in its legacy provider; without it every
// listing past 1000 keys fails with InternalError.
//
// Binds 127.0.0.1 only, creates the bucket, prints `s3rver listening on PORT` on
// stdout once it answers, and runs until killed or until its stdin closes (so a
// test process that dies does not leave it behind). Credentials: S3RVER / S3RVER.
// Objects live as plain files under --dir: a restart on the same dir and port
// serves the same objects.

import { createCipheriv } from 'node:crypto';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import S3rver from 's3rver';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    dir: { type: 'string' },
    bucket: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.dir) {
  console.error('usage: s3rver-main.mjs --dir DIR [--port N] [--bucket NAME]...');
  process.exit(2);
}
try {
  createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
} catch {
  console.error('s3rver needs DES for its continuation tokens: run node with --openssl-legacy-provider');
  process.exit(2);
}
const directory = path.resolve(values.dir);
mkdirSync(directory, { recursive: true });

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(values.port),
  directory,
  silent: true,
  configureBuckets: values.bucket.map((name) => ({ name })),
});
const { port } = await server.run();
console.log(`s3rver listening on ${port}`);

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
