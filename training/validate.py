"""Validation for choices made during training (which checkpoint, which run):
PSNR/SSIM of weight files in PyTorch on Set14 + Set5, degraded exactly as
`training.evaluate` degrades its sets, with the true defect mask.

Set14 and Set5 are held out of training like every benchmark, and they are not
the evaluation sets (Kodak24, McMaster, CBSD68), so choosing on them keeps the
evaluation honest. The training photos with fresh seeds are a worse guide: a
model that trained longer on those very photos scores higher on them.

    /usr/bin/python3 -m training.validate RUN/ckpt/latest.pt[:CONFIG] [more …] [--sets Set14,Set5] [--by-fault] [--muted]
        [--foreign | --released] [--detector DET.pt:CONFIG]

`--detector` restores with the mask the engine would detect (that detector at
its config's `export` threshold, pyramid and mirrors, and the engine's rule that a mask
under 0.05 % of the photo counts as none) instead of the true one: what users
get, false marks and misses included.

`--by-fault` also restores each photo with one fault at a time (each
unstructured kind at its full range, the structured defects with their true
mask, and the clean photo itself) and prints input → output per fault: where a
model helps, and where it damages what it should leave alone.

`--released` degrades with the reference implementation's recipe instead (METHOD.md: blur, noise with salt and
pepper, mild resampling and JPEG, each with probability 0.7; then white painted scratches; `degrade.released`).
A chain trained with `degrade.released` has seen those faults, so for it this is not an independent check.

`--foreign` degrades with `training.foreign` instead: the same kinds of damage
drawn by a second, independent model that nothing trains on, at the same
difficulty. The target is scored on a degradation model we do not see; this
shows how much of a model's gain survives a change of the faults' form.

Every score also comes as the PSNR after the per-channel gain and offset that
best fit the truth (`colour_fixed`): the gap between the two is the error in
global tone, which better detail cannot remove.

A weight file without `:CONFIG` uses the config stored in it (checkpoints and
final.pt carry theirs).
"""
import argparse
import os
import sys

import numpy as np
import torch

from . import losses as L
from .benchmark import clean_photo, damage_of, degraded_photo, image_seed, validation_items
from .checkpoints import load_detector, load_weights
from .data.images import default_data_root
from .detect_pyramid import detector_probabilities, photo_grey, pyramid_mask
from .degrade import structured as S
from .degrade.pipeline import apply_unstructured
from .metrics import psnr, ssim
from .nets import apply_tone, thumbnail
from .stages.models import build_models, restore_chain
# calibrate_detector and union_detector import degraded_photo, validation_items, load_detector, load_weights and
# load_config_or_exit from here; they live in benchmark, checkpoints and config, and stay importable from this module.
from .config import load_config_or_exit  # noqa: F401


def load_nets(spec):
    path, _, cfg_path = spec.partition(':')
    weights, cfg = load_weights(path, cfg_path)
    nets = build_models(cfg)
    for k in ('E_A', 'T', 'G_B'):
        if k not in weights:
            raise SystemExit(f'{path}: has no {k}')
        nets[k].load_state_dict(weights[k])
        nets[k].eval()
    if 'tone' in weights:  # optional: weights from before the tone stage have none, and restore without it
        nets['tone'].load_state_dict(weights['tone'])
        nets['tone'].eval()
    else:
        del nets['tone']
    return nets, cfg


AUTO_MIN_COVERAGE = 0.0005  # restore.ts: a detected mask under this share of the photo is dropped in 'auto' mode


def engine_mask(detector, bad):
    """The defect mask the engine detects on a degraded photo [H, W, 3] in [0, 1]; `detector` is (net, cfg)."""
    det, cfg = detector
    with torch.no_grad():
        mask = pyramid_mask(detector_probabilities(det, cfg['export'].get('mirrors', 1)), photo_grey(bad),
                            cfg['export']['threshold'], cfg['export']['pyramid'])
    return (mask if mask.mean() >= AUTO_MIN_COVERAGE else np.zeros_like(mask)).astype(np.uint8)


def looks_grey(img):
    """The engine's rule (image-io.ts `looksGrey`) on the 8-bit photo: channels differ by at most 2 levels on
    average and 12 anywhere. The engine restores such a photo as grey and writes the mean of the restored RGB."""
    q = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.int16)
    d = np.abs(q[..., [0, 1, 0]] - q[..., [1, 2, 2]]).max(-1)
    return bool(d.max() <= 12 and d.mean() <= 2)


