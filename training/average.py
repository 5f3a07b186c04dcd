"""Averages the weights of several snapshots of the same networks: the tail of
one run (what stochastic weight averaging keeps) or the ends of runs fine-tuned
from the same weights (a "model soup"). The nets have no normalisation layers,
so a plain mean of every parameter is the whole job: no statistics to refit.

    /usr/bin/python3 -m training.average --weights A.pt,B.pt[,…] --out AVG.pt [--nets E_A,T,G_B]

Each file is a checkpoint, a run's final.pt or a {net: state_dict} file. The
output holds the nets named and nothing else: a checkpoint also carries the
nets its run did not train (as loaded, or freshly initialised), and copying
those along would let an export that merges files left to right take them for
trained ones. Export merges the averaged file with the others it needs.
Refused, naming the file and key, when the files disagree on a key or a shape:
averaging different architectures would give a net that is nobody's.
"""
import argparse

import torch

from .export import checkpoint_record, sha256_file

AVERAGED = ['E_A', 'T', 'G_B']


def load(paths: list) -> list:
    """[(path, checkpoint)], each file read once: averaging, its record and its config all come from these."""
    return [(path, torch.load(path, map_location='cpu', weights_only=False)) for path in paths]


def _nets(path: str, ck) -> dict:
    nets = ck.get('nets', ck) if isinstance(ck, dict) else None
    if not isinstance(nets, dict) or not nets:
        raise SystemExit(f'{path}: holds no networks')
    return nets


def record(checkpoints: list) -> dict:
    """What the averaged file says of its training, as export reads it: the steps and seconds of every stage the
    files went through (a stage's steps: the most any file ran, its seconds: all of them together) and the files."""
    steps, seconds = {}, {}
    for _, ck in checkpoints:
        info = ck.get('training') or (checkpoint_record(ck['state']) if isinstance(ck.get('state'), dict) else {})
        for stage, n in (info.get('steps') or {}).items():
            steps[stage] = max(steps.get(stage, 0), n)
        for stage, t in (info.get('seconds') or {}).items():
            seconds[stage] = seconds.get(stage, 0) + t
    return {'steps': steps, 'seconds': seconds,
            'averagedFrom': [{'file': path, 'sha256': sha256_file(path)} for path, _ in checkpoints]}


def average(checkpoints: list, names: list) -> dict:
    """{net: state_dict}: the mean over `checkpoints` (from `load`) for each of `names`, and no other net."""
    if len(checkpoints) < 2:
        raise SystemExit('averaging needs at least two weight files')
    paths = [path for path, _ in checkpoints]
    loaded = [_nets(path, ck) for path, ck in checkpoints]
    out = {}
    for name in names:
        states = []
        for path, nets in zip(paths, loaded):
            if name not in nets:
                raise SystemExit(f'{path}: has no {name}')
            states.append(nets[name])
        first = states[0]
        for path, state in zip(paths[1:], states[1:]):
            if state.keys() != first.keys():
                raise SystemExit(f'{path}: {name} has other parameters than {paths[0]}')
            for key, value in state.items():
                if value.shape != first[key].shape:
                    raise SystemExit(f'{path}: {name}.{key} is {tuple(value.shape)}, {paths[0]} has {tuple(first[key].shape)}')
        out[name] = {key: torch.stack([s[key].double() for s in states]).mean(0).to(first[key].dtype) for key in first}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True, help='comma-separated weight files')
    ap.add_argument('--out', required=True)
    ap.add_argument('--nets', default=','.join(AVERAGED))
    args = ap.parse_args(argv)
    checkpoints = load([p for p in args.weights.split(',') if p])
    saved = {'nets': average(checkpoints, [n for n in args.nets.split(',') if n]), 'training': record(checkpoints)}
    first = checkpoints[0][1]
    if isinstance(first, dict) and 'config' in first:  # validate and export read the config from the file when it has one
        saved['config'] = first['config']
    torch.save(saved, args.out)
    print(f'averaged {args.nets} over {len(checkpoints)} files → {args.out}')


if __name__ == '__main__':
    main()
