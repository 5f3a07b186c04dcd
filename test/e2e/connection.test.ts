/**
 * Browser mode when `heirloom serve` goes away: the studio says the connection
 * is lost and that it is reconnecting (instead of a frozen queue), catches up
 * when the same server is back, and says to open the new URL when a restarted
 * server (new token) answers instead.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { screenshot, serve, type Browser, type Served } from './serve-harness.ts';
import { closeSession, openSession } from './session.ts';

let work: string;
let served: Served;
let browser: Browser;
const problems: string[] = [];

before(async () => {
  ({ work, served, browser } = await openSession('heirloom-e2e-connection-', problems));
});

after(async () => {
  await closeSession({ work, served, browser });
});

test('a server that dies shows "reconnecting"; a restarted one asks for its new URL', { timeout: 60_000 }, async () => {
  const page = browser.page;
  await page.goto(served.url);
  await page.getByText('Your library is empty.').waitFor();
  const banner = page.getByRole('alert', { name: 'Connection' });
  assert.equal(await banner.count(), 0, 'no banner while connected');

  // Killed outright, as a crash or a closed terminal would.
  const port = Number(new URL(served.url).port);
  const exited = new Promise((r) => served.child.once('exit', r));
  served.child.kill('SIGKILL');
  await exited;
  await banner.getByText('Connection to the studio server lost — reconnecting…').waitFor({ timeout: 10_000 });
  await screenshot(page, 'connection-lost');

  // Started again on the same port: a new token, so this page's is refused.
  served = await serve(join(work, 'library'), { port });
  await banner.getByText('The studio server was restarted.').waitFor({ timeout: 10_000 });
  await banner.getByText(/Open the new address it printed/).waitFor();
  await screenshot(page, 'connection-restarted');

  // The new URL works, with no banner.
  await page.goto(served.url);
  await page.getByText('Your library is empty.').waitFor();
  assert.equal(await banner.count(), 0);
  assert.deepEqual(
    problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|401/.test(p)),
    []
  );
});
