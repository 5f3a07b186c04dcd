"""Width, contrast and branching of thin damage: the labelled real crops against the generated crack
networks, folds and film overlays, so the generators can be checked against what real prints show.

    python -m training.real_damage.stats [--samples 40]

Width: twice the distance to the mask's edge along its skeleton (px). Contrast: the grey level inside the
mask minus the median of a 7 px ring around it. Branching: skeleton branch points per 100 px of skeleton.
Only pieces of at least 30 px that are long and thin (skeleton ≥ 15 px) count: dust specks have no branches."""
import argparse
import json

import numpy as np
from scipy import ndimage
from skimage.morphology import skeletonize

from .candidates import grey
from .labels import load_manifest, load_pair, old_photos_root


def thin_stats(rgb: np.ndarray, mask: np.ndarray) -> dict | None:
    """{'width', 'contrast', 'branching', 'length'} of the long thin pieces of `mask`, or None without any."""
    labels, n = ndimage.label(mask, np.ones((3, 3), bool))
    keep = np.zeros_like(mask)
    for i, sl in enumerate(ndimage.find_objects(labels), 1):
        piece = labels[sl] == i
        if piece.sum() >= 30 and skeletonize(piece).sum() >= 15:
            keep[sl] |= piece
    if not keep.any():
        return None
    skel = skeletonize(keep)
    dist = ndimage.distance_transform_edt(keep)
    neighbours = ndimage.convolve(skel.astype(np.uint8), np.ones((3, 3), np.uint8), mode='constant') - 1
    branch_points = int((skel & (neighbours >= 3)).sum())
    g = grey(rgb)
    ring = ndimage.binary_dilation(keep, iterations=7) & ~ndimage.binary_dilation(keep, iterations=1)
    return {'width': float(np.median(2 * dist[skel])), 'contrast': float(g[keep].mean() - np.median(g[ring])),
            'branching': 100 * branch_points / max(1, int(skel.sum())), 'length': int(skel.sum())}


def summary(stats: list) -> dict:
    stats = [s for s in stats if s]
    if not stats:
        return {'pieces': 0}
    w = np.array([s['length'] for s in stats], float)
    mean = lambda k: round(float(np.average([s[k] for s in stats], weights=w)), 3)
    return {'crops': len(stats), 'skeletonPx': int(w.sum()), 'width': mean('width'), 'contrast': mean('contrast'),
            'branchesPer100px': mean('branching')}


def generated(fn, samples: int, size: int = 400) -> dict:
    from ..tests.helpers import synthetic_photo
    out = []
    for seed in range(samples):
        rng = np.random.default_rng(seed)
        img = synthetic_photo(rng, size, size) * 0.6 + 0.15
        mask = np.zeros((size, size), bool)
        fn(img, mask, rng, None)
        out.append(thin_stats((np.clip(img, 0, 1) * 255).astype(np.uint8), mask))
    return summary(out)


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.real_damage.stats')
    ap.add_argument('--samples', type=int, default=40)
    args = ap.parse_args(argv)
    from ..degrade import prints, wear
    root = old_photos_root()
    real = {'crack': [], 'scratch': []}
    for e in load_manifest():
        rgb, mask = load_pair(e, root)
        for tag in real:
            if tag in e['tags'] and mask.any():
                real[tag].append(thin_stats(rgb, mask))
    result = {'real ' + k: summary(v) for k, v in real.items()}
    for fn in (prints.crack_network, prints.fold, wear.cracks, wear.scratch_field):
        result['generated ' + fn.__name__] = generated(fn, args.samples)
    print(json.dumps(result, indent=1))
    return result


if __name__ == '__main__':
    main()
