"""Damage of real prints, drawn from real material where we have it.

- `film_overlay`: one of the RGBA overlays extracted from real damaged film
  scans (`damage-textures/filmdamage`: scratches, dirt, dots, hairs, lint,
  smut, spots, sprinkles, stains; MIT), composited as BOPBTL composites its
  scratch textures: screen for bright damage, multiply for dark, at a random
  scale, turn, elastic warp and contrast. Drawn strokes (`structured.py`,
  `wear.py`) are too regular: the detector trained on them found a tenth of
  the scratches on real prints.
- `crack_network`: the long, jagged, branching white cracks of a print whose
  emulsion broke with the paper (the paper's own demo print `d.png`).
- `fold`: a crease across the whole print, a bright broken line with a
  shadow beside it and short cracks along it.
- `torn_edge`: chips and tears along the print's edges and corners, showing
  paper or the scanner lid.

Same contract as `structured.py` and `wear.py`: each draws into `img`
(float32 [H, W, 3] in [0, 1]) and `mask` (bool [H, W]) with one geometry,
takes the optional `view` (vh, vw, oy, ox) to draw at a photo's scale onto a
crop, and all randomness comes from `rng`. A pixel is masked where its blend
weight exceeds `wear.MASK_FLOOR`."""
import functools
import os

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .structured import _view
from .wear import MASK_FLOOR, _blend, _polygons, _strokes

VISIBLE = 0.06  # the least change of a channel (about 15 of 255 levels) that marks an overlay's pixel

# Overlay folders and how often each is drawn: scratches are what users' prints show most and what the detector
# missed most; stains are large and soft, and mostly the fading model's business.
OVERLAY_KINDS = {'scratches': 0.36, 'dirt': 0.1, 'dots': 0.08, 'hair-short': 0.1, 'lint': 0.1, 'smut': 0.07,
                 'spots': 0.07, 'sprinkles': 0.07, 'stain': 0.05}


def overlay_root() -> str:
    from ..data.images import default_data_root  # lazily: training.data imports this package
    return os.path.join(default_data_root(), 'damage-textures', 'filmdamage')


@functools.lru_cache(maxsize=1)
def overlay_files(root: str | None = None) -> dict:
    """{kind: sorted file paths} of the overlays under `root` (default: the data root's filmdamage folder)."""
    root = root or overlay_root()
    out = {}
    for kind in OVERLAY_KINDS:
        folder = os.path.join(root, kind)
        if os.path.isdir(folder):
            files = sorted(f for f in os.listdir(folder) if f.lower().endswith('.png'))
            if files:
                out[kind] = [os.path.join(folder, f) for f in files]
    if not out:
        raise FileNotFoundError(f'no film-damage overlays under {root} (set HEIRLOOM_DATA to the datasets folder)')
    return out


@functools.lru_cache(maxsize=4096)
def _alpha(path: str) -> np.ndarray:
    """The overlay's opacity as float32 [h, w] in [0, 1] (its colour is white throughout)."""
    with Image.open(path) as im:
        return np.asarray(im.convert('RGBA'), np.float32)[..., 3] / 255


def _pick_overlay(rng) -> np.ndarray:
    files = overlay_files()
    kinds = [k for k in OVERLAY_KINDS if k in files]
    p = np.array([OVERLAY_KINDS[k] for k in kinds])
    kind = kinds[int(rng.choice(len(kinds), p=p / p.sum()))]
    return _alpha(files[kind][int(rng.integers(len(files[kind])))])


