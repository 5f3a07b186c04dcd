"""Averages the weights of several snapshots of the same networks: the tail of
one run (what stochastic weight averaging keeps) or the ends of runs fine-tuned
from the same weights (a "model soup"). The nets have no normalisation layers,
so a plain mean of every parameter is the whole job: no statistics to refit.

    /usr/bin/python3 -m training.average --weights A.pt,B.pt[,…] --out AVG.pt [--nets E_A,T,G_B]
    /usr/bin/python3 -m training.average --weights 'RUN/snapshots/joint-00[12]*.pt' --out TAIL.pt

(a stage with `snapshot_every` N in its config keeps its trained nets every N
steps under RUN/snapshots/<stage>-<step>.pt.)

Each file is a checkpoint, a run's final.pt or a {net: state_dict} file. The
output holds the nets named and nothing else: a checkpoint also carries the
nets its run did not train (as loaded, or freshly initialised), and copying
those along would let an export that merges files left to right take them for
trained ones. Export merges the averaged file with the others it needs.
Refused, naming the file and key, when the files disagree on a key or a shape:
averaging different architectures would give a net that is nobody's. The one
exception is a grown module (`stages.models.GROWN_MODULES`, e.g. decoder B's
refinement head) that some files lack: such a file computes what the module
computes at its identity initialisation, where its output layer is zero, so it
counts with a zero output layer and the inner layers of the files that have
the module (averaging a head with its absence halves what the head adds).
"""
import argparse
import glob

import torch

from .checkpoints import checkpoint_record, sha256_file
from .stages.models import GROWN_MODULES

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
    files went through (a stage's steps: the most any file ran, its seconds: all of them together), the most photos
    of each kind any file trained on, and the files."""
    steps, seconds, data = {}, {}, {}
    for _, ck in checkpoints:
        info = ck.get('training') or (checkpoint_record(ck['state']) if isinstance(ck.get('state'), dict) else {})
        for stage, n in (info.get('steps') or {}).items():
            steps[stage] = max(steps.get(stage, 0), n)
        for stage, t in (info.get('seconds') or {}).items():
            seconds[stage] = seconds.get(stage, 0) + t
        for kind, n in (info.get('data') or {}).items():
            data[kind] = max(data.get(kind, 0), n)
    return {'steps': steps, 'seconds': seconds, **({'data': data} if data else {}),
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
        states = _at_identity(states)
        first = states[0]
        for path, state in zip(paths[1:], states[1:]):
            if state.keys() != first.keys():
                raise SystemExit(f'{path}: {name} has other parameters than {paths[0]}')
            for key, value in state.items():
                if value.shape != first[key].shape:
                    raise SystemExit(f'{path}: {name}.{key} is {tuple(value.shape)}, {paths[0]} has {tuple(first[key].shape)}')
        out[name] = {key: torch.stack([s[key].double() for s in states]).mean(0).to(first[key].dtype) for key in first}
    return out


def _output_layer(keys: list) -> str:
    """'refine.7' of ['refine.1.weight', …, 'refine.7.bias']: the grown module's last layer, the one that starts at
    zero (what makes the module the identity)."""
    layers = {k.rsplit('.', 1)[0] for k in keys}
    return max(layers, key=lambda name: [int(p) if p.isdigit() else -1 for p in name.split('.')])


def _at_identity(states: list) -> list:
    """The states with the grown modules some of them lack filled in as the identity: inner layers the mean of the
    states that have them, the output layer zero."""
    every = set().union(*(s.keys() for s in states))
    missing = {k for k in every if not all(k in s for s in states)}
    if not missing or not all(k.startswith(GROWN_MODULES) for k in missing):
        return states  # nothing to fill, or not a grown module: the shape checks refuse it by name
    holders = [s for s in states if missing <= s.keys()]
    out_layer = {_output_layer([k for k in missing if k.startswith(m)]) for m in {k.split('.', 1)[0] + '.' for k in missing}}
    fill = {k: torch.zeros_like(holders[0][k]) if k.rsplit('.', 1)[0] in out_layer
            else torch.stack([h[k].double() for h in holders]).mean(0).to(holders[0][k].dtype) for k in missing}
    return [s if missing <= s.keys() else {**s, **{k: fill[k] for k in missing}} for s in states]


def expand(entries: list) -> list:
    """The files of --weights: each entry itself, or the files a pattern matches (sorted, so a run's snapshots come
    in step order); a pattern that matches nothing is refused by name."""
    paths = []
    for entry in entries:
        if glob.has_magic(entry):
            found = sorted(glob.glob(entry))
            if not found:
                raise SystemExit(f'{entry}: no weight files match')
            paths += found
        else:
            paths.append(entry)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', required=True,
                    help="comma-separated weight files; an entry with * or ? stands for the files it matches, in name "
                         "order (e.g. 'RUN/snapshots/joint-*.pt')")
    ap.add_argument('--out', required=True)
    ap.add_argument('--nets', default=','.join(AVERAGED))
    args = ap.parse_args(argv)
    checkpoints = load(expand([p for p in args.weights.split(',') if p]))
    saved = {'nets': average(checkpoints, [n for n in args.nets.split(',') if n]), 'training': record(checkpoints)}
    # validate and export read the config from the file when it has one: that of the first file holding every
    # averaged parameter (with a grown module, the config that builds it)
    full = [ck for _, ck in checkpoints if isinstance(ck, dict) and all(
        saved['nets'][n].keys() <= _nets('', ck).get(n, {}).keys() for n in saved['nets'])]
    if full and 'config' in full[0]:
        saved['config'] = full[0]['config']
    torch.save(saved, args.out)
    print(f'averaged {args.nets} over {len(checkpoints)} files → {args.out}')


if __name__ == '__main__':
    main()
