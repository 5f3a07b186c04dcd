/**
 * Where the model set is looked for when none is given: `$HEIRLOOM_MODELS`,
 * the packaged app's resources, then the repository's `resources/models` (found
 * from the sources, from the built bundle, or from the working folder).
 * (The library's `paths.ts` takes this over once it exists.)
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultModelDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.HEIRLOOM_MODELS) dirs.push(resolve(process.env.HEIRLOOM_MODELS));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) dirs.push(join(packaged, 'models'));
  const here = dirname(fileURLToPath(import.meta.url));
  // From the sources (src/main/pipeline) and from the electron-vite bundle (out/main), then the working folder.
  dirs.push(resolve(here, '../../../resources/models'), resolve(here, '../../resources/models'), resolve(process.cwd(), 'resources/models'));
  return [...new Set(dirs)];
}
