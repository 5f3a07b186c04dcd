/**
 * `heirloom restore <files|dirs…> --out DIR`: restores each photo into
 * `DIR/<stem>.png` (and `DIR/<stem>.mask.png` with --save-mask), a folder's
 * photos into `DIR/<folder>/…` as its subfolders are. A file that fails gets one
 * clear line and the others still run; the exit code is 1 if any failed. Nothing
 * is overwritten without --overwrite. DIR is checked writable before any work.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SWITCH, VALUE } from '../flags.ts';
import { StudioError, toErrorShape } from '../../../shared/errors.ts';
import { expandInputs } from '../../pipeline/inputs.ts';
import { loadModelSet } from '../../pipeline/manifest.ts';
import { defaultModelDirs } from '../../paths.ts';
import { parseProvider } from '../../pipeline/providers.ts';
import { type RestoreResult, type ScratchMode, restoreFile } from '../../pipeline/restore.ts';
import { ModelSessions } from '../../pipeline/sessions.ts';
import sharp from 'sharp';
import { findPrint } from '../../image/print-edges.ts';

// libvips' operation cache keeps whole decoded scans alive between photos; the engine never re-reads one.
sharp.cache(false);

export const summary = 'restore photos with the ONNX models: DIR/<name>.png (16-bit in → 16-bit out), optional masks';
export const usage =
  'restore <files or dirs…> --out DIR [--scratches auto|on|off] [--save-mask] [--crop-to-print] [--ep auto|cpu|cuda|dml|webgpu|coreml] [--threads N] [--json] [--overwrite] [--models DIR] [--tile PX]';

/** Why a folder cannot be written, in words (the errno names the cause, not the user's fault). */
function unwritable(dir: string, err: unknown): StudioError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'EROFS'
      ? 'it is on a read-only disk'
      : e.code === 'EACCES' || e.code === 'EPERM'
        ? 'you do not have permission to write there'
        : e.code === 'ENOSPC'
          ? 'the disk is full'
          : e.code === 'ENOTDIR' || e.code === 'EEXIST'
            ? 'a file of that name is in the way'
            : e.message;
  return new StudioError(
    'io',
    `cannot write to the output folder ${dir}: ${why}. Nothing was restored; choose another --out.`
  );
}

/**
 * Creates --out and writes a probe file in it, so a read-only or full destination fails before minutes of restoring.
 */
async function checkWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    const probe = join(dir, `.heirloom-write-check-${process.pid}`);
    await writeFile(probe, 'x');
    await rm(probe, { force: true });
  } catch (err) {
    throw unwritable(dir, err);
  }
}

type Outcome =
  | { input: string; status: 'restored'; output: string; mask: string | null; result: RestoreResult }
  | { input: string; status: 'failed'; kind: string; message: string };

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: VALUE,
      scratches: { type: 'string', default: 'auto' },
      'save-mask': SWITCH,
      ep: { type: 'string', default: 'auto' },
      threads: VALUE,
      json: SWITCH,
      overwrite: SWITCH,
      models: VALUE,
      tile: VALUE,
      'crop-to-print': SWITCH
    },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length === 0) throw new StudioError('invalid-input', 'give at least one photo or folder to restore');
  if (!values.out) throw new StudioError('invalid-input', '--out DIR is required');
  const scratches = values.scratches as ScratchMode;
  if (!['auto', 'on', 'off'].includes(scratches))
    throw new StudioError('invalid-input', `--scratches must be auto, on or off (got "${values.scratches}")`);
  const threads = values.threads === undefined ? 0 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 0)
    throw new StudioError('invalid-input', `--threads must be a whole number ≥ 0 (got "${values.threads}")`);
  const tile = values.tile === undefined ? undefined : Number(values.tile);
  if (tile !== undefined && (!Number.isInteger(tile) || tile < 16))
    throw new StudioError('invalid-input', `--tile must be a whole number ≥ 16`);
  const provider = parseProvider(values.ep!);
  const outDir = resolve(values.out);
  await checkWritable(outDir);

  const models = await loadModelSet(values.models ? [values.models] : defaultModelDirs());
  const sessions = await ModelSessions.open(models, { provider, threads });
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  log(`execution provider: ${sessions.choice.reason}`);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outcomes: Outcome[] = [];
  try {
    const inputs = await expandInputs(positionals);
    if (inputs.length === 0) throw new StudioError('invalid-input', 'no images found in the given folders');
    for (const [i, item] of inputs.entries()) {
      const prefix = `[${i + 1}/${inputs.length}]`;
      if (item.error) {
        outcomes.push({ input: item.input, status: 'failed', kind: 'invalid-input', message: item.error });
        process.stderr.write(`${prefix} failed: ${item.error}\n`);
        continue;
      }
      const output = join(outDir, `${item.stem}.png`);
      const mask = values['save-mask'] ? join(outDir, `${item.stem}.mask.png`) : null;
      try {
        await mkdir(dirname(output), { recursive: true });
        // Scans of prints: the print alone, levelled, as the app's Find print
        // suggests (the whole file where no margin is found).
        const print = values['crop-to-print'] ? await findPrint(item.input, { rotation: 0, tilt: 0 }) : null;
        const result = await restoreFile(sessions, item.input, {
          frame: print ? { rotation: 0, ...print } : undefined,
          outPath: output,
          maskOutPath: mask,
          overwrite: values.overwrite,
          scratches,
          tile,
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'tile' && process.stderr.isTTY)
              process.stderr.write(`\r${prefix} ${e.stage} ${e.tile}/${e.tiles}\x1b[K`);
          }
        });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        outcomes.push({ input: item.input, status: 'restored', output, mask, result });
        const total = Object.values(result.seconds).reduce((a, b) => a + b, 0);
        const cut = !values['crop-to-print']
          ? ''
          : print
            ? `, cropped to the print${print.tilt ? ` and levelled by ${print.tilt}°` : ''}`
            : ', no margin around a print: whole';
        log(
          `${prefix} ${item.input} → ${output} (${result.width}×${result.height}, ${result.bitDepth}-bit, scratches ${result.scratchesUsed ? 'repaired' : 'none'}${cut}, ${total.toFixed(1)} s)`
        );
      } catch (err) {
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        const shape = toErrorShape(err);
        outcomes.push({ input: item.input, status: 'failed', kind: shape.kind, message: shape.message });
        process.stderr.write(`${prefix} failed: ${item.input}: ${shape.message}\n`);
        if (shape.kind === 'cancelled') break;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await sessions.release();
  }
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  if (values.json) {
    console.log(
      JSON.stringify({
        provider: sessions.choice,
        modelId: models.manifest.modelId,
        restored: outcomes.length - failed,
        failed,
        outcomes
      })
    );
  } else log(`${outcomes.length - failed} restored, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
