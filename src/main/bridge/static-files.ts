/**
 * Serves the built renderer (`out/renderer`). Only files inside that folder,
 * only GET/HEAD, fixed MIME types; the page itself is never cached so a new
 * build is picked up on reload.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json'
};

/** Throws a readable error when the renderer has not been built. */
export function assertRendererBuilt(rendererDir: string): void {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first`);
  }
}

/** Maps a URL path onto a file under `root`, or null when it would leave it. */
export function staticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = resolve(root, rel);
  const base = resolve(root);
  return full.startsWith(base + sep) ? full : null;
}

export async function serveStatic(res: ServerResponse, root: string, urlPath: string, head: boolean): Promise<boolean> {
  const file = staticPath(root, urlPath);
  if (!file) return false;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size });
  if (head) {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}

/** Streams a media file (thumbnail, original, version, mask) with its MIME type. */
export async function serveFile(res: ServerResponse, path: string, mime: string, head: boolean): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return false;
  // Media is content-addressed, so the browser may keep it; the token in the URL keeps it private.
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.writeHead(200, { 'Content-Type': mime, 'Content-Length': info.size });
  if (head) res.end();
  else createReadStream(path).pipe(res);
  return true;
}
