// The order flow over HTTP against a running tandem on 127.0.0.1 (started
// by bench/orders.sh): sign in, give every product ample stock, then with
// 1, 4 and 16 concurrent workers for SECONDS_PER_RUN seconds each, create a
// 3-line order for a random customer, confirm it, create a shipment for
// everything and ship it — the same server functions the browser calls.
const [base, email, password] = process.argv.slice(2);
const seconds = Number(process.env.SECONDS_PER_RUN ?? 10);
const workerCounts = (process.env.WORKERS ?? '1,4,16').split(',').map(Number);

const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
  body: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`,
  redirect: 'manual',
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
if (!cookie) throw new Error(`sign-in failed: ${login.status}`);

async function call(path, body, type = 'json') {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      cookie,
      origin: base,
      'content-type': type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: type === 'json' ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const warehouses = await call('/api/warehouses/list', {});
const main = warehouses.find((w) => w.code === 'MAIN').id;
const products = [];
for (let page = 1; ; page++) {
  const found = await call('/api/products/list', { q: null, category: null, inactive: false, page });
  products.push(...found.items.map((p) => p.id));
  if (page * found.per_page >= found.total) break;
}
for (const id of products) {
  await call('/api/stock/adjust', { product_id: id, form: { warehouse_id: String(main), quantity: '1000000', reason: 'benchmark stock' } });
}
const customers = [];
for (let page = 1; page <= 4; page++) {
  const found = await call('/api/customers/list', `include_archived=false&page=${page}`, 'form');
  customers.push(...found.items.map((c) => c.id));
}
console.log(`prepared ${customers.length} customers and ${products.length} products; ${seconds} s per run`);

let seed = 12345;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
async function flow() {
  const lines = [0, 1, 2].map(() => ({
    product_id: products[random(products.length)], sku: '', name: '',
    quantity: String(1 + random(5)), unit_price: '', discount: '0', tax_rate: '',
  }));
  const id = await call('/api/orders/create', {
    form: { customer_id: customers[random(customers.length)], warehouse_id: main, ship_by: '', notes: '', lines },
  });
  await call('/api/orders/confirm', { id });
  const shipment = await call('/api/shipments/create', { order_id: id, lines: [] });
  await call('/api/shipments/ship', { id: shipment, carrier: 'DHL', tracking: 'BENCH' });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
for (const workers of workerCounts) {
  const deadline = performance.now() + seconds * 1000;
  const began = performance.now();
  const times = [];
  await Promise.all(Array.from({ length: workers }, async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await flow();
      times.push(performance.now() - started);
    }
  }));
  const elapsed = (performance.now() - began) / 1000;
  times.sort((a, b) => a - b);
  console.log(`HTTP, ${String(workers).padStart(2)} workers: ${times.length} orders in ${elapsed.toFixed(1)} s = ${(times.length / elapsed).toFixed(0)} orders/s; flow latency p50 ${pct(times, 50).toFixed(2)} ms, p99 ${pct(times, 99).toFixed(2)} ms`);
}
