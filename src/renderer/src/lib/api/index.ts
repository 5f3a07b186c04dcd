/**
 * The renderer's one handle on the studio: `window.studio` from the preload
 * in Electron, or the HTTP client when the page is served by `heirloom serve`.
 * Components import `studio` and never care which transport is underneath.
 */
import type { StudioApi } from '../../../../shared/contract.ts';
import { createBrowserClient } from './browser-client.ts';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

const TOKEN_KEY = 'heirloom-token';

/**
 * Takes the token out of the address bar (and so out of the history); the tab's sessionStorage keeps it for reloads.
 */
function forgetUrlToken(): void {
  const url = new URL(location.href);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

function pick(): StudioApi {
  if (window.studio) return window.studio;
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    forgetUrlToken();
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new Error('No access token: open the URL that `heirloom serve` printed.');
  return createBrowserClient(token);
}

export const studio: StudioApi = pick();
export { ApiError } from './browser-client.ts';
export { errorMessage } from './error-message.ts';
