"""Weight files as training writes them and the other commands read them: a run's final.pt
(`{'nets', 'config', 'training'}`), a checkpoint (ckpt/latest.pt, with its `state`), a stage file
(weights/<stage>.pt, a bare `{net: state_dict}`), a snapshot or an average; their checksums and training records."""
import hashlib
import os

import torch

from .config import DEFAULTS, _merge, load_config_or_exit
from .stages.models import build_models

INFERENCE_NETS = ['E_A', 'T', 'G_B', 'detector', 'tone']
OPTIONAL_NETS = {'tone'}  # weights from before the tone stage export without it
# which training stages leave a net trained (for a warning when a file carries an untouched one)
TRAINED_BY = {'E_A': {'vae_a', 'joint'}, 'T': {'map', 'joint'}, 'G_B': {'vae_b', 'joint'}, 'detector': {'detect'},
              'tone': {'tone'}}


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def checkpoint_record(state: dict) -> dict:
    """Steps and seconds per stage of a training checkpoint's state: the finished stages and the one in progress."""
    steps, seconds = dict(state.get('steps') or {}), dict(state.get('seconds') or {})
    if state.get('stage') and state.get('step'):
        steps[state['stage']] = state['step']
        seconds[state['stage']] = round(state.get('stage_seconds', 0.0), 1)
    return {'steps': steps, 'seconds': seconds}


def load_weight_files(paths):
    """Merges weight files left to right → (state dicts per net, provenance, training info, config or None)."""
    nets, sources, training, config = {}, {}, {'steps': {}, 'seconds': {}}, None
    for path in paths:
        ck = torch.load(path, map_location='cpu', weights_only=False)
        if not isinstance(ck, dict):
            raise SystemExit(f'{path}: not a weights file (expected a dict of state dicts)')
        if 'nets' in ck:  # final.pt or a training checkpoint
            found = {k: v for k, v in ck['nets'].items() if k in INFERENCE_NETS}
            config = ck.get('config', config)
            info = ck.get('training') or {}
            if not info and isinstance(ck.get('state'), dict):  # ckpt/latest.pt
                info = checkpoint_record(ck['state'])
        else:  # weights/<stage>.pt
            found = {k: v for k, v in ck.items() if k in INFERENCE_NETS}
            stage = os.path.splitext(os.path.basename(path))[0]
            info = {'stageFile': stage}
        if not found:
            raise SystemExit(f'{path}: holds none of the inference networks {INFERENCE_NETS} '
                             f'(it has {sorted(ck.get("nets", ck))})')
        done = set((info.get('steps') or {}).keys())
        if info.get('stageFile'):
            done.add(info['stageFile'])
        for k, sd in found.items():
            nets[k] = sd
            sources[k] = {'file': os.path.basename(path), 'sha256': sha256_file(path), 'trained': bool(done & TRAINED_BY[k])}
            recovered = info.get('recoveredFrom')
            if recovered and k in recovered.get('weights', {}):  # training.from_onnx: the set's own record of this net
                sources[k]['recoveredFrom'] = {'modelId': recovered.get('modelId'), **recovered['weights'][k]}
            if info.get('averagedFrom'):  # training.average: the mean of these files' weights
                sources[k]['averagedFrom'] = [{'file': a['file'], 'sha256': a['sha256']} for a in info['averagedFrom']]
            if info.get('joinedFrom'):  # training.union_detector: a general and a thin-damage detector as one
                sources[k]['joinedFrom'] = info['joinedFrom']
            if isinstance(ck.get('config'), dict):  # what this net was built as, checked against --config
                sources[k]['model'] = _merge(DEFAULTS['model'], ck['config'].get('model') or {})
        for key in ('steps', 'seconds'):
            training[key].update(info.get(key) or {})
        for key in ('device', 'torch', 'data'):
            if info.get(key) is not None:
                training[key] = info[key]
    return nets, sources, training, config


def load_weights(path, cfg_path=''):
    """({net: state_dict}, config) of a weight file; the config named, merged over the defaults as training reads
    it (a config file names only what it changes), else the one stored in the file."""
    ck = torch.load(path, map_location='cpu', weights_only=False)
    if cfg_path:
        cfg = load_config_or_exit(cfg_path)
    elif isinstance(ck, dict) and 'config' in ck:
        cfg = ck['config']
    else:
        raise SystemExit(f'{path}: no config inside; name one as {path}:CONFIG.json')
    return ck.get('nets', ck), cfg


def load_detector(path, cfg_path=''):
    """(detector net, config) of a weight file (the config's `export` settings are the engine's; see load_weights)."""
    weights, cfg = load_weights(path, cfg_path)
    if 'detector' not in weights:
        raise SystemExit(f'{path}: has no detector')
    det = build_models(cfg)['detector']
    det.load_state_dict(weights['detector'])
    return det.eval(), cfg