def film_overlay(img, mask, rng, view=None):
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    for _ in range(int(rng.integers(1, 4))):
        src = _pick_overlay(rng)
        sh, sw = src.shape
        size = rng.uniform(0.25, 1.1) * side  # the overlay's long side on the photo
        scale = size / max(sh, sw)
        theta = rng.uniform(0, 2 * np.pi)
        cy, cx = rng.uniform(0, vh), rng.uniform(0, vw)
        # Window pixel → overlay pixel: undo the placement, the turn and the scale; an elastic warp on top.
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        dy, dx = yy + oy - cy, xx + ox - cx
        c, s = np.cos(theta), np.sin(theta)
        u = (c * dx + s * dy) / scale + sw / 2
        v = (-s * dx + c * dy) / scale + sh / 2
        if rng.random() < 0.7:
            amp = rng.uniform(0.5, 3.0)
            sigma = rng.uniform(6, 20)
            u += ndimage.gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), sigma) * amp * sigma
            v += ndimage.gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), sigma) * amp * sigma
        if rng.random() < 0.5:
            u = sw - 1 - u
        inside = (u > -1) & (u < sw) & (v > -1) & (v < sh)
        if not inside.any():
            continue
        alpha = ndimage.map_coordinates(src, [v, u], order=1, mode='constant', cval=0.0).astype(np.float32)
        alpha = np.clip(alpha * rng.uniform(0.55, 1.3), 0, 1) ** rng.uniform(0.7, 1.3)
        before = img.copy()
        drawn = np.zeros_like(mask)
        if rng.random() < 0.75:  # screen: paper or light showing through
            _blend(img, drawn, alpha, np.full(3, rng.uniform(0.85, 1.0), np.float32) * rng.uniform(0.96, 1.0, 3))
        else:  # multiply: dirt lying on the print
            a = alpha[..., None] * rng.uniform(0.6, 0.95)
            img *= 1 - a
            drawn |= a[..., 0] > MASK_FLOOR
        # Marked where the overlay changes the pixel: a faint scratch crossing white paper leaves nothing to find or
        # fill, and marking it taught the detector to mark bright regions.
        mask |= drawn & (np.abs(img - before).max(-1) > VISIBLE)


def _jagged(rng, x, y, ang, steps, step, wobble):
    pts = [(x, y)]
    for _ in range(steps):
        ang += rng.normal(0, wobble)
        x, y = x + step * np.cos(ang), y + step * np.sin(ang)
        pts.append((x, y))
    return pts, ang


def crack_network(img, mask, rng, view=None):
    """Long jagged cracks across the print that branch and run on, the paper showing white in them."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    step = max(2.0, side / rng.uniform(30, 70))
    width = int(rng.choice([1, 1, 2, 2, 2, 3])) if side < 700 else int(rng.choice([1, 2, 2, 3, 3, 4]))
    tips = []
    for _ in range(int(rng.integers(3, 14))):
        if rng.random() < 0.6:  # most cracks start at the print's edge, where it was bent
            edge = int(rng.integers(4))
            x = [rng.uniform(0, vw), rng.uniform(0, vw), 0.0, float(vw)][edge]
            y = [0.0, float(vh), rng.uniform(0, vh), rng.uniform(0, vh)][edge]
            ang = [np.pi / 2, -np.pi / 2, 0.0, np.pi][edge] + rng.normal(0, 0.6)
        else:
            x, y, ang = rng.uniform(0, vw), rng.uniform(0, vh), rng.uniform(0, 2 * np.pi)
        tips.append((x, y, ang, 0))
    strokes, budget = [], int(rng.integers(80, 400))
    while tips and budget > 0:
        x, y, ang, depth = tips.pop(0)
        n = int(rng.integers(10, 40))
        pts, _ = _jagged(rng, x, y, ang, n, step * rng.uniform(0.6, 1.2), 0.45)
        budget -= n
        for px, py in pts[2::3]:
            if depth < 4 and rng.random() < 0.2:
                tips.append((px, py, ang + rng.choice([-1, 1]) * rng.uniform(0.4, 1.3), depth + 1))
        strength = np.clip(rng.uniform(0.75, 1.0) + rng.normal(0, 0.1, n), 0.3, 1)
        strokes.append(([(px - ox, py - oy) for px, py in pts], max(1, width - (depth > 1)), strength))
    alpha = _strokes(h, w, strokes)
    if rng.random() < 0.5:
        alpha = np.clip(ndimage.gaussian_filter(alpha, 0.4) * 1.25, 0, 1)
    paper = np.array([0.96, 0.93, 0.86], np.float32) * rng.uniform(0.88, 1.04)
    _blend(img, mask, alpha * rng.uniform(0.75, 1.0), np.clip(paper, 0, 1))


def fold(img, mask, rng, view=None):
    """A crease from edge to edge: a bright line where the emulsion cracked along it, a shadow on one side."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    ang = rng.uniform(0, np.pi)
    cy, cx = rng.uniform(0.2, 0.8) * vh, rng.uniform(0.2, 0.8) * vw
    d = np.array([np.cos(ang), np.sin(ang)])
    n = int(rng.integers(20, 60))
    t = np.linspace(-side, side, n)
    off = np.cumsum(rng.normal(0, side / 600, n))
    normal = np.array([-d[1], d[0]])
    pts = [(cx + ti * d[0] + oi * normal[0] - ox, cy + ti * d[1] + oi * normal[1] - oy) for ti, oi in zip(t, off)]
    width = max(1, int(round(side * rng.uniform(0.002, 0.006))))
    broken = np.where(rng.random(n - 1) < 0.25, rng.uniform(0.1, 0.4, n - 1), rng.uniform(0.7, 1.0, n - 1))
    bright = _strokes(h, w, [(pts, width, broken)])
    if rng.random() < 0.7:  # the crease's shadow, a line's width to one side
        k = width + 1
        sh = [(x + k * normal[0], y + k * normal[1]) for x, y in pts]
        shadow = _strokes(h, w, [(sh, width, np.full(n - 1, 1.0))]) * (1 - bright)
        a = shadow[..., None] * rng.uniform(0.15, 0.35)
        img *= 1 - a
        mask |= shadow * 0.5 > MASK_FLOOR
    ticks = []
    for i in range(int(rng.integers(0, 25))):
        x, y = pts[int(rng.integers(len(pts)))]
        a2 = ang + np.pi / 2 + rng.normal(0, 0.4)
        ln = rng.uniform(2, 6) * width
        ticks.append(([(x, y), (x + ln * np.cos(a2), y + ln * np.sin(a2))], 1, np.ones(1)))
    alpha = np.maximum(bright, _strokes(h, w, ticks) * 0.8) if ticks else bright
    _blend(img, mask, alpha * rng.uniform(0.7, 1.0), np.full(3, rng.uniform(0.85, 1.0), np.float32))


