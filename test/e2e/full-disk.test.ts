/**
 * A full library disk in the browser: the library on a 60 MB tmpfs (skipped
 * with the reason where mounting is not permitted), filled to the last
 * megabyte before restoring. The queue panel opens by itself, says it is
 * paused and why, no job runs; once space is freed, Resume restores them all.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { JobInfo } from '../../src/shared/types.ts';
import { makePhoto } from '../helpers/images.ts';
import { mountSmallDisk, type SmallDisk } from '../fixtures/small-disk.ts';
import { tempDir } from '../fixtures/pipeline-images.ts';
import { launch, ROOT, screenshot, serve, watchForProblems, type Browser, type Served } from './serve-harness.ts';

let disk: SmallDisk | null = null;
let skip: string | false = false;
let src: Awaited<ReturnType<typeof tempDir>>;
let served: Served | null = null;
let browser: Browser | null = null;
const problems: string[] = [];

before(async () => {
  const mounted = await mountSmallDisk(60);
  if ('skip' in mounted) {
    skip = mounted.skip;
    return;
  }
  disk = mounted;
  src = await tempDir('full-disk-e2e');
  const files = [
    await makePhoto(join(src.dir, 'porch.png'), 320, 240, { seed: 3, format: 'png' }),
    await makePhoto(join(src.dir, 'lake.png'), 320, 240, { seed: 4, format: 'png' })
  ];
  const library = join(disk.dir, 'library');
  const imported = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/heirloom.mjs'), 'import', ...files, '--library', library],
    { cwd: ROOT, encoding: 'utf8' }
  );
  assert.equal(imported.status, 0, imported.stderr);
  served = await serve(library);
  browser = await launch();
  watchForProblems(browser.page, problems);
});
after(async () => {
  await browser?.close();
  await served?.stop();
  await disk?.unmount();
  await src?.cleanup();
});

async function jobs(page: Page): Promise<JobInfo[]> {
  return page.evaluate(async () => {
    const g = globalThis as any;
    const res = await g.fetch('/api/call/jobs:list', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${g.sessionStorage.getItem('heirloom-token')}`,
        'Content-Type': 'application/json'
      },
      body: JSON.stringify([{ active: false, limit: 10 }])
    });
    return (await res.json()).value;
  }) as Promise<JobInfo[]>;
}

test(
  'a full library disk pauses the queue in view, with the reason and Resume; nothing runs until there is room',
  { timeout: 120_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const page = browser!.page;
    await page.goto(served!.url);
    await page.getByRole('option', { name: 'lake.png' }).waitFor();
    disk!.fill(1_000_000);
    await page.getByRole('button', { name: 'Restore all 2' }).click();
    const paused = page.getByRole('region', { name: 'Restore queue' }).getByRole('alert').filter({ hasText: 'Paused' });
    await paused
      .getByText(
        /Paused: the library's disk is full: \d+ MB free, this restore needs about \d+ MB; free some space, then resume the queue$/
      )
      .waitFor();
    await screenshot(page, 'queue-paused');
    assert.deepEqual(
      (await jobs(page)).map((j) => j.state),
      ['queued', 'queued'],
      'nothing was started on the full disk'
    );

    disk!.free();
    await paused.getByRole('button', { name: 'Resume' }).click();
    await paused.waitFor({ state: 'detached' });
    for (let i = 0; !(await jobs(page)).every((j) => j.state === 'done'); i++) {
      assert.ok(i < 600, 'both restores finished after Resume');
      await page.waitForTimeout(100);
    }
    assert.deepEqual(problems, []);
  }
);
