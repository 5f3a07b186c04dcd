/**
 * The desktop app's menu, instead of Electron's default one (which offers
 * Reload, developer tools and links to electronjs.org in a shipped app). The
 * template is plain data built here and tested under plain Node; index.ts only
 * hands it to Electron. Items that open the window's own dialogs send a
 * `menu:command` event; the rest are Electron roles (edit, zoom, full screen,
 * quit), which keep each platform's usual shortcuts, and copy and paste
 * working in text fields on macOS.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/types.ts';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Developer tools and reload, for `electron-vite dev` only. */
  development: boolean;
  command: (command: MenuCommand) => void;
}

export function menuTemplate({ platform, development, command }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => command(cmd)
  });
  const settings = item(mac ? 'Settings…' : 'Settings', 'settings', 'CmdOrCtrl+,');
  const file: MenuItemConstructorOptions[] = [
    item('Import Photos…', 'import-photos', 'CmdOrCtrl+O'),
    item('Import Folder…', 'import-folder', 'CmdOrCtrl+Shift+O'),
    ...(mac
      ? []
      : [{ type: 'separator' } as const, settings, { type: 'separator' } as const, { role: 'quit' } as const])
  ];
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
    ...(development
      ? [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]
      : [])
  ];
  return [
    ...(mac
      ? [
          {
            label: 'Heirloom',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              settings,
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' }
            ]
          } as MenuItemConstructorOptions
        ]
      : []),
    { label: 'File', submenu: file },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { label: 'Help', role: 'help', submenu: [item('Keyboard Shortcuts', 'shortcuts', mac ? undefined : 'F1')] }
  ];
}
