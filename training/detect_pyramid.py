"""Pyramid detection: the scratch detector also runs on the photo halved,
halved again … while the short side stays at least `minSide` px, and a pixel
is a defect when the full-scale probability reaches the manifest's threshold
or any coarser level's, upsampled, reaches the pyramid's own threshold, in a
piece of at least `minArea` px (8-connected, counted over all coarse levels'
marks together, at full size).

Why: the detector sees a few dozen pixels around each one, so inside a large
blotch or tear it finds no edge; at half or quarter scale the same defect is
small enough to recognise (validation IoU 0.372 → 0.54 on Set14 + Set5 with
the same weights). Coarse levels blur thin scratches away, so they only add
to the full-scale mask, at a stricter threshold, and only pieces big enough to
be what they are there for: their small pieces are mostly texture read as dust.

This is the reference the engine (src/main/pipeline/pyramid.ts) follows step
for step: 2 × 2 box means with odd edges dropped, bilinear upsampling with
half-pixel centres (PyTorch's align_corners=False), `>=` thresholds; and for
the manifest's `detect.mirrors`, the mean of the detector over the photo and
its mirror images, each output flipped back (`detector_probabilities`)."""
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from .data.datasets import engine_grey


def halve(grey: np.ndarray) -> np.ndarray:
    """[H, W] → [H // 2, W // 2], each pixel the mean of its 2 × 2 block (an odd last row or column is dropped)."""
    h, w = grey.shape[0] // 2 * 2, grey.shape[1] // 2 * 2
    g = grey[:h, :w].astype(np.float64)
    return ((g[0::2, 0::2] + g[0::2, 1::2] + g[1::2, 0::2] + g[1::2, 1::2]) / 4).astype(np.float32)


def _axis(n_in: int, n_out: int):
    src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, (src - i0).astype(np.float32)


def upsample(prob: np.ndarray, h: int, w: int) -> np.ndarray:
    """Bilinear resize of [h', w'] to [h, w] with half-pixel centres, edges clamped."""
    y0, y1, ly = _axis(prob.shape[0], h)
    x0, x1, lx = _axis(prob.shape[1], w)
    top = prob[y0][:, x0] * (1 - lx) + prob[y0][:, x1] * lx
    bottom = prob[y1][:, x0] * (1 - lx) + prob[y1][:, x1] * lx
    return top * (1 - ly)[:, None] + bottom * ly[:, None]


def levels(h: int, w: int, min_side: int) -> int:
    """How many coarser levels a h × w photo gets: each halving must keep the short side ≥ min_side."""
    n = 0
    while min(h, w) // 2 >= min_side:
        h, w, n = h // 2, w // 2, n + 1
    return n


def large_pieces(mask: np.ndarray, min_area: int) -> np.ndarray:
    """The 8-connected pieces of `mask` with at least `min_area` pixels."""
    if min_area <= 1 or not mask.any():
        return mask
    labels, n = ndimage.label(mask, np.ones((3, 3), bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    keep = sizes >= min_area
    keep[0] = False
    return keep[labels]


def level_probabilities(probabilities, grey: np.ndarray, min_side: int) -> list:
    """[full-scale probability, then each coarser level's upsampled to full size] of one grey photo [H, W]:
    `probabilities(grey) → [H, W]` runs the detector at one scale, on levels while the short side stays ≥ min_side."""
    h, w = grey.shape
    out, level = [probabilities(grey)], grey
    for _ in range(levels(h, w, min_side)):
        level = halve(level)
        out.append(upsample(probabilities(level), h, w))
    return out


def combine(probs: list, threshold: float, pyramid: dict | None) -> np.ndarray:
    """The mask from level_probabilities' list: full scale at `threshold`, plus the coarse levels the pyramid's
    minSide allows at its own threshold, in pieces of ≥ minArea px. The list may hold more levels than that
    (calibration computes them once for every minSide it scores)."""
    mask = probs[0] >= threshold
    return mask | coarse_pieces(probs, pyramid) if pyramid else mask


def coarse_pieces(probs: list, pyramid: dict) -> np.ndarray:
    """What the coarse levels add to the full-scale mask: their marks at the pyramid's threshold, on the levels its
    minSide allows, in pieces of ≥ minArea px. It does not depend on the full-scale threshold, so calibration
    computes it once for all of them."""
    coarse = np.zeros(probs[0].shape, bool)
    for k in range(1, 1 + levels(*probs[0].shape, pyramid['minSide'])):
        coarse |= probs[k] >= pyramid['threshold']
    return large_pieces(coarse, pyramid['minArea'])


def pyramid_mask(probabilities, grey: np.ndarray, threshold: float, pyramid: dict | None) -> np.ndarray:
    """The engine's defect mask of one grey photo [H, W] in [-1, 1]. `probabilities(grey) → [H, W]` runs the
    detector at one scale; `pyramid` is the manifest's {"minSide", "threshold", "minArea"} or None (full scale
    only)."""
    min_side = pyramid['minSide'] if pyramid else max(grey.shape) + 1  # None: no coarse level is computed
    return combine(level_probabilities(probabilities, grey, min_side), threshold, pyramid)


# the engine's mirror views (mask.ts VIEWS): (upside down, left to right), the photo itself first
VIEWS = [(False, False), (False, True), (True, False), (True, True)]


def _flip(a, rows, cols):
    return a[::-1 if rows else 1, ::-1 if cols else 1]


def check_mirrors(mirrors):
    """`export.mirrors` as the engine's manifest schema accepts it (1, 2 or 4 views), or a SystemExit naming it."""
    if mirrors not in (1, 2, 4):
        raise SystemExit(f'export.mirrors must be 1, 2 or 4 (mirror views the engine averages), not {mirrors!r}')


def photo_grey(photo):
    """A photo [H, W, 3] in [0, 1] → the grey [H, W] in [-1, 1] the engine hands the detector."""
    return engine_grey(torch.from_numpy(photo).permute(2, 0, 1)[None] * 2 - 1)[0, 0].numpy()


def mirrored_outputs(fn, stride: int, grey, mirrors: int) -> list:
    """fn(padded [1, 1, H', W'] tensor) → [1, 1, H', W'] on the first `mirrors` views of grey [H, W], each padded by
    reflection up to a multiple of `stride` as the engine pads, cropped and flipped back: a list of [H, W] arrays."""
    out = []
    for rows, cols in VIEWS[:mirrors]:
        g = np.ascontiguousarray(_flip(grey, rows, cols))
        gh, gw = g.shape
        x = F.pad(torch.from_numpy(g)[None, None], (0, -gw % stride, 0, -gh % stride), mode='reflect')
        out.append(_flip(fn(x)[0, 0, :gh, :gw].numpy(), rows, cols))
    return out


def detector_probabilities(det, mirrors=1):
    """grey [H, W] → the detector's probability [H, W], mirrored up to its multiple as the engine pads, averaged
    over the first `mirrors` views (the manifest's `detect.mirrors`) as the engine averages them."""
    check_mirrors(mirrors)

    def run(g):
        views = mirrored_outputs(lambda x: torch.sigmoid(det.logits(x)), det.stride, g, mirrors)
        total = views[0].copy()
        for p in views[1:]:
            total = total + p
        return total / np.float32(mirrors) if mirrors > 1 else total
    return run
