/**
 * `npm run bench:library`: the photo library at the sizes issue 2 names.
 *
 *  1. import of N generated photos (default 2,000 JPEGs of 1024×768) through the
 *     same `importPaths` the app uses: photos/s, thumbnails/s, and the longest
 *     stall of the event loop that runs it (the Electron main process in the app);
 *  2. the grid's page query with 10,000 photos (the imported ones plus rows
 *     cloned from them): p50/p95 per sort and filter;
 *  3. when the renderer is built and Chromium is present, scrolling the
 *     virtualised grid of those 10,000 photos in browser mode: frame times.
 *
 *   npm run bench:library [-- --photos 2000] [--total 10000] [--no-scroll] [--out bench-results/library.json]
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import sharp from 'sharp';
import { importPaths } from '../../src/main/import/import-files.ts';
import { openLibrary } from '../../src/main/library/open-library.ts';
import { createAlbum, addToAlbum } from '../../src/main/library/queries/albums.ts';
import { listPhotos } from '../../src/main/library/queries/photos.ts';
import { reindexPhoto } from '../../src/main/library/queries/search.ts';
import { setTags } from '../../src/main/library/queries/tags.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { photoPixels } from '../../test/helpers/images.ts';
import { scrollGrid } from './scroll-grid.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '2000' },
    total: { type: 'string', default: '10000' },
    'no-scroll': { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench-results', 'library.json') }
  }
});
const N = Number(values.photos);
const TOTAL = Number(values.total);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function generate(dir: string): Promise<string[]> {
  // A handful of base images varied per file (tint + crop offset) keeps generation fast while every file differs.
  const bases = await Promise.all(
    [0, 1, 2, 3].map((s) =>
      sharp(photoPixels(1100, 840, s), { raw: { width: 1100, height: 840, channels: 3 } })
        .png()
        .toBuffer()
    )
  );
  const files: string[] = [];
  for (let i = 0; i < N; i++) {
    const file = join(dir, `box-${Math.floor(i / 100)}`, `scan-${String(i).padStart(5, '0')}.jpg`);
    files.push(file);
  }
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < N; i += 4) {
        await mkdir(dirname(files[i]!), { recursive: true });
        await sharp(bases[i % 4]!)
          .extract({ left: i % 70, top: (i * 7) % 70, width: 1024, height: 768 })
          .modulate({ hue: (i * 13) % 360, brightness: 0.8 + ((i * 7) % 40) / 100 })
          .jpeg({ quality: 88 })
          .toFile(files[i]!);
      }
    })
  );
  return files;
}

/** Clones imported rows (and their library files) until the library holds `total` photos. */
async function fillTo(db: Database.Database, lib: string, total: number): Promise<void> {
  const paths = libraryPaths(lib);
  const seeds = db.prepare('SELECT * FROM photos ORDER BY id').all() as Record<string, unknown>[];
  const insert = db.prepare(
    `INSERT INTO photos (sha256, file_name, ext, format, width, height, bit_depth, channels, bytes, taken_at, orientation, camera, imported_at, caption)
     VALUES (@sha256, @file_name, @ext, @format, @width, @height, @bit_depth, @channels, @bytes, @taken_at, @orientation, @camera, @imported_at, @caption)`
  );
  const have = seeds.length;
  const rows: { id: number; sha: string; from: Record<string, unknown> }[] = [];
  db.transaction(() => {
    for (let i = have; i < total; i++) {
      const from = seeds[i % have]!;
      const sha = createHash('sha256').update(`clone-${i}`).digest('hex');
      const year = 1900 + (i % 90);
      const info = insert.run({
        ...from,
        sha256: sha,
        file_name: `family-${year}-${i}.jpg`,
        taken_at: `${year}-06-01T12:00:00`,
        caption: i % 10 === 0 ? `Picnic at the lake, summer ${year}` : null
      });
      rows.push({ id: Number(info.lastInsertRowid), sha, from });
    }
    for (const r of rows) reindexPhoto(db, r.id);
  })();
  for (const r of rows) {
    await mkdir(dirname(paths.thumb(r.sha)), { recursive: true });
    await mkdir(dirname(paths.original(r.sha, '.jpg')), { recursive: true });
    await copyFile(paths.thumb(String(r.from.sha256)), paths.thumb(r.sha));
    await copyFile(
      paths.original(String(r.from.sha256), String(r.from.ext)),
      paths.original(r.sha, String(r.from.ext))
    );
  }
}

