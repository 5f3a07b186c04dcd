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
`bench-results/eval-released.json`.

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
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageOps
from scipy import ndimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from skimage.restoration import denoise_tv_chambolle

from .data.images import default_data_root, list_images
from .degrade import DegradeConfig, degrade
from .degrade.released import released_damage
from .foreign import FOREIGN_STREAM, foreign_degrade

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
SEED = 2020
DEGRADE = {'strength': 0.3, 'p_structured': 1.0, 'p_gray': 0.12}
SETS = ['Kodak24', 'McMaster', 'CBSD68']
OLD_PHOTOS = 8
RELEASED_STREAM = 303  # a photo's released-recipe damage draws from default_rng([its seed, this])


# ---------------------------------------------------------------- metrics

def to_float(img):
    """uint8 [H, W] or [H, W, C] → float64 RGB in [0, 1]."""
    a = np.asarray(img, np.float64) / 255
    if a.ndim == 2:
        a = a[..., None]
    if a.shape[2] == 1:
        a = np.repeat(a, 3, 2)
    return a[..., :3]


def load(path, mode=None):
    """An image read fully and its file closed."""
    with Image.open(path) as im:
        return im.convert(mode) if mode else im.copy()


def psnr(ref, img):
    return float(peak_signal_noise_ratio(ref, img, data_range=1.0))


def ssim(ref, img):
    return float(structural_similarity(ref, img, channel_axis=-1, data_range=1.0))


# Defects by the size of their connected piece of mask (px): a pooled IoU is dominated by the big blotches and
# tears, so recall per size tells which kind of defect a detector misses.
SIZE_BINS = [(0, 50, 'under50'), (50, 500, 'under500'), (500, 5000, 'under5000'), (5000, None, 'atLeast5000')]


def mask_counts(pred, true):
    pred, true = pred.astype(bool), true.astype(bool)
    out = {'tp': int((pred & true).sum()), 'fp': int((pred & ~true).sum()), 'fn': int((~pred & true).sum()),
           'pred': int(pred.sum()), 'true': int(true.sum()), 'pixels': int(pred.size), 'bySize': {}}
    labels, n = ndimage.label(true, structure=np.ones((3, 3)))
    if n:
        sizes = np.bincount(labels.ravel())[1:]
        hits = np.bincount(labels[pred & true], minlength=n + 1)[1:]
        for lo, hi, name in SIZE_BINS:
            sel = (sizes >= lo) & (sizes < hi if hi else True)
            out['bySize'][name] = (int(sizes[sel].sum()), int(hits[sel].sum()))
    return out


def mask_scores(counts):
    """Pooled over images: IoU = ΣTP / Σ(TP+FP+FN), precision, recall, F1; and the mean per-image IoU."""
    tp, fp, fn = (sum(c[k] for c in counts) for k in ('tp', 'fp', 'fn'))
    per = [c['tp'] / (c['tp'] + c['fp'] + c['fn']) for c in counts if c['tp'] + c['fp'] + c['fn'] > 0]
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {'iou': round(tp / (tp + fp + fn), 4) if tp + fp + fn else None,
            'meanIou': round(float(np.mean(per)), 4) if per else None,
            'precision': round(prec, 4), 'recall': round(rec, 4),
            'f1': round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            'predictedCoverage': round(sum(c['pred'] for c in counts) / max(1, sum(c['pixels'] for c in counts)), 5),
            'trueCoverage': round(sum(c['true'] for c in counts) / max(1, sum(c['pixels'] for c in counts)), 5),
            'recallBySize': _recall_by_size(counts)}


def _recall_by_size(counts):
    """{bin: {'pixels': true defect pixels in pieces of that size, 'recall': share of them found}}, pooled."""
    out = {}
    for _, _, name in SIZE_BINS:
        px = sum(c['bySize'].get(name, (0, 0))[0] for c in counts)
        hit = sum(c['bySize'].get(name, (0, 0))[1] for c in counts)
        if px:
            out[name] = {'pixels': px, 'recall': round(hit / px, 4)}
    return out


# ---------------------------------------------------------------- classical baseline

