import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
/** The first administrator's password for this run (admin@localhost). */
export const ADMIN_PASSWORD = 'e2e-admin-pass-2026';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`tandem exited early with code ${child.exitCode}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`tandem did not become ready at ${url} within ${timeoutMs} ms`);
}

// Starts `tandem serve` for the whole run and stops it with SIGTERM after,
// failing the run unless it shuts down cleanly (exit code 0).
export default async function globalSetup(): Promise<() => Promise<void>> {
  const binary = process.env.TANDEM_BIN ?? path.join(root, 'target/debug/tandem');
  if (!existsSync(binary)) {
    throw new Error(`no tandem binary at ${binary}; build it first (make test does: cargo test, then cargo leptos build --frontend-only)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['serve'], {
    cwd: root,
    env: {
      ...process.env,
      TANDEM_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/tandem.db?mode=rwc`,
      TANDEM_SITE_ROOT: path.join(root, 'target/site'),
      TANDEM_SEED_DEMO: 'true',
      TANDEM_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TANDEM_LOG: process.env.TANDEM_LOG ?? 'warn',
      // The webhook test's receiver listens on loopback, which webhooks
      // reach only when the operator allows it.
      TANDEM_WEBHOOK_ALLOW_NETS: '127.0.0.0/8',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilReady(url, child, 60_000);
  process.env.TANDEM_E2E_URL = url;

  return async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) {
      child.kill('SIGKILL');
      throw new Error(`tandem did not shut down cleanly on SIGTERM (exit: ${code})`);
    }
  };
}
