/**
 * The one application window. Sandboxed, isolated renderer; the preload is
 * the only bridge. `isTrustedSender` is what every IPC handler checks.
 */
import { BrowserWindow, type WebFrameMain } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let mainWindow: BrowserWindow | null = null;

function rendererIndex(): string {
  return join(import.meta.dirname, '../renderer/index.html');
}

/** The URL our page is loaded from: the dev server in `electron-vite dev`, else the built file. */
export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(rendererIndex()).href;
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Heirloom',
    backgroundColor: '#16181b',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false
    }
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(rendererUrl());
  mainWindow = win;
  return win;
}

export function getMainWindow(): BrowserWindow | null {
  return mainWindow;
}

/** True only for the main frame of our window showing our own page. */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  const win = mainWindow;
  if (!frame || !win || win.isDestroyed()) return false;
  if (frame !== win.webContents.mainFrame) return false;
  const expected = new URL(rendererUrl());
  let actual: URL;
  try {
    actual = new URL(frame.url);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') return actual.protocol === 'file:' && actual.pathname === expected.pathname;
  return actual.origin === expected.origin;
}
