"""Pseudo-labels for self-training the thin-damage detector on the real old
photos nobody labelled (issue 28, item 3): where the shipped union detector's
thin half is confident, that mark, its fainter stretches joined to it, and
the photo's own thin classical candidates (white / black top-hat pieces,
`candidates.candidate`, small and elongated) partly covered by it are damage;
where it is confidently quiet, the pixel is intact; everything else is
unknown and carries no loss.

Why the candidate: the detector finds the brightest core of a crack and
stops (recall 0.19 on the prints), while the top-hat piece through that core
follows the crack to its ends. Alone, the candidates mark hair, fabric and
window frames (precision 0.14 on the held-out crops); a piece counts only
when the detector vouches for part of it. Pieces nobody vouches for are
unknown, not intact, so the detector is never taught that a crack it missed
is clean photo.

Photos that any held-out crop comes from are left out, so self-training never
sees the evaluation's pixels. Labels are written under the run folder (never
the repository: they are derived from photos whose licences are not ours).

    /usr/bin/python3 -m training.real_damage.pseudo --weights runs/union.pt --out runs/pseudo

Each label is a PNG: 255 damage, 0 intact, 128 unknown; `pseudo.json` lists
source, sha256, size and the settings."""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image
from scipy import ndimage

from ..data.images import default_data_root, list_images, load_photo
from ..detect_pyramid import mirrored_outputs, photo_grey
from . import candidates as C
from .labels import load_manifest, old_photos_root, sha256

DAMAGE, INTACT, UNKNOWN = 255, 0, 128


def thin_probability(union, grey: np.ndarray, mirrors: int = 2) -> np.ndarray:
    """The union's thin half on grey [H, W] in [-1, 1], shifted by its own threshold (0.5 = where the union's thin
    mark begins) and averaged over the engine's mirror views."""
    shift = union.shifts[1]
    with torch.no_grad():
        views = mirrored_outputs(lambda x: torch.sigmoid(union.thin_logits(x) - shift), union.stride, grey, mirrors)
    return np.mean(views, 0)


def label(rgb: np.ndarray, prob: np.ndarray, hi: float = 0.8, lo: float = 0.2, grow: float = 0.4, ring: int = 2,
          max_area: int = 600, min_share: float = 0.05) -> np.ndarray:
    """uint8 [H, W] in {DAMAGE, INTACT, UNKNOWN} from a photo (uint8 [H, W, 3]) and the detector's probability.

    Damage: the pieces of prob ≥ `grow` that reach hi somewhere (hysteresis: a crack's fainter stretches beside its
    confident core), and each thin candidate piece (at most `max_area` px: on texture the top-hat pieces join into
    nets that cover whole figures) whose pixels are at least `min_share` confident. Unknown: between lo and hi,
    unvouched candidate pieces, and a `ring` px band around the damage (edges are where labels disagree).
    Intact: the rest."""
    sure = prob >= hi
    weak, n = ndimage.label(prob >= grow, np.ones((3, 3), bool))
    damage = sure.copy()
    if n:
        reached = np.concatenate([[False], ndimage.maximum(prob, weak, index=np.arange(1, n + 1)) >= hi])
        damage |= reached[weak]
    cand = C.candidate(rgb, polarity='both', size=9, threshold=0.08, min_area=12, min_elong=3.0, grow=1,
                       max_area=max_area)
    pieces, n = ndimage.label(cand, np.ones((3, 3), bool))
    if n:
        idx = np.arange(1, n + 1)
        share = ndimage.sum(damage, pieces, index=idx) / np.maximum(1, ndimage.sum(cand, pieces, index=idx))
        keep = np.concatenate([[False], share >= min_share])
        damage |= keep[pieces]
        cand &= ~keep[pieces]
    out = np.full(prob.shape, INTACT, np.uint8)
    out[(prob >= lo) | cand] = UNKNOWN
    if ring:
        out[ndimage.binary_dilation(damage, iterations=ring)] = UNKNOWN
    out[damage] = DAMAGE
    return out


