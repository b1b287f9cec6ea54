// CRM read paths at volume, against a running tandem on 127.0.0.1 (started
// by bench/crm.sh). Sequential requests, a fixed count each; prints p50
// and p95 of the time from request to the last byte.
const [base, email, password] = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 200);

const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
  body: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`,
  redirect: 'manual',
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
if (!cookie) throw new Error(`sign-in failed: ${login.status}`);

async function timed(path, init = {}) {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { cookie, origin: base, ...(init.headers ?? {}) },
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 200)}`);
  return [performance.now() - started, body];
}
const form = (body) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
async function measure(label, make) {
  await make(0); // warm-up
  const times = [];
  for (let i = 1; i <= rounds; i++) times.push((await make(i))[0]);
  times.sort((a, b) => a - b);
  console.log(`${label}: n=${rounds} p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`);
}

const [, first] = await timed('/api/customers/list', form('include_archived=false&page=1'));
const { total } = JSON.parse(first);
console.log(`customers visible to ${email}: ${total}`);
const prefixes = ['nor', 'blu', 'pac', 'gol', 'alp', 'urb', 'sum', 'bri', 'del', 'pio', 'atl', 'har', 'ced', 'cry', 'ori'];
await measure('customer list, first page (server fn)', () => timed('/api/customers/list', form('include_archived=false&page=1')));
await measure('search by name prefix (server fn)', (i) => timed('/api/customers/list', form(`q=${prefixes[i % prefixes.length]}&include_archived=false&page=1`)));
const id = (i) => 1 + ((i * 7919) % Math.max(1, total));
await measure('customer 360 page, server-rendered HTML', (i) => timed(`/customers/${id(i)}`, { headers: { accept: 'text/html' } }));
await measure('customer 360 data (get + overview + timeline)', async (i) => {
  const started = performance.now();
  await Promise.all([
    timed('/api/customers/get', form(`id=${id(i)}`)),
    timed('/api/customers/overview', json({ customer_id: id(i) })),
    timed('/api/customers/timeline', json({ customer_id: id(i), before: null })),
  ]);
  return [performance.now() - started];
});
