"""One command for every stage, in order, with exact resume:

    /usr/bin/python3 -m training.train --config training/configs/cpu.json [--stage all|vae_a|vae_b|map|joint|detect]
        [--resume] [--data-root DIR] [--run-dir DIR] [--device cpu|cuda] [--time-budget vae_a=300,map=600]

Writes runs/<name>/{config.json, log.txt, ckpt/latest.pt, weights/<stage>.pt}.
A crash or Ctrl-C never means starting from zero: checkpoints are written
every few minutes and on SIGINT/SIGTERM, and --resume continues exactly
(models, optimisers, scheduler, step, RNG; data order is a function of step)."""
import argparse
import json
import os
import sys
import time

import torch

from .checkpoints import checkpoint_record
from .config import STAGE_ORDER, load_config_or_exit
from .data import load_folder
from .data.images import REPO, default_data_root
from .stages import build_models, run_stage
from .stages.models import GROWN_MODULES, TRAINS
from .stages.state import Stop, StopFlag, atomic_save, rng_state, set_rng_state

INFERENCE_NETS = ['E_A', 'T', 'G_B', 'tone', 'detector']


def load_grown(net, sd):
    """load_state_dict that lets modules of GROWN_MODULES be absent from `sd` (→ their names);
    anything else missing or unexpected is still an error."""
    missing, unexpected = net.load_state_dict(sd, strict=False)
    bad = [k for k in missing if not k.startswith(GROWN_MODULES)]
    if bad or unexpected:
        raise SystemExit(f'weights do not fit the config\'s network: missing {bad[:3]}, unexpected {unexpected[:3]}')
    return sorted({k.split('.')[0] for k in missing})


def parse_budgets(text):
    out = {}
    for part in filter(None, (text or '').split(',')):
        k, _, v = part.partition('=')
        if k not in STAGE_ORDER:
            raise SystemExit(f'--time-budget: unknown stage "{k}" (stages: {", ".join(STAGE_ORDER)})')
        out[k] = float(v)
    return out


def load_clean(root: str, data_cfg: dict, log) -> tuple[list, dict]:
    """The clean photos of data.clean and of every folder in data.clean_extra, and how many came from each
    ({'clean': n} or {'clean': n, 'clean_extra': m}, for the model's record)."""
    photos, counts = [], {}
    for folder in [data_cfg['clean'], *data_cfg['clean_extra']]:
        extra = folder in data_cfg['clean_extra']
        path = os.path.join(root, os.path.expanduser(folder))
        if extra and not os.path.isdir(path):
            raise SystemExit(f'data.clean_extra: {path} does not exist; build it with '
                             f'/usr/bin/python3 -m training.data.extra_clean --out {path}')
        found = load_folder(path, data_cfg['max_side'])
        log(f'data: {len(found)} {"extra " if extra else ""}clean photos from {path}')
        key = 'clean_extra' if extra else 'clean'
        counts[key] = counts.get(key, 0) + len(found)
        photos += found
    return photos, counts


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.train', description=__doc__.split('\n')[0])
    ap.add_argument('--config', required=True)
    ap.add_argument('--stage', default='all', help='all, one stage or a comma list: ' + ','.join(STAGE_ORDER))
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--run-dir')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--time-budget', default='')
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--workers', type=int, help='data-loading processes (overrides the config)')
    ap.add_argument('--init', default='', help='comma list of weight files (weights/<stage>.pt, a run\'s final.pt or a checkpoint) to start from; under --stage all '
                    'their stages count as done')
    args = ap.parse_args(argv)

    cfg = load_config_or_exit(args.config)
    if args.workers is not None:
        cfg['train']['workers'] = args.workers
    run_dir = args.run_dir or os.path.join('runs', cfg['name'])
    os.makedirs(os.path.join(run_dir, 'ckpt'), exist_ok=True)
    os.makedirs(os.path.join(run_dir, 'weights'), exist_ok=True)
    ckpt_path = os.path.join(run_dir, 'ckpt', 'latest.pt')
    with open(os.path.join(run_dir, 'log.txt'), 'a') as log_file:  # closed however the run ends (a refusal too)
        return train(args, cfg, run_dir, ckpt_path, log_file)


def logger(log_file):
    """log(msg): a timestamped line to stdout and to the run's log.txt."""
    def log(msg):
        line = f'{time.strftime("%H:%M:%S")} {msg}'
        print(line, flush=True)
        log_file.write(line + '\n')
        log_file.flush()
    return log


def select_device(args, cfg):
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    if dev.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(cfg['train']['seed'])
    return dev


