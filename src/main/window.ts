/**
 * The one application window. Sandboxed, isolated renderer; the preload is
 * the only bridge. `isTrustedSender` is what every IPC handler checks.
 */
import { app, BrowserWindow, screen, type WebFrameMain } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { devServerUrl } from './request-policy.ts';
import { loadWindowState, MIN_WINDOW, saveWindowState } from './window-state.ts';

let mainWindow: BrowserWindow | null = null;

/** The built page's folder: the only files the window may load. */
export function rendererDir(): string {
  return join(import.meta.dirname, '../renderer');
}

/**
 * The URL our page is loaded from: the dev server under `npm run dev` (never in a packaged app), else the built file.
 */
export function rendererUrl(): string {
  return (
    devServerUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL) ??
    pathToFileURL(join(rendererDir(), 'index.html')).href
  );
}

/** Opens where and as large as it was closed (`window-state.ts`, kept in `userData`). */
export function createMainWindow(userData: string): BrowserWindow {
  const state = loadWindowState(
    userData,
    screen.getAllDisplays().map((d) => d.workArea)
  );
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
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
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    try {
      saveWindowState(userData, win.getNormalBounds(), win.isMaximized());
    } catch {
      // An unwritable profile folder: the next start opens at the default size.
    }
  });
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
