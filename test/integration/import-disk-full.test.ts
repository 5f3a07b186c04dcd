/**
 * Importing onto a full library disk (a 60 MB tmpfs, skipped with the reason
 * where mounting is not permitted): every file that does not fit fails with
 * the library's disk being full, wherever it ran out (copy, thumbnail,
 * database), never as an image that cannot be decoded; the files that fit
 * are whole, and nothing is left half-written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { importPaths } from '../../src/main/import/import-files.ts';
import { openLibrary } from '../../src/main/library/open-library.ts';
import { libraryPaths } from '../../src/main/paths.ts';
import { makePhoto } from '../helpers/images.ts';
import { smallDiskSuite } from '../fixtures/small-disk.ts';

const suite = smallDiskSuite(60, 'import-full');

test(
  'files that do not fit fail as the library disk being full, never as undecodable; the ones that fit are whole',
  { timeout: 120_000 },
  async (t) => {
    if (suite.skip) return t.skip(suite.skip);
    const lib = join(suite.disk!.dir, 'lib');
    const db = openLibrary(lib);
    try {
      const files: string[] = [];
      // From a few kB to about a megabyte each, so the disk runs out in the copy, the thumbnail or the database.
      for (let i = 0; i < 24; i++)
        files.push(
          await makePhoto(join(suite.src.dir, `scan-${i}.png`), 60 + i * 40, 50 + i * 30, {
            seed: i + 1,
            format: 'png'
          })
        );
      suite.disk!.fill(1_500_000);
      const report = await importPaths(db, lib, files);
      const failed = report.outcomes.filter((o) => o.status === 'failed');
      assert.ok(
        failed.length > 0 && report.imported > 0,
        `some fit and some did not (${report.imported} imported, ${failed.length} failed)`
      );
      for (const f of failed)
        assert.match(
          (f as { message: string }).message,
          /^the library's disk is full: \d+ MB free; free some space, then import this file again$/,
          f.path
        );
      const rows = db.prepare('SELECT sha256, ext FROM photos').all() as { sha256: string; ext: string }[];
      assert.equal(rows.length, report.imported);
      const paths = libraryPaths(lib);
      for (const r of rows)
        assert.ok(
          existsSync(paths.original(r.sha256, r.ext)) && existsSync(paths.thumb(r.sha256)),
          `photo ${r.sha256} is whole`
        );
      assert.deepEqual(await readdir(paths.tmp), [], 'nothing half-written is left in .tmp');
    } finally {
      suite.disk!.free();
      db.close();
    }
  }
);
