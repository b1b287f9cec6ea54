// The REST API's order intake against a running tandem on 127.0.0.1
// (started by bench/api.sh): with a bearer token, give every product ample
// stock, then with 1, 4 and 16 concurrent clients for SECONDS_PER_RUN
// seconds each, create a 3-line quote for a random customer (with an
// Idempotency-Key, as a web shop would send) and confirm it.
const [base, token] = process.argv.slice(2);
const seconds = Number(process.env.SECONDS_PER_RUN ?? 10);
const clientCounts = (process.env.CLIENTS ?? '1,4,16').split(',').map(Number);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function api(method, path, body, key) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: key ? { ...headers, 'idempotency-key': key } : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function all(path) {
  const rows = [];
  for (let after = ''; ; ) {
    const page = await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200${after ? `&after=${after}` : ''}`);
    rows.push(...page.data);
    if (!page.next_cursor) return rows;
    after = page.next_cursor;
  }
}

const products = (await all('/products')).map((p) => p.id);
const warehouse = (await api('GET', `/products/${products[0]}/stock`)).data.find((l) => l.warehouse_code === 'MAIN').warehouse_id;
for (const id of products) {
  await api('POST', '/stock/adjustments', { product_id: id, warehouse_id: warehouse, quantity: 1000000, reason: 'benchmark stock' });
}
const customers = (await all('/customers')).filter((c) => c.credit_limit_minor === 0 || c.credit_limit_minor > 10_000_000).map((c) => c.id);
console.log(`prepared ${customers.length} customers and ${products.length} products; ${seconds} s per run`);

let seed = 12345;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
let n = 0;
async function flow() {
  const lines = [0, 1, 2].map(() => ({ product_id: products[random(products.length)], quantity: 1 + random(5) }));
  const order = await api('POST', '/orders', { customer_id: customers[random(customers.length)], warehouse_id: warehouse, lines }, `bench-${process.pid}-${n++}`);
  const confirmed = await api('POST', `/orders/${order.id}/confirm`);
  if (confirmed.state !== 'confirmed') throw new Error(`order ${order.id} is ${confirmed.state}: ${confirmed.approval_reason}`);
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
for (const clients of clientCounts) {
  const deadline = performance.now() + seconds * 1000;
  const began = performance.now();
  const times = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await flow();
      times.push(performance.now() - started);
    }
  }));
  const elapsed = (performance.now() - began) / 1000;
  times.sort((a, b) => a - b);
  console.log(`API, ${String(clients).padStart(2)} clients: ${times.length} orders created and confirmed in ${elapsed.toFixed(1)} s = ${(times.length / elapsed).toFixed(0)} orders/s; create+confirm latency p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms`);
}
