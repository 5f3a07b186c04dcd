"""Joins the general scratch detector and the thin-damage detector into the one the engine runs
(`nets.detector.UnionDetector`): each keeps its weights, the config says each one's threshold.

    /usr/bin/python3 -m training.union_detector --general GENERAL.pt --thin THIN.pt \
        --config training/configs/cpu-detect-union.json [--thresholds 0.6,0.9] --out UNION.pt

GENERAL.pt and THIN.pt: any file `training.validate.load_weights` reads whose config describes its detector
(a run's final.pt, a checkpoint, an averaged or from_onnx file). `--thresholds` overrides the config's
`model.detect.thresholds` and is written into the stored config. The result holds {'nets': {'detector'},
'config'}; `training.export --weights CHAIN.pt,UNION.pt --config …union.json` ships it with the chain.

    /usr/bin/python3 -m training.union_detector --split UNION.pt --thin-out THIN.pt

takes a union apart again: THIN.pt holds its thin detector alone, with a config whose model.detect is the thin
section, so `training.train --stage detect --init THIN.pt` goes on training it (what `from_onnx` recovers of a
shipped set is a union; its thin half is what self-training continues)."""
import argparse
import copy

import torch

from .stages.models import build_detector
from .checkpoints import sha256_file
from .config import load_config_or_exit


def single(path: str, section: dict):
    """(state_dict, detect section) of the detector stored in `path`; a file stored without a config (an average of
    snapshots) is taken to be the config's `section`, and loading its weights checks every shape."""
    ck = torch.load(path, map_location='cpu', weights_only=False)
    if not isinstance(ck, dict):
        raise SystemExit(f'{path}: not a weights file')
    weights = ck.get('nets', ck)
    if 'detector' not in weights:
        raise SystemExit(f'{path}: has no detector')
    d = ck['config']['model']['detect'] if isinstance(ck.get('config'), dict) else section
    if 'thin' in d:
        raise SystemExit(f'{path}: already a union of two detectors')
    return weights['detector'], d


def same_shape(section: dict, stored: dict, role: str, path: str):
    keys = ('width', 'depth', 'context', 'tophat')
    want = {k: section.get(k, 0) for k in keys}
    have = {k: stored.get(k, 0) for k in keys}
    if want != have:
        raise SystemExit(f'{path}: its detector is {have}, the config\'s {role} detector {want}')


def join(general: str, thin: str, cfg: dict, thresholds=None) -> dict:
    cfg = copy.deepcopy(cfg)
    d = cfg['model']['detect']
    if 'thin' not in d:
        raise SystemExit("the config's model.detect has no 'thin' section")
    if thresholds:
        d['thresholds'] = list(thresholds)
    general_section = {k: v for k, v in d.items() if k not in ('thin', 'thresholds')}
    g_sd, g_d = single(general, general_section)
    t_sd, t_d = single(thin, d['thin'])
    same_shape(general_section, g_d, 'general', general)
    same_shape(d['thin'], t_d, 'thin', thin)
    det = build_detector(d)
    for role, net, sd, path in (('general', det.general, g_sd, general), ('thin', det.thin, t_sd, thin)):
        try:
            net.load_state_dict(sd)
        except RuntimeError as e:
            raise SystemExit(f'{path}: does not fit the config\'s {role} detector ({str(e).splitlines()[0]})')
    # the thin detector's training is what this file adds; both files are named with their checksums
    record = torch.load(thin, map_location='cpu', weights_only=False).get('training') or {}
    record = {k: record[k] for k in ('steps', 'seconds', 'device', 'torch', 'data') if k in record}
    record['joinedFrom'] = [{'role': role, 'file': path, 'sha256': sha256_file(path)}
                            for role, path in (('general', general), ('thin', thin))]
    return {'nets': {'detector': det.state_dict()}, 'config': cfg, 'training': record}


def split_thin(union_path: str) -> dict:
    """{'nets': {'detector'}, 'config', 'training'}: the thin half of a union weight file, standing alone."""
    ck = torch.load(union_path, map_location='cpu', weights_only=False)
    cfg = copy.deepcopy(ck.get('config') or {})
    d = cfg.get('model', {}).get('detect', {})
    if 'thin' not in d:
        raise SystemExit(f'{union_path}: not a union of two detectors (its config has no model.detect.thin)')
    prefix = 'thin.'
    sd = {k[len(prefix):]: v for k, v in ck['nets']['detector'].items() if k.startswith(prefix)}
    cfg['model']['detect'] = dict(d['thin'])
    return {'nets': {'detector': sd}, 'config': cfg,
            'training': {'splitFrom': {'file': union_path, 'sha256': sha256_file(union_path)}}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--split', help='a union weight file to take apart (with --thin-out)')
    ap.add_argument('--thin-out')
    ap.add_argument('--general')
    ap.add_argument('--thin')
    ap.add_argument('--config')
    ap.add_argument('--thresholds', help='general,thin (default: the config\'s model.detect.thresholds)')
    ap.add_argument('--out')
    args = ap.parse_args(argv)
    if args.split:
        if not args.thin_out:
            ap.error('--split needs --thin-out')
        torch.save(split_thin(args.split), args.thin_out)
        print(f'{args.thin_out}: the thin detector of {args.split}')
        return
    if not (args.general and args.thin and args.config and args.out):
        ap.error('joining needs --general, --thin, --config and --out')
    ths = [float(v) for v in args.thresholds.split(',')] if args.thresholds else None
    if ths and (len(ths) != 2 or not all(0 < t < 1 for t in ths)):
        raise SystemExit(f'--thresholds takes two probabilities in (0, 1), not {args.thresholds}')
    out = join(args.general, args.thin, load_config_or_exit(args.config), ths)
    torch.save(out, args.out)
    print(f"{args.out}: union detector, thresholds {out['config']['model']['detect']['thresholds']}")


if __name__ == '__main__':
    main()
