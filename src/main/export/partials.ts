/**
 * The hidden staging folders an export writes into next to its destination
 * (`.heirloom-export-<pid>-<random>.partial`). A crash mid-export leaves one
 * behind, in the user's own folder, so the next export to that folder and the
 * app's start remove stale ones: only folders with our exact name pattern,
 * and only when the process that made them is gone (another export may be
 * writing into its own at this moment). Names without a process id come from
 * Heirloom versions before this one and are always stale.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const PATTERN = /^\.heirloom-export-(?:(\d{1,10})-)?[0-9a-f]{12}\.partial$/;

/** Staging folders this process is writing into now. */
const live = new Set<string>();

/** A new staging folder's name, marked with this process's id. */
export function stagingName(): string {
  return `.heirloom-export-${process.pid}-${randomBytes(6).toString('hex')}.partial`;
}

export function markLive(dir: string): void {
  live.add(dir);
}

export function markDone(dir: string): void {
  live.delete(dir);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stale(dir: string, name: string): boolean {
  const m = PATTERN.exec(name);
  if (!m) return false;
  if (m[1] === undefined) return true;
  const pid = Number(m[1]);
  return pid === process.pid ? !live.has(dir) : !processAlive(pid);
}

/** Removes the stale staging folders directly inside `parent`; returns how many. Never fails the caller. */
export async function sweepStalePartials(parent: string): Promise<number> {
  const names = await readdir(parent).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const dir = join(parent, name);
    if (!stale(dir, name)) continue;
    // A link named like ours is not ours to follow.
    const info = await lstat(dir).catch(() => null);
    if (!info?.isDirectory()) continue;
    if (
      await rm(dir, { recursive: true, force: true }).then(
        () => true,
        () => false
      )
    )
      removed++;
  }
  return removed;
}