def restore(nets, cfg, img, mask):
    """The chain on one photo as the engine runs it: a photo that looks grey goes in and comes out grey."""
    grey = looks_grey(img)
    if grey:
        img = np.repeat(np.round(np.clip(img, 0, 1) * 255).mean(-1, keepdims=True).round() / 255, 3, -1).astype(np.float32)
    x = torch.from_numpy(img).permute(2, 0, 1)[None] * 2 - 1
    m = L.latent_mask(torch.from_numpy(mask.astype(np.float32))[None, None], cfg['export']['dilate'])
    with torch.no_grad():
        out = restore_chain(nets, x, m)
        if 'tone' in nets:
            out = apply_tone(out, nets['tone'](thumbnail(x)))
    out = ((out[0].permute(1, 2, 0).numpy() + 1) / 2).clip(0, 1)
    return np.repeat(out.mean(-1, keepdims=True), 3, -1) if grey else out


FAULTS = ['none', 'blur', 'noise', 'lowres', 'jpeg', 'fade', 'tone', 'structured']


def single_fault(clean, fault, rng):
    """(photo, mask) with only `fault` applied: an unstructured kind of degrade.pipeline, 'structured'
    (scratches, dust, blotches), or 'none'."""
    mask = np.zeros(clean.shape[:2], bool)
    if fault == 'none':
        return clean.copy(), mask.astype(np.uint8)
    if fault == 'structured':
        img = clean.copy()
        for draw in (S.scratches, S.dust, S.blotches):
            draw(img, mask, rng)
        return np.clip(img, 0, 1), mask.astype(np.uint8)
    return np.clip(apply_unstructured(fault, clean.copy(), rng), 0, 1).astype(np.float32), mask.astype(np.uint8)


def colour_fixed(img, clean):
    """`img` after the per-channel gain and offset that bring it closest to `clean` (least squares): what a global
    colour fix that knew the truth would make of it. Its PSNR minus the plain one is the part of the error that is
    global tone, the part no amount of detail work can remove."""
    flat, truth = img.reshape(-1, 3).astype(np.float64), clean.reshape(-1, 3).astype(np.float64)
    out = np.empty_like(flat)
    for c in range(3):
        a = np.stack([flat[:, c], np.ones(len(flat))], 1)
        (gain, offset), *_ = np.linalg.lstsq(a, truth[:, c], rcond=None)
        out[:, c] = flat[:, c] * gain + offset
    return np.clip(out, 0, 1).reshape(img.shape).astype(np.float32)


def capped_scores(clean, img):
    """(PSNR, SSIM, PSNR after colour_fixed), PSNRs capped at 99 dB: the clean photo scores infinity against itself,
    and means must stay numbers."""
    return min(psnr(clean, img), 99.0), ssim(clean, img), min(psnr(clean, colour_fixed(img, clean)), 99.0)


def by_fault(items, models):
    """{fault: (input rows, {spec: output rows})}, rows (psnr, ssim, colour-fixed psnr; capped_scores) per photo."""
    table = {f: ([], {spec: [] for spec, _, _ in models}) for f in FAULTS}
    for s, path in items:
        clean = clean_photo(path, 8)
        for k, fault in enumerate(FAULTS):
            bad, mask = single_fault(clean, fault, np.random.default_rng([image_seed(s, os.path.basename(path)), k]))
            table[fault][0].append(capped_scores(clean, bad))
            for spec, nets, cfg in models:
                table[fault][1][spec].append(capped_scores(clean, restore(nets, cfg, bad, mask)))
    return table


