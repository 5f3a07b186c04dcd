"""Experiment configs: one JSON file per experiment, merged over defaults."""
import copy
import dataclasses
import json

from .degrade.pipeline import DegradeConfig

DEFAULTS = {
    'name': 'default',
    'model': {
        'vae': {'width': 64, 'latent': 64, 'n_res': 4},
        'map': {'widths': [128, 256, 512], 'n_res_before': 2, 'n_res_after': 6, 'pool': 4, 'nl_res': 3},
        'detect': {'width': 16, 'depth': 3},
        'tone': {'width': 24},
    },
    # clean_extra: more folders of clean photos (absolute, ~, or under --data-root), such as the one
    # training.data.extra_clean builds from Debian packages
    # real_masks: the share of the detector's training images that are the labelled real crops of the training
    # half (training/real_damage), instead of synthetic damage
    # pseudo: the share that are windows of the unlabelled real old photos with pseudo-labels (real_damage/pseudo.py,
    # unknown pixels carry no loss), read from pseudo_dir (relative to the repository, or absolute)
    'data': {'clean': 'clean', 'clean_extra': [], 'old': 'old-photos', 'crop': 128, 'max_side': 1024, 'photo': 192,
             'real_masks': 0.0, 'pseudo': 0.0, 'pseudo_dir': 'runs/pseudo'},
    'degrade': {'p_structured': 0.6, 'p_gray': 0.12, 'strength': 1.0},
    'train': {
        'batch': 16, 'lr': 2e-4, 'workers': 4, 'seed': 1, 'ckpt_every_s': 120, 'log_every': 25, 'dilate': 3,
        # the share of joint-stage images whose mapping gets the frozen detector's mask instead of the true one
        # (steps.detected_mask), so the chain learns what users get: false marks on intact detail, missed defects
        'detected_masks': 0.0,
        'stages': {
            'vae_a': {'steps': 4000}, 'vae_b': {'steps': 3000}, 'map': {'steps': 4000},
            'joint': {'steps': 2000, 'lr_scale': 0.25}, 'detect': {'steps': 3000},
            # 'tone' runs only where a config lists it: the tone net trained so far lowered the evaluation
            # (training README, "Photo tone"), so a plain run must not put one into a model set
        },
    },
    'loss': {
        'l1': 1.0, 'ssim': 0.5, 'kl': 0.01, 'latent_noise': 0.2, 'gan': 0.02, 'fm': 0.2, 'latent_adv': 0.05,
        'map_latent': 10.0, 'map_image': 1.0, 'joint_latent': 1.0, 'bce_pos_weight': 5.0, 'dice': 1.0,
        'tone_l1': 0.5,
        # the detector's Tversky term (losses.tversky) beside BCE and dice, and its weight on misses
        'tversky': 0.0, 'tversky_beta': 0.7,
        'mse': 0.0,  # the joint stage's MSE weight, on images in [-1, 1] (losses.image_loss)
    },
    # pyramid: {"minSide", "threshold", "minArea"} adds coarser detector levels (detect_pyramid.py), chosen by
    # calibrate_detector; None detects at full scale only. mirrors: the detector's output averaged over 1, 2 or 4
    # mirror views (detect_pyramid.VIEWS)
    'export': {'tile': 512, 'overlap': 64, 'threshold': 0.5, 'workingLongSide': 1024, 'dilate': 3, 'pyramid': None,
               'mirrors': 1},
}

STAGE_ORDER = ['vae_a', 'vae_b', 'map', 'joint', 'tone', 'detect']
# Adam's (beta1, beta2) where a stage's config names none: the paper's GAN setting (`train.stages.<stage>.betas`)
PAPER_BETAS = (0.5, 0.999)


def _merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


# Every key a config may set. The stages look settings up by name and a missing one falls back to its default, so a
# misspelt key ("ssmi": 2.0) would otherwise train for hours on the default without a word.
_STAGE_KEYS = {'steps', 'max_seconds', 'lr_scale', 'nets', 'lr_grown', 'batch', 'bank', 'bank_chunk', 'bank_pool',
               'permute', 'snapshot_every', 'betas'}
