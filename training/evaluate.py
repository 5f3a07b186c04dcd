"""Measures the exported models through the real ONNX stages:

    /usr/bin/python3 -m training.evaluate [--models resources/models] [--limit N] [--out bench-results/eval.json]
        [--data-root ../shared/datasets] [--sets Kodak24,McMaster,CBSD68] [--threads 2] [--keep DIR]
        [--lpips-weights LIN.pth --lpips-backbone ALEXNET.pth]

1. Every benchmark image (`benchmarks/<set>/`, kept out of training) gets a
   synthetic old version from `training.degrade` at a fixed seed per image
   (seed 2020 + CRC32 of "<set>/<file>", so `--limit` does not change the
   others), with structured defects on every image and a strength chosen so
   the inputs score about 21.6 dB / 0.70 SSIM on average (measured: strength
   0.3 → 21.60 dB / 0.696 over the 110 images), close to the paper's
   synthetic test set difficulty for its baselines. The true defect masks are kept.
2. The degraded images and ~8 real old photos (`old-photos/`) go through the
   app's own CLI in one call — `node bin/heirloom.mjs restore DIR --out DIR
   --models M --scratches auto --save-mask --json` — i.e. onnxruntime,
   tiling, mask thresholding and latent-scale masks exactly as users get them.
3. PSNR / SSIM (skimage, 8-bit images on [0, 1], SSIM over RGB) of the input,
   of a classical baseline and of ours against the clean image, per set and
   overall; scratch-mask IoU / precision / recall of the detector's saved
   masks (and of the baseline's classical detector) against the true masks.
   The baseline: thin bright/dark structures found with 5×5 morphological
   top-hats (> 0.4), filled with a 5×5 median, then mild total-variation
   denoising (scikit-image / SciPy only; its parameters were picked on 18
   images for the best PSNR; an unsharp mask lowered PSNR and SSIM, so it is
   left out).
4. Writes `bench-results/eval.json`, a contact sheet of the real old photos
   (input | restored) to `test-artifacts/eval/contact-sheet.png` (git-ignored:
   third-party photos are never committed), prints a summary, and — on a
   full run (no --limit) — stores the overall numbers in the model folder's
   `manifest.json` under `metrics` (the ONNX files and their checksums are
   not touched).

`--foreign` degrades the same photos with `training.foreign` instead, a second
degradation model written apart from the training one and never trained on
(same kinds of damage, other forms, inputs of the same difficulty), and
writes `bench-results/eval-foreign.json`, leaving the manifest alone: the
target is scored on a degradation model we do not see, and this is our
stand-in for it. It reports a model, it never chooses one. `--released` does
the same with the reference implementation's recipe (`degrade.released`:
METHOD.md's released settings, then white painted scratches) and writes
`bench-results/eval-released.json`. `--film` damages them with one to three
real film-damage overlays and nothing else (`benchmark.film_damage`) and writes
`bench-results/eval-film.json`: real scratch textures on clean photos, where
the restore should gain on its input and the classical recipe is strong.

LPIPS and FID need pretrained backbones that cannot be downloaded here.
LPIPS (v0.1, AlexNet) runs when the user supplies both files: the linear
layers of the `lpips` package (`--lpips-weights alex.pth`) and torchvision's
AlexNet ImageNet weights (`--lpips-backbone alexnet-owt-7be5be79.pth`);
otherwise it is reported as skipped. FID (Inception-v3) is always reported
as skipped.
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
from PIL import Image, ImageOps

from .benchmark import (DEGRADE, SEED, SETS, benchmark_damage, benchmark_items, damage_of, damage_record,
                        image_seed)
from .classical import classical_restore
from .contact_sheet import contact_sheet
from .data.images import default_data_root, list_images
from .lpips import Lpips
from .metrics import load, mask_counts, mask_scores, mean_block, psnr, quantise, ssim, to_float
from .restore_cli import ROOT, run_cli
# Names that used to live here, still importable from here (evaluate_real, calibrate_detector and the tests import
# them from this module): the helpers now live in metrics, benchmark, classical and restore_cli.
from .classical import classical_mask  # noqa: F401

OLD_PHOTOS = 8


def old_photo_picks(data_root, n):
    files = list_images(os.path.join(data_root, 'old-photos'))
    if not files or n <= 0:
        return []
    idx = np.linspace(0, len(files) - 1, min(n, len(files))).round().astype(int)
    return [files[i] for i in dict.fromkeys(idx.tolist())]


def update_manifest(models, metrics):
    path = os.path.join(models, 'manifest.json')
    with open(path) as f:
        manifest = json.load(f)
    manifest['metrics'] = metrics
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


# ---------------------------------------------------------------- main, step by step

def parse_args(argv):
    """(args, parser): the parser's defaults tell which paths the user left alone."""
    ap = argparse.ArgumentParser(prog='training.evaluate', description=__doc__.split('\n')[0])
    ap.add_argument('--models', default=os.path.join(ROOT, 'resources', 'models'))
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--sets', default=','.join(SETS))
    ap.add_argument('--limit', type=int, default=0, help='images per set (0 = all)')
    ap.add_argument('--old-photos', type=int, default=OLD_PHOTOS, help='real old photos on the contact sheet')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench-results', 'eval.json'))
    ap.add_argument('--sheet', default=os.path.join(ROOT, 'test-artifacts', 'eval', 'contact-sheet.png'))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--ep', default='cpu')
    ap.add_argument('--keep', help='keep the degraded inputs, masks and outputs in this folder')
    other = ap.add_mutually_exclusive_group()
    other.add_argument('--foreign', action='store_true',
                       help='degrade with the independent model (training.foreign) instead; writes eval-foreign.json, not the manifest')
    other.add_argument('--released', action='store_true',
                       help="degrade with the reference code's recipe (degrade.released) instead; writes eval-released.json, not the manifest")
    other.add_argument('--film', action='store_true',
                       help='damage with real film-damage overlays only (benchmark.film_damage); writes eval-film.json, not the manifest')
    other.add_argument('--real', action='store_true',
                       help='score the detector on the held-out labelled real crops (training/real_damage); writes eval-real.json')
    ap.add_argument('--no-manifest', action='store_true', help='do not store the metrics in the models\' manifest')
    ap.add_argument('--lpips-weights', help='LPIPS v0.1 linear layers (alex.pth of the lpips package)')
    ap.add_argument('--lpips-backbone', help='torchvision AlexNet ImageNet weights (alexnet-owt-7be5be79.pth)')
    return ap.parse_args(argv), ap