function timeQueries(
  db: Database.Database,
  albumId: number
): Record<string, { p50: number; p95: number; max: number; runs: number }> {
  const total = db.prepare('SELECT COUNT(*) FROM photos').pluck().get() as number;
  const kinds: Record<string, (offset: number) => void> = {
    'imported order': (offset) => listPhotos(db, { offset, limit: 200, sort: 'imported' }),
    'date taken': (offset) => listPhotos(db, { offset, limit: 200, sort: 'taken' }),
    'file name': (offset) => listPhotos(db, { offset, limit: 200, sort: 'name' }),
    'album order (2,000 photos)': (offset) =>
      listPhotos(db, { offset: offset % 2000, limit: 200, sort: 'album', albumId }),
    'tag filter': (offset) => listPhotos(db, { offset: offset % 1000, limit: 200, sort: 'imported', tag: 'picnic' }),
    'search "picnic lake"': (offset) =>
      listPhotos(db, { offset: offset % 1000, limit: 200, sort: 'imported', search: 'picnic lake' })
  };
  const out: Record<string, { p50: number; p95: number; max: number; runs: number }> = {};
  for (const [name, run] of Object.entries(kinds)) {
    run(0);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const offset = Math.floor((((i * 7919) % 997) / 997) * Math.max(1, total - 200));
      const t0 = performance.now();
      run(offset);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out[name] = {
      p50: +percentile(times, 50).toFixed(3),
      p95: +percentile(times, 95).toFixed(3),
      max: +times.at(-1)!.toFixed(3),
      runs: times.length
    };
  }
  return out;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'heirloom-bench-library-'));
  try {
    const src = join(work, 'scans');
    console.error(`generating ${N} photos…`);
    await generate(src);
    const lib = join(work, 'library');
    const db = openLibrary(lib);

    // Event-loop stalls: a 10 ms ticker measures how late it fires, plus libuv's own histogram.
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    let worstLate = 0;
    let expected = performance.now() + 10;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLate = Math.max(worstLate, now - expected);
      expected = now + 10;
    }, 10);
    histogram.enable();
    console.error('importing…');
    const t0 = performance.now();
    const report = await importPaths(db, lib, [src]);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(ticker);
    histogram.disable();
    if (report.imported !== N)
      throw new Error(`expected ${N} imported, got ${report.imported} (${report.failed} failed)`);

    const album = createAlbum(db, 'Everything from box 1-20');
    addToAlbum(db, album.id, db.prepare('SELECT id FROM photos ORDER BY id DESC LIMIT 2000').pluck().all() as number[]);
    for (const id of db.prepare('SELECT id FROM photos ORDER BY id LIMIT 1000').pluck().all() as number[])
      setTags(db, id, ['picnic', 'family']);
    console.error(`filling the library to ${TOTAL} photos…`);
    await fillTo(db, lib, TOTAL);
    const queries = timeQueries(db, album.id);
    // Opening a library written before the date search (schema 3): migration 4 reindexes every photo once,
    // 5 adds two columns.
    db.exec(
      'DROP TABLE photo_search; CREATE VIRTUAL TABLE photo_search USING fts5(file_name, caption, tags); ALTER TABLE photos DROP COLUMN crop; ALTER TABLE photos DROP COLUMN tilt'
    );
    db.pragma('user_version = 3');
    db.close();
    const u0 = performance.now();
    openLibrary(lib).close();
    const upgradeMs = +(performance.now() - u0).toFixed(1);

    let scroll: unknown = { skipped: 'renderer not built (npm run build) or /usr/bin/chromium missing' };
    if (!values['no-scroll'] && existsSync(join(ROOT, 'out/renderer/index.html')) && existsSync('/usr/bin/chromium')) {
      console.error('scrolling the grid in Chromium…');
      scroll = await scrollGrid(lib, TOTAL);
    } else if (values['no-scroll']) scroll = { skipped: '--no-scroll' };

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      import: {
        photos: N,
        imageSize: '1024×768 JPEG q88',
        seconds: +seconds.toFixed(2),
        photosPerSecond: +(N / seconds).toFixed(1),
        // Every import makes its thumbnail (a full decode) before the row is written.
        thumbnailsPerSecond: +(N / seconds).toFixed(1),
        longestStallMs: +worstLate.toFixed(1),
        eventLoopDelayMs: {
          p50: +(histogram.percentile(50) / 1e6).toFixed(2),
          p99: +(histogram.percentile(99) / 1e6).toFixed(2),
          max: +(histogram.max / 1e6).toFixed(2)
        }
      },
      gridQueryMs: { photos: TOTAL, pageSize: 200, ...queries },
      openUpgradedLibraryMs: {
        photos: TOTAL,
        from: 'schema 3 (search index without dates, no straightening or crop)',
        ms: upgradeMs
      },
      scroll
    };
    await mkdir(dirname(resolve(values.out!)), { recursive: true });
    await writeFile(resolve(values.out!), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
