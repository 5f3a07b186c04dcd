/**
 * Browser mode end to end: a folder of generated photos (plus one broken
 * file) is imported through the folder input, thumbnails load, an album is
 * made and filled, search narrows the grid, a photo opens at full size with
 * zoom and a tag, is turned, cropped and straightened, scans are cropped to
 * their prints, and after a reload everything is still there. With
 * HEIRLOOM_UPDATE_SCREENSHOTS=1 the crop tool's screenshot goes to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { straightened } from '../../src/shared/crop.ts';
import { photoPixels } from '../helpers/images.ts';
import { publishScreenshots, screenshot, waitForPage, type Browser, type Served } from './serve-harness.ts';
import { closeSession, openSession } from './session.ts';

let work: string;
let served: Served;
let browser: Browser;
let page: Page;
/** Uncaught page errors and CSP violations: the app must produce none. */
const problems: string[] = [];

const GOOD = [
  { name: 'beach-1962.jpg', w: 640, h: 480, format: 'jpeg' as const },
  { name: 'beach-1963.png', w: 500, h: 700, format: 'png' as const },
  { name: 'Farm/farm-barn.jpg', w: 800, h: 600, format: 'jpeg' as const },
  { name: 'Farm/farm-horses.webp', w: 600, h: 400, format: 'webp' as const },
  { name: 'Farm/Winter/farm-snow.tiff', w: 400, h: 300, format: 'tiff' as const },
  { name: 'wedding.jpg', w: 1200, h: 900, format: 'jpeg' as const }
];

