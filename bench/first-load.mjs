// What a first visit costs: for the sign-in page and three pages of a
// signed-in manager, a cold load in Chromium (empty cache, a fresh browser
// context each) and the bytes it transferred by kind, the largest files,
// and the time until the page was hydrated. Then Lighthouse 12 (mobile
// preset, simulated slow 4G) on the same pages, unless LIGHTHOUSE=0.
// Usage: node bench/first-load.mjs http://127.0.0.1:PORT (bench/first-load.sh starts the server).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';

const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/first-load.mjs http://127.0.0.1:PORT');
  process.exit(2);
}
const chromiumPath = process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium';
const manager = { email: 'manager@demo.tandem.test', password: 'demo-manager-pass' };

/** The session cookie of a sign-in through the form's endpoint. */
async function signIn() {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams(manager).toString(),
    redirect: 'manual',
  });
  const cookie = (response.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('tandem_session='));
  if (!cookie) throw new Error(`sign-in failed: ${response.status}`);
  return cookie;
}

/** The first customer page linked from the customer list. */
async function aCustomer(cookie) {
  const html = await (await fetch(`${base}/customers`, { headers: { cookie } })).text();
  const found = html.match(/href="(\/customers\/\d+)"/);
  if (!found) throw new Error('no customer linked from /customers');
  return found[1];
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** A cold load of `url`: bytes on the wire by resource type, and time to hydration. */
async function coldLoad(browser, url, cookie) {
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: base }]);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const requests = new Map();
  cdp.on('Network.responseReceived', (e) => {
    requests.set(e.requestId, { url: e.response.url, type: e.type, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '' });
  });
  const done = [];
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) done.push({ ...r, bytes: e.encodedDataLength });
  });
  const started = Date.now();
  await page.goto(`${base}${url}`);
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 60_000 });
  const hydratedMs = Date.now() - started;
  await page.waitForLoadState('networkidle');
  await context.close();
  const byType = {};
  for (const r of done) {
    const kind = r.url.endsWith('.wasm') ? 'wasm' : r.type.toLowerCase();
    byType[kind] = (byType[kind] ?? 0) + r.bytes;
  }
  const total = done.reduce((sum, r) => sum + r.bytes, 0);
  const largest = [...done].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  return { url, total, byType, largest, hydratedMs, requests: done.length };
}

function lighthouse(url, cookie) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-lh-'));
  const out = path.join(dir, 'report.json');
  const args = [
    '-y', 'lighthouse@12.2.3', `${base}${url}`,
    '--chrome-flags=--headless --no-sandbox --disable-gpu',
    '--only-categories=performance,accessibility',
    '--output=json', `--output-path=${out}`, '--quiet',
  ];
  if (cookie) {
    const headers = path.join(dir, 'headers.json');
    writeFileSync(headers, JSON.stringify({ Cookie: cookie }));
    args.push(`--extra-headers=${headers}`);
  }
  execFileSync('npx', args, { env: { ...process.env, CHROME_PATH: chromiumPath }, stdio: ['ignore', 'ignore', 'inherit'] });
  const report = JSON.parse(readFileSync(out, 'utf8'));
  return {
    performance: Math.round(report.categories.performance.score * 100),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    interactiveS: (report.audits.interactive.numericValue / 1000).toFixed(1),
    weight: report.audits['total-byte-weight'].numericValue,
  };
}

const cookie = await signIn();
const pages = [
  { name: 'sign-in', url: '/login', cookie: null },
  { name: 'manager dashboard', url: '/', cookie },
  { name: 'customer page', url: await aCustomer(cookie), cookie },
  { name: 'orders list', url: '/orders', cookie },
];
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
console.log('cold loads (Chromium, empty cache; bytes as transferred):');
for (const p of pages) {
  const r = await coldLoad(browser, p.url, p.cookie);
  const kinds = Object.entries(r.byType).map(([k, v]) => `${k} ${kb(v)}`).join(', ');
  console.log(`  ${p.name} (${r.url}): ${kb(r.total)} in ${r.requests} requests (${kinds}); hydrated after ${r.hydratedMs} ms`);
  for (const l of r.largest) {
    console.log(`      ${kb(l.bytes)} ${new URL(l.url).pathname} ${l.encoding ? `(${l.encoding})` : '(uncompressed)'}`);
  }
}
await browser.close();
if (process.env.LIGHTHOUSE !== '0') {
  console.log('Lighthouse 12, mobile, simulated slow 4G:');
  for (const p of pages) {
    const r = lighthouse(p.url, p.cookie);
    console.log(`  ${p.name}: performance ${r.performance}, accessibility ${r.accessibility}, interactive ${r.interactiveS} s, ${kb(r.weight)} transferred`);
  }
}
