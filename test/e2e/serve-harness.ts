/**
 * E2E plumbing: a temp library served by `heirloom serve` in a child process,
 * and Debian Chromium driven by playwright-core with a fresh profile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface Served {
  url: string;
  libraryDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/heirloom.mjs serve` (on `port`, or any free one) and resolves with the URL it prints;
 * `exportsDir` is its `--exports` folder.
 */
export async function serve(libraryDir: string, options: { exportsDir?: string; port?: number } = {}): Promise<Served> {
  if (!existsSync(join(ROOT, 'out/renderer/index.html')))
    throw new Error('out/renderer is missing: run `npm run build` before the e2e tests');
  const exports = options.exportsDir === undefined ? [] : ['--exports', options.exportsDir];
  const port = String(options.port ?? 0);
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/heirloom.mjs'), 'serve', '--library', libraryDir, '--port', port, ...exports],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL within 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    libraryDir,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'heirloom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ],
    viewport: { width: 1400, height: 900 }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/**
 * With HEIRLOOM_UPDATE_SCREENSHOTS=1, copies these screenshots of test-artifacts/ to docs/screenshots/ (the README's).
 */
export async function publishScreenshots(names: string[]): Promise<void> {
  if (process.env.HEIRLOOM_UPDATE_SCREENSHOTS !== '1' || names.length === 0) return;
  const docs = join(ROOT, 'docs', 'screenshots');
  await mkdir(docs, { recursive: true });
  // A palette PNG: a third of the size for the repository, and nothing a reader of the README would notice.
  for (const name of names)
    await sharp(join(ARTIFACTS, `${name}.png`))
      .png({ palette: true, quality: 90, compressionLevel: 9 })
      .toFile(join(docs, `${name}.png`));
}

/**
 * Polls a browser-side expression until it is truthy. page.waitForFunction
 * would evaluate a string predicate with eval inside the page, which the app's
 * CSP (rightly) forbids; page.evaluate goes through the debugger protocol.
 */
export async function waitForPage(page: Page, expression: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** Collects uncaught page errors and CSP violations into `problems`: the app must produce none. */
export function watchForProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
}
