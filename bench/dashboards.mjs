// Dashboards at volume, against a running tandem on 127.0.0.1 (started by
// bench/dashboards.sh). For each board and 1, 8 and 32 concurrent users
// (each signed in with its own session), a fixed number of requests; prints
// p50/p95 of the server time the board reports (`took_ms`: the queries
// and assembly inside the server function) and of the round trip.
const [base] = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 40);
const levels = (process.env.USERS ?? '1,8,32').split(',').map(Number);
// ONLY: run only the cases whose label contains this text.
const only = process.env.ONLY ?? '';

async function signIn(email, password) {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`,
    redirect: 'manual',
  });
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new Error(`sign-in failed for ${email}: ${r.status}`);
  return cookie;
}

async function call(cookie, path, body) {
  const started = performance.now();
  const r = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { cookie, origin: base, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${text.slice(0, 200)}`);
  return [performance.now() - started, JSON.parse(text)];
}

const board = (kind, period = '30d') => ({
  query: { kind, period, from: '', to: '', warehouse: null, owner: null, team: null, segment: '' },
});
const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const orders = (q) => ({
  query: { q: null, state: null, customer: null, owner: null, warehouse: null, team: null, segment: null, from: null, to: null, ...q },
  page: 1,
});
const cases = [
  ['manager board, 30 days', 'manager@demo.tandem.test', 'demo-manager-pass', '/api/dashboards/board', board('manager')],
  ['manager board, this year', 'manager@demo.tandem.test', 'demo-manager-pass', '/api/dashboards/board', board('manager', 'year')],
  ['sales board, 30 days', 'sales@demo.tandem.test', 'demo-sales-pass', '/api/dashboards/board', board('sales')],
  ['warehouse board', 'warehouse@demo.tandem.test', 'demo-warehouse-pass', '/api/dashboards/board', board('warehouse')],
  ['support board, 30 days', 'support@demo.tandem.test', 'demo-support-pass', '/api/dashboards/board', board('support')],
  ['order list, first page', 'manager@demo.tandem.test', 'demo-manager-pass', '/api/orders/list', orders({})],
  ['order list, booked in 30 days (a tile\'s link)', 'manager@demo.tandem.test', 'demo-manager-pass', '/api/orders/list', orders({ state: 'booked', from: daysAgo(29), to: daysAgo(0) })],
  ...['sales_by_customer', 'sales_by_product', 'sales_by_period', 'pipeline_conversion', 'inventory_valuation', 'receivables_aging', 'tickets_by_queue', 'tickets_by_agent'].map((kind) => [
    `report ${kind}, 30 days`, 'manager@demo.tandem.test', 'demo-manager-pass', '/api/reports/run',
    { query: { kind, filter: board('').query, grain: '' } },
  ]),
  ...[
    ['orders', 'customer', 'month', 'revenue'],
    ['order_lines', 'category', 'warehouse', 'quantity'],
    ['tickets', 'queue', 'week', 'count'],
  ].map(([source, rows, columns, measure]) => [
    `analysis ${source} by ${rows} and ${columns}, 30 days`, 'manager@demo.tandem.test', 'demo-manager-pass', '/api/pivot/run',
    { definition: `source=${source}&rows=${rows}&columns=${columns}&measure=${measure}&period=30d` },
  ]),
];

const chosen = cases.filter(([label]) => label.includes(only));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (xs) => {
  xs.sort((a, b) => a - b);
  return `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
};

const sessions = new Map();
for (const [, email, password] of chosen) {
  if (!sessions.has(email)) {
    const list = [];
    for (let i = 0; i < Math.max(...levels); i++) list.push(await signIn(email, password));
    sessions.set(email, list);
  }
}
for (const [label, email, , path, body] of chosen) {
  await call(sessions.get(email)[0], path, body).catch(() => {}); // warm-up
  for (const users of levels) {
    const server = [];
    const trip = [];
    const perUser = Math.max(1, Math.ceil(rounds / users));
    let failed = 0;
    await Promise.all(
      sessions.get(email).slice(0, users).map(async (cookie) => {
        for (let i = 0; i < perUser; i++) {
          try {
            const [ms, out] = await call(cookie, path, body);
            trip.push(ms);
            // Lists report no server time: their round trip stands for it.
            server.push(out.took_ms ?? ms);
          } catch {
            failed += 1;
          }
        }
      }),
    );
    const failures = failed ? `; ${failed} failed` : '';
    const figures = trip.length ? `server ${fmt(server)}; round trip ${fmt(trip)}` : 'no answers';
    console.log(`${label} · ${users} users · n=${trip.length}: ${figures}${failures}`);
  }
}

// One list export (not a page answer: every row of the filter, as CSV),
// timed once per filter.
for (const [label, q] of !sessions.has('manager@demo.tandem.test') ? [] : [
  ['booked orders of 7 days', { state: 'booked', from: daysAgo(6), to: daysAgo(0) }],
  ['booked orders of 30 days', { state: 'booked', from: daysAgo(29), to: daysAgo(0) }],
].filter(([label]) => `order list export, ${label}`.includes(only))) {
  const { page: _, ...body } = orders(q);
  const [ms, out] = await call(sessions.get('manager@demo.tandem.test')[0], '/api/orders/export', { ...body, headers: [] });
  console.log(`order list export, ${label}: ${out.rows} rows${out.truncated ? ' (stopped at the limit)' : ''}, ${(out.csv.length / 1048576).toFixed(1)} MiB in ${ms.toFixed(0)} ms`);
}
