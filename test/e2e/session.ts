/**
 * The set-up every e2e file shares: a temp folder with an empty library served by `heirloom serve`, Chromium on
 * a fresh profile watching the page for problems, and the clean-up of all of it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, serve, watchForProblems, type Browser, type Served } from './serve-harness.ts';

export interface Session {
  /** The temp folder: `library/` in it, and whatever `prepare` put there. */
  work: string;
  served: Served;
  browser: Browser;
  page: Page;
}

export interface SessionOptions {
  /** Fills the temp folder before the server starts (photos to import, an exports folder). */
  prepare?: (work: string) => Promise<void>;
  /** The server's `--exports` folder, relative to the temp folder. */
  exportsDir?: string;
}

/**
 * Opens a session in a new temp folder named from `prefix`; uncaught page errors and CSP violations go to `problems`.
 */
export async function openSession(prefix: string, problems: string[], options: SessionOptions = {}): Promise<Session> {
  const session: Partial<Session> = { work: await mkdtemp(join(tmpdir(), prefix)) };
  const work = session.work!;
  try {
    await options.prepare?.(work);
    await mkdir(join(work, 'library'));
    const exports = options.exportsDir === undefined ? {} : { exportsDir: join(work, options.exportsDir) };
    session.served = await serve(join(work, 'library'), exports);
    session.browser = await launch();
    session.page = session.browser.page;
    watchForProblems(session.page, problems);
    return session as Session;
  } catch (err) {
    await closeSession(session);
    throw err;
  }
}

/** Closes what a session opened (any part of it: `before` may have failed half-way) and removes its temp folder. */
export async function closeSession(session: Partial<Session>): Promise<void> {
  await session.browser?.close();
  await session.served?.stop();
  if (session.work) await rm(session.work, { recursive: true, force: true });
}
