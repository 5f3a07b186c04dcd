/**
 * The restoration studio end to end in browser mode, with the shipped models:
 * a folder of generated scratched scans is imported and put in an album; one
 * photo is restored from its detail view, then a selection and the whole
 * album from the library toolbar, watched in the queue; the detected mask is
 * edited (brush, eraser, undo/redo) and re-run through map + decode only; the
 * result is compared (slider, side by side, 1:1); a version is made current
 * and another deleted without touching the original; the album is exported to
 * a folder (JPEG) and a .zip (16-bit TIFF) with metadata and a manifest.
 *
 * Screenshots of each screen go to test-artifacts/; with
 * HEIRLOOM_UPDATE_SCREENSHOTS=1 they are also copied to docs/screenshots/.
 * The full-restore vs mask re-run timing goes to test-artifacts/rerun-vs-full.json.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import exifReader from 'exif-reader';
import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import type { JobEvent, JobInfo, PhotoPage, VersionInfo } from '../../src/shared/types.ts';
import { ARTIFACTS, publishScreenshots, screenshot, type Browser, type Served } from './serve-harness.ts';
import { closeSession, openSession } from './session.ts';

let work: string;
let served: Served;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const shots: string[] = [];

const W = 256;
const H = 192;
const CAPTION = 'Grandma at the lake: 1962/07';
const TAKEN = '1962:07:14 15:30:00';
const PHOTOS = ['lake-1962.jpg', 'porch.jpg', 'Box 2/wedding 1958.jpg'];
const ALBUM = 'Lake house';

/** Photo ids by file name, filled after the import. */
const ids: Record<string, number> = {};
/** The lake photo's versions as they are made. */
const lake = { detailJob: 0, detailVersion: 0, albumVersion: 0, rerunJob: 0, rerunVersion: 0, originalSha: '' };

/**
 * A sepia-toned, smooth "scan" with two bright scratches (a long diagonal and a
 * near-vertical hairline): enough for the trained detector to find. Red and
 * green stay within 12 levels of each other, so the editor's red overlay is
 * easy to tell apart from the photo in the canvas.
 */
function scan(seed: number): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const base = Math.max(
        8,
        Math.min(235, 70 + 60 * Math.sin((x + seed * 31) / 29) * Math.cos((y - seed * 13) / 23) + 40 * (y / H))
      );
      px[i] = base + 12;
      px[i + 1] = base + 4;
      px[i + 2] = base - 8;
    }
  const line = (x0: number, y0: number, x1: number, y1: number, width: number): void => {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let t = 0; t <= n; t++) {
      const cx = x0 + ((x1 - x0) * t) / n;
      const cy = y0 + ((y1 - y0) * t) / n;
      for (let dy = -width; dy <= width; dy++)
        for (let dx = -width; dx <= width; dx++) {
          const x = Math.round(cx + dx / 2);
          const y = Math.round(cy + dy / 2);
          if (x >= 0 && y >= 0 && x < W && y < H) px.fill(250, (y * W + x) * 3, (y * W + x) * 3 + 3);
        }
    }
  };
  line(20 + seed * 10, 10, W - 40, H - 20, 2);
  line(W * 0.7 + seed * 5, 0, W * 0.65 + seed * 5, H - 1, 1);
  return px;
}

async function jpeg(seed: number, exif?: Parameters<sharp.Sharp['withExif']>[0]): Promise<Buffer> {
  let s = sharp(scan(seed), { raw: { width: W, height: H, channels: 3 } });
  if (exif) s = s.withExif(exif);
  return s.jpeg({ quality: 92 }).toBuffer();
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function shot(name: string): Promise<void> {
  await screenshot(page, name);
  shots.push(name);
}

/** Imports one file as browser mode does (upload, then commit), from inside the page with its token. */
async function upload(name: string, bytes: Buffer): Promise<void> {
  const status = await page.evaluate(
    async ([name, base64]) => {
      const g = globalThis as any;
      const auth = { Authorization: `Bearer ${g.sessionStorage.getItem('heirloom-token')}` };
      const body = Uint8Array.from(g.atob(base64), (c: string) => c.charCodeAt(0));
      const q = new g.URLSearchParams({ batch: 'gardenbatch', path: name });
      await g.fetch(`/api/upload?${q}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/octet-stream' },
        body
      });
      const res = await g.fetch('/api/upload/commit', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batch: 'gardenbatch' })
      });
      return res.status;
    },
    [name, bytes.toString('base64')] as const
  );
  assert.equal(status, 200);
}

/** A studio call from inside the page, with the page's own token (as the app makes it). */
async function api<T>(channel: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    async ([channel, args]) => {
      const g = globalThis as any;
      const res = await g.fetch(`/api/call/${channel}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${g.sessionStorage.getItem('heirloom-token')}`,
          'Content-Type': 'application/json'
        },
        body: JSON.stringify(args)
      });
      const envelope = await res.json();
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
      return envelope.value;
    },
    [channel, args] as const
  ) as Promise<T>;
}

/** Every `jobs:event` the page has received on its own event stream so far. */
async function jobEvents(): Promise<JobEvent[]> {
  return page.evaluate(() => (globalThis as any).__jobEvents as JobEvent[]);
}

async function waitForJobs(done: (jobs: JobInfo[]) => boolean, what: string): Promise<JobInfo[]> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const jobs = await api<JobInfo[]>('jobs:list', { active: false, limit: 100 });
    const failed = jobs.filter((j) => j.state === 'failed');
    assert.deepEqual(failed, [], 'no job fails');
    if (done(jobs)) return jobs;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(jobs)}`);
    await page.waitForTimeout(150);
  }
}

const grid = () => page.getByRole('listbox', { name: 'Photos' });
const queue = () => page.getByRole('region', { name: 'Restore queue' });
const detail = () => page.getByRole('region', { name: /^Photo / });
/** The mask editor's painting surface (the application region holds the one canvas). */
const maskSurface = () => page.getByRole('application', { name: /scratch mask in red/ });
const maskCanvas = () => maskSurface().locator('canvas');

/**
 * Polls `check` in the test (page.waitForFunction's string predicates would need 'unsafe-eval',
 * which the app's CSP forbids).
 */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** Whether every <img> under `selector` has loaded, `count` of them, optionally at a given natural size. */
async function imagesLoaded(selector: string, count: number, size?: { width: number; height: number }): Promise<void> {
  await until(
    () =>
      page.evaluate(
        ([selector, count, size]) => {
          const imgs = [...(globalThis as any).document.querySelectorAll(selector)];
          return (
            imgs.length === count &&
            imgs.every(
              (i: any) =>
                i.complete &&
                i.naturalWidth > 0 &&
                (!size || (i.naturalWidth === size.width && i.naturalHeight === size.height))
            )
          );
        },
        [selector, count, size ?? null] as const
      ),
    `${count} images in ${selector}`
  );
}

const thumbnailsLoaded = (count: number) => imagesLoaded('[role="option"] img', count);

/** Canvas pixels under the red mask overlay (red lifted well above green), and all pixels. */
async function overlayPixels(): Promise<number> {
  // The brush outline follows the pointer over the canvas: move it off, then let two frames paint.
  await page.mouse.move(2, 2);
  return maskCanvas().evaluate(
    (canvas: any) =>
      new Promise<number>((done) =>
        (globalThis as any).requestAnimationFrame(() =>
          (globalThis as any).requestAnimationFrame(() => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            let n = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] - data[i + 1] > 60) n++;
            done(n);
          })
        )
      )
  );
}

