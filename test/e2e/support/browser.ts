import net from 'node:net';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../../support/app.js';

/** Debian's Chromium, never a downloaded browser build. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A port nobody is listening on right now (the OS picks it), so the app can be told its own address before it boots. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type RunningApp = { t: TestApp; baseUrl: string; close(): Promise<void> };

/**
 * The real app in-process on a fresh database, served over HTTP. The browser uses "localhost" so Chromium
 * treats the origin as secure and keeps the Secure session cookie; HARBOUR_BASE_URL is the same address, so
 * the invitation links the app prints are the ones a person would follow.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const t = await createTestApp({ ...env, HARBOUR_BASE_URL: baseUrl });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, baseUrl, close: () => t.close() };
}

/**
 * The app (on a fresh database, then `prepare`) and Debian's Chromium for one test file: started before its tests,
 * closed after them. Read `running` and `browser` inside the tests, once the hooks have run.
 */
export function appForFile(options: { env?: Record<string, string>; prepare?: (running: RunningApp) => Promise<void> } = {}): {
  running: RunningApp;
  browser: Browser;
} {
  const handle = {} as { running: RunningApp; browser: Browser };
  before(async () => {
    handle.running = await startApp(options.env);
    await options.prepare?.(handle.running);
    handle.browser = await launchBrowser();
  });
  after(async () => {
    await handle.browser?.close();
    await handle.running?.close();
  });
  return handle;
}