/** A smooth, seeded photo-like image so every file has distinct content. */
async function photo(w: number, h: number, seed: number, format: 'jpeg' | 'png' | 'webp' | 'tiff'): Promise<Buffer> {
  return sharp(photoPixels(w, h, seed), { raw: { width: w, height: h, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

before(async () => {
  ({ work, served, browser, page } = await openSession('heirloom-e2e-', problems, {
    async prepare(work) {
      const photos = join(work, 'Family photos');
      for (const [i, g] of GOOD.entries()) {
        await mkdir(join(photos, g.name, '..'), { recursive: true });
        await writeFile(join(photos, g.name), await photo(g.w, g.h, i, g.format));
      }
      // Truncated JPEG: a real header, then nothing.
      await writeFile(join(photos, 'broken.jpg'), (await photo(300, 200, 9, 'jpeg')).subarray(0, 200));
    }
  }));
});

after(async () => {
  await closeSession({ work, served, browser });
  await publishScreenshots(['crop']);
});

/** The photo grid (a listbox), so <option>s of selects elsewhere never match. */
const grid = () => page.getByRole('listbox', { name: 'Photos' });

/** Waits until the grid's thumbnail of `name` has loaded and `check` (browser-side, over its `img`) holds. */
async function thumbnailShows(name: string, check: string, what: string): Promise<void> {
  await waitForPage(
    page,
    `(() => {
      const img = document.querySelector('[role="option"][aria-label=${JSON.stringify(name)}] img');
      return !!img && img.complete && (${check});
    })()`,
    what
  );
}

/** A PNG of a print (a generated photo, `w` × `h`) laid at (left, top) on a scanner's white lid of `lidW` × `lidH`. */
async function lidScan(
  lidW: number,
  lidH: number,
  print: { w: number; h: number; seed: number; left: number; top: number },
  lid: string
): Promise<Buffer> {
  return sharp({ create: { width: lidW, height: lidH, channels: 3, background: lid } })
    .composite([{ input: await photo(print.w, print.h, print.seed, 'png'), left: print.left, top: print.top }])
    .png()
    .toBuffer();
}

/** Drops a file onto the element the browser-side expression `target` finds, as a drag from the desktop does. */
async function dropFile(bytes: Buffer, name: string, target: string): Promise<void> {
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], ${JSON.stringify(name)}, { type: 'image/png' }));
    const target = ${target};
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  })()`);
}

async function thumbnailsLoaded(p: Page, count: number): Promise<void> {
  // Browser-side code as a string: this file is type-checked without the DOM lib.
  await waitForPage(
    p,
    `(() => {
      const imgs = [...document.querySelectorAll('[role="option"] img')];
      return imgs.length === ${count} && imgs.every((i) => i.complete && i.naturalWidth > 0);
    })()`,
    `${count} loaded thumbnails`,
    60_000
  );
}

test('import a folder, see thumbnails and the broken file named', { timeout: 180_000 }, async () => {
  await page.goto(served.url);
  await page.getByRole('heading', { name: 'All photos' }).waitFor();
  await page.getByText('Your library is empty.').waitFor();
  await screenshot(page, '01-empty-library');

  await page.getByLabel('Choose a photo folder').setInputFiles(join(work, 'Family photos'));
  await page.getByText(`Imported ${GOOD.length} photos`).waitFor({ timeout: 120_000 });
  await page.getByText('1 failed').waitFor();
  const errors = page.getByRole('list', { name: 'Import errors' });
  await errors.getByText('Family photos/broken.jpg').waitFor();
  assert.equal(await errors.getByRole('listitem').count(), 1);

  await page.getByText(`${GOOD.length} photos`, { exact: true }).waitFor();
  await thumbnailsLoaded(page, GOOD.length);
  assert.equal(await grid().getByRole('option').count(), GOOD.length);
  await screenshot(page, '02-imported');
});

test('create an album and add selected photos', async () => {
  await page.getByRole('textbox', { name: 'New album name' }).fill('Summer holidays');
  await page.getByRole('button', { name: 'Create album' }).click();
  await page.getByRole('button', { name: 'Album Summer holidays, 0 photos' }).waitFor();

  const options = grid().getByRole('option');
  await options.nth(0).click();
  await options.nth(2).click({ modifiers: ['Shift'] });
  await page.getByText('3 selected', { exact: true }).waitFor();
  await options.nth(4).click({ modifiers: ['Control'] });
  await page.getByText('4 selected', { exact: true }).waitFor();
  await options.nth(4).click({ modifiers: ['Control'] });
  await page.getByText('3 selected', { exact: true }).waitFor();

  await page.getByRole('button', { name: 'Add 3 selected to Summer holidays' }).click();
  await page.getByRole('button', { name: 'Album Summer holidays, 3 photos' }).waitFor();
  await page.getByRole('button', { name: 'Album Summer holidays, 3 photos' }).click();
  await page.getByRole('heading', { name: 'Summer holidays' }).waitFor();
  await page.getByText('3 photos', { exact: true }).waitFor();
  await thumbnailsLoaded(page, 3);
  await screenshot(page, '03-album');
});

test('reorder an album by dragging, rename it, drop a file onto it', async () => {
  const album = (n: number) => page.getByRole('button', { name: `Album Summer holidays, ${n} photos` });
  const order = () =>
    grid()
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  const before = await order();
  await grid().getByRole('option').nth(2).dragTo(grid().getByRole('option').nth(0));
  await grid()
    .getByRole('option')
    .first()
    .and(page.getByRole('option', { name: before[2]!, exact: true }))
    .waitFor();
  assert.deepEqual(await order(), [before[2], before[0], before[1]]);

  // A file dropped onto the album row is imported straight into it: a postcard scanned on a white lid.
  const postcard = await lidScan(320, 240, { w: 240, h: 160, seed: 42, left: 40, top: 40 }, '#f3f3f1');
  await dropFile(
    postcard,
    'dropped-postcard.png',
    `[...document.querySelectorAll('nav li')].find((li) => li.textContent.includes('Summer holidays'))`
  );
  await album(4).waitFor();
  await page.getByText('4 photos', { exact: true }).waitFor();
  await page.getByRole('option', { name: 'dropped-postcard.png' }).waitFor();
  // The album row took the drop; the window's "drop here" overlay went with it.
  assert.equal(await page.getByText(/^Drop photos or folders to import/).count(), 0);

  await page.getByRole('button', { name: 'Rename album Summer holidays' }).click();
  await page.getByRole('textbox', { name: 'New name for album Summer holidays' }).fill('Summers');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Album Summers, 4 photos' }).waitFor();
  await page.getByRole('button', { name: 'Rename album Summers' }).click();
  await page.getByRole('textbox', { name: 'New name for album Summers' }).fill('Summer holidays');
  await page.keyboard.press('Enter');
  await album(4).waitFor();

  // A second album, made and deleted again; its photos stay in the library.
  await page.getByRole('textbox', { name: 'New album name' }).fill('Scratch');
  await page.getByRole('button', { name: 'Create album' }).click();
  await page.getByRole('button', { name: 'Delete album Scratch' }).click();
  await page
    .getByRole('group', { name: 'Confirm deleting album Scratch' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await page.getByRole('button', { name: /^Album Scratch/ }).waitFor({ state: 'detached' });
});

test('search narrows the grid', async () => {
  await page.getByRole('button', { name: 'All photos' }).click();
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('farm');
  await page.getByText('3 photos', { exact: true }).waitFor();
  const names = await grid()
    .getByRole('option')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.deepEqual(names.sort(), ['farm-barn.jpg', 'farm-horses.webp', 'farm-snow.tiff']);
  await screenshot(page, '04-search');
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
  await page.getByText(`${GOOD.length + 1} photos`, { exact: true }).waitFor();
});

test('a photo opens at full resolution, zooms and takes a tag', async () => {
  await page.getByRole('option', { name: 'wedding.jpg' }).dblclick();
  const original = page.getByRole('application', { name: /Photo viewer/ }).getByAltText('wedding.jpg');
  await waitForPage(
    page,
    `(() => {
      const img = document.querySelector('.stage img');
      return !!img && img.complete && img.naturalWidth === 1200 && img.naturalHeight === 900;
    })()`,
    'the full-resolution original'
  );
  assert.equal(await original.count(), 1);
  await page.getByRole('button', { name: 'Actual pixels' }).click();
  await page.getByText('100%').waitFor();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByText('125%').waitFor();
  await page.getByRole('button', { name: 'Fit' }).click();

  // A sideways scan is turned upright: the viewer and the grid's thumbnail both show it turned.
  const shown = (w: number, h: number) => `(() => {
      const img = document.querySelector('.stage img');
      return !!img && img.complete && img.naturalWidth === ${w} && img.naturalHeight === ${h};
    })()`;
  await page.getByRole('button', { name: 'Turn right' }).click();
  await waitForPage(page, shown(900, 1200), 'the original turned a quarter right');
  await page.getByRole('definition').filter({ hasText: '900 × 1200 px' }).waitFor();
  await page.getByRole('button', { name: 'Turn right' }).click();
  await waitForPage(page, shown(1200, 900), 'the original turned upside down');
  assert.match((await page.locator('.stage img').getAttribute('src'))!, /\.r180\b/);
  await page.getByRole('button', { name: 'Turn left' }).click();
  await page.getByRole('button', { name: 'Turn left' }).click();
  await waitForPage(
    page,
    `(() => { const img = document.querySelector('.stage img'); return !!img && !/\\.r\\d+/.test(img.src) && img.complete && img.naturalWidth === 1200; })()`,
    'the original as imported'
  );
  await page.getByRole('button', { name: 'Turn left' }).click();
  await waitForPage(page, shown(900, 1200), 'the original turned a quarter left');
  await page.keyboard.press('[');
  await waitForPage(
    page,
    `(() => { const img = document.querySelector('.stage img'); return !!img && /\\.r180\\b/.test(img.src) && img.complete; })()`,
    '[ turning it on'
  );
  await page.keyboard.press(']');
  await waitForPage(page, shown(900, 1200), '] turning it back');

  // Cropped to the print: C opens the tool over the whole photo; a corner dragged in, Esc leaves it as it was.
  const tool = page.getByRole('toolbar', { name: 'Crop' });
  const dragCorner = async (fx: number, fy: number): Promise<string> => {
    const box = (await page.locator('.crop-tool .box').boundingBox())!;
    const grip = (await page.locator('.grip.nw').boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height, { steps: 6 });
    await page.mouse.up();
    return (await page.getByRole('group', { name: /^Crop rectangle/ }).getAttribute('aria-label'))!;
  };
  await page.keyboard.press('c');
  await tool.waitFor();
  assert.ok(await page.getByRole('button', { name: 'Turn right' }).isDisabled(), 'no turning while cropping');
  await tool.getByRole('button', { name: 'Find print' }).click();
  await tool
    .getByRole('status')
    .getByText('No even margin around the print was found: draw the crop by hand.')
    .waitFor();
  // The corner follows the pointer to about a quarter in (a grip is a few pixels wide); the far sides stay.
  const [, w1, h1, l1, t1] = /^Crop rectangle, (\d+) × (\d+) at (\d+), (\d+)$/
    .exec(await dragCorner(0.25, 0.25))!
    .map(Number);
  assert.ok(Math.abs(l1! - 225) <= 12 && Math.abs(t1! - 300) <= 12, `the corner moved to ${l1}, ${t1}`);
  assert.deepEqual([w1! + l1!, h1! + t1!], [900, 1200]);
  // Without a pointer: Alt + arrows resize from the bottom-right corner, Shift + arrows move by 10 px.
  const rect = page.getByRole('group', { name: /^Crop rectangle/ });
  await page.keyboard.press('Alt+ArrowLeft');
  await page.keyboard.press('Shift+ArrowUp');
  assert.equal(await rect.getAttribute('aria-label'), `Crop rectangle, ${w1! - 1} × ${h1} at ${l1}, ${t1! - 10}`);
  // A print's shape: 3:2 comes out portrait (2:3) on a portrait crop; ⇄ turns it landscape.
  const ratio = async () => {
    const [, w, h] = /^Crop rectangle, (\d+) × (\d+)/.exec((await rect.getAttribute('aria-label'))!)!.map(Number);
    return w! / h!;
  };
  await tool.getByRole('combobox', { name: 'Shape' }).selectOption('3:2');
  assert.ok(Math.abs((await ratio()) - 2 / 3) < 0.01, `portrait 2:3, got ${await ratio()}`);
  await tool.getByRole('button', { name: 'Swap to landscape' }).click();
  assert.ok(Math.abs((await ratio()) - 3 / 2) < 0.01, `landscape 3:2, got ${await ratio()}`);
  await tool.getByRole('combobox', { name: 'Shape' }).selectOption('free');
  await page.keyboard.press('Escape');
  await tool.waitFor({ state: 'detached' });
  await waitForPage(page, shown(900, 1200), 'the photo uncropped after Esc, still open');
  // Again, applied with Enter: the viewer, the size and the grid show the crop.
  await page.getByRole('button', { name: 'Crop', exact: true }).click();
  const [, cw, ch] = /^Crop rectangle, (\d+) × (\d+)/.exec(await dragCorner(0.2, 0.1))!;
  await screenshot(page, '05-crop');
  await page.keyboard.press('Enter');
  await tool.waitFor({ state: 'detached' });
  await waitForPage(page, shown(Number(cw), Number(ch)), 'the cropped photo');
  await page
    .getByRole('definition')
    .filter({ hasText: `${cw} × ${ch} px` })
    .waitFor();
  await page
    .getByRole('definition')
    .filter({ hasText: 'from 900 × 1200 px (the original file is unchanged)' })
    .waitFor();
  // "Whole photo" takes the crop away.
  await page.getByRole('button', { name: 'Crop', exact: true }).click();
  await tool.getByRole('button', { name: 'Whole photo' }).click();
  await tool.getByRole('button', { name: 'Remove crop' }).click();
  await waitForPage(page, shown(900, 1200), 'the whole photo again');
  await page.getByRole('button', { name: 'Crop', exact: true }).click();
  await dragCorner(0.2, 0.1);
  await tool.getByRole('button', { name: 'Apply crop' }).click();
  await waitForPage(page, shown(Number(cw), Number(ch)), 'cropped again');
  // A crooked print straightened: the slider turns the picture and the frame shrinks
  // to hold none of the corners it brings in.
  await page.getByRole('button', { name: 'Crop', exact: true }).click();
  await tool.getByRole('button', { name: 'Whole photo' }).click();
  await tool.getByRole('slider', { name: 'Straighten' }).focus();
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowRight');
  await tool.getByRole('button', { name: 'Level, now 2.5°' }).waitFor();
  const level = straightened({ width: 900, height: 1200 }, 2.5);
  await page.getByRole('group', { name: `Crop rectangle, ${level.width} × ${level.height} at 0, 0` }).waitFor();
  await screenshot(page, 'crop');
  await tool.getByRole('button', { name: 'Apply crop' }).click();
  await waitForPage(page, shown(level.width, level.height), 'the straightened photo');
  await page.getByRole('definition').filter({ hasText: 'clockwise by 2.5°' }).waitFor();

  // The real date of an old print, typed loosely: a wrong one is flagged before saving.
  const taken = page.getByRole('textbox', { name: 'Date taken' });
  await taken.fill('14.7.1962');
  await page
    .getByRole('alert')
    .getByText(/^Type a year \(1962\), a month/)
    .waitFor();
  assert.ok(await page.getByRole('button', { name: 'Save date' }).isDisabled());
  await taken.fill('1962-7');
  await page.getByRole('button', { name: 'Save date' }).click();
  await page.getByRole('definition').filter({ hasText: 'July 1962' }).waitFor();
  assert.equal(await taken.inputValue(), '1962-07');

  await page.getByRole('combobox', { name: 'Add tag' }).fill('grandma');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByRole('button', { name: 'Remove tag grandma' }).waitFor();
  await page.getByRole('textbox', { name: 'Caption' }).fill('Aunt Rose and Uncle Ted');
  await page.getByRole('button', { name: 'Save caption' }).click();
  await page.getByRole('button', { name: 'Save caption' }).and(page.locator(':disabled')).waitFor();
  await screenshot(page, '05-detail');
  await page.getByRole('button', { name: 'Back to library' }).click();
  await page.getByRole('button', { name: 'Show photos tagged grandma' }).waitFor();
  await thumbnailShows(
    'wedding.jpg',
    `/\\.r270\\.t2\\.5\\b/.test(img.src) && img.naturalHeight > img.naturalWidth`,
    "the grid's thumbnail, turned and straightened"
  );

  // The only dated photo leads the date order (undated ones follow); by name is alphabetical, case aside.
  const labels = () =>
    grid()
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!.replace(/, restored$/, '')));
  const order = page.getByRole('combobox', { name: 'Order' });
  await order.selectOption('taken');
  await waitForPage(
    page,
    `document.querySelector('[role="option"]')?.getAttribute('aria-label') === 'wedding.jpg'`,
    'the dated photo first'
  );
  await order.selectOption('name');
  await waitForPage(
    page,
    `document.querySelector('[role="option"]')?.getAttribute('aria-label') !== 'wedding.jpg'`,
    'the name order'
  );
  const byName = await labels();
  assert.deepEqual(
    byName,
    [...byName].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
  );

  // A box of prints labelled "1963": dated together from the grid, then found by their decade.
  await grid().getByRole('option', { name: 'beach-1962.jpg' }).click();
  await grid()
    .getByRole('option', { name: 'farm-barn.jpg' })
    .click({ modifiers: ['Control'] });
  await screenshot(page, '05-selection');
  await page.getByRole('button', { name: 'Date…' }).click();
  await screenshot(page, '05-dating');
  const dating = page.getByRole('group', { name: 'Date 2 selected photos' });
  await dating.getByRole('textbox', { name: 'Date taken for the selected photos' }).fill('1963');
  await dating.getByRole('button', { name: 'Set date' }).click();
  await page.getByRole('status').getByText('Dated 1963: 2 photos.').waitFor();
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('1960s');
  await page.getByText('3 photos', { exact: true }).waitFor();
  assert.deepEqual((await labels()).sort(), ['beach-1962.jpg', 'farm-barn.jpg', 'wedding.jpg']);
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
});

test('after a reload everything is still there', async () => {
  await page.reload();
  await page.getByText(`${GOOD.length + 1} photos`, { exact: true }).waitFor();
  await thumbnailsLoaded(page, GOOD.length + 1);
  // The grid's order is kept with the other view settings; back to the import order for what follows.
  assert.equal(await page.getByRole('combobox', { name: 'Order' }).inputValue(), 'name');
  await page.getByRole('combobox', { name: 'Order' }).selectOption('imported');
  await page.getByRole('button', { name: 'Album Summer holidays, 4 photos' }).click();
  await page.getByText('4 photos', { exact: true }).waitFor();
  const names = await grid()
    .getByRole('option')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.equal(names[3], 'dropped-postcard.png');
  await page.getByRole('button', { name: 'Show photos tagged grandma' }).click();
  await page.getByText('1 photo', { exact: true }).waitFor();
  assert.deepEqual(
    await grid()
      .getByRole('option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    ['wedding.jpg']
  );
  await page.getByRole('button', { name: 'All photos' }).click();
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('Uncle Ted');
  await page.getByText('1 photo', { exact: true }).waitFor();
  await screenshot(page, '06-after-reload');
});

test('a selection of scans is cropped to its prints at once (and undone); a photo without a margin is left as it was', async () => {
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
  await page.getByRole('button', { name: 'All photos' }).click();
  await page.getByText(`${GOOD.length + 1} photos`, { exact: true }).waitFor();
  await grid().getByRole('option', { name: 'dropped-postcard.png' }).click();
  await grid()
    .getByRole('option', { name: 'beach-1962.jpg' })
    .click({ modifiers: ['Control'] });
  await page.getByRole('button', { name: 'Crop to print' }).click();
  await page
    .getByRole('status')
    .getByText('Cropped 1 photo to the print. 1 photo had no even margin around a print.')
    .waitFor();
  // The postcard's thumbnail is the card alone (240 × 160, a pixel in from its edge), no longer the scan's 4:3.
  await thumbnailShows(
    'dropped-postcard.png',
    `/\\.c4\\d_4\\d_23\\d_15\\d\\b/.test(img.src) && Math.abs(img.naturalWidth / img.naturalHeight - 1.5) < 0.03`,
    "the postcard's thumbnail, cropped to the card"
  );
  // Undo puts the scan back as it was.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').getByText('Put back 1 photo as it was.').waitFor();
  await thumbnailShows(
    'dropped-postcard.png',
    `!/\\.c\\d/.test(img.src) && img.naturalWidth / img.naturalHeight === 4 / 3`,
    "the postcard's thumbnail, the whole scan again"
  );
  assert.equal(await page.getByRole('button', { name: 'Undo' }).count(), 0, 'nothing more to undo');
  await page.getByRole('button', { name: 'Clear selection' }).click();
});

test('with "crop scans as they are imported" on, a scan dropped in comes in cut to its print', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('checkbox', { name: 'Crop scans to their print as they are imported' }).check();
  await settings.getByRole('button', { name: 'Close Settings' }).click();
  await dropFile(
    await lidScan(300, 220, { w: 200, h: 140, seed: 43, left: 50, top: 40 }, '#f4f4f2'),
    'lid-scan.png',
    `document.querySelector('.app')`
  );
  await page.getByText(`${GOOD.length + 2} photos`, { exact: true }).waitFor();
  await page.getByRole('status').getByText('Cropped 1 photo to the print.').waitFor();
  await thumbnailShows(
    'lid-scan.png',
    `/\\.c5\\d_4\\d_19\\d_13\\d\\b/.test(img.src) && Math.abs(img.naturalWidth / img.naturalHeight - 200 / 140) < 0.03`,
    'the scan, cut to its print on import'
  );
});

test('remove photos from the library: asked first, gone from grid and album, the source files untouched', async () => {
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
  await page.getByRole('button', { name: 'Album Summer holidays, 4 photos' }).click();
  await page.getByText('4 photos', { exact: true }).waitFor();
  const family = (await grid().getByRole('option').first().getAttribute('aria-label'))!;
  await grid().getByRole('option', { name: 'dropped-postcard.png' }).click();
  await grid()
    .getByRole('option', { name: family, exact: true })
    .click({ modifiers: ['Control'] });
  await page.getByText('2 selected', { exact: true }).waitFor();
  // Delete asks; Cancel keeps everything.
  await grid().press('Delete');
  const confirm = page.getByRole('group', { name: 'Confirm removing 2 photos from the library' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Remove from library…' }).click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('button', { name: 'Album Summer holidays, 2 photos' }).waitFor();
  await page.getByText('2 photos', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'All photos' }).click();
  // Two removed, the lid scan imported with its crop still there.
  await page.getByText(`${GOOD.length} photos`, { exact: true }).waitFor();
  assert.equal(await grid().getByRole('option', { name: family, exact: true }).count(), 0);
  const source = GOOD.find((g) => g.name.endsWith(family))!;
  assert.ok((await readFile(join(work, 'Family photos', source.name))).length > 0, 'the imported file is still there');
});

test('no page errors or CSP violations along the way', () => {
  assert.deepEqual(problems, []);
});