/**
 * Screen position of image pixel (x, y) in the mask editor: the image is centred, at the zoom the status line shows.
 */
async function onCanvas(x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await maskSurface().boundingBox())!;
  const status = await page.getByRole('region', { name: 'Scratch mask editor' }).locator('p.status').textContent();
  const scale = Number(/(\d+)%/.exec(status ?? '')![1]) / 100;
  return { x: box.x + box.width / 2 + (x - W / 2) * scale, y: box.y + box.height / 2 + (y - H / 2) * scale };
}

async function stroke(from: [number, number], to: [number, number]): Promise<void> {
  const a = await onCanvas(...from);
  const b = await onCanvas(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
}

/** 0/1 mask pixel of a version's saved mask at image (x, y). */
async function maskAt(v: VersionInfo, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(join(served.libraryDir, v.maskPath!)).raw().toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * info.channels]! >= 128 ? 1 : 0;
}

before(async () => {
  ({ work, served, browser, page } = await openSession('heirloom-e2e-restore-', problems, {
    exportsDir: 'Exports',
    async prepare(work) {
      const folder = join(work, 'Attic scans');
      await mkdir(join(folder, 'Box 2'), { recursive: true });
      const exif = {
        IFD0: { ImageDescription: 'Lake Tahoe, summer 1962', Make: 'Kodak', Model: 'Brownie Starmatic' },
        IFD2: { DateTimeOriginal: TAKEN }
      };
      await writeFile(join(folder, PHOTOS[0]!), await jpeg(0, exif));
      await writeFile(join(folder, PHOTOS[1]!), await jpeg(1));
      await writeFile(join(folder, PHOTOS[2]!), await jpeg(2));
      await mkdir(join(work, 'Exports')); // an export lands in an existing folder
    }
  }));
  await page.setViewportSize({ width: 1280, height: 800 });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await closeSession({ work, served, browser });
  await publishScreenshots(shots);
});

/** Exports from the open export dialog to `destination`; with `done`, waits until its status says so. */
async function exportTo(dialog: Locator, destination: string, done?: string | RegExp): Promise<void> {
  await dialog.getByRole('textbox', { name: 'Destination path' }).fill(destination);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  if (done !== undefined) await dialog.getByRole('status').getByText(done).waitFor({ timeout: 20_000 });
}

test('import a folder of scans; the settings report where inference runs', async () => {
  await page.goto(served.url);
  await page.getByRole('heading', { name: 'All photos' }).waitFor();
  // The page's own subscription to the job events, as the app's client makes it.
  await page.evaluate(() => {
    const g = globalThis as any;
    g.__jobEvents = [];
    const source = new g.EventSource(
      `/api/events?token=${encodeURIComponent(g.sessionStorage.getItem('heirloom-token'))}`
    );
    source.onmessage = (m: { data: string }) => {
      const { event, payload } = JSON.parse(m.data);
      if (event === 'jobs:event') g.__jobEvents.push({ ...payload, at: performance.now() });
    };
  });

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import folder' }).click();
  await (await chooser).setFiles(join(work, 'Attic scans'));
  await page.getByText(`Imported ${PHOTOS.length} photos`).waitFor({ timeout: 30_000 });
  await thumbnailsLoaded(PHOTOS.length);
  const list = await api<PhotoPage>('library:list', { offset: 0, limit: 10 });
  for (const p of list.items) ids[p.fileName] = p.id;
  assert.deepEqual(Object.keys(ids).sort(), ['lake-1962.jpg', 'porch.jpg', 'wedding 1958.jpg']);
  const lakePhoto = list.items.find((p) => p.fileName === 'lake-1962.jpg')!;
  assert.equal(lakePhoto.takenAt, '1962-07-14T15:30:00');
  const shard = join(served.libraryDir, 'originals', lakePhoto.sha256.slice(0, 2));
  const stored = join(
    shard,
    (await readdir(shard)).find((n) => n.startsWith(lakePhoto.sha256))!
  );
  lake.originalSha = await sha256(stored);
  assert.equal(lake.originalSha, lakePhoto.sha256);

  // Settings: opening it starts the engine, which explains its choice of execution provider.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const report = settings.getByRole('status');
  await report.getByText(/Running on .*CPU/).waitFor({ timeout: 30_000 });
  assert.match((await report.textContent()) ?? '', /model heirloom-/);
  assert.equal(await settings.getByRole('combobox', { name: 'Execution provider' }).inputValue(), 'auto');
  await shot('settings');
  await settings.getByRole('button', { name: 'Close Settings' }).click();
  await settings.waitFor({ state: 'detached' });
});

