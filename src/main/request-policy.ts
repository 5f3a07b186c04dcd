/**
 * What the desktop app's session may load, as plain functions (no electron
 * import, so they are unit-tested): the page's own files, the library's
 * files (our media protocol reads them), and the Vite dev server only in an unpackaged run
 * under `npm run dev`. A `file:` URL anywhere else on disk, or a dev-server
 * URL put into the environment of an installed app, is refused.
 */
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server `electron-vite dev` names in ELECTRON_RENDERER_URL, honoured
 * only when the app runs unpackaged and the server is on this machine.
 */
export function devServerUrl(packaged: boolean, envUrl: string | undefined): string | null {
  if (packaged || !envUrl) return null;
  try {
    const url = new URL(envUrl);
    return url.protocol === 'http:' && LOOPBACK.has(url.hostname) ? url.href : null;
  } catch {
    return null;
  }
}

/** Where our page and its files come from, and the library folder the media protocol reads. */
export interface RequestPolicy {
  rendererDir: string;
  libraryDir: string;
  devServer: string | null;
}

const within = (path: string, dir: string): boolean => {
  const base = resolve(dir);
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
};

/**
 * Whether a request may go ahead. Library files are let through because the
 * media protocol reads them with net.fetch, which passes this filter too; the
 * page already reaches them all through that protocol, so it gains nothing.
 */
export function requestAllowed(url: string, policy: RequestPolicy): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case 'heirloom-media:':
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true;
    case 'file:': {
      let path: string;
      try {
        path = resolve(fileURLToPath(parsed));
      } catch {
        return false;
      }
      return within(path, policy.rendererDir) || within(path, policy.libraryDir);
    }
    case 'http:':
    case 'ws:': {
      if (policy.devServer === null) return false;
      const dev = new URL(policy.devServer);
      return parsed.host === dev.host && (parsed.protocol === 'http:' || parsed.protocol === 'ws:');
    }
    default:
      return false;
  }
}
