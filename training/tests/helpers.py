"""Shared helpers: small generated photos in the layout training expects, tiny chains and detectors, and the
validation command run on them."""
import contextlib
import io
import os
import shutil
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from training.config import load_config
from training.stages import build_models

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TINY = os.path.join(ROOT, 'training', 'configs', 'tiny.json')

torch.set_num_threads(1)


def synthetic_photo(rng, h, w):
    """Smooth colour gradients, a few shapes and fine texture: enough structure for the degradations to act on."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([0.2 + 0.6 * xx / w, 0.2 + 0.6 * yy / h, 0.5 + 0.3 * np.sin((xx + yy) / rng.uniform(6, 20))], -1)
    for _ in range(4):
        cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(5, min(h, w) / 3)
        inside = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        img[inside] = rng.uniform(0, 1, 3)
    img += 0.03 * np.sin(xx / 1.7)[..., None] * np.cos(yy / 2.3)[..., None]
    return np.clip(img, 0, 1).astype(np.float32)


def write_dataset(root, n_clean=6, n_old=3, size=(96, 80), seed=0):
    """root/clean/*.png and root/old-photos/*.png, generated (never copied from the datasets)."""
    rng = np.random.default_rng(seed)
    for folder, n in (('clean', n_clean), ('old-photos', n_old)):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        for i in range(n):
            img = synthetic_photo(rng, size[0] + 8 * i, size[1] + 4 * i)
            if folder == 'old-photos':  # sepia-ish and grainy
                g = img.mean(-1, keepdims=True) * np.array([1.05, 0.95, 0.75], np.float32)
                img = np.clip(g + rng.normal(0, 0.04, g.shape[:2] + (1,)), 0, 1)
            Image.fromarray((img * 255 + 0.5).astype(np.uint8)).save(os.path.join(root, folder, f'{folder}-{i}.png'))
    return root


def write_benchmark_set(root, name='SetG', n=3, size=(64, 56)):
    """root/benchmarks/<name>/*.png, generated: a stand-in for the held-out sets that validation tools read."""
    write_dataset(os.path.join(root, 'gen'), n_clean=n, n_old=0, size=size)
    os.makedirs(os.path.join(root, 'benchmarks'), exist_ok=True)
    os.rename(os.path.join(root, 'gen', 'clean'), os.path.join(root, 'benchmarks', name))
    return os.path.join(root, 'benchmarks', name)


def tiny_chain():
    """(config, nets) of the tiny architecture with the detail band, at initialisation: E_A → T → G_B is the
    identity until a test changes a net."""
    cfg = load_config(TINY)
    cfg['model']['vae']['detail'] = True
    return cfg, build_models(cfg)


def save_chain(path, nets, cfg):
    """The chain's three nets and config in a file training.validate reads."""
    torch.save({'nets': {k: nets[k].state_dict() for k in ('E_A', 'T', 'G_B')}, 'config': cfg}, path)
    return path


def constant_detector(cfg, bias):
    """A detector of cfg's architecture whose output is sigmoid(bias) everywhere: +20 marks every pixel, -20 none."""
    det = build_models(cfg)['detector']
    torch.nn.init.zeros_(det.out.weight)
    torch.nn.init.constant_(det.out.bias, bias)
    return det


class BenchmarkSetCase(unittest.TestCase):
    """A class-wide temporary data root holding a generated benchmark set, SetG (three photos of SET_SIZE), removed
    after the class's tests."""
    SET_SIZE = (64, 56)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='heirloom-benchmark-')
        write_benchmark_set(cls.tmp, size=cls.SET_SIZE)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


def validate_text(weights, data_root, *extra, sets='SetG'):
    """What `training.validate` prints for the weight files `weights` on the generated set(s) under data_root."""
    from training.validate import main  # imported here: helpers serve tests that never load validation
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([*weights, '--data-root', data_root, '--sets', sets, *extra])
    return out.getvalue()
