"""Chooses the union detector's thresholds (`nets.detector.UnionDetector`): the thin-damage detector's own
threshold, then the union's full-scale threshold and pyramid, as `calibrate_detector` chooses them, scoring
IoU pooled over the validation photos under the evaluation's damage, the same photos under real film-damage
overlays only (`benchmark.film_damage`, with `--film`), and the labelled real crops' training half (`--real W`,
their pixels weighted W times). Never the held-out half. The general detector keeps the threshold it was tuned
at (it is in the config): the thin one is what is being added.

    /usr/bin/python3 -m training.calibrate_union --weights UNION.pt --thin 0.8,0.9,0.95 --film --real 20

Each detector runs once per photo, level and mirror view; every threshold is then scored from those logits.
Write the chosen thin threshold into the config's `model.detect.thresholds` (training.union_detector
--thresholds) and the rest into `export`."""
import argparse
import json

import numpy as np
import torch

from .benchmark import degraded_photo, validation_items
from .calibrate_detector import PYRAMID_AREAS, PYRAMID_SIDES, PYRAMID_THRESHOLDS, THRESHOLDS, iou_grid
from .checkpoints import load_detector
from .data.images import default_data_root
from .detect_pyramid import check_mirrors, halve, levels, mirrored_outputs, photo_grey, upsample
from .nets.detector import UnionDetector, _logit


def view_logits(det: UnionDetector, grey: np.ndarray, mirrors: int) -> list:
    """[(general logits, thin logits)] [H, W] per mirror view, each flipped back (padding as the engine pads)."""
    with torch.no_grad():
        per_net = [mirrored_outputs(f, det.stride, grey, mirrors) for f in (det.general.logits, det.thin_logits)]
    return list(zip(*per_net))


def photo_logits(det, grey, mirrors, min_side):
    """view_logits of the photo and of each coarser level (as detect_pyramid.level_probabilities halves)."""
    h, w = grey.shape
    out, level = [view_logits(det, grey, mirrors)], grey
    for _ in range(levels(h, w, min_side)):
        level = halve(level)
        out.append(view_logits(det, level, mirrors))
    return out


def union_levels(logits, shift_general: float, shift_thin: float) -> list:
    """The union's level probabilities (full size) from photo_logits at the given shifts, mirrors averaged."""
    h, w = logits[0][0][0].shape
    out = []
    for views in logits:
        p = np.mean([1 / (1 + np.exp(-np.maximum(g - shift_general, t - shift_thin))) for g, t in views], 0)
        out.append(p.astype(np.float32) if p.shape == (h, w) else upsample(p.astype(np.float32), h, w))
    return out


def scored_photos(det, args, min_side):
    """[(photo_logits, truth, weight)] of every photo scored."""
    photos = []
    items = validation_items(args.data_root, args.sets)
    for damage in ['ours'] + (['film'] if args.film else []):
        for s, path in items:
            _, bad, mask = degraded_photo(s, path, 8, damage=damage)
            photos.append((photo_logits(det, photo_grey(bad), args.mirrors, min_side), mask > 0, 1.0))
    if args.real:
        from .real_damage.labels import load_manifest, load_pair, old_photos_root
        for e in load_manifest('train'):
            rgb, mask = load_pair(e, old_photos_root(args.data_root))
            grey = photo_grey(rgb.astype(np.float32) / 255)
            photos.append((photo_logits(det, grey, args.mirrors, min_side), mask, args.real))
    return photos


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True, help='a union detector (training.union_detector --out)')
    ap.add_argument('--config', default='', help="default: the one stored with the weights")
    ap.add_argument('--thin', required=True, help='comma list of thin-detector thresholds to try')
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--sets', default='Set14,Set5,Set12')
    ap.add_argument('--film', action='store_true', help='also score the photos under real film-damage overlays')
    ap.add_argument('--real', type=float, default=0.0, help="the labelled real crops' training half, this weight")
    ap.add_argument('--mirrors', type=int, default=2)
    ap.add_argument('--sides', default=','.join(map(str, PYRAMID_SIDES)))
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    check_mirrors(args.mirrors)
    det, cfg = load_detector(args.weights, args.config)
    if not isinstance(det, UnionDetector):
        raise SystemExit(f'{args.weights}: not a union detector (model.detect has no thin section)')
    thins = [float(v) for v in args.thin.split(',')]
    sides = [int(v) for v in args.sides.split(',')]
    photos = scored_photos(det, args, min(sides))
    pyramids = [{'minSide': side, 'threshold': th, 'minArea': area}
                for side in sides for th in PYRAMID_THRESHOLDS for area in PYRAMID_AREAS]
    shift_general = _logit(cfg['model']['detect']['thresholds'][0])
    results, best = {}, None
    for t in thins:
        scored = [(union_levels(lg, shift_general, _logit(t)), truth, w) for lg, truth, w in photos]
        single, joint = iou_grid(scored, THRESHOLDS, pyramids)
        i, j = np.unravel_index(int(np.argmax(joint)), joint.shape)
        results[str(t)] = {'iou': {str(th): round(float(v), 4) for th, v in zip(THRESHOLDS, single)},
                           'threshold': THRESHOLDS[i], 'pyramid': pyramids[j], 'bestIou': round(float(joint[i, j]), 4)}
        if best is None or joint[i, j] > results[best]['bestIou']:
            best = str(t)
        print(f'thin {t}: best IoU {joint[i, j]:.4f} at union threshold {THRESHOLDS[i]}, pyramid {pyramids[j]}',
              flush=True)
    out = {'mirrors': args.mirrors, 'film': args.film, 'realWeight': args.real, 'photos': len(photos),
           'thin': results, 'best': {'thin': float(best), **{k: results[best][k] for k in ('threshold', 'pyramid', 'bestIou')}}}
    print(json.dumps(out['best'], indent=2))
    return out


if __name__ == '__main__':
    main()
