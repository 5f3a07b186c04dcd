"""The benchmark photos and their damage, shared by evaluation (Kodak24, McMaster, CBSD68) and validation (Set14,
Set5, Set12): a fixed seed per photo (SEED + CRC32 of "<set>/<file>", so `--limit` does not change the others) and
one of three damage models, so that both score the same damage."""
import os
import zlib

import numpy as np

from .data.images import list_images
from .degrade import DegradeConfig, degrade
from .degrade.prints import film_overlay
from .degrade.released import released_damage
from .degrade.unstructured import mute
from .foreign import FOREIGN_STREAM, foreign_degrade
from .metrics import load

SEED = 2020
# strength 0.3 with structured defects on every image: the inputs score about 21.6 dB / 0.70 SSIM on average
# (measured: 21.60 dB / 0.696 over the 110 images), close to the paper's synthetic test set for its baselines
DEGRADE = {'strength': 0.3, 'p_structured': 1.0, 'p_gray': 0.12}
SETS = ['Kodak24', 'McMaster', 'CBSD68']
RELEASED_STREAM = 303  # a photo's released-recipe damage draws from default_rng([its seed, this])
FILM_STREAM = 404  # a photo's real film-damage overlays draw from default_rng([its seed, this])


def image_seed(set_name, file_name):
    return [SEED, zlib.crc32(f'{set_name}/{file_name}'.encode())]


def damage_of(args):
    """Which damage a command line asks for: 'foreign', 'released' or 'ours' (the flags exclude each other)."""
    return ('foreign' if args.foreign else 'released' if args.released else
            'film' if getattr(args, 'film', False) else 'ours')


def benchmark_damage(clean, seed, damage='ours'):
    """(degraded, mask) of a benchmark photo (float32 [H, W, 3] in [0, 1]) from its seed (`image_seed`): the
    evaluation's damage (`training.degrade` at DEGRADE), or with 'foreign' `training.foreign`'s, or with 'released'
    the reference code's recipe (`degrade.released.released_damage`), each drawn from its own stream of the same
    seed. Validation damages its photos through this too, so both score the same damage."""
    if damage == 'foreign':
        return foreign_degrade(clean, np.random.default_rng([seed, FOREIGN_STREAM]))
    if damage == 'released':
        return released_damage(clean, np.random.default_rng([seed, RELEASED_STREAM]))
    if damage == 'film':
        return film_damage(clean, np.random.default_rng([seed, FILM_STREAM]))
    return degrade(clean, np.random.default_rng(seed), DegradeConfig(**DEGRADE))


def film_damage(clean, rng):
    """(damaged, mask): one to three real film-damage overlays (`degrade.prints.film_overlay`: scratches, dirt,
    hairs, lint, spots … from real scans) on the clean photo and nothing else, marked where they change a pixel:
    the closest we have to real scratch textures composited onto photos, the case the classical top-hat recipe
    is strong on."""
    img, mask = clean.astype(np.float32, copy=True), np.zeros(clean.shape[:2], bool)
    film_overlay(img, mask, rng)
    return np.clip(img, 0, 1), mask.astype(np.uint8)


def damage_record(damage):
    """How the photos were damaged, for the JSON: the module and its seeds."""
    if damage == 'film':
        return {'module': 'training.degrade.prints.film_overlay', 'seed': f'[{SEED} + crc32("<set>/<file>"), {FILM_STREAM}]'}
    if damage == 'foreign':
        return {'module': 'training.foreign', 'seed': f'[{SEED} + crc32("<set>/<file>"), {FOREIGN_STREAM}]'}
    if damage == 'released':
        return {'module': 'training.degrade.released', 'seed': f'[{SEED} + crc32("<set>/<file>"), {RELEASED_STREAM}]'}
    return {'module': 'training.degrade', 'seed': f'{SEED} + crc32("<set>/<file>")', **DEGRADE}


def benchmark_items(data_root, sets, limit):
    items = []
    for s in sets:
        folder = os.path.join(data_root, 'benchmarks', s)
        files = list_images(folder)
        if not files:
            raise SystemExit(f'no images in {folder}')
        items += [(s, f) for f in files[:limit or None]]
    return items


def validation_items(data_root, sets):
    """[(set, path)] of the photos of the comma-separated `sets` under data_root/benchmarks."""
    items = [(s, p) for s in sets.split(',') for p in list_images(os.path.join(data_root, 'benchmarks', s))]
    if not items:
        raise SystemExit(f'no images in {sets} under {data_root}/benchmarks')
    return items


def clean_photo(path, multiple):
    """The photo as float32 [H, W, 3] in [0, 1], cropped to a multiple of `multiple` px."""
    clean = np.asarray(load(path, 'RGB'), np.float32) / 255
    h, w = clean.shape[:2]
    return clean[:h // multiple * multiple, :w // multiple * multiple]


MUTE_STREAM = 101  # the muted truth's random stream, apart from validate.by_fault's (0 … len(FAULTS) - 1)


def degraded_photo(set_name, path, multiple, muted=False, damage='ours'):
    """(clean, degraded, defect mask) of a whole photo cropped to a multiple of `multiple` px, degraded exactly
    as `training.evaluate` degrades its sets (same per-image seed). `muted`: the ground truth is first muted
    (`unstructured.mute`, its own seed per photo), then degraded the same way. `damage` 'foreign': degraded by
    `training.foreign` instead, from its own seed per photo; 'released': by the reference code's recipe
    (`degrade.released.released_damage`), likewise."""
    clean, seed = clean_photo(path, multiple), image_seed(set_name, os.path.basename(path))
    if muted:
        clean = mute(clean, np.random.default_rng([seed, MUTE_STREAM]))
    return (clean, *benchmark_damage(clean, seed, damage))