def run_real(args, ap, models):
    """`--real`: the detector on the held-out labelled real crops (training.evaluate_real)."""
    from .evaluate_real import default_paths, evaluate_real, print_real
    out, sheet = default_paths()
    out = out if args.out == ap.get_default('out') else args.out
    sheet = sheet if args.sheet == ap.get_default('sheet') else args.sheet
    print_real(evaluate_real(models, args.data_root, out, sheet, args.threads, args.ep, args.keep), out, sheet)


def lpips_of(args):
    """(LPIPS metric or None, what the JSON says of it)."""
    if args.lpips_weights and args.lpips_backbone:
        return Lpips(args.lpips_weights, args.lpips_backbone), 'LPIPS v0.1 AlexNet (user-supplied weights)'
    if args.lpips_weights or args.lpips_backbone:
        raise SystemExit('LPIPS needs both --lpips-weights and --lpips-backbone')
    return None, 'skipped: needs --lpips-weights (lpips alex.pth) and --lpips-backbone (torchvision AlexNet weights)'


def write_inputs(args, damage, work, in_dir):
    """Step 1: the degraded benchmark photos (and their true masks) and the real old photos, as the CLI's inputs →
    (cases [(set, file, stem)], old photos [(stem, path under the data root)])."""
    items = benchmark_items(args.data_root, [s for s in args.sets.split(',') if s], args.limit)
    cases = []
    for set_name, path in items:
        name = os.path.basename(path)
        clean = np.asarray(load(path, 'RGB'))
        degraded, mask = benchmark_damage(clean.astype(np.float32) / 255, image_seed(set_name, name), damage)
        stem = f'{set_name}__{os.path.splitext(name)[0]}'
        Image.fromarray(quantise(degraded)).save(os.path.join(in_dir, stem + '.png'))
        Image.fromarray(mask * 255).save(os.path.join(work, stem + '.true-mask.png'))
        cases.append((set_name, name, stem))
    old_stems = []
    for i, path in enumerate(old_photo_picks(args.data_root, args.old_photos)):
        stem = f'old__{i:02d}'
        with Image.open(path) as im:  # upright, as PNG: the CLI reads EXIF orientation too, but keep it explicit
            ImageOps.exif_transpose(im).convert('RGB').save(os.path.join(in_dir, stem + '.png'))
        old_stems.append((stem, os.path.relpath(path, args.data_root)))
    print(f'{len(cases)} degraded benchmark images and {len(old_stems)} real old photos in {in_dir}', flush=True)
    return cases, old_stems