test(
  'restore from the detail view, a selection and the album; the queue shows stages and progress',
  { timeout: 60_000 },
  async () => {
    await page.getByRole('textbox', { name: 'New album name' }).fill(ALBUM);
    await page.getByRole('button', { name: 'Create album' }).click();
    const options = grid().getByRole('option');
    await options.nth(0).click();
    await options.nth(2).click({ modifiers: ['Shift'] });
    // The toolbar's visible way to file them (the sidebar's + and dragging onto the album do the same).
    await page.getByRole('combobox', { name: 'Add selected to album' }).selectOption({ label: ALBUM });
    await page.getByRole('button', { name: `Album ${ALBUM}, 3 photos` }).click();
    await page.getByRole('heading', { name: ALBUM }).waitFor();
    await thumbnailsLoaded(3);

    // Record what the queue panel shows while jobs run: the stage of each running job and its progress bar.
    await page.evaluate(() => {
      const g = globalThis as any;
      g.__queueSeen = { states: new Set<string>(), progress: [] as number[] };
      new g.MutationObserver(() => {
        const list = g.document.querySelector('[aria-label="Restore jobs"]');
        if (!list) return;
        for (const s of list.querySelectorAll('.state')) g.__queueSeen.states.add(s.textContent.trim());
        for (const p of list.querySelectorAll('progress')) g.__queueSeen.progress.push(Number(p.value));
      }).observe(g.document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    // One photo from its detail view, scratch removal on.
    await grid().getByRole('option', { name: 'lake-1962.jpg' }).dblclick();
    await detail().getByRole('heading', { name: 'lake-1962.jpg' }).waitFor();
    await detail().getByRole('combobox', { name: 'Scratch removal' }).selectOption('on');
    await detail().getByText('Taken', { exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Caption' }).fill(CAPTION);
    await page.getByRole('button', { name: 'Save caption' }).click();
    await page.getByRole('button', { name: 'Save caption' }).and(page.locator(':disabled')).waitFor();
    await detail().getByRole('button', { name: 'Restore', exact: true }).click();
    await queue().waitFor();
    const lakeItem = queue().getByRole('listitem').filter({ hasText: 'Restore lake-1962.jpg' });
    await lakeItem.getByText('done').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Compare Version 1 with the original' }).waitFor();
    await page.getByText('Version 1 · current').waitFor();
    // The view shows what the user came for, the restored version, and says so;
    // the switch and a held \\ show the original.
    const viewer = detail()
      .getByRole('application', { name: /^Photo viewer/ })
      .getByRole('img');
    const onScreen = detail().getByRole('status', { name: 'On screen' });
    await shot('detail-restored');
    await onScreen.getByText('Restored: Version 1').waitFor();
    const restoredSrc = await viewer.getAttribute('src');
    assert.match(restoredSrc!, /^\/media\/version\/\d+\?/);
    await detail().getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Original' }).click();
    await onScreen.getByText('Original', { exact: true }).waitFor();
    assert.match((await viewer.getAttribute('src'))!, /^\/media\/original\//);
    await detail().getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Restored' }).click();
    await onScreen.getByText('Restored: Version 1').waitFor();
    await page.keyboard.down('\\');
    await onScreen.getByText(/^Original \(release/).waitFor();
    assert.match((await viewer.getAttribute('src'))!, /^\/media\/original\//);
    await page.keyboard.up('\\');
    await onScreen.getByText('Restored: Version 1').waitFor();
    assert.equal(await viewer.getAttribute('src'), restoredSrc);
    // A photo with restored versions keeps its turn and crop (they were made the way it is now); C does nothing either.
    assert.ok(await detail().getByRole('button', { name: 'Turn right' }).isDisabled());
    assert.ok(await detail().getByRole('button', { name: 'Crop', exact: true }).isDisabled());
    await page.keyboard.press('c');
    assert.equal(await page.getByRole('toolbar', { name: 'Crop' }).count(), 0);
    await shot('detail');
    const first = await waitForJobs((j) => j.length === 1 && j[0]!.state === 'done', 'the detail restore');
    lake.detailJob = first[0]!.id;
    lake.detailVersion = first[0]!.versionId!;

    // A multi-selection, then the whole album, from the library toolbar (scratch removal auto).
    await page.getByRole('button', { name: 'Back to library' }).click();
    // The grid marks the restored photo, and only it.
    await grid().getByRole('option', { name: 'lake-1962.jpg, restored' }).waitFor();
    assert.deepEqual(
      await grid()
        .getByRole('option', { name: /, restored$/ })
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
      ['lake-1962.jpg, restored']
    );
    assert.equal(await grid().locator('.restored').count(), 1);
    // The detail view's choice carries over to the library toolbar.
    const scratches = page.getByRole('combobox', { name: 'Scratch removal' });
    assert.equal(await scratches.inputValue(), 'on');
    await scratches.selectOption('auto');
    await grid().getByRole('option', { name: 'porch.jpg' }).click();
    await grid()
      .getByRole('option', { name: 'wedding 1958.jpg' })
      .click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Restore 2 selected' }).click();
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByRole('button', { name: 'Restore album' }).click();
    // Some of the album is restored (or being restored) already: the toolbar asks whether to restore all again.
    const question = page.getByRole('group', { name: 'Confirm restoring 3 photos' });
    await question.getByText(/already ha(s|ve) a restored version/).waitFor();
    await question.getByRole('button', { name: /^Restore all 3/ }).click();
    // The queue is busy for a few seconds: the overall bar and per-job bars are up.
    await queue().getByRole('progressbar', { name: 'Overall restore progress' }).waitFor({ timeout: 10_000 });
    await shot('queue');
    // Six restores asked for; a photo whose restore with the same setting is still waiting is not queued twice
    // (wedding's, when porch's first restore has not finished by the album's click), so five or six ran.
    const jobs = await waitForJobs((j) => j.length >= 5 && j.every((x) => x.state === 'done'), 'the restores');
    assert.ok(jobs.length <= 6, `${jobs.length} jobs`);
    for (const name of ['lake-1962.jpg', 'porch.jpg', 'wedding 1958.jpg'])
      assert.ok(
        jobs.some((j) => j.photoId === ids[name] && j.id !== lake.detailJob),
        name
      );
    await queue().getByRole('progressbar', { name: 'Overall restore progress' }).waitFor({ state: 'detached' });
    assert.equal(await queue().getByRole('listitem').filter({ hasText: 'done' }).count(), jobs.length);
    assert.ok(jobs.every((j) => j.kind === 'restore' && j.versionId !== null && j.progress === 1));
    lake.albumVersion = jobs.find((j) => j.photoId === ids['lake-1962.jpg'] && j.id !== lake.detailJob)!.versionId!;
    const lakeVersions = await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg']);
    assert.deepEqual(
      lakeVersions.map((v) => [
        v.id,
        v.kind,
        v.options.scratches,
        (v.stats as { scratchesUsed: boolean }).scratchesUsed
      ]),
      [
        [lake.detailVersion, 'restore', 'on', true],
        [lake.albumVersion, 'restore', 'auto', true]
      ]
    );

    const seen = await page.evaluate(() => {
      const s = (globalThis as any).__queueSeen;
      return { states: [...s.states] as string[], progress: s.progress as number[] };
    });
    for (const stage of ['queued', 'done'])
      assert.ok(seen.states.includes(stage), `the queue showed "${stage}" (saw ${seen.states})`);
    assert.ok(
      seen.states.some((s) => ['detect', 'encode', 'map', 'decode'].includes(s)),
      `the queue showed a running stage (saw ${seen.states})`
    );
    assert.ok(
      seen.progress.some((v) => v > 0 && v < 1),
      'a job progress bar was part-way'
    );

    // Every restore reported each of its stages, in order, with progress that only goes up.
    const events = await jobEvents();
    for (const job of jobs) {
      const mine = events.filter((e) => e.jobId === job.id);
      const running = mine.filter((e) => e.state === 'running');
      const stages = [...new Set(running.map((e) => e.stage).filter(Boolean))];
      assert.deepEqual(stages, ['detect', 'encode', 'map', 'decode'], `job ${job.id} stages`);
      const percents = running.map((e) => e.percent);
      assert.deepEqual(
        percents,
        [...percents].sort((a, b) => a - b),
        `job ${job.id} progress only rises`
      );
      assert.equal(mine.at(-1)!.state, 'done');
      assert.equal(mine.at(-1)!.percent, 100);
    }
    await page.getByRole('button', { name: 'Close restore queue' }).click();
    // Each restore that finished marked its tile without a reload of the grid.
    await grid().locator('.restored').nth(2).waitFor();
    assert.equal(
      await grid()
        .getByRole('option', { name: /, restored$/ })
        .count(),
      3
    );
    // The grid can show each photo's current restored version instead of the original, and back.
    const shows = page.getByRole('combobox', { name: 'Thumbnails show' });
    await shows.selectOption('restored');
    await thumbnailsLoaded(3);
    const token = new URL(served.url).searchParams.get('token');
    const srcs = await grid()
      .locator('img')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
    const currentIds = await Promise.all(
      ['lake-1962.jpg', 'porch.jpg', 'wedding 1958.jpg'].map(
        async (n) => (await api<{ currentVersionId: number }>('library:get', ids[n]!)).currentVersionId
      )
    );
    assert.deepEqual(srcs.sort(), currentIds.map((v) => `/media/version-thumb/${v}?token=${token}`).sort());
    await shows.selectOption('originals');
    await thumbnailsLoaded(3);
    assert.ok(
      (
        await grid()
          .locator('img')
          .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))
      ).every((s) => s!.startsWith('/media/thumb/'))
    );
    // Only the photos still to restore: none in this album now; then all of them again.
    const which = page.getByRole('combobox', { name: 'Which photos' });
    await which.selectOption('unrestored');
    await page.getByText('No photos here.').waitFor();
    await which.selectOption('restored');
    await thumbnailsLoaded(3);
    await which.selectOption('all');
    await thumbnailsLoaded(3);
  }
);

test(
  'mask editor: the detected mask shows, brush + eraser + undo/redo, re-run maps and decodes only',
  { timeout: 60_000 },
  async () => {
    await grid().getByRole('option', { name: 'lake-1962.jpg' }).dblclick();
    await detail().getByRole('heading', { name: 'lake-1962.jpg' }).waitFor();
    // Newest first: the album restore is Version 2, the detail restore Version 1.
    const versionsList = page.getByRole('list', { name: 'Versions' });
    await versionsList.getByRole('button', { name: 'Edit the scratch mask of Version 1' }).click();
    const editor = page.getByRole('region', { name: 'Scratch mask editor' });
    await editor.waitFor();
    await maskSurface().waitFor();
    await editor.getByText('Loading photo…').waitFor({ state: 'detached' });
    const zoomIn = editor.getByRole('button', { name: 'Zoom in (+)' });
    await zoomIn.click();
    await zoomIn.click();
    await editor.getByText(/· 225%/).waitFor();

    const detected = await overlayPixels();
    const [parent] = (await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg'])).filter(
      (v) => v.id === lake.detailVersion
    );
    assert.ok(parent!.maskPath, 'the restore kept its mask');
    assert.equal(await maskAt(parent!, 50, 165), 0);
    assert.equal(await maskAt(parent!, 116, 89), 1, 'the detector found the diagonal scratch');
    assert.ok(detected > 2000, `the detected mask shows in red (${detected} px)`);

    // Brush: a stroke across clean sky in the bottom-left corner adds to the mask.
    await editor.getByRole('button', { name: 'Brush (B)' }).click();
    await stroke([25, 165], [75, 165]);
    const painted = await overlayPixels();
    assert.ok(painted > detected + 1000, `painting adds to the mask (${detected} → ${painted})`);
    await editor.getByText('· edited').waitFor();

    // Eraser: rub out a stretch of the diagonal scratch.
    await editor.getByRole('button', { name: 'Eraser (E)' }).click();
    assert.equal(await editor.getByRole('button', { name: 'Eraser (E)' }).getAttribute('aria-pressed'), 'true');
    await stroke([100, 76], [132, 102]);
    const erased = await overlayPixels();
    assert.ok(erased < painted - 300, `erasing removes from the mask (${painted} → ${erased})`);

    await editor.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click();
    assert.equal(await overlayPixels(), painted, 'undo puts the erased part back');
    await editor.getByRole('button', { name: 'Redo (Ctrl+Shift+Z)' }).click();
    assert.equal(await overlayPixels(), erased, 'redo erases it again');
    await shot('mask-editor');

    // A re-run the engine refuses is explained in the editor, and nothing is queued. Here the latent cache has
    // gone, so the re-run would start from the original, and that has gone too.
    const header = join(served.libraryDir, parent!.latentPath!, 'latent.json');
    const shard = join(served.libraryDir, 'originals', lake.originalSha.slice(0, 2));
    const original = join(
      shard,
      (await readdir(shard)).find((n) => n.startsWith(lake.originalSha))!
    );
    const kept = (f: string) => join(work, `kept-${f === header ? 'header' : 'original'}`);
    for (const f of [header, original]) await rename(f, kept(f));
    const jobCount = (await api<JobInfo[]>('jobs:list', { active: false, limit: 100 })).length;
    await editor.getByRole('button', { name: 'Re-run with this mask' }).click();
    await detail()
      .getByRole('alert')
      .filter({ hasText: /the original of lake-1962\.jpg is missing from the library/ })
      .waitFor();
    assert.equal((await api<JobInfo[]>('jobs:list', { active: false, limit: 100 })).length, jobCount);
    for (const f of [header, original]) await rename(kept(f), f);

    const before = (await jobEvents()).length;
    await editor.getByRole('button', { name: 'Re-run with this mask' }).click();
    const jobs = await waitForJobs((j) => j.some((x) => x.kind === 'rerun' && x.state === 'done'), 'the re-run');
    const rerun = jobs.find((j) => j.kind === 'rerun')!;
    lake.rerunJob = rerun.id;
    lake.rerunVersion = rerun.versionId!;
    // The re-run the user asked for is what the photo now is (and what an export writes); Version 1 stays a click away.
    await versionsList.getByText('Version 3 (mask re-run) · current').waitFor();
    assert.equal(
      (await api<{ currentVersionId: number }>('library:get', ids['lake-1962.jpg'])).currentVersionId,
      lake.rerunVersion
    );
    await queue().getByRole('listitem').filter({ hasText: 'Re-run lake-1962.jpg' }).getByText('done').waitFor();
    await page.getByRole('button', { name: 'Close restore queue' }).click();

    // Only map and decode ran for the re-run; the full restore ran all four stages.
    const events = await jobEvents();
    const stagesOf = (jobId: number) => [
      ...new Set(
        events
          .filter((e) => e.jobId === jobId && e.state === 'running')
          .map((e) => e.stage)
          .filter(Boolean)
      )
    ];
    assert.deepEqual(stagesOf(rerun.id), ['map', 'decode']);
    assert.deepEqual(stagesOf(lake.detailJob), ['detect', 'encode', 'map', 'decode']);
    assert.ok(
      events.slice(before).every((e) => e.jobId === rerun.id),
      'nothing else ran'
    );

    const versions = await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg']);
    assert.equal(versions.length, 3);
    const v = versions.find((x) => x.id === rerun.versionId)!;
    assert.equal(v.kind, 'rerun');
    assert.equal(v.parentVersionId, lake.detailVersion);
    assert.ok(v.maskPath && existsSync(join(served.libraryDir, v.maskPath)), 'the re-run records its mask');
    assert.deepEqual(Object.keys(v.stats.seconds as object).sort(), ['decode', 'map']);
    const full = versions.find((x) => x.id === lake.detailVersion)!;
    assert.deepEqual(Object.keys(full.stats.seconds as object).sort(), ['decode', 'detect', 'encode', 'map']);
    // The recorded mask is the edited one: painted where the brush went, clear where the eraser went.
    assert.equal(await maskAt(v, 50, 165), 1);
    assert.equal(await maskAt(v, 116, 89), 0);
    assert.equal(await maskAt(v, 40, 27), await maskAt(parent!, 40, 27), 'untouched parts of the mask are kept');

    // Timing, logged: a full restore vs the mapping-only re-run of the same photo, from the jobs' own times.
    const span = (j: JobInfo) => (Date.parse(j.finishedAt!) - Date.parse(j.startedAt!)) / 1000;
    const sum = (s: unknown) => Object.values(s as Record<string, number>).reduce((a, b) => a + b, 0);
    const fullJob = jobs.find((j) => j.id === lake.detailJob)!;
    const albumJob = jobs.find((j) => j.versionId === lake.albumVersion)!;
    const timing = {
      photo: { file: 'lake-1962.jpg', width: W, height: H },
      fullRestore: { jobId: fullJob.id, seconds: span(fullJob), stageSeconds: full.stats.seconds },
      fullRestoreAgain: {
        jobId: albumJob.id,
        seconds: span(albumJob),
        stageSeconds: versions.find((x) => x.id === lake.albumVersion)!.stats.seconds
      },
      rerun: { jobId: rerun.id, seconds: span(rerun), stageSeconds: v.stats.seconds },
      engineSecondsFull: sum(full.stats.seconds),
      engineSecondsRerun: sum(v.stats.seconds)
    };
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(join(ARTIFACTS, 'rerun-vs-full.json'), `${JSON.stringify(timing, null, 2)}\n`);
    console.log(
      `full restore ${timing.fullRestore.seconds.toFixed(2)} s (again: ${timing.fullRestoreAgain.seconds.toFixed(2)} s), mask re-run ${timing.rerun.seconds.toFixed(2)} s`
    );
  }
);

test('compare: slider, side by side, the toggle key and 1:1', async () => {
  const versionsList = page.getByRole('list', { name: 'Versions' });
  await versionsList.getByRole('button', { name: 'Compare Version 3 with the original' }).click();
  const compare = page.getByRole('region', { name: 'Compare original and restored' });
  await compare.waitFor();
  const compareImages = () =>
    imagesLoaded('section[aria-label="Compare original and restored"] img', 2, { width: W, height: H });
  await compareImages();
  assert.equal(
    await compare.getByRole('img', { name: 'Restored' }).getAttribute('src'),
    `/media/version/${lake.rerunVersion}?token=${new URL(served.url).searchParams.get('token')}`
  );

  const slider = compare.getByRole('slider', { name: 'Divider between original and restored' });
  assert.equal(await slider.getAttribute('aria-valuenow'), '50');
  await slider.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await slider.getAttribute('aria-valuenow'), '40');
  await compare.getByRole('button', { name: 'Zoom in (+)' }).click();
  await compare.getByRole('button', { name: 'Zoom in (+)' }).click();
  await compare.getByText('225%').waitFor();
  await shot('compare');

  const sideBySide = compare.getByRole('button', { name: 'Side by side view (\\)' });
  const sliderMode = compare.getByRole('button', { name: 'Slider view (\\)' });
  await sideBySide.click();
  assert.equal(await sideBySide.getAttribute('aria-pressed'), 'true');
  await slider.waitFor({ state: 'detached' });
  await compareImages();
  await shot('compare-side-by-side');
  // The toggle key flips back and forth.
  await page.keyboard.press('\\');
  assert.equal(await sliderMode.getAttribute('aria-pressed'), 'true');
  await slider.waitFor();
  await page.keyboard.press('\\');
  assert.equal(await sideBySide.getAttribute('aria-pressed'), 'true');

  await compare.getByRole('button', { name: 'Actual pixels (1)' }).click();
  await compare.getByText('100%', { exact: true }).waitFor();
  // Both images at one image pixel per screen pixel.
  for (const name of ['Original', 'Restored']) {
    const transform = await compare.getByRole('img', { name }).evaluate((img: any) => img.style.transform as string);
    assert.match(transform, /scale\(1\)$/);
  }
});

test('make a version current, delete another; the original is untouched', async () => {
  const versionsList = page.getByRole('list', { name: 'Versions' });
  await versionsList.getByRole('button', { name: 'Make Version 1 current' }).click();
  await versionsList.getByText('Version 1 · current').waitFor();
  assert.equal(
    (await api<{ currentVersionId: number }>('library:get', ids['lake-1962.jpg'])).currentVersionId,
    lake.detailVersion
  );
  await versionsList.getByRole('button', { name: 'Make Version 3 current' }).click();
  await versionsList.getByText('Version 3 (mask re-run) · current').waitFor();
  const photo = await api<{ currentVersionId: number }>('library:get', ids['lake-1962.jpg']);
  assert.equal(photo.currentVersionId, lake.rerunVersion);

  const doomed = (await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg'])).find(
    (v) => v.id === lake.albumVersion
  )!;
  await versionsList.getByRole('button', { name: 'Delete Version 2' }).click();
  // Labels renumber: the re-run is now Version 2.
  await versionsList.getByText('Version 2 (mask re-run) · current').waitFor();
  const left = await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg']);
  assert.deepEqual(
    left.map((v) => v.id),
    [lake.detailVersion, lake.rerunVersion]
  );
  assert.equal(existsSync(join(served.libraryDir, doomed.outputPath)), false, "the deleted version's files are gone");
  for (const v of left) assert.ok(existsSync(join(served.libraryDir, v.outputPath)));

  const lakePhoto = (await api<PhotoPage>('library:list', { offset: 0, limit: 10 })).items.find(
    (p) => p.id === ids['lake-1962.jpg']
  )!;
  const shard = join(served.libraryDir, 'originals', lakePhoto.sha256.slice(0, 2));
  const stored = join(
    shard,
    (await readdir(shard)).find((n) => n.startsWith(lakePhoto.sha256))!
  );
  assert.equal(await sha256(stored), lake.originalSha, 'the original is byte for byte what was imported');
  await page.getByRole('button', { name: 'Back to library' }).click();
});

test(
  'export the album to a folder (JPEG) and a .zip (16-bit TIFF): names, metadata, manifest',
  { timeout: 30_000 },
  async () => {
    // Coming back from a photo leaves nothing selected, so the album's actions stay the album's.
    await grid().getByRole('option').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Clear selection' }).count(), 0);
    await thumbnailsLoaded(3);
    await shot('library');
    await page.getByRole('button', { name: 'Export album' }).click();
    const dialog = page.getByRole('dialog', { name: `Export “${ALBUM}”` });
    // A restored album is exported restored unless the user says otherwise,
    // and the dialog says which version of each goes out.
    const which = dialog.getByRole('list', { name: 'Version exported of each photo' });
    await which
      .getByRole('listitem')
      .filter({ hasText: 'lake-1962.jpg' })
      .getByText('Version 2 (mask re-run)')
      .waitFor();
    assert.equal(await dialog.getByRole('combobox', { name: 'Photos' }).inputValue(), 'restored');
    assert.equal(await which.getByRole('listitem').count(), 3);
    await dialog.getByRole('combobox', { name: 'Photos' }).selectOption('both');
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption('jpeg');
    await dialog.getByRole('radio', { name: 'Folder' }).check();
    // Browser mode types the path (issue 29), and exports go only inside the `--exports` folder (issue 31):
    // the dialog says so, and a path elsewhere is refused in the dialog, naming that folder, with nothing written.
    await dialog
      .getByText('In browser mode exports go only inside the folder that heirloom serve --exports names.')
      .waitFor();
    await exportTo(dialog, join(work, ALBUM));
    const refusal = (await dialog.getByRole('alert').textContent({ timeout: 10_000 })) ?? '';
    assert.match(refusal, /is outside the export folder: exports go inside .*Exports/, refusal);
    assert.equal(existsSync(join(work, ALBUM)), false, 'nothing was written outside the export folder');
    const folder = join(work, 'Exports', ALBUM);
    await exportTo(dialog, folder, /Exported 6 files/);
    await shot('export');

    const names = (await readdir(folder)).sort();
    assert.equal(names.length, 7);
    assert.ok(names.includes('manifest.json'));
    const files = names.filter((n) => n !== 'manifest.json');
    assert.equal(new Set(files.map((n) => n.toLowerCase())).size, files.length, 'names are unique');
    for (const n of files) assert.match(n, /^\d{3} - [^/\\:*?"<>|]+\.jpg$/);
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    assert.equal(manifest.what, 'both');
    assert.deepEqual(manifest.files.map((f: { file: string }) => f.file).sort(), files);
    const current = new Map<number, number>();
    for (const id of Object.values(ids))
      current.set(id, (await api<{ currentVersionId: number }>('library:get', id)).currentVersionId);
    for (const f of manifest.files) {
      assert.ok(Object.values(ids).includes(f.photoId));
      assert.equal(
        f.source === 'restored' ? f.versionId : null,
        f.source === 'restored' ? current.get(f.photoId) : null
      );
      assert.equal((await stat(join(folder, f.file))).size, f.bytes);
    }
    assert.deepEqual(manifest.files.map((f: { source: string }) => f.source).sort(), [
      'original',
      'original',
      'original',
      'restored',
      'restored',
      'restored'
    ]);

    // The captioned photo: its caption names the files (sanitised), and date + caption ride along in EXIF.
    const lakeFiles = manifest.files.filter((f: { photoId: number }) => f.photoId === ids['lake-1962.jpg']);
    const prefix = lakeFiles[0].file.slice(0, 3);
    assert.deepEqual(lakeFiles.map((f: { file: string }) => f.file).sort(), [
      `${prefix} - Grandma at the lake_ 1962 07 (restored).jpg`,
      `${prefix} - Grandma at the lake_ 1962 07.jpg`
    ]);
    for (const f of lakeFiles) {
      const meta = await sharp(join(folder, f.file)).metadata();
      assert.equal(meta.format, 'jpeg');
      const exif = exifReader(meta.exif!);
      assert.equal(
        (exif.Photo?.DateTimeOriginal as Date).toISOString(),
        '1962-07-14T15:30:00.000Z',
        `${f.file} keeps the date taken`
      );
      assert.equal(exif.Image?.ImageDescription, CAPTION, `${f.file} carries the caption`);
      assert.equal(exif.Image?.Model, 'Brownie Starmatic');
      assert.equal(f.caption, CAPTION);
      assert.equal(f.originalName, 'lake-1962.jpg');
    }
    assert.equal(lakeFiles.find((f: { source: string }) => f.source === 'restored').versionId, lake.rerunVersion);
    // …and its pixels are the re-run's, not those of the version it was made from.
    const rgb = async (path: string) => sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer();
    const sse = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0);
    const outputOf = async (id: number) =>
      join(
        served.libraryDir,
        (await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg'])).find((v) => v.id === id)!.outputPath
      );
    const exported = await rgb(join(folder, lakeFiles.find((f: { source: string }) => f.source === 'restored').file));
    const fromRerun = sse(exported, await rgb(await outputOf(lake.rerunVersion)));
    const fromFirst = sse(exported, await rgb(await outputOf(lake.detailVersion)));
    assert.ok(
      fromRerun < fromFirst,
      `the export is the re-run (squared error ${fromRerun} against it, ${fromFirst} against Version 1)`
    );

    // Again as a .zip of 16-bit TIFFs.
    await dialog.getByRole('combobox', { name: 'Format' }).selectOption('tiff16');
    await dialog.getByRole('radio', { name: '.zip file' }).check();
    const zip = join(work, 'Exports', 'lake-house.zip');
    await exportTo(dialog, zip, `to ${zip}`);
    const listing = execFileSync('python3', ['-m', 'zipfile', '-l', zip], { encoding: 'utf8' });
    const entries = listing
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+\s*$/, ''))
      .filter(Boolean);
    assert.equal(entries.length, 7, listing);
    assert.deepEqual(
      entries.filter((e) => e !== 'manifest.json').sort(),
      files.map((n) => n.replace(/\.jpg$/, '.tif')).sort()
    );
    const out = join(work, 'unzipped');
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, out]);
    const zipped = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(zipped.format, 'tiff16');
    for (const f of zipped.files) {
      const meta = await sharp(join(out, f.file)).metadata();
      assert.equal(meta.format, 'tiff');
      assert.equal(meta.depth, 'ushort', `${f.file} is 16-bit`);
      assert.equal(f.bitDepth, 16);
    }
    const restoredTiff = zipped.files.find(
      (f: { photoId: number; source: string }) => f.photoId === ids['lake-1962.jpg'] && f.source === 'restored'
    );
    assert.equal(restoredTiff.metadata.dateTaken, TAKEN);
    assert.equal(restoredTiff.metadata.description, CAPTION);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }
);

test(
  'export a selection: the photos picked in the grid, in grid order, without an album',
  { timeout: 30_000 },
  async () => {
    const order = await grid()
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!.replace(/, restored$/, '')));
    await grid().getByRole('option', { name: 'wedding 1958.jpg' }).click();
    await grid()
      .getByRole('option', { name: 'lake-1962.jpg' })
      .click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Export selected…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export 2 selected photos' });
    await dialog.getByRole('combobox', { name: 'Photos' }).selectOption('restored');
    await dialog.getByRole('radio', { name: 'Folder' }).check();
    const folder = join(work, 'Exports', 'Picked');
    await exportTo(dialog, folder, /Exported 2 files/);
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    assert.equal(manifest.album, null);
    const expected = order.filter((n) => n === 'wedding 1958.jpg' || n === 'lake-1962.jpg').map((n) => ids[n]);
    assert.deepEqual(
      manifest.files.map((f: { photoId: number }) => f.photoId),
      expected,
      'grid order, not click order'
    );
    assert.ok(
      manifest.files.every(
        (f: { source: string; file: string }) => f.source === 'restored' && f.file.endsWith(' (restored).jpg')
      )
    );
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear selection' }).click();
  }
);

test(
  'with nothing selected, "Restore all" restores what the grid shows, asking first about photos already restored',
  { timeout: 60_000 },
  async () => {
    const newJobs = async (before: JobInfo[], n: number, what: string): Promise<JobInfo[]> => {
      const jobs = await waitForJobs((j) => j.length === before.length + n && j.every((x) => x.state === 'done'), what);
      return jobs.filter((j) => !before.some((b) => b.id === j.id));
    };
    await page.getByRole('button', { name: 'All photos' }).click();
    await upload('garden.jpg', await jpeg(3));
    await thumbnailsLoaded(4);
    const gardenId = (await api<PhotoPage>('library:list', { offset: 0, limit: 10, restored: false })).items.map(
      (p) => p.id
    );
    assert.equal(gardenId.length, 1, 'only the new photo is not restored yet');

    // The new scan came in sideways: turned with another photo; the restored one stays as it was, and says why.
    await grid().getByRole('option', { name: 'garden.jpg' }).click();
    await grid()
      .getByRole('option', { name: /^porch\.jpg/ })
      .click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Turn selected right' }).click();
    await page
      .getByRole('status')
      .getByText(/^Turned 1 photo right\. 1 left as it was: porch\.jpg has \d restored versions?: delete/)
      .waitFor();
    assert.equal((await api<{ rotation: number }>('library:get', gardenId[0])).rotation, 90);
    assert.equal((await api<{ rotation: number }>('library:get', ids['porch.jpg'])).rotation, 0);
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // Three of the four are restored: offered only the one that is not.
    let before = await api<JobInfo[]>('jobs:list', { active: false, limit: 100 });
    await page.getByRole('button', { name: 'Restore all 4' }).click();
    const question = page.getByRole('group', { name: 'Confirm restoring 4 photos' });
    await question.getByText('3 of these 4 photos already have a restored version.').waitFor();
    await question.getByRole('button', { name: 'Only the 1 not restored' }).click();
    await question.waitFor({ state: 'detached' });
    const [gardenJob] = await newJobs(before, 1, "the new photo's restore");
    assert.deepEqual([gardenJob!.photoId], gardenId);
    const [gardenVersion] = await api<VersionInfo[]>('versions:list', gardenId[0]);
    const turned = await sharp(join(served.libraryDir, gardenVersion!.outputPath)).metadata();
    assert.deepEqual([turned.width, turned.height], [H, W], 'restored the way it was turned');
    await page.getByRole('button', { name: 'Close restore queue' }).click();

    // A search leaves one photo, already restored: Cancel queues nothing, "Restore again" restores that photo only.
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('porch');
    await page.getByText('1 photo', { exact: true }).waitFor();
    before = await api<JobInfo[]>('jobs:list', { active: false, limit: 100 });
    const one = page.getByRole('group', { name: 'Confirm restoring 1 photo' });
    await page.getByRole('button', { name: 'Restore all 1' }).click();
    await one.getByText('This photo already has a restored version; restoring again adds a new one.').waitFor();
    await one.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Restore all 1' }).waitFor();
    assert.equal(
      (await api<JobInfo[]>('jobs:list', { active: false, limit: 100 })).length,
      before.length,
      'Cancel queued nothing'
    );
    await page.getByRole('button', { name: 'Restore all 1' }).click();
    await one.getByRole('button', { name: 'Restore again' }).click();
    assert.deepEqual(
      (await newJobs(before, 1, "the searched photo's restore")).map((j) => j.photoId),
      [ids['porch.jpg']]
    );
    await page.getByRole('button', { name: 'Close restore queue' }).click();
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
  }
);

test('Settings: the re-run caches are sized and removed to free space; versions and restores stay', async () => {
  const versionsBefore = await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg']);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByText(/^Re-run caches: [1-9][\d.]* MB\./).waitFor();
  await settings.getByRole('button', { name: 'Remove re-run caches' }).click();
  await settings
    .getByRole('status')
    .getByText(/^Removed the caches of \d+ versions: [\d.]+ MB freed\.$/)
    .waitFor();
  await settings.getByText('Re-run caches: 0.0 MB.').waitFor();
  assert.equal(await settings.getByRole('button', { name: 'Remove re-run caches' }).count(), 0);
  const versionsAfter = await api<VersionInfo[]>('versions:list', ids['lake-1962.jpg']);
  assert.deepEqual(
    versionsAfter.map((v) => [v.id, v.outputPath, v.latentPath]),
    versionsBefore.map((v) => [v.id, v.outputPath, null])
  );
  await settings.getByRole('button', { name: 'Close Settings' }).click();
});

test('photos dragged from the grid onto an album in the sidebar are added to it', async () => {
  await page.getByRole('button', { name: 'All photos' }).click();
  const garden = grid().getByRole('option', { name: /^garden\.jpg/ });
  await garden.click();
  await garden.dragTo(page.getByRole('button', { name: `Album ${ALBUM}, 3 photos` }));
  await page.getByRole('button', { name: `Album ${ALBUM}, 4 photos` }).waitFor();
  await page.getByRole('button', { name: 'Clear selection' }).click();
});

test(
  'every view fits at 1280×800 and 1920×1080, the queue panel open and closed (screenshots in test-artifacts/layout-*)',
  { timeout: 120_000 },
  async () => {
    const oneRow = async (toolbar: ReturnType<typeof page.getByRole>, what: string) => {
      const box = (await toolbar.boundingBox())!;
      const button = (await toolbar.getByRole('button').first().boundingBox())!;
      assert.ok(
        box.height < button.height * 2,
        `${what} is one row (${box.height} px high, buttons ${button.height} px)`
      );
    };
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080]
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const open of [false, true]) {
        const name = (view: string) => `layout-${view}-${width}x${height}-queue-${open ? 'open' : 'closed'}`;
        if (open !== (await queue().count()) > 0) await page.getByRole('button', { name: /^Restore queue, / }).click();
        await grid()
          .getByRole('option', { name: /^lake-1962\.jpg/ })
          .waitFor();
        await page.waitForTimeout(300); // thumbnails settle
        await screenshot(page, name('library'));

        await grid()
          .getByRole('option', { name: /^lake-1962\.jpg/ })
          .dblclick();
        const title = detail().getByRole('heading', { name: 'lake-1962.jpg' });
        await title.waitFor();
        await detail()
          .getByRole('status', { name: 'On screen' })
          .getByText(/^Restored: /)
          .waitFor();
        await screenshot(page, name('photo'));
        // The header is one row, and the title is whole.
        const back = (await detail().getByRole('button', { name: 'Back to library' }).boundingBox())!;
        const restore = (await detail().getByRole('button', { name: 'Restore', exact: true }).boundingBox())!;
        assert.ok(
          Math.abs(back.y - restore.y) < 4 && back.height < 40,
          `the photo header is one row at ${width} px, queue ${open ? 'open' : 'closed'}`
        );
        assert.ok(await title.evaluate((h) => h.scrollWidth <= h.clientWidth), 'the title is not cut');
        await oneRow(detail().getByRole('toolbar', { name: 'Zoom' }), 'the zoom bar');

        await page.getByRole('button', { name: 'Compare Version 1 with the original' }).click();
        const compare = page.getByRole('region', { name: 'Compare original and restored' });
        await compare.getByRole('button', { name: 'Slider view (\\)' }).click();
        await compare.getByRole('img', { name: 'Restored' }).first().waitFor();
        await screenshot(page, name('compare'));
        // Side by side opens fitted: both images whole in their panes.
        await compare.getByRole('button', { name: 'Side by side view (\\)' }).click();
        await page.waitForTimeout(100);
        const inside = await compare.locator('.pane').evaluateAll((panes) =>
          panes.map((p) => {
            const a = p.getBoundingClientRect();
            const b = p.querySelector('img')!.getBoundingClientRect();
            return b.left >= a.left - 1 && b.top >= a.top - 1 && b.right <= a.right + 1 && b.bottom <= a.bottom + 1;
          })
        );
        assert.deepEqual(inside, [true, true], 'side by side, both images are whole');
        await screenshot(page, name('side-by-side'));
        await compare.getByRole('button', { name: 'Slider view (\\)' }).click();

        await page.getByRole('button', { name: 'Edit the scratch mask of Version 1' }).click();
        const tools = page.getByRole('toolbar', { name: 'Mask tools' });
        await tools.waitFor();
        await screenshot(page, name('mask-editor'));
        await oneRow(tools, 'the mask toolbar');
        await page.keyboard.press('Escape');
        await tools.waitFor({ state: 'detached' });
        await page.getByRole('button', { name: 'Back to library' }).click();
        await title.waitFor({ state: 'detached' });
      }
      if ((await queue().count()) > 0) await page.getByRole('button', { name: /^Restore queue, / }).click();
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  }
);

test('no page errors or CSP violations along the way', () => {
  assert.deepEqual(problems, []);
});