def resume(args, ckpt_path, nets, dev, log):
    """(state, nets holding trained weights): the checkpoint's under --resume (networks and RNG restored), else a
    fresh state."""
    state = {'done': [], 'stage': None, 'step': 0, 'optim': None, 'seconds': {}, 'steps': {}}
    loaded = set()  # networks holding trained weights (resumed or --init), not their initialisation
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=dev, weights_only=False)
        for k, sd in ck['nets'].items():
            nets[k].load_state_dict(sd)
        state = ck['state']
        loaded |= set(ck['nets'])
        set_rng_state(ck['rng'])
        log(f'resumed from {ckpt_path}: done={state["done"]} at {state["stage"]} step {state["step"]}')
    elif args.resume:
        log(f'--resume: no checkpoint at {ckpt_path}, starting fresh')
    return state, loaded


def init_from(args, nets, state, dev, log):
    """Loads each --init file's networks (grown modules may be absent) → the networks it loaded."""
    loaded = set()
    for path in filter(None, args.init.split(',')):
        weights = torch.load(path, map_location=dev, weights_only=False)
        if isinstance(weights, dict) and isinstance(weights.get('nets'), dict):
            weights = weights['nets']  # a run's final.pt or a checkpoint: go on from its networks
        for k, sd in weights.items():
            grown = load_grown(nets[k], sd)
            if grown:
                log(f'{k}: {", ".join(grown)} not in {path}: starts from its (identity) initialisation')
        stage_name = os.path.splitext(os.path.basename(path))[0]
        # weights/<stage>.pt stands for a finished stage under --stage all; a stage named with --stage
        # is trained (fine-tuned from these weights) all the same
        if stage_name in STAGE_ORDER and stage_name not in state['done'] and args.stage == 'all':
            state['done'].append(stage_name)
        loaded |= set(weights)
        log(f'initialised {sorted(weights)} from {path}')
    return loaded


def select_stages(args, cfg, loaded):
    """The stages to run, in order; refuses unknown ones, ones the config has no settings for, and detected masks
    without a trained detector."""
    stages = [s for s in STAGE_ORDER if s in cfg['train']['stages']] if args.stage == 'all' else [s for s in args.stage.split(',') if s]
    unknown = [s for s in stages if s not in STAGE_ORDER]
    if unknown:
        raise SystemExit(f'--stage: unknown stage(s) {unknown} (stages: {", ".join(STAGE_ORDER)})')
    unset = [s for s in stages if s not in cfg['train']['stages']]
    if unset:
        raise SystemExit(f'--stage {",".join(unset)}: the config has no train.stages.{unset[0]} (steps and settings); add it')
    if 'joint' in stages and cfg['train']['detected_masks'] > 0 and 'detector' not in loaded:
        # the detect stage runs after joint, so without --init the joint stage would train on a random detector's masks
        raise SystemExit('train.detected_masks needs a trained detector: pass its weights with --init (e.g. weights/detect.pt)')
    return stages


def load_stage_data(root, cfg, stages, state, data, log):
    """Adds what the stages to run need beyond the clean photos: real old photos (vae_a), labelled real crops."""
    if 'vae_a' in stages and 'vae_a' not in state['done']:
        data['old'] = load_folder(os.path.join(root, cfg['data']['old']), cfg['data']['max_side'])
        log(f'data: {len(data["old"])} real old photos')
    if 'detect' in stages and cfg['data']['real_masks'] > 0:
        from .real_damage.labels import load_manifest, load_pair, old_photos_root
        data['real_masks'] = [load_pair(e, old_photos_root(root)) for e in load_manifest('train')]
        log(f'data: {len(data["real_masks"])} labelled real crops (the training half), '
            f'{cfg["data"]["real_masks"]:.0%} of the detector\'s images')
    if 'detect' in stages and cfg['data']['pseudo'] > 0:
        from .real_damage.labels import old_photos_root
        from .real_damage.pseudo import load_labels
        where = cfg['data']['pseudo_dir']
        where = where if os.path.isabs(where) else os.path.join(REPO, where)
        data['pseudo'] = load_labels(where, old_photos_root(root), cfg['data']['crop'])
        log(f'data: {len(data["pseudo"])} pseudo-labelled real old photos from {where}, '
            f'{cfg["data"]["pseudo"]:.0%} of the detector\'s images')