def torn_edge(img, mask, rng, view=None):
    """Paper missing along one edge or at a corner, its ragged outline showing paper or the scanner lid."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    depth = rng.uniform(0.02, 0.1) * side
    polygons = []
    if rng.random() < 0.5:  # a corner torn off
        corner = int(rng.integers(4))
        sx, sy = (1, 1) if corner == 0 else (-1, 1) if corner == 1 else (1, -1) if corner == 2 else (-1, -1)
        x0, y0 = (0.0 if sx > 0 else float(vw)), (0.0 if sy > 0 else float(vh))
        a, b = depth * rng.uniform(1.5, 4), depth * rng.uniform(1.5, 4)
        k = int(rng.integers(8, 20))
        t = np.linspace(0, 1, k)
        jag = rng.normal(0, depth * 0.12, k)
        edge = [(x0 + sx * (a * (1 - ti) + jg), y0 + sy * (b * ti + jg)) for ti, jg in zip(t, jag)]
        polygons.append([(x0 - sx, y0 - sy)] + edge)
    else:  # chips along an edge
        along_x = rng.random() < 0.5
        length = vw if along_x else vh
        at_far = rng.random() < 0.5
        for _ in range(int(rng.integers(1, 6))):
            c, half = rng.uniform(0, length), rng.uniform(0.5, 3) * depth
            k = int(rng.integers(6, 14))
            t = np.linspace(c - half, c + half, k)
            dd = np.abs(rng.normal(0, depth, k)) * np.sin(np.linspace(0, np.pi, k))
            if along_x:
                y0 = float(vh) if at_far else 0.0
                pts = [(ti, y0 + (-di if at_far else di)) for ti, di in zip(t, dd)]
            else:
                x0 = float(vw) if at_far else 0.0
                pts = [(x0 + (-di if at_far else di), ti) for ti, di in zip(t, dd)]
            polygons.append(pts)
    alpha = _polygons(h, w, [[(x - ox, y - oy) for x, y in p] for p in polygons])
    if rng.random() < 0.6:
        colour = np.array([0.95, 0.93, 0.88], np.float32) * rng.uniform(0.9, 1.05)
    else:
        colour = np.full(3, rng.uniform(0.0, 0.12), np.float32)
    _blend(img, mask, alpha, np.clip(colour, 0, 1))


KINDS = [film_overlay, crack_network, fold, torn_edge]
