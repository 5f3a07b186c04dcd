/**
 * `heirloom-media://<kind>/<key>`: library media for <img> in the app. The
 * scheme is registered privileged (standard, secure) before ready so it obeys
 * CSP and same-origin rules; `readMedia` owns the mapping from key to file.
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { toErrorShape } from '../shared/errors.ts';
import { isMediaKeyShape } from '../shared/media-key.ts';
import { MEDIA_KINDS, type MediaKind } from '../shared/types.ts';

export const MEDIA_SCHEME = 'heirloom-media';
const KINDS = new Set<string>(MEDIA_KINDS);

/** Must run before `app.whenReady()`. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
  ]);
}

type ReadMedia = (
  kind: MediaKind,
  key: string
) => Promise<{ path: string; mime: string }> | { path: string; mime: string };

export function handleMediaProtocol(readMedia: ReadMedia): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    try {
      const url = new URL(request.url);
      const kind = url.hostname as MediaKind;
      const key = decodeURIComponent(url.pathname.replace(/^\//, ''));
      if (!KINDS.has(kind) || !isMediaKeyShape(key)) {
        return new Response('bad media URL', { status: 400 });
      }
      const { path, mime } = await readMedia(kind, key);
      const file = await net.fetch(pathToFileURL(path).href);
      return new Response(file.body, {
        status: file.status,
        headers: { 'Content-Type': mime, 'X-Content-Type-Options': 'nosniff' }
      });
    } catch (err) {
      const shape = toErrorShape(err);
      return new Response(shape.message, { status: shape.kind === 'not-found' ? 404 : 400 });
    }
  });
}
