/**
 * The browser-mode token stays with the studio's page. Cookies are not scoped
 * by port, so a token kept in one would go to every other program listening on
 * 127.0.0.1; and a token left in the address bar sits in the history. Here a
 * second loopback server on another port records what Chromium sends it after
 * the studio has been opened, and the studio still works after a reload and
 * after coming back to its bare address in the same tab.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Browser, Served } from './serve-harness.ts';
import { closeSession, openSession } from './session.ts';

let work: string;
let served: Served;
let browser: Browser;
let page: Page;
let other: Server;
let otherPort: number;
const problems: string[] = [];
/** Every header another local program received from the browser. */
const seen: string[] = [];

before(async () => {
  ({ work, served, browser, page } = await openSession('heirloom-e2e-token-', problems));
  other = createServer((req, res) => {
    seen.push(`${req.url} ${JSON.stringify(req.headers)}`);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>another program</title><img src="/pixel.png">');
  });
  await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
  otherPort = (other.address() as AddressInfo).port;
});

after(async () => {
  await closeSession({ work, served, browser });
  await new Promise((ok) => other?.close(ok));
});

const token = (): string => new URL(served.url).searchParams.get('token')!;

/**
 * Runs `load` (a navigation) and waits until the page's own first library query, made with the token, has answered 200.
 */
async function studioWorks(load: () => Promise<unknown>): Promise<void> {
  const listed = page.waitForResponse((r) => decodeURIComponent(r.url()).includes('/api/call/library:list'), {
    timeout: 20_000
  });
  await load();
  assert.equal((await listed).status(), 200);
  await page.getByRole('button', { name: 'Import folder' }).waitFor({ timeout: 20_000 });
}

test('the token leaves the address bar once the page has read it', async () => {
  await studioWorks(() => page.goto(served.url));
  assert.equal(new URL(page.url()).searchParams.get('token'), null, page.url());
  const history = String(await page.evaluate('location.href'));
  assert.ok(!history.includes(token()), history);
});

test('another program on another loopback port never receives the token', async () => {
  for (const host of ['127.0.0.1', 'localhost']) {
    await page.goto(`http://${host}:${otherPort}/`);
    await page.waitForLoadState('load');
  }
  assert.ok(seen.length >= 2, 'the other server was reached');
  for (const line of seen) {
    assert.ok(!line.includes(token()), `leaked: ${line}`);
    assert.ok(!/heirloom/i.test(line), `a heirloom cookie went along: ${line}`);
  }
});

test('coming back to the bare address in the same tab, and reloading, keep the studio working', async () => {
  const { port } = new URL(served.url);
  await studioWorks(() => page.goto(`http://127.0.0.1:${port}/`));
  await studioWorks(() => page.reload());
  const res = await page.evaluate(
    async (t) =>
      (
        await fetch('/api/call/library:stats', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${t}` },
          body: '[]'
        })
      ).status,
    token()
  );
  assert.equal(res, 200);
  assert.deepEqual(problems, []);
});
