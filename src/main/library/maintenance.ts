/**
 * Files in the store without a row are what a process killed between the
 * rename and the INSERT leaves behind; they are removed when the library
 * opens, before anything else can write.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

export function sweepOrphans(db: Database.Database, libraryDir: string): number {
  const known = new Set(db.prepare('SELECT sha256 FROM photos').pluck().all() as string[]);
  let removed = 0;
  for (const area of ['originals', 'thumbs', 'display']) {
    const root = join(libraryDir, area);
    let shards: string[];
    try {
      shards = readdirSync(root);
    } catch {
      continue;
    }
    for (const s of shards) {
      let names: string[];
      try {
        names = readdirSync(join(root, s));
      } catch {
        continue;
      }
      for (const name of names) {
        const sha = name.slice(0, 64);
        if (!known.has(sha)) {
          rmSync(join(root, s, name), { force: true, recursive: true });
          removed++;
        }
      }
    }
  }
  return removed;
}
