/** The desktop menu: our items on every platform, the usual roles, and no developer tools in a shipped app. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../src/main/app-menu.ts';
import type { MenuCommand } from '../../src/shared/types.ts';

/** Every item of the menu, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
}

function build(platform: NodeJS.Platform, development = false) {
  const sent: MenuCommand[] = [];
  const template = menuTemplate({ platform, development, command: (c) => sent.push(c) });
  const click = (label: string) => {
    const item = items(template).find((i) => i.label === label);
    assert.ok(item?.click, `${platform} has ${label}`);
    (item.click as () => void)();
  };
  return {
    template,
    sent,
    click,
    roles: items(template)
      .map((i) => i.role)
      .filter(Boolean)
  };
}

test('File, View and Help on Windows and Linux; their items ask the window for its dialogs', () => {
  for (const platform of ['win32', 'linux'] as const) {
    const { template, sent, click, roles } = build(platform);
    assert.deepEqual(
      template.map((m) => m.label ?? m.role),
      ['File', 'editMenu', 'View', 'windowMenu', 'Help']
    );
    for (const label of ['Import Photos…', 'Import Folder…', 'Settings', 'Keyboard Shortcuts']) click(label);
    assert.deepEqual(sent, ['import-photos', 'import-folder', 'settings', 'shortcuts']);
    assert.ok(roles.includes('quit') && roles.includes('togglefullscreen') && roles.includes('zoomIn'));
    assert.equal(items(template).find((i) => i.label === 'Import Photos…')!.accelerator, 'CmdOrCtrl+O');
  }
});

test('macOS has the app menu with Settings… and Quit, and File keeps only the imports', () => {
  const { template, sent, click } = build('darwin');
  assert.deepEqual(
    template.map((m) => m.label ?? m.role),
    ['Heirloom', 'File', 'editMenu', 'View', 'windowMenu', 'Help']
  );
  const appMenu = template[0]!.submenu as MenuItemConstructorOptions[];
  assert.ok(appMenu.some((i) => i.role === 'about') && appMenu.some((i) => i.role === 'quit'));
  assert.deepEqual(
    (template[1]!.submenu as MenuItemConstructorOptions[]).map((i) => i.label),
    ['Import Photos…', 'Import Folder…']
  );
  click('Settings…');
  assert.deepEqual(sent, ['settings']);
});

test('reload and developer tools only in development', () => {
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    assert.ok(
      !build(platform).roles.some((r) => r === 'reload' || r === 'toggleDevTools' || r === 'forceReload'),
      `${platform}: shipped`
    );
    assert.ok(build(platform, true).roles.includes('toggleDevTools'), `${platform}: development`);
  }
});
