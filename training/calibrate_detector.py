"""Chooses the scratch detector's threshold on the validation photos (Set14,
Set5 and Set12, held out of training and not the evaluation sets), each degraded whole
as `training.evaluate` degrades its sets, so defects have a photo's scale and
the masks are exact. Prints IoU per threshold (pooled over the photos) and the
best one; the chosen value goes into the config's `export.threshold`.

Then the pyramid settings (detect_pyramid.py) together with the full-scale
threshold: IoU for every full-scale threshold × short-side limit × coarse-level
threshold × smallest coarse piece, and the best of them; its full-scale
threshold goes into `export.threshold` and the rest into `export.pyramid` as
{"minSide", "threshold", "minArea"}. (Choosing the full-scale threshold alone
first, then the pyramid at it, missed better pairs: once coarse levels find
the large defects, the full scale can afford to be stricter.)

    /usr/bin/python3 -m training.calibrate_detector --weights DET.pt [--config CFG] [--sets Set14,Set5,Set12]

The weights: a file holding {"detector": state_dict}, a run's final.pt or a checkpoint.
"""
import argparse
import json

import numpy as np
import torch

from .detect_pyramid import coarse_pieces, detector_probabilities, level_probabilities, photo_grey
from .data.images import default_data_root
from .validate import degraded_photo, load_detector, validation_items

THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995]
PYRAMID_SIDES = [64, 128, 192, 256]
PYRAMID_THRESHOLDS = [0.8, 0.9, 0.95]
PYRAMID_AREAS = [0, 50, 200, 800]


def iou_grid(photos, thresholds, pyramids):
    """IoU pooled over `photos` ([(level_probabilities list, true mask[, weight of its pixels])]): per full-scale threshold alone [T], and per
    (threshold, pyramid) [T, P], each the mask `detect_pyramid.combine` makes. Photo by photo, so only one photo's
    masks are held at a time; a pyramid's coarse pieces are computed once for all thresholds."""
    single = np.zeros((len(thresholds), 2))
    joint = np.zeros((len(thresholds), len(pyramids), 2))
    for probs, truth, *weight in photos:
        w = weight[0] if weight else 1.0  # a labelled real crop's pixels may count more than a synthetic photo's
        fulls = [probs[0] >= t for t in thresholds]
        for i, full in enumerate(fulls):
            single[i] += w * (full & truth).sum(), w * (full | truth).sum()
        for j, pyramid in enumerate(pyramids):
            coarse = coarse_pieces(probs, pyramid)
            for i, full in enumerate(fulls):
                mask = full | coarse
                joint[i, j] += w * (mask & truth).sum(), w * (mask | truth).sum()
    return single[:, 0] / np.maximum(single[:, 1], 1), joint[..., 0] / np.maximum(joint[..., 1], 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True)
    ap.add_argument('--config', default='training/configs/cpu.json')
    ap.add_argument('--data-root', default=default_data_root())
    # Set12 is grey, which the detector sees anyway (it runs on the engine's grey): 29 photos, not 18
    ap.add_argument('--sets', default='Set14,Set5,Set12')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--mirrors', type=int, help="mirror views to average (1, 2 or 4; default: the config's export.mirrors)")
    ap.add_argument('--real', type=float, default=0.0,
                    help='also score the training half of the labelled real crops (training/real_damage), their pixels '
                         'weighted this many times a synthetic pixel (never the held-out half)')
    ap.add_argument('--sides', default=','.join(map(str, PYRAMID_SIDES)), help='pyramid short-side limits to try')
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    det, cfg = load_detector(args.weights, args.config)
    sides = [int(v) for v in args.sides.split(',')]
    mirrors = args.mirrors or cfg['export']['mirrors']
    items = validation_items(args.data_root, args.sets)
    photos = []
    with torch.no_grad():
        for s, path in items:
            # the validation photos of every detector (any stride) are the same: cropped to 8 px as in validate
            _, bad, mask = degraded_photo(s, path, 8)
            grey = photo_grey(bad)
            photos.append((level_probabilities(detector_probabilities(det, mirrors), grey, min(sides)), mask > 0))
        if args.real:
            from .real_damage.labels import load_manifest, load_pair, old_photos_root
            for e in load_manifest('train'):
                rgb, mask = load_pair(e, old_photos_root(args.data_root))
                grey = photo_grey(rgb.astype(np.float32) / 255)
                photos.append((level_probabilities(detector_probabilities(det, mirrors), grey, min(sides)), mask,
                               args.real))

    pyramids = [{'minSide': side, 'threshold': th, 'minArea': area}
                for side in sides for th in PYRAMID_THRESHOLDS for area in PYRAMID_AREAS]
    single_iou, joint_iou = iou_grid(photos, THRESHOLDS, pyramids)
    best = THRESHOLDS[int(np.argmax(single_iou))]
    i, j = np.unravel_index(int(np.argmax(joint_iou)), joint_iou.shape)
    result = {'mirrors': mirrors, 'realWeight': args.real, 'iou': {str(t): round(float(v), 4) for t, v in zip(THRESHOLDS, single_iou)}, 'best': best, 'images': len(items),
              'pyramid': {'iou': {f"{t}|{p['minSide']}@{p['threshold']}+{p['minArea']}": round(float(joint_iou[a, b]), 4)
                                  for a, t in enumerate(THRESHOLDS) for b, p in enumerate(pyramids)},
                          'threshold': THRESHOLDS[i], 'best': pyramids[j], 'bestIou': round(float(joint_iou[i, j]), 4)}}
    print(json.dumps(result, indent=2))
    return result


if __name__ == '__main__':
    main()