def classical_mask(img):
    """Thin bright or dark structures (scratches, dust) by grey-level top-hats on luminance."""
    g = img @ np.array([0.299, 0.587, 0.114])
    fp = np.ones((5, 5), bool)
    white = g - ndimage.grey_opening(g, footprint=fp)
    black = ndimage.grey_closing(g, footprint=fp) - g
    m = (white > 0.4) | (black > 0.4)
    return ndimage.binary_dilation(m, iterations=1)


def classical_restore(img):
    """img float [H, W, 3] in [0, 1] → (restored, mask): median fill of detected defects, then TV denoising."""
    mask = classical_mask(img)
    med = ndimage.median_filter(img, size=(5, 5, 1), mode='reflect')
    out = np.where(mask[..., None], med, img)
    out = denoise_tv_chambolle(out, weight=0.03, channel_axis=-1)
    return np.clip(out, 0, 1), mask


def quantise(img):
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


# ---------------------------------------------------------------- LPIPS (optional)

class Lpips:
    """LPIPS v0.1 with AlexNet features (Zhang et al. 2018): unit-normalised features of five ReLU layers,
    squared differences weighted by learned 1×1 layers, averaged over space, summed over layers."""

    def __init__(self, lin_path, backbone_path):
        import torch
        from torch import nn
        from torchvision.models import alexnet
        self.torch = torch
        net = alexnet()
        net.load_state_dict(torch.load(backbone_path, map_location='cpu'))
        f = net.features.eval()
        self.slices = [f[0:2], f[2:5], f[5:8], f[8:10], f[10:12]]
        lin = torch.load(lin_path, map_location='cpu')
        self.lins = []
        for i, ch in enumerate([64, 192, 384, 256, 256]):
            conv = nn.Conv2d(ch, 1, 1, bias=False)
            conv.weight.data.copy_(lin[f'lin{i}.model.1.weight'])
            self.lins.append(conv.eval())
        self.shift = torch.tensor([-.030, -.088, -.188]).view(1, 3, 1, 1)
        self.scale = torch.tensor([.458, .448, .450]).view(1, 3, 1, 1)

    def __call__(self, a, b):
        """a, b: float [H, W, 3] in [0, 1] → distance."""
        torch = self.torch

        def feats(x):
            h = (torch.from_numpy(x).float().permute(2, 0, 1)[None] * 2 - 1 - self.shift) / self.scale
            out = []
            for s in self.slices:
                h = s(h)
                out.append(h / (h.pow(2).sum(1, keepdim=True).sqrt() + 1e-10))
            return out
        with torch.no_grad():
            fa, fb = feats(a), feats(b)
            return float(sum(lin((x - y) ** 2).mean() for lin, x, y in zip(self.lins, fa, fb)))


# ---------------------------------------------------------------- data

def image_seed(set_name, file_name):
    return [SEED, zlib.crc32(f'{set_name}/{file_name}'.encode())]


def damage_of(args):
    """Which damage a command line asks for: 'foreign', 'released' or 'ours' (the flags exclude each other)."""
    return 'foreign' if args.foreign else 'released' if args.released else 'ours'


def benchmark_damage(clean, seed, damage='ours'):
    """(degraded, mask) of a benchmark photo (float32 [H, W, 3] in [0, 1]) from its seed (`image_seed`): the
    evaluation's damage (`training.degrade` at DEGRADE), or with 'foreign' `training.foreign`'s, or with 'released'
    the reference code's recipe (`degrade.released.released_damage`), each drawn from its own stream of the same
    seed. Validation damages its photos through this too, so both score the same damage."""
    if damage == 'foreign':
        return foreign_degrade(clean, np.random.default_rng([seed, FOREIGN_STREAM]))
    if damage == 'released':
        return released_damage(clean, np.random.default_rng([seed, RELEASED_STREAM]))
    return degrade(clean, np.random.default_rng(seed), DegradeConfig(**DEGRADE))


def benchmark_items(data_root, sets, limit):
    items = []
    for s in sets:
        folder = os.path.join(data_root, 'benchmarks', s)
        files = list_images(folder)
        if not files:
            raise SystemExit(f'no images in {folder}')
        items += [(s, f) for f in files[:limit or None]]
    return items


