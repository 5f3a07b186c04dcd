/**
 * Where the model set is looked for when none is given: `$HEIRLOOM_MODELS`,
 * the packaged app's resources, then the repository's `resources/models`.
 * (The library's `paths.ts` takes this over once it exists.)
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultModelDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.HEIRLOOM_MODELS) dirs.push(resolve(process.env.HEIRLOOM_MODELS));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) dirs.push(join(packaged, 'models'));
  dirs.push(resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/models'));
  return dirs;
}
