// Writes a D1-style .sql file of about SIZE_MB megabytes: two tables, an index, and one
// INSERT per row with integers, reals, text (some with quotes and line breaks) and blobs.
// Deterministic (fixed seed), so every run measures the same file.
//   node generate.mjs OUT.sql [SIZE_MB=100]

import { createWriteStream } from 'node:fs';

const [out, sizeMb = '100'] = process.argv.slice(2);
const target = Number(sizeMb) * 1024 * 1024;
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'.split(' ');
const text = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');

const stream = createWriteStream(out);
let written = 0;
const write = (line) => {
  written += Buffer.byteLength(line) + 1;
  return stream.write(line + '\n');
};
write('CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, score REAL, created_at INTEGER);');
write('CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT, body TEXT, thumb BLOB);');
write('CREATE INDEX posts_user ON posts(user_id);');
let user = 0;
let post = 0;
function more() {
  while (written < target) {
    let ok;
    if (post % 4 === 0) {
      user++;
      ok = write(`INSERT INTO users(id, name, email, score, created_at) VALUES (${user}, 'user ''${user}''', 'u${user}@example.com', ${(random() * 1000).toFixed(3)}, ${1700000000000 + user});`);
    }
    post++;
    const body = random() < 0.1 ? `${text(20)}\n${text(30)}` : text(40);
    const blob = random() < 0.2 ? `X'${Buffer.from(text(4)).toString('hex')}'` : 'NULL';
    ok = write(`INSERT INTO posts(id, user_id, title, body, thumb) VALUES (${post}, ${user}, '${text(5)}', '${body.replace(/\n/g, "' || char(10) || '")}', ${blob});`);
    if (!ok) return stream.once('drain', more);
  }
  stream.end(() => console.log(JSON.stringify({ file: out, bytes: written, users: user, posts: post })));
}
more();
