// The benchmark Worker: one D1 call per request. GET /read does a point read of a random row,
// POST /insert (wrk sends GET; any method works) inserts one row. Same file on both hosts.
const ROWS = 10_000;

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/read') {
      const id = 1 + Math.floor(Math.random() * ROWS);
      const row = await env.DB.prepare('SELECT id, name, score FROM items WHERE id = ?').bind(id).first();
      return Response.json(row);
    }
    if (pathname === '/insert') {
      const { meta } = await env.DB.prepare('INSERT INTO events (kind, at) VALUES (?, ?)').bind('hit', Date.now()).run();
      return Response.json({ id: meta.last_row_id });
    }
    return new Response('not found', { status: 404 });
  },
};