def score_cases(args, cases, outcomes, work, in_dir, lpips):
    """Step 3: each restored benchmark photo scored against its clean one, beside its input and the classical
    baseline → (records, mask counts per set, the baseline's mask counts per set)."""
    records, counts, base_counts = [], {}, {}
    for set_name, name, stem in cases:
        o = outcomes.get(stem)
        if not o or o['status'] != 'restored':
            continue
        clean = to_float(load(os.path.join(args.data_root, 'benchmarks', set_name, name), 'RGB'))
        inp = to_float(load(os.path.join(in_dir, stem + '.png')))
        ours = to_float(load(o['output']))
        base, base_mask = classical_restore(inp)
        base = to_float(quantise(base))
        true = np.asarray(load(os.path.join(work, stem + '.true-mask.png'), 'L')) > 127
        pred = np.asarray(load(o['mask'], 'L')) > 127
        rec = {'set': set_name, 'image': name}
        for key, img in (('input', inp), ('baseline', base), ('ours', ours)):
            rec[key] = {'psnr': round(psnr(clean, img), 3), 'ssim': round(ssim(clean, img), 4)}
            if lpips:
                rec[key]['lpips'] = round(lpips(clean, img), 4)
        c, bc = mask_counts(pred, true), mask_counts(base_mask, true)
        rec['mask'] = {'iou': round(c['tp'] / max(1, c['tp'] + c['fp'] + c['fn']), 4),
                       'baselineIou': round(bc['tp'] / max(1, bc['tp'] + bc['fp'] + bc['fn']), 4),
                       'trueCoverage': round(c['true'] / c['pixels'], 5), 'predictedCoverage': round(c['pred'] / c['pixels'], 5)}
        rec['seconds'] = round(sum(o['result']['seconds'].values()), 3)
        records.append(rec)
        counts.setdefault(set_name, []).append(c)
        base_counts.setdefault(set_name, []).append(bc)
    if not records:
        raise SystemExit('no benchmark image was restored')
    return records, counts, base_counts


def summary(recs, cs, bcs):
    return {'images': len(recs), 'input': mean_block(recs, 'input'), 'baseline': mean_block(recs, 'baseline'),
            'ours': mean_block(recs, 'ours'), 'mask': mask_scores(cs), 'baselineMask': mask_scores(bcs),
            'secondsPerImage': round(float(np.mean([r['seconds'] for r in recs])), 3)}


def old_photo_sheet(old_stems, outcomes, in_dir, path):
    """Step 4: the contact sheet of the real old photos the CLI restored; whether there was one to write."""
    pairs = []
    for stem, rel in old_stems:
        o = outcomes.get(stem)
        if o and o['status'] == 'restored':
            pairs.append((rel, load(os.path.join(in_dir, stem + '.png')), load(o['output'])))
    if pairs:
        contact_sheet(pairs, path)
    return bool(pairs)


def manifest_metrics(result, per_set, overall):
    """The overall numbers a full run of our own damage stores in the models' manifest."""
    return {
        'measuredAt': result['generatedAt'], 'by': 'training.evaluate', 'benchmark': '+'.join(per_set),
        'degradation': result['degradation'], 'images': overall['images'],
        'input': overall['input'], 'ours': overall['ours'], 'baseline': overall['baseline'],
        'scratchMask': {k: overall['mask'][k] for k in ('iou', 'precision', 'recall', 'f1')},
        'perSet': {s: {'input': v['input'], 'ours': v['ours']} for s, v in per_set.items()},
        'lpips': result['lpips'], 'fid': result['fid'],
    }


def result_record(args, damage, models, manifest, cli, cli_seconds, per_set, overall, records, old_stems, sheet,
                  lpips_note, t0):
    """What eval.json holds: the models, the engine, the damage, the scores per set and overall, and every image's."""
    return {
        'generatedAt': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'models': {'dir': os.path.relpath(models, ROOT), 'modelId': manifest.get('modelId'),
                   'sha256': {k: v['sha256'] for k, v in manifest['stages'].items()}},
        'engine': {'cli': 'heirloom restore --scratches auto --save-mask', 'provider': cli.get('provider', {}).get('label'),
                   'threads': args.threads, 'seconds': round(cli_seconds, 1)},
        'degradation': damage_record(damage),
        'baseline': 'top-hat defect detection (5×5, > 0.4), 5×5 median fill, TV denoising (weight 0.03)',
        'limit': args.limit or None,
        'sets': per_set,
        'overall': overall,
        'lpips': lpips_note,
        'fid': 'skipped: needs Inception-v3 weights, which cannot be downloaded here',
        'contactSheet': os.path.relpath(os.path.abspath(args.sheet), ROOT) if sheet else None,
        'oldPhotos': [rel for _, rel in old_stems],
        'failed': [o['input'] for o in cli['outcomes'] if o['status'] != 'restored'],
        'images': records,
        'seconds': round(time.time() - t0, 1),
    }