_SCHEMA = {
    'name': None,
    'model': {'vae': {'width', 'latent', 'n_res', 'detail', 'refine', 'refine_depth'},
              'map': {'widths', 'n_res_before', 'n_res_after', 'pool', 'nl_res', 'context'},
              # thin + thresholds: a union with a thin-damage detector (stages.models.build_detector)
              'detect': {'width': None, 'depth': None, 'context': None, 'tophat': None, 'thresholds': None, 'thin_width': None,
                         'thin': {'width', 'depth', 'context', 'tophat'}},
              'tone': {'width'}},
    'data': set(DEFAULTS['data']),
    'degrade': {f.name for f in dataclasses.fields(DegradeConfig)},
    'loss': set(DEFAULTS['loss']),
    'train': {**{k: None for k in DEFAULTS['train'] if k != 'stages'}, 'stages': {s: _STAGE_KEYS for s in STAGE_ORDER}},
    'export': {**{k: None for k in DEFAULTS['export'] if k != 'pyramid'}, 'pyramid': {'minSide', 'threshold', 'minArea'}},
}


def _unknown(over, schema, where):
    if not isinstance(over, dict):
        return []
    bad = [f'{where}{k}' for k in over if k not in schema]
    if isinstance(schema, dict):
        for k, sub in schema.items():
            if sub is not None and k in over:
                bad += _unknown(over[k], sub, f'{where}{k}.')
    return bad


def check_config(over: dict, source: str = 'config') -> None:
    """Rejects keys no stage reads (degradation settings: DegradeConfig's fields), naming each."""
    bad = _unknown(over, _SCHEMA, '')
    if bad:
        raise ValueError(f'{source}: unknown setting{"s" if len(bad) > 1 else ""} {", ".join(bad)} '
                         '(training/config.py lists what each section takes)')
    if isinstance(over.get('degrade'), dict):
        try:  # values DegradeConfig itself refuses (too many p_kinds), before a run starts, not in a data worker
            DegradeConfig(**over['degrade'])
        except ValueError as e:
            raise ValueError(f'{source}: {e}') from None
    stages = over.get('train', {}).get('stages', {}) if isinstance(over.get('train'), dict) else {}
    for name, sc in (stages.items() if isinstance(stages, dict) else []):
        every = sc.get('snapshot_every', 0) if isinstance(sc, dict) else 0
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise ValueError(f'{source}: train.stages.{name}.snapshot_every is a number of steps (0 for none), '
                             f'not {json.dumps(every)}')
        betas = sc.get('betas', list(PAPER_BETAS)) if isinstance(sc, dict) else list(PAPER_BETAS)
        if not (isinstance(betas, list) and len(betas) == 2 and all(
                isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
            raise ValueError(f'{source}: train.stages.{name}.betas is Adam\'s [beta1, beta2], each from 0 up to 1, '
                             f'not {json.dumps(betas)}')
    extra = over.get('data', {}).get('clean_extra', []) if isinstance(over.get('data'), dict) else []
    if not isinstance(extra, list) or not all(isinstance(f, str) and f for f in extra):
        # a bare string would be read as a list of one-letter folders
        raise ValueError(f'{source}: data.clean_extra is a list of folder paths, not {json.dumps(extra)}')


def load_config(path: str) -> dict:
    with open(path) as f:
        try:
            over = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f'{path}: not valid JSON ({e})') from None
    if not isinstance(over, dict):
        raise ValueError(f'{path}: a config is a JSON object of sections, not a {type(over).__name__}')
    check_config(over, path)
    return _merge(DEFAULTS, over)


def load_config_or_exit(path: str) -> dict:
    """load_config for the command lines: a bad config ends the command with its one-line reason, not a traceback."""
    try:
        return load_config(path)
    except (OSError, ValueError) as e:
        raise SystemExit(str(e)) from None