def held_out_sources() -> set:
    return {e['source'] for e in load_manifest('heldout')}


def photos(root: str, max_side: int) -> list:
    """[(relative path, uint8 [H, W, 3] at the training scale)] of the old photos no held-out crop comes from."""
    skip = held_out_sources()
    out = []
    for path in list_images(root):
        rel = os.path.relpath(path, root)
        if rel in skip:
            continue
        out.append((rel, load_photo(path, max_side)))
    return out


def load_labels(out_dir: str, root: str, min_side: int) -> list:
    """[(uint8 [H, W, 3], int8 [H, W] in {1, 0, -1})]: the pseudo-labelled photos as the detect stage reads them
    (−1 unknown: no loss), each source checked against the sha256 it was labelled from."""
    with open(os.path.join(out_dir, 'pseudo.json')) as f:
        record = json.load(f)
    pairs = []
    for e in record['photos']:
        path = os.path.join(root, e['source'])
        if sha256(path) != e['sha256']:
            raise ValueError(f'{e["source"]}: not the file it was pseudo-labelled from (sha256 differs)')
        rgb = load_photo(path, record['max_side'])
        with Image.open(os.path.join(out_dir, e['label'])) as im:
            lab = np.asarray(im.convert('L'))
        if lab.shape != rgb.shape[:2]:
            raise ValueError(f'{e["label"]}: {lab.shape[::-1]} px, its photo {rgb.shape[1::-1]}')
        if min(lab.shape) < min_side:
            continue
        m = np.where(lab == DAMAGE, 1, np.where(lab == INTACT, 0, -1)).astype(np.int8)
        pairs.append((rgb, m))
    return pairs


def main(argv=None):
    from ..checkpoints import load_detector
    ap = argparse.ArgumentParser(prog='training.real_damage.pseudo', description=__doc__.split('\n')[0])
    ap.add_argument('--weights', required=True, help='a union detector: weights[:config]')
    ap.add_argument('--out', required=True)
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--max-side', type=int, default=1024, help='the training scale (data.max_side)')
    ap.add_argument('--hi', type=float, default=0.8)
    ap.add_argument('--lo', type=float, default=0.2)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    det, cfg = load_detector(*args.weights.split(':', 1))
    if not hasattr(det, 'thin_logits'):
        sys.exit(f'{args.weights}: not a union detector (model.detect.thin); pseudo-labels come from its thin half')
    root = old_photos_root(args.data_root)
    os.makedirs(args.out, exist_ok=True)
    entries, counts = [], np.zeros(3)
    for rel, rgb in photos(root, args.max_side):
        prob = thin_probability(det, photo_grey(rgb.astype(np.float32) / 255), cfg['export'].get('mirrors', 2))
        lab = label(rgb, prob, args.hi, args.lo)
        name = rel.replace(os.sep, '__').rsplit('.', 1)[0] + '.png'
        Image.fromarray(lab).save(os.path.join(args.out, name), optimize=True)
        counts += [(lab == DAMAGE).sum(), (lab == UNKNOWN).sum(), lab.size]
        entries.append({'source': rel, 'sha256': sha256(os.path.join(root, rel)), 'label': name,
                        'size': [int(rgb.shape[1]), int(rgb.shape[0])], 'damage': float((lab == DAMAGE).mean())})
    with open(os.path.join(args.out, 'pseudo.json'), 'w') as f:
        json.dump({'detector': {'file': args.weights, 'sha256': sha256(args.weights.split(':')[0])},
                   'max_side': args.max_side, 'hi': args.hi, 'lo': args.lo, 'photos': entries}, f, indent=1)
    print(f'{len(entries)} photos pseudo-labelled ({len(held_out_sources())} held-out sources left out): '
          f'{counts[0] / counts[2]:.4f} damage, {counts[1] / counts[2]:.3f} unknown → {args.out}')


if __name__ == '__main__':
    main()
