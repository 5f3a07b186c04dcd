"""Chooses the scratch detector's threshold on the validation photos (Set14,
Set5 and Set12, held out of training and not the evaluation sets), each degraded whole
as `training.evaluate` degrades its sets, so defects have a photo's scale and
the masks are exact. Prints IoU per threshold (pooled over the photos) and the
best one; the chosen value goes into the config's `export.threshold`.

Then, at that threshold, the pyramid settings (detect_pyramid.py): IoU per
short-side limit, coarse-level threshold and smallest coarse piece, and the
best of them, which goes into `export.pyramid` as {"minSide", "threshold",
"minArea"}.

    /usr/bin/python3 -m training.calibrate_detector --weights DET.pt [--config CFG] [--sets Set14,Set5,Set12]

The weights: a file holding {"detector": state_dict}, a run's final.pt or a checkpoint.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from .config import load_config
from .data.datasets import engine_grey
from .detect_pyramid import combine, level_probabilities
from .stages.models import build_models
from .validate import ROOT, degraded_photo, validation_items

THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
PYRAMID_SIDES = [64, 128, 192, 256]
PYRAMID_THRESHOLDS = [0.8, 0.9, 0.95]
PYRAMID_AREAS = [0, 50, 200, 800]


def detector_probabilities(det):
    """grey [H, W] → the detector's probability [H, W], mirrored up to its multiple as the engine pads."""
    def run(g):
        x = torch.from_numpy(np.ascontiguousarray(g))[None, None]
        gh, gw = g.shape
        x = F.pad(x, (0, -gw % det.stride, 0, -gh % det.stride), mode='reflect')
        return torch.sigmoid(det.logits(x))[0, 0, :gh, :gw].numpy()
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True)
    ap.add_argument('--config', default='training/configs/cpu.json')
    ap.add_argument('--data-root', default=os.environ.get('HEIRLOOM_DATA', os.path.join(ROOT, '..', 'shared', 'datasets')))
    # Set12 is grey, which the detector sees anyway (it runs on the engine's grey): 29 photos, not 18
    ap.add_argument('--sets', default='Set14,Set5,Set12')
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    torch.set_num_threads(args.threads)
    det = build_models(cfg)['detector']
    w = torch.load(args.weights, map_location='cpu', weights_only=False)
    det.load_state_dict(w.get('nets', w)['detector'])
    det.eval()
    items = validation_items(args.data_root, args.sets)
    photos = []
    with torch.no_grad():
        for s, path in items:
            # the validation photos of every detector (any stride) are the same: cropped to 8 px as in validate
            _, bad, mask = degraded_photo(s, path, 8)
            grey = engine_grey(torch.from_numpy(bad).permute(2, 0, 1)[None] * 2 - 1)[0, 0].numpy()
            photos.append((level_probabilities(detector_probabilities(det), grey, min(PYRAMID_SIDES)), mask > 0))

    def iou(threshold, pyramid):
        inter = union = 0
        for probs, t in photos:
            p = combine(probs, threshold, pyramid)
            inter += (p & t).sum()
            union += (p | t).sum()
        return float(inter / max(union, 1))

    single = [iou(th, None) for th in THRESHOLDS]
    best = THRESHOLDS[int(np.argmax(single))]
    grid = {(side, th, area): iou(best, {'minSide': side, 'threshold': th, 'minArea': area})
            for side in PYRAMID_SIDES for th in PYRAMID_THRESHOLDS for area in PYRAMID_AREAS}
    side, th, area = max(grid, key=grid.get)
    result = {'iou': {str(t): round(v, 4) for t, v in zip(THRESHOLDS, single)}, 'best': best, 'images': len(items),
              'pyramid': {'iou': {f'{s}@{t}+{a}': round(v, 4) for (s, t, a), v in grid.items()},
                          'best': {'minSide': side, 'threshold': th, 'minArea': area}, 'bestIou': round(grid[(side, th, area)], 4)}}
    print(json.dumps(result, indent=2))
    return result


if __name__ == '__main__':
    main()
