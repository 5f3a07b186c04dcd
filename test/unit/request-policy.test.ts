/**
 * The desktop session's request filter and its dev-server switch
 * (`src/main/request-policy.ts`, which security.ts and window.ts apply): the
 * old filter let every `file:` URL through and took ELECTRON_RENDERER_URL
 * even in a packaged app.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { devServerUrl, requestAllowed, type RequestPolicy } from '../../src/main/request-policy.ts';

const app = resolve('/opt/Heirloom/resources/app.asar/out');
const policy: RequestPolicy = {
  rendererDir: join(app, 'renderer'),
  libraryDir: resolve('/home/me/Heirloom'),
  devServer: null
};
const file = (path: string): string => pathToFileURL(path).href;

test('the page may load its own files, and nothing else from disk', () => {
  assert.equal(requestAllowed(file(join(app, 'renderer', 'index.html')), policy), true);
  assert.equal(requestAllowed(file(join(app, 'renderer', 'assets', 'index-abc.js')), policy), true);
  for (const url of [
    file('/etc/passwd'),
    file(join(app, 'main', 'index.js')),
    file(join(app, 'renderer-evil', 'x.js')),
    `${file(join(app, 'renderer'))}/../main/index.js`,
    `${file(join(app, 'renderer'))}/%2e%2e/main/index.js`,
    `${file(join(app, 'renderer'))}/a%2F..%2F..%2Fmain.js`,
    'file://server/share/x.js'
  ]) {
    assert.equal(requestAllowed(url, policy), false, url);
  }
});

test('library files pass (the media protocol reads them with net.fetch); the rest of the home folder does not', () => {
  assert.equal(requestAllowed(file(join('/home/me/Heirloom', 'originals', 'ab', 'x.jpg')), policy), true);
  assert.equal(requestAllowed(file('/home/me/Other/x.jpg'), policy), false);
  assert.equal(requestAllowed(file('/home/me/Heirloom-other/x.jpg'), policy), false);
});

test('our media scheme and in-page data pass; the network does not', () => {
  for (const url of [`heirloom-media://thumb/${'a'.repeat(64)}`, 'data:image/png;base64,AAAA', 'blob:file:///1234'])
    assert.equal(requestAllowed(url, policy), true, url);
  for (const url of ['https://example.com/', 'http://127.0.0.1:5173/', 'ws://localhost:5173/', 'ftp://x/', 'not a url'])
    assert.equal(requestAllowed(url, policy), false, url);
});

test('the dev server is used only unpackaged, on this machine, and then only it', () => {
  assert.equal(devServerUrl(true, 'http://localhost:5173'), null, 'an installed app ignores the variable');
  assert.equal(devServerUrl(false, undefined), null);
  assert.equal(devServerUrl(false, 'https://evil.example/'), null);
  assert.equal(devServerUrl(false, 'http://192.168.1.9:5173/'), null);
  assert.equal(devServerUrl(false, 'file:///tmp/page.html'), null);
  const dev = devServerUrl(false, 'http://localhost:5173');
  assert.equal(dev, 'http://localhost:5173/');
  const withDev = { ...policy, devServer: dev };
  assert.equal(requestAllowed('http://localhost:5173/src/main.ts', withDev), true);
  assert.equal(requestAllowed('ws://localhost:5173/', withDev), true);
  assert.equal(requestAllowed('http://localhost:5174/', withDev), false);
  assert.equal(requestAllowed('http://example.com/', withDev), false);
});