def old_photo_picks(data_root, n):
    files = list_images(os.path.join(data_root, 'old-photos'))
    if not files or n <= 0:
        return []
    idx = np.linspace(0, len(files) - 1, min(n, len(files))).round().astype(int)
    return [files[i] for i in dict.fromkeys(idx.tolist())]


def run_cli(models, in_dir, out_dir, threads, ep):
    node = shutil.which('node')
    if not node:
        raise SystemExit('node is not on PATH: the evaluation drives the app\'s CLI (bin/heirloom.mjs)')
    cmd = [node, os.path.join(ROOT, 'bin', 'heirloom.mjs'), 'restore', in_dir, '--out', out_dir, '--models', models,
           '--scratches', 'auto', '--save-mask', '--json', '--ep', ep, '--threads', str(threads)]
    print('running', ' '.join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [l for l in proc.stdout.splitlines() if l.startswith('{')]
    if not lines:
        raise SystemExit(f'heirloom restore gave no JSON (exit {proc.returncode}):\n{proc.stderr[-4000:]}')
    result = json.loads(lines[-1])
    for o in result['outcomes']:
        if o['status'] != 'restored':
            print(f'warning: {o["input"]}: {o["message"]}', file=sys.stderr)
    return result


def contact_sheet(pairs, path, row_h=240, max_w=1400):
    """pairs: (label, input image, restored image) → one PNG, a row per photo: input | restored."""
    rows = []
    for label, a, b in pairs:
        s = row_h / a.height
        w = max(1, round(a.width * s))
        if 2 * w + 12 > max_w:
            w = (max_w - 12) // 2
            s = w / a.width
        h = max(1, round(a.height * s))
        row = Image.new('RGB', (2 * w + 12, h + 18), 'white')
        row.paste(a.convert('RGB').resize((w, h), Image.LANCZOS), (0, 18))
        row.paste(b.convert('RGB').resize((w, h), Image.LANCZOS), (w + 12, 18))
        d = ImageDraw.Draw(row)
        name = os.path.basename(label)
        room = max(4, (w - 60) // 6)  # the default bitmap font is 6 px wide
        d.text((2, 3), f'{name if len(name) <= room else name[:room - 3] + "..."}: input', fill='black')
        d.text((w + 14, 3), 'restored', fill='black')
        rows.append(row)
    width = max(r.width for r in rows)
    sheet = Image.new('RGB', (width, sum(r.height + 8 for r in rows)), 'white')
    y = 0
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height + 8
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sheet.save(path)


def mean_block(records, key):
    vals = [r[key] for r in records]
    return {m: round(float(np.mean([v[m] for v in vals])), 4) for m in vals[0]} if vals else {}


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


# ---------------------------------------------------------------- main

def main(argv=None):
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
    other.add_argument('--real', action='store_true',
                       help='score the detector on the held-out labelled real crops (training/real_damage); writes eval-real.json')
    ap.add_argument('--no-manifest', action='store_true', help='do not store the metrics in the models\' manifest')
    ap.add_argument('--lpips-weights', help='LPIPS v0.1 linear layers (alex.pth of the lpips package)')
    ap.add_argument('--lpips-backbone', help='torchvision AlexNet ImageNet weights (alexnet-owt-7be5be79.pth)')
    args = ap.parse_args(argv)
    damage = damage_of(args)
    if damage != 'ours' and args.out == ap.get_default('out'):
        args.out = os.path.join(os.path.dirname(args.out), f'eval-{damage}.json')

    models = os.path.abspath(args.models)
    if not os.path.isfile(os.path.join(models, 'manifest.json')):
        raise SystemExit(f'no model set at {models} (export one with training.export, or pass --models DIR)')
    if args.real:
        from .evaluate_real import default_paths, evaluate_real, print_real
        out, sheet = default_paths()
        out = out if args.out == ap.get_default('out') else args.out
        sheet = sheet if args.sheet == ap.get_default('sheet') else args.sheet
        print_real(evaluate_real(models, args.data_root, out, sheet, args.threads, args.ep, args.keep), out, sheet)
        return
    with open(os.path.join(models, 'manifest.json')) as f:
        manifest = json.load(f)
    lpips, lpips_note = None, 'skipped: needs --lpips-weights (lpips alex.pth) and --lpips-backbone (torchvision AlexNet weights)'
    if args.lpips_weights and args.lpips_backbone:
        lpips, lpips_note = Lpips(args.lpips_weights, args.lpips_backbone), 'LPIPS v0.1 AlexNet (user-supplied weights)'
    elif args.lpips_weights or args.lpips_backbone:
        raise SystemExit('LPIPS needs both --lpips-weights and --lpips-backbone')

    t0 = time.time()
    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix='heirloom-eval-')
    in_dir, out_dir = os.path.join(work, 'in'), os.path.join(work, 'out')
    for d in (in_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    try:
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
        olds = old_photo_picks(args.data_root, args.old_photos)
        old_stems = []
        for i, path in enumerate(olds):
            stem = f'old__{i:02d}'
            with Image.open(path) as im:  # upright, as PNG: the CLI reads EXIF orientation too, but keep it explicit
                ImageOps.exif_transpose(im).convert('RGB').save(os.path.join(in_dir, stem + '.png'))
            old_stems.append((stem, os.path.relpath(path, args.data_root)))
        print(f'{len(cases)} degraded benchmark images and {len(old_stems)} real old photos in {in_dir}', flush=True)

        t_cli = time.time()
        cli = run_cli(models, in_dir, out_dir, args.threads, args.ep)
        cli_seconds = time.time() - t_cli
        outcomes = {os.path.splitext(os.path.basename(o['input']))[0]: o for o in cli['outcomes']}

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

        def summary(recs, cs, bcs):
            return {'images': len(recs), 'input': mean_block(recs, 'input'), 'baseline': mean_block(recs, 'baseline'),
                    'ours': mean_block(recs, 'ours'), 'mask': mask_scores(cs), 'baselineMask': mask_scores(bcs),
                    'secondsPerImage': round(float(np.mean([r['seconds'] for r in recs])), 3)}

        per_set = {s: summary([r for r in records if r['set'] == s], counts[s], base_counts[s]) for s in counts}
        overall = summary(records, [c for cs in counts.values() for c in cs], [c for cs in base_counts.values() for c in cs])

        pairs = []
        for stem, rel in old_stems:
            o = outcomes.get(stem)
            if o and o['status'] == 'restored':
                pairs.append((rel, load(os.path.join(in_dir, stem + '.png')), load(o['output'])))
        if pairs:
            contact_sheet(pairs, args.sheet)

        result = {
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
            'lpips': lpips_note if not lpips else lpips_note,
            'fid': 'skipped: needs Inception-v3 weights, which cannot be downloaded here',
            'contactSheet': os.path.relpath(os.path.abspath(args.sheet), ROOT) if pairs else None,
            'oldPhotos': [rel for _, rel in old_stems],
            'failed': [o['input'] for o in cli['outcomes'] if o['status'] != 'restored'],
            'images': records,
            'seconds': round(time.time() - t0, 1),
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
            f.write('\n')
        if not args.limit and not args.no_manifest and damage == 'ours':
            update_manifest(models, {
                'measuredAt': result['generatedAt'], 'by': 'training.evaluate', 'benchmark': '+'.join(per_set),
                'degradation': result['degradation'], 'images': overall['images'],
                'input': overall['input'], 'ours': overall['ours'], 'baseline': overall['baseline'],
                'scratchMask': {k: overall['mask'][k] for k in ('iou', 'precision', 'recall', 'f1')},
                'perSet': {s: {'input': v['input'], 'ours': v['ours']} for s, v in per_set.items()},
                'lpips': result['lpips'], 'fid': result['fid'],
            })
        print_summary(result, args)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def damage_record(damage):
    """How the photos were damaged, for the JSON: the module and its seeds."""
    if damage == 'foreign':
        return {'module': 'training.foreign', 'seed': f'[{SEED} + crc32("<set>/<file>"), {FOREIGN_STREAM}]'}
    if damage == 'released':
        return {'module': 'training.degrade.released', 'seed': f'[{SEED} + crc32("<set>/<file>"), {RELEASED_STREAM}]'}
    return {'module': 'training.degrade', 'seed': f'{SEED} + crc32("<set>/<file>")', **DEGRADE}


def print_summary(result, args):
    what = {'foreign': 'foreign degradation (training.foreign)',
            'released': "the released code's degradation (training.degrade.released)"}.get(
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
