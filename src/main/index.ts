/**
 * Electron entry. Deliberately thin: every behaviour lives in the services
 * (tested under plain Node); this file wires them to the window, IPC, the
 * media protocol and native dialogs, and owns the app lifecycle.
 */
import { app, BrowserWindow, dialog, Menu, utilityProcess } from 'electron';
import { join } from 'node:path';
import type { EventName, StudioEvents } from '../shared/contract.ts';
import { menuTemplate } from './app-menu.ts';
import { registerIpc } from './ipc/register.ts';
import { utilityRunnerSpawner } from './jobs/spawn.ts';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol.ts';
import { resolveLibraryDir, saveLibraryDir } from './paths.ts';
import { devServerUrl } from './request-policy.ts';
import { guardAllContents, hardenSession } from './security.ts';
import * as services from './services/index.ts';
import { createMainWindow, getMainWindow, isTrustedSender, rendererDir } from './window.ts';

function send<E extends EventName>(event: E, payload: StudioEvents[E]): void {
  const win = getMainWindow();
  if (win && !win.isDestroyed()) win.webContents.send('studio:event', event, payload);
}

async function pickPaths(kind: 'files' | 'folder'): Promise<string[] | null> {
  const win = getMainWindow();
  const options: Electron.OpenDialogOptions = {
    title: kind === 'folder' ? 'Import a folder of photos' : 'Import photos',
    properties: kind === 'folder' ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
    filters:
      kind === 'files'
        ? [
            {
              name: 'Images',
              extensions: ['jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'gif', 'bmp', 'heic', 'heif']
            },
            { name: 'All files', extensions: ['*'] }
          ]
        : undefined
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
}

/** Settings → Library: open (or create) a library in another folder; the app restarts on it. */
async function chooseLibraryDir(): Promise<string | null> {
  const win = getMainWindow();
  const options: Electron.OpenDialogOptions = {
    title: 'Choose the library folder',
    buttonLabel: 'Use this folder',
    properties: ['openDirectory', 'createDirectory']
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const dir = result.canceled ? undefined : result.filePaths[0];
  if (!dir) return null;
  saveLibraryDir(app.getPath('userData'), dir);
  // Answer the renderer first, then restart on the new library.
  setTimeout(() => {
    app.relaunch({
      args: process.argv
        .slice(1)
        .filter((a, i, all) => a !== '--library' && all[i - 1] !== '--library' && !a.startsWith('--library='))
    });
    app.quit();
  }, 200);
  return dir;
}

/**
 * An export's destination from the system's dialogs: a new folder named after the album inside the folder picked, or a
 * .zip saved where the user says.
 */
async function chooseExportPath(kind: 'folder' | 'zip', suggestedName: string): Promise<string | null> {
  const win = getMainWindow();
  if (kind === 'zip') {
    const options: Electron.SaveDialogOptions = {
      title: 'Export as a .zip file',
      defaultPath: join(app.getPath('documents'), `${suggestedName}.zip`),
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
      properties: ['createDirectory', 'showOverwriteConfirmation']
    };
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? null : result.filePath;
  }
  const options: Electron.OpenDialogOptions = {
    title: `Export into which folder? (a folder “${suggestedName}” is made in it)`,
    buttonLabel: 'Export here',
    defaultPath: app.getPath('documents'),
    properties: ['openDirectory', 'createDirectory']
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const dir = result.canceled ? undefined : result.filePaths[0];
  return dir ? join(dir, suggestedName) : null;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerMediaScheme();
  guardAllContents();
  app.on('second-instance', () => {
    const win = getMainWindow();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  await app.whenReady();
  const libraryDir = resolveLibraryDir(process.argv, process.env, app.getPath('userData'));
  hardenSession(rendererDir(), libraryDir);

  const options = {
    libraryDir,
    emit: send,
    pickPaths,
    chooseLibraryDir,
    chooseExportPath,
    // Inference runs in a utility process, off the main event loop.
    spawn: utilityRunnerSpawner(utilityProcess, join(import.meta.dirname, 'runner.js'))
  };
  const svc = await services.createServices(options);
  handleMediaProtocol((kind, key) => svc.readMedia(kind, key));
  const unregister = registerIpc({
    handlers: svc.handlers,
    validateArgs: (channel, args) => services.validateArgs(channel, args) as unknown[],
    isTrustedSender: (event) => isTrustedSender(event.senderFrame)
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        development: devServerUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL) !== null,
        command: (command) => send('menu:command', { command })
      })
    )
  );
  createMainWindow(app.getPath('userData'));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(app.getPath('userData'));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    unregister();
    void Promise.resolve(svc.close()).finally(() => app.exit(0));
  });
}

start().catch((err: unknown) => {
  dialog.showErrorBox('Heirloom could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
