/**
 * Locks down the Electron session and every web contents: one CSP for all
 * responses, no permissions, no navigation, no new windows, no webviews.
 * The renderer only ever shows our own bundle and library media.
 */
import { app, session, type WebContents } from 'electron';
import { devServerUrl, requestAllowed } from './request-policy.ts';

export const APP_CSP =
  "default-src 'self'; img-src 'self' heirloom-media: blob: data:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Session-wide policy; call once after `app.whenReady()`, with our page's folder and the library's. */
export function hardenSession(rendererDir: string, libraryDir: string): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [APP_CSP],
        'X-Content-Type-Options': ['nosniff']
      }
    });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Nothing we ship talks to the network; refuse anything that is not our own content (request-policy.ts).
  const policy = {
    rendererDir,
    libraryDir,
    devServer: devServerUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
  };
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !requestAllowed(details.url, policy) });
  });
}

/** Per-contents guards, applied to every web contents that is ever created. */
export function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function guardAllContents(): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
}
