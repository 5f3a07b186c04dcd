/**
 * The latent caches that make a mask edit re-run only the mapping: their size
 * on disk, and removing them to free space. A 24 MP restore keeps about 240 MB
 * of latent (shared by hard link with its re-runs) plus its mapped latent, so a
 * library of large scans grows by gigabytes. Without its cache a version still
 * takes mask edits: the re-run starts from the original (job-files.ts), only
 * slower. Outputs and masks are never touched here.
 */
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { latentCachePaths, takeUnneededLatentCaches } from '../library/queries/jobs-versions.ts';
import { HEADER_FILE, LATENT_FILE, MAPPED_FILE } from '../pipeline/latent-cache-files.ts';

const CACHE_FILES = [LATENT_FILE, MAPPED_FILE, HEADER_FILE];

/** Bytes the caches take, each file once however many versions share it (hard links). */
async function measure(dirs: string[]): Promise<{ files: string[]; bytes: number }> {
  const seen = new Set<string>();
  const files: string[] = [];
  let bytes = 0;
  for (const dir of dirs) {
    for (const name of CACHE_FILES) {
      const file = join(dir, name);
      const info = await stat(file).catch(() => null);
      if (!info) continue;
      files.push(file);
      const inode = `${info.dev}:${info.ino}`;
      if (seen.has(inode)) continue;
      seen.add(inode);
      bytes += info.size;
    }
  }
  return { files, bytes };
}

export async function latentCacheBytes(db: Database.Database, libraryDir: string): Promise<number> {
  return (await measure(latentCachePaths(db).map((c) => resolve(libraryDir, c.latentPath)))).bytes;
}

/**
 * Removes the latent caches no waiting job needs and returns how many versions had one and the bytes freed:
 * on a full disk the user must be able to free space without cancelling the queue. A queued or running
 * re-run reads its parent version's cache, so those stay; a restore never reads one. Rows first, then
 * files: a version never points at a cache that is being removed.
 */
export async function removeLatentCaches(
  db: Database.Database,
  libraryDir: string
): Promise<{ versions: number; bytes: number }> {
  const dirs = takeUnneededLatentCaches(db).map((c) => resolve(libraryDir, c.latentPath));
  const { files } = await measure(dirs);
  const bytes = await freedBy(files);
  for (const file of files) await rm(file, { force: true });
  return { versions: dirs.length, bytes };
}

/**
 * Bytes removing `files` frees: a file hard-linked into a kept version's
 * folder (a re-run's parent latent) frees nothing.
 */
async function freedBy(files: string[]): Promise<number> {
  const byInode = new Map<string, { links: number; removed: number; size: number }>();
  for (const file of files) {
    const info = await stat(file).catch(() => null);
    if (!info) continue;
    const inode = `${info.dev}:${info.ino}`;
    const entry = byInode.get(inode) ?? { links: info.nlink, removed: 0, size: info.size };
    entry.removed++;
    byInode.set(inode, entry);
  }
  let bytes = 0;
  for (const e of byInode.values()) if (e.removed >= e.links) bytes += e.size;
  return bytes;
}
