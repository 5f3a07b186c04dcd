"""Recovers PyTorch weights from an exported model set, so training can go on
from what shipped when the run's checkpoints are gone (a new machine, a lost
disk): the ONNX files are the one artefact the repository keeps.

    /usr/bin/python3 -m training.from_onnx [--models resources/models] --out init.pt
    npm run train -- --config CFG --stage detect --init init.pt

The export keeps every parameter as an initializer named by its state_dict
key (no normalisation layers, so nothing is folded away), which makes the way
back exact: every key of the config's network must be found with its shape,
or this refuses rather than hand training a half-initialised net.
"""
import argparse
import json
import os
import sys

import onnx
import torch
from onnx import numpy_helper

from .checkpoints import TRAINED_BY
from .onnx_stages import STAGE_NET, stage_module
from .stages.models import build_models


def recover(models_dir: str) -> tuple:
    """→ ({net: state_dict} for the inference nets of the set (the tone net when it has one), the config they were trained with)."""
    manifest_path = os.path.join(models_dir, 'manifest.json')
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise SystemExit(f'no manifest.json in {models_dir}')
    cfg = manifest['training']['config']
    nets = build_models(cfg)
    out = {}
    for stage, info in manifest['stages'].items():
        key = STAGE_NET[stage]
        graph = onnx.load(os.path.join(models_dir, info['file'])).graph
        found = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
        module = stage_module(stage, nets, tone='tone' in info['inputs'])
        sd = module.state_dict()
        missing = [k for k in sd if k not in found or tuple(found[k].shape) != tuple(sd[k].shape)]
        if missing:
            raise SystemExit(f'{info["file"]}: {len(missing)} parameter(s) missing or of another shape '
                             f'(first: {missing[0]}); was it exported from this config?')
        module.load_state_dict({k: torch.from_numpy(found[k].copy()) for k in sd})
        out[key] = nets[key].state_dict()
    return out, cfg


def recovered_file(models_dir: str, keep=None) -> dict:
    """What `--out` holds: the nets (all of the set, or those in `keep`) in a run's final.pt layout, with the config
    and a training record taken from the set's manifest, so an export of these weights says they are trained, by
    which stages, for how long, and which set they came from (not "untrained weights of unknown origin")."""
    weights, cfg = recover(models_dir)
    keep = keep or list(weights)
    unknown = [n for n in keep if n not in weights]
    if unknown:
        raise SystemExit(f'--nets: unknown {unknown} (have {sorted(weights)})')
    with open(os.path.join(models_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    record = manifest['training']
    # only the stages that trained a net kept: a detector alone does not bring the mapping's training time along
    stages = {s: v for s, v in (record.get('stages') or {}).items() if any(s in TRAINED_BY[k] for k in keep)}
    sources = {w['net']: {k: v for k, v in w.items() if k != 'net'} for w in record.get('weights') or []}
    return {'nets': {k: weights[k] for k in keep}, 'config': cfg, 'training': {
        'steps': {s: v['steps'] for s, v in stages.items() if 'steps' in v},
        'seconds': {s: v['seconds'] for s, v in stages.items() if 'seconds' in v},
        'recoveredFrom': {'modelId': manifest.get('modelId'), 'weights': {k: sources[k] for k in keep if k in sources}}}}


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.from_onnx', description=__doc__.split('\n')[0])
    ap.add_argument('--models', default=os.path.join(os.path.dirname(__file__), '..', 'resources', 'models'))
    ap.add_argument('--out', required=True, help='weight file for `training.train --init` / `training.export --weights`')
    ap.add_argument('--nets', default='', help='comma list to keep (default: all of the set)')
    args = ap.parse_args(argv)
    out = recovered_file(args.models, [n for n in args.nets.split(',') if n])
    tmp = args.out + '.tmp'
    torch.save(out, tmp)
    os.replace(tmp, args.out)
    print(f'wrote {sorted(out["nets"])} ({out["config"]["name"]} architecture, {out["training"]["recoveredFrom"]["modelId"]}) to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