class Saver:
    """What a run writes as it goes: the checkpoint, snapshots and the training record they carry. It keeps the
    wall time of the stage in progress, carried across --resume (the stop path used to drop it)."""

    def __init__(self, cfg, nets, state, dev, data, data_counts, run_dir, ckpt_path):
        self.cfg, self.nets, self.state, self.dev = cfg, nets, state, dev
        self.data, self.data_counts, self.run_dir, self.ckpt_path = data, data_counts, run_dir, ckpt_path
        self.t0, self.before = time.time(), 0.0

    def start_stage(self, before):
        self.t0, self.before = time.time(), before

    def stage_seconds(self):
        return self.before + time.time() - self.t0

    def save_ckpt(self, stage, step, optim):
        state = self.state
        state.update(stage=stage, step=step, optim=optim)
        state['stage_seconds'] = self.stage_seconds() if stage else 0.0
        atomic_save({'nets': {k: v.state_dict() for k, v in self.nets.items()}, 'state': state, 'rng': rng_state(),
                     'config': self.cfg}, self.ckpt_path)

    def record(self, stage=None, step=0):
        """What final.pt and snapshots say of their training: steps and seconds per stage (the one in progress
        included, as a checkpoint's record counts it), the device and the photos."""
        running = {'stage': stage, 'step': step, 'stage_seconds': self.stage_seconds()} if stage else {'stage': None}
        return {**checkpoint_record({**self.state, **running}), 'device': str(self.dev), 'torch': torch.__version__,
                'data': {**{k: len(v) for k, v in self.data.items()}, **self.data_counts}}

    def save_snapshot(self, stage, step, trains):
        # the weights along a stage's last stretch, for a tail average (training.average): a run stopped by its
        # time budget ends at most of its learning rate, where one set of weights is a noisy draw
        os.makedirs(os.path.join(self.run_dir, 'snapshots'), exist_ok=True)
        atomic_save({'nets': {k: self.nets[k].state_dict() for k in trains}, 'config': self.cfg,
                     'training': self.record(stage, step)},
                    os.path.join(self.run_dir, 'snapshots', f'{stage}-{step:06d}.pt'))


def run_stages(stages, ctx, state, saver):
    """Each stage not yet done, from where the checkpoint left it; its weights/<stage>.pt when it finishes."""
    nets, run_dir, log = ctx['nets'], ctx['run_dir'], ctx['log']
    for stage in stages:
        if stage in state['done']:
            continue
        start = state['step'] if state['stage'] == stage else 0
        optim = state['optim'] if state['stage'] == stage else None
        log(f'[{stage}] starting at step {start}')
        saver.start_stage(state.get('stage_seconds', 0.0) if state['stage'] == stage else 0.0)
        steps, secs = run_stage(stage, ctx, start, optim)
        secs += saver.before
        state['seconds'][stage] = state['seconds'].get(stage, 0) + secs
        state['steps'][stage] = steps
        if stage not in state['done']:
            state['done'].append(stage)
        state.update(stage=None, step=0, optim=None)
        saver.save_ckpt(None, 0, None)
        atomic_save({k: nets[k].state_dict() for k in TRAINS[stage]}, os.path.join(run_dir, 'weights', f'{stage}.pt'))
        log(f'[{stage}] done: {steps} steps in {secs:.0f}s')


def train(args, cfg, run_dir, ckpt_path, log_file):
    """The run itself, logging to `log_file`; main() parses the arguments and owns the file."""
    log = logger(log_file)
    dev = select_device(args, cfg)
    nets = {k: v.to(dev) for k, v in build_models(cfg).items()}
    state, loaded = resume(args, ckpt_path, nets, dev, log)
    loaded |= init_from(args, nets, state, dev, log)
    with open(os.path.join(run_dir, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)

    clean, data_counts = load_clean(args.data_root, cfg['data'], log)
    data = {'clean': clean}
    stages = select_stages(args, cfg, loaded)
    load_stage_data(args.data_root, cfg, stages, state, data, log)
    budgets = parse_budgets(args.time_budget)
    stop = StopFlag()
    saver = Saver(cfg, nets, state, dev, data, data_counts, run_dir, ckpt_path)
    ctx = {'cfg': cfg, 'nets': nets, 'device': dev, 'data': data, 'log': log, 'save_ckpt': saver.save_ckpt,
           'save_snapshot': saver.save_snapshot, 'run_dir': run_dir, 'stop': stop, 'budgets': budgets}
    try:
        run_stages(stages, ctx, state, saver)
    except Stop as err:
        log(str(err))
        return 130
    # an untrained tone net is an identity: a run without the tone stage leaves it out
    kept = [k for k in INFERENCE_NETS if k != 'tone' or 'tone' in state['done']]
    atomic_save({'nets': {k: nets[k].state_dict() for k in kept}, 'config': cfg, 'training': saver.record()},
                os.path.join(run_dir, 'weights', 'final.pt'))
    log(f'all stages done; inference weights in {os.path.join(run_dir, "weights", "final.pt")}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
