"""Chooses the scratch detector's threshold on held-in synthetic data (clean/
photos with seeded degradations that training never drew: a different seed),
never on the benchmarks. Prints IoU per threshold and the best one; the chosen
value goes into the config's `export.threshold`.

    /usr/bin/python3 -m training.calibrate_detector --weights DET.pt [--config CFG] [--n 96] [--crop 256]
"""
import argparse
import json
import os

import numpy as np
import torch

from .config import load_config
from .data.datasets import PairDataset, engine_grey
from .data.images import load_folder
from .degrade import DegradeConfig
from .stages.models import build_models

THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True, help='a file holding {"detector": state_dict} or final.pt/ckpt with nets')
    ap.add_argument('--config', default='training/configs/cpu.json')
    ap.add_argument('--data-root', default=os.path.join('..', 'shared', 'datasets'))
    ap.add_argument('--n', type=int, default=96)
    ap.add_argument('--crop', type=int, default=256)
    ap.add_argument('--seed', type=int, default=90210)
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    torch.set_num_threads(1)
    det = build_models(cfg)['detector']
    w = torch.load(args.weights, map_location='cpu', weights_only=False)
    w = w.get('nets', w)
    det.load_state_dict(w['detector'])
    det.eval()
    images = load_folder(os.path.join(args.data_root, cfg['data']['clean']), cfg['data']['max_side'])
    data = PairDataset(images, args.crop, args.seed, DegradeConfig(p_structured=1.0, strength=0.5))
    inter = np.zeros(len(THRESHOLDS))
    union = np.zeros(len(THRESHOLDS))
    with torch.no_grad():
        for i in range(args.n):
            x, _, m = data[i]
            prob = torch.sigmoid(det.logits(engine_grey(x[None])))[0]
            t = m > 0.5
            for k, th in enumerate(THRESHOLDS):
                p = prob > th
                inter[k] += (p & t).sum().item()
                union[k] += (p | t).sum().item()
    iou = inter / np.maximum(union, 1)
    best = int(np.argmax(iou))
    result = {'iou': {str(t): round(float(v), 4) for t, v in zip(THRESHOLDS, iou)}, 'best': THRESHOLDS[best], 'n': args.n}
    print(json.dumps(result, indent=2))
    return result


if __name__ == '__main__':
    main()
