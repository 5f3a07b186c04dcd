/**
 * `heirloom serve --library DIR [--exports DIR] [--port N] [--host 127.0.0.1]`:
 * browser mode. Starts the real services and the loopback bridge, prints the
 * URL with its token, and runs until SIGINT/SIGTERM. The renderer must be
 * built first. Exports may go only into the `--exports` folder.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../shared/errors.ts';
import type { EventName, StudioEvents } from '../../../shared/contract.ts';
import { startBridge } from '../../bridge/server.ts';
import type { Bridge, BridgeServices } from '../../bridge/types.ts';
import { VALUE, parseFlags } from '../flags.ts';
import { libraryDirOption } from '../library-option.ts';

export const summary = 'browser mode: serve the studio on 127.0.0.1 with a random token (run `npm run build` first)';
export const usage = 'serve --library DIR [--exports DIR] [--port N] [--host 127.0.0.1] [--renderer DIR]';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags(argv, {
    library: VALUE,
    port: VALUE,
    exports: VALUE,
    host: VALUE,
    renderer: VALUE
  });
  const libraryDir = libraryDirOption(values.library);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new StudioError('invalid-input', `--port must be 0-65535 (got "${values.port}")`);

  // Loaded here, not at the top, so `heirloom --help` never pays for the services.
  const services = await import('../../services/index.ts');
  let bridge: Bridge | null = null;
  const emit = <E extends EventName>(event: E, payload: StudioEvents[E]): void => bridge?.emit(event, payload);
  const svc = await services.createServices({ libraryDir, emit });
  const bridgeServices: BridgeServices = {
    handlers: svc.handlers,
    validateArgs: (channel, args) => services.validateArgs(channel as never, args) as unknown[],
    readMedia: (kind, key) => svc.readMedia(kind, key)
  };
  try {
    bridge = await startBridge({
      services: bridgeServices,
      libraryDir,
      rendererDir: resolve(values.renderer ?? resolve(repoRoot, 'out/renderer')),
      host: values.host ?? '127.0.0.1',
      port,
      ...(values.exports === undefined ? {} : { exportRoot: resolve(values.exports) })
    });
  } catch (err) {
    await svc.close();
    throw err;
  }
  console.log(`Heirloom is serving ${libraryDir}`);
  console.log(
    values.exports === undefined
      ? 'Exports to folders are off: give --exports DIR to allow them'
      : `Exports go into ${resolve(values.exports)}`
  );
  console.log(bridge.url);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await bridge.close();
  await svc.close();
  return 0;
}