def main(argv=None):
    args, ap = parse_args(argv)
    damage = damage_of(args)
    if damage != 'ours' and args.out == ap.get_default('out'):
        args.out = os.path.join(os.path.dirname(args.out), f'eval-{damage}.json')

    models = os.path.abspath(args.models)
    if not os.path.isfile(os.path.join(models, 'manifest.json')):
        raise SystemExit(f'no model set at {models} (export one with training.export, or pass --models DIR)')
    if args.real:
        run_real(args, ap, models)
        return
    with open(os.path.join(models, 'manifest.json')) as f:
        manifest = json.load(f)
    lpips, lpips_note = lpips_of(args)

    t0 = time.time()
    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix='heirloom-eval-')
    in_dir, out_dir = os.path.join(work, 'in'), os.path.join(work, 'out')
    for d in (in_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    try:
        cases, old_stems = write_inputs(args, damage, work, in_dir)

        t_cli = time.time()
        cli = run_cli(models, in_dir, out_dir, args.threads, args.ep)  # step 2: the app's CLI restores them all
        cli_seconds = time.time() - t_cli
        outcomes = {os.path.splitext(os.path.basename(o['input']))[0]: o for o in cli['outcomes']}

        records, counts, base_counts = score_cases(args, cases, outcomes, work, in_dir, lpips)
        per_set = {s: summary([r for r in records if r['set'] == s], counts[s], base_counts[s]) for s in counts}
        overall = summary(records, [c for cs in counts.values() for c in cs], [c for cs in base_counts.values() for c in cs])
        sheet = old_photo_sheet(old_stems, outcomes, in_dir, args.sheet)

        result = result_record(args, damage, models, manifest, cli, cli_seconds, per_set, overall, records,
                               old_stems, sheet, lpips_note, t0)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
            f.write('\n')
        if not args.limit and not args.no_manifest and damage == 'ours':
            update_manifest(models, manifest_metrics(result, per_set, overall))
        print_summary(result, args)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def print_summary(result, args):
    what = {'foreign': 'foreign degradation (training.foreign)',
            'released': "the released code's degradation (training.degrade.released)",
            'film': 'real film-damage overlays only (benchmark.film_damage)'}.get(
        damage_of(args), f'degradation strength {DEGRADE["strength"]}, structured on all')
    print(f'\nmodels {result["models"]["modelId"]} — {what}, seed {SEED}')
    head = f'{"set":<10} {"n":>4}  {"input":>14}  {"baseline":>14}  {"ours":>14}  {"mask IoU":>8}  {"base IoU":>8}'
    print(head)
    print('-' * len(head))
    rows = list(result['sets'].items()) + [('overall', result['overall'])]
    for name, s in rows:
        cell = lambda k: f'{s[k]["psnr"]:6.2f} / {s[k]["ssim"]:.3f}'
        iou = s['mask']['iou']
        biou = s['baselineMask']['iou']
        print(f'{name:<10} {s["images"]:>4}  {cell("input"):>14}  {cell("baseline"):>14}  {cell("ours"):>14}  '
              f'{(iou if iou is not None else float("nan")):8.3f}  {(biou if biou is not None else float("nan")):8.3f}')
    by_size = result['overall']['mask']['recallBySize']
    print('mask recall by defect size (px of each connected piece): '
          + ', '.join(f'{k} {v["recall"]:.3f} of {v["pixels"]} px' for k, v in by_size.items()))
    print(f'(PSNR dB / SSIM; LPIPS: {result["lpips"]}; FID: {result["fid"]})')
    if result['failed']:
        print(f'{len(result["failed"])} file(s) failed in the CLI: {", ".join(result["failed"])}')
    print(f'wrote {os.path.relpath(os.path.abspath(args.out), ROOT)}'
          + (f' and {result["contactSheet"]}' if result['contactSheet'] else '')
          + (' (manifest metrics not updated: --limit run)' if args.limit else '')
          + f' in {result["seconds"]:.0f} s')


if __name__ == '__main__':
    sys.exit(main())
