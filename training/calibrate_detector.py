"""Chooses the scratch detector's threshold on the validation photos (Set14 +
Set5, held out of training and not the evaluation sets), each degraded whole
as `training.evaluate` degrades its sets, so defects have a photo's scale and
the masks are exact. Prints IoU per threshold (pooled over the photos) and the
best one; the chosen value goes into the config's `export.threshold`.

    /usr/bin/python3 -m training.calibrate_detector --weights DET.pt [--config CFG] [--sets Set14,Set5]

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
from .stages.models import build_models
from .validate import ROOT, degraded_photo, validation_items

THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True)
    ap.add_argument('--config', default='training/configs/cpu.json')
    ap.add_argument('--data-root', default=os.environ.get('HEIRLOOM_DATA', os.path.join(ROOT, '..', 'shared', 'datasets')))
    ap.add_argument('--sets', default='Set14,Set5')
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    torch.set_num_threads(args.threads)
    det = build_models(cfg)['detector']
    w = torch.load(args.weights, map_location='cpu', weights_only=False)
    det.load_state_dict(w.get('nets', w)['detector'])
    det.eval()
    items = validation_items(args.data_root, args.sets)
    inter = np.zeros(len(THRESHOLDS))
    union = np.zeros(len(THRESHOLDS))
    with torch.no_grad():
        for s, path in items:
            # the validation photos of every detector (any stride) are the same: cropped to 8 px as in validate,
            # then mirrored up to the detector's multiple as the engine pads
            _, bad, mask = degraded_photo(s, path, 8)
            h, w = mask.shape
            x = torch.from_numpy(bad).permute(2, 0, 1)[None] * 2 - 1
            x = F.pad(x, (0, -w % det.stride, 0, -h % det.stride), mode='reflect')
            prob = torch.sigmoid(det.logits(engine_grey(x)))[0, 0, :h, :w].numpy()
            t = mask > 0
            for k, th in enumerate(THRESHOLDS):
                p = prob > th
                inter[k] += (p & t).sum()
                union[k] += (p | t).sum()
    iou = inter / np.maximum(union, 1)
    best = int(np.argmax(iou))
    result = {'iou': {str(t): round(float(v), 4) for t, v in zip(THRESHOLDS, iou)}, 'best': THRESHOLDS[best], 'images': len(items)}
    print(json.dumps(result, indent=2))
    return result


if __name__ == '__main__':
    main()