def print_by_fault(table):
    cell = lambda rows: '{0:.2f} / {1:.3f} [fixed {2:.2f}]'.format(*np.mean(rows, 0))
    for fault, (inputs, outs) in table.items():
        print(f'  {fault:<10} input {cell(inputs)}  →  ' + '  '.join(cell(r) for r in outs.values()))


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.validate', description=__doc__.split('\n')[0])
    ap.add_argument('weights', nargs='+', help='weight file[:config.json]')
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--sets', default='Set14,Set5')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--by-fault', action='store_true', help='also score one fault at a time')
    # The training photos are more colourful than most (mean chroma 0.19 against 0.14-0.15 for Kodak24 and CBSD68),
    # and a model that takes every quiet photo for a faded one scores well on Set14 + Set5 and loses on quieter sets
    # (the tone net of 2026-11-30): muted truths show that on the validation photos themselves.
    ap.add_argument('--muted', action='store_true', help='mute each ground truth (unstructured.mute) before degrading it')
    other = ap.add_mutually_exclusive_group()
    other.add_argument('--foreign', action='store_true', help='degrade with the independent model (training.foreign)')
    other.add_argument('--released', action='store_true',
                    help="degrade with the reference code's recipe and white painted scratches (degrade.released)")
    other.add_argument('--film', action='store_true',
                    help='only real film-damage overlays, nothing else (benchmark.film_damage): a scratch-only photo, '
                    'where a chain should gain over its input')
    ap.add_argument('--detector', help='weights[:config]: restore with the mask this detector finds, not the true one')
    args = ap.parse_args(argv)
    if args.by_fault and (args.foreign or args.released or args.film or args.muted):
        # by_fault draws our own faults from the plain truth: beside another damage view its rows would pass for it
        ap.error('--by-fault scores our own faults one at a time on the plain truths; run it without '
                 '--foreign, --released, --film and --muted')
    torch.set_num_threads(args.threads)
    items = validation_items(args.data_root, args.sets)
    models = [(spec, *load_nets(spec)) for spec in args.weights]
    detector = load_detector(*args.detector.split(':', 1)) if args.detector else None
    rows = {spec: [] for spec in args.weights}
    inputs, overlap = [], np.zeros(3)  # pooled detected ∧ true, detected, true pixels
    for s, path in items:
        clean, bad, mask = degraded_photo(s, path, 8, args.muted, damage_of(args))
        if detector:
            found, true = engine_mask(detector, bad).astype(bool), mask.astype(bool)
            overlap += ((found & true).sum(), found.sum(), true.sum())
            mask = found.astype(np.uint8)
        inputs.append((psnr(clean, bad), ssim(clean, bad)))
        for spec, nets, cfg in models:
            out = restore(nets, cfg, bad, mask)
            rows[spec].append(capped_scores(clean, out))
    print(f'{len(items)} {"muted " if args.muted else ""}images of {args.sets}' + (' (foreign damage)' if args.foreign else '') + (' (film overlays only)' if args.film else '') + (" (the released code's damage)" if args.released else '') + (f', masks detected by {args.detector}' if detector else ', true masks') + f'; input {np.mean([r[0] for r in inputs]):.2f} dB / {np.mean([r[1] for r in inputs]):.3f}')
    if detector:
        both, found, true = overlap
        print(f'detected masks: IoU {both / max(1, found + true - both):.3f}, precision {both / max(1, found):.3f}, '
              f'recall {both / max(1, true):.3f} (pixels pooled over the photos)')
    base = np.array([i[0] for i in inputs])
    for spec in args.weights:
        r = np.array(rows[spec])
        # a mean hides a model that over-processes mild photos: count those it made worse, and the worst loss
        worse = r[:, 0] < base - 0.05
        print(f'{spec}: {r[:, 0].mean():.2f} dB / {r[:, 1].mean():.3f}; worse than the input (by > 0.05 dB) on {int(worse.sum())} '
              f'of {len(r)} (worst {float((r[:, 0] - base).min()):+.2f} dB); {r[:, 2].mean():.2f} dB with the best global '
              'colour fix (colour_fixed)')
        names = [s for s, _ in items]
        if len(set(names)) > 1:  # sets differ in palette (Set12 is grey): a change can win on one and lose on another
            per_set = [(n, r[[i for i, m in enumerate(names) if m == n], :2].mean(0)) for n in dict.fromkeys(names)]
            print('  ' + ', '.join(f'{n} {v[0]:.2f} / {v[1]:.3f}' for n, v in per_set))
    if args.by_fault:
        print('one fault at a time (PSNR dB / SSIM [PSNR after the per-channel gain and offset that best fit the truth]; '
              'columns: ' + ', '.join(args.weights) + ')')
        print_by_fault(by_fault(items, models))
    return 0


if __name__ == '__main__':
    sys.exit(main())
