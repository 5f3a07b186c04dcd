/**
 * Files in the store without a row are what a process killed between the
 * rename and the INSERT leaves behind; they are removed when the library
 * opens, before anything else can write. The same goes for `versions/`: a
 * job folder or edited mask that no version and no waiting job points at is
 * what a crash mid-job or just after a cancel leaves (46-96 MB for a 4.6 MP
 * photo's latent cache).
 */
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, posix, relative } from 'node:path';
import type Database from 'better-sqlite3';
import { activeJobFiles, storedPhotoShas, versionFilePaths } from './queries/sweep.ts';

export function sweepOrphans(db: Database.Database, libraryDir: string): number {
  const known = new Set(storedPhotoShas(db));
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

/** Removes job folders and masks under `versions/` that no version row and no queued or running job uses. */
export function sweepVersionOrphans(db: Database.Database, libraryDir: string): number {
  const root = join(libraryDir, 'versions');
  // Stored paths are relative to the library (`versions/<photo>/job-<n>/restored.png`); an absolute one is made so.
  const rel = (p: string) => posix.normalize((isAbsolute(p) ? relative(libraryDir, p) : p).split('\\').join('/'));
  const used = new Set<string>();
  for (const p of versionFilePaths(db)) if (p) used.add(rel(p));
  const live = activeJobFiles(db);
  for (const j of live) {
    used.add(`versions/${j.photo_id}/job-${j.id}`);
    const mask = j.options ? (JSON.parse(j.options) as { maskPath?: unknown }).maskPath : undefined;
    if (typeof mask === 'string') used.add(rel(mask));
  }
  // A job folder is in use when a stored path is it or lies inside it.
  const folders = new Set([...used].map((u) => u.split('/').slice(0, 3).join('/')));
  let removed = 0;
  for (const photo of list(root)) {
    if (!/^\d+$/.test(photo)) continue;
    for (const name of list(join(root, photo))) {
      if (/^job-\d+$/.test(name) && !folders.has(`versions/${photo}/${name}`)) {
        rmSync(join(root, photo, name), { recursive: true, force: true });
        removed++;
      } else if (name === 'masks') {
        for (const mask of list(join(root, photo, name))) {
          if (/^[0-9a-f-]{36}\.png$/.test(mask) && !used.has(`versions/${photo}/masks/${mask}`)) {
            rmSync(join(root, photo, name, mask), { force: true });
            removed++;
          }
        }
      }
    }
    removeIfEmpty(join(root, photo, 'masks'));
    removeIfEmpty(join(root, photo));
  }
  return removed;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* not empty, or not there */
  }
}
