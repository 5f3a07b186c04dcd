"""More structured defects: the wear of handled prints and film, beyond
`structured.py`'s opaque scratches, dust, blotches and tears.

The paper blends scratch *textures* onto its photos (screen for bright lines,
multiply for dark), so a scratch's strength varies along its length and fades
out at its ends; real prints also show crazed emulsion, fibres, foxing and
flaked-off emulsion. A detector that has only seen flat, opaque strokes
misses faint or textured ones, and the mapping never learns to fill them.

Same contract as `structured.py`: each function draws into `img` and `mask`
with one geometry, takes the optional `view` (vh, vw, oy, ox) to draw at a
photo's scale onto a crop, and all randomness comes from `rng`. A pixel is in
the mask where its blend weight exceeds `MASK_FLOOR`; weaker parts change a
pixel by less than that share of its distance to the defect's colour."""
import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .structured import _view

MASK_FLOOR = 0.2


def _blend(img, mask, alpha, value):
    a = alpha[..., None]
    img *= 1 - a
    img += a * np.asarray(value, np.float32)
    mask |= alpha > MASK_FLOOR


def _strokes(h, w, strokes):
    """Draws strokes [(points, width, strengths per segment)] into one alpha layer, the strongest winning."""
    layer = Image.new('L', (w, h), 0)
    out = np.zeros((h, w), np.float32)
    for pts, width, strengths in strokes:
        layer.paste(0, (0, 0, w, h))
        d = ImageDraw.Draw(layer)
        for (p, q), s in zip(zip(pts[:-1], pts[1:]), strengths):
            d.line([p, q], fill=int(round(255 * s)), width=width)
        np.maximum(out, np.asarray(layer, np.float32) / 255, out=out)
    return out


def _varying(rng, n, low):
    """n segment strengths in [low, 1] that drift smoothly and fade out towards both ends."""
    walk = np.cumsum(rng.normal(0, 0.25, n))
    s = low + (1 - low) * (0.5 + 0.5 * np.tanh(walk - walk.mean()))
    ends = np.minimum(1, np.minimum(np.arange(n) + 1, n - np.arange(n)) / max(1, n * 0.15))
    return np.clip(s * ends, 0, 1)


def scratch_field(img, mask, rng, view=None):
    """A scratch texture: long lines running along the film, near parallel, and short hairlines, their strength
    drifting along each, screened on (bright, as most print scratches) or multiplied in (dark) as one layer."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    along_y = rng.random() < 0.6
    run, across = (vh, vw) if along_y else (vw, vh)
    strokes = []
    for _ in range(int(rng.integers(2, 9))):
        n = int(rng.integers(12, 30))
        t = np.linspace(rng.uniform(-0.1, 0.5), rng.uniform(0.6, 1.1), n) * run
        c = rng.uniform(0, across) + np.cumsum(rng.normal(0, 0.4, n)) + t * rng.normal(0, 0.01)
        pts = [(ci - ox, ti - oy) if along_y else (ti - ox, ci - oy) for ti, ci in zip(t, c)]
        strokes.append((pts, int(rng.choice([1, 1, 1, 2, 3])), _varying(rng, n - 1, 0.25)))
    side = max(vh, vw)
    for _ in range(int(rng.integers(0, 12))):
        n = int(rng.integers(4, 10))
        ang, step = rng.uniform(0, 2 * np.pi), rng.uniform(0.02, 0.12) * side / n
        x, y = rng.uniform(0, vw), rng.uniform(0, vh)
        pts = []
        for _ in range(n):
            pts.append((x - ox, y - oy))
            ang += rng.normal(0, 0.2)
            x, y = x + step * np.cos(ang), y + step * np.sin(ang)
        strokes.append((pts, 1, _varying(rng, n - 1, 0.3)))
    alpha = _strokes(h, w, strokes) * rng.uniform(0.6, 1.0)
    _blend(img, mask, alpha, 1.0 if rng.random() < 0.7 else 0.0)


def cracks(img, mask, rng, view=None):
    """Crazed emulsion: a branching network of thin cracks around one point, dark or light."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    extent = rng.uniform(0.05, 0.3) * side
    step = max(2.0, extent / rng.uniform(8, 20))
    cy, cx = rng.uniform(0, vh), rng.uniform(0, vw)
    tips = [(cx, cy, rng.uniform(0, 2 * np.pi)) for _ in range(int(rng.integers(2, 5)))]
    strokes, budget = [], int(rng.integers(30, 160))
    while tips and budget > 0:
        x, y, ang = tips.pop(int(rng.integers(len(tips))))
        pts = [(x - ox, y - oy)]
        for _ in range(int(rng.integers(3, 9))):
            ang += rng.normal(0, 0.35)
            x, y = x + step * np.cos(ang), y + step * np.sin(ang)
            pts.append((x - ox, y - oy))
            budget -= 1
            if np.hypot(x - cx, y - cy) > extent:
                break
            if rng.random() < 0.18:
                tips.append((x, y, ang + rng.choice([-1, 1]) * rng.uniform(0.5, 1.4)))
        strokes.append((pts, int(rng.choice([1, 1, 2])), np.full(len(pts) - 1, rng.uniform(0.7, 1.0))))
    alpha = _strokes(h, w, strokes) * rng.uniform(0.6, 0.95)
    dark = rng.random() < 0.6
    _blend(img, mask, alpha, rng.uniform(0.0, 0.25) if dark else rng.uniform(0.75, 1.0))


def hairs(img, mask, rng, view=None):
    """Fibres and hairs lying on the print when it was scanned: short, curling, thin and mostly dark."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    strokes = []
    for _ in range(int(rng.integers(1, 5))):
        n = int(rng.integers(10, 25))
        step = rng.uniform(0.02, 0.1) * side / n
        x, y, ang, turn = rng.uniform(0, vw), rng.uniform(0, vh), rng.uniform(0, 2 * np.pi), rng.normal(0, 0.1)
        pts = []
        for _ in range(n):
            pts.append((x - ox, y - oy))
            turn += rng.normal(0, 0.04)
            ang += turn
            x, y = x + step * np.cos(ang), y + step * np.sin(ang)
        strokes.append((pts, 1, np.full(n - 1, rng.uniform(0.7, 1.0))))
    alpha = _strokes(h, w, strokes)
    _blend(img, mask, alpha, rng.uniform(0.0, 0.15) if rng.random() < 0.8 else rng.uniform(0.85, 1.0))


def _polygons(h, w, polygons):
    """Fills the polygons (lists of (x, y)) into one alpha layer in [0, 1]."""
    layer = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(layer)
    for pts in polygons:
        d.polygon(pts, fill=255)
    return np.asarray(layer, np.float32) / 255


def spots(img, mask, rng, view=None):
    """Foxing and mould: scattered soft, irregular brownish or dark spots, translucent over the picture."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    side = max(vh, vw)
    cy, cx, spread = rng.uniform(0, vh), rng.uniform(0, vw), rng.uniform(0.05, 0.5) * side
    outlines = []
    for _ in range(int(rng.integers(3, 25))):
        r = rng.uniform(1.5, 3 + 0.008 * side)
        y, x = rng.normal(cy, spread) - oy, rng.normal(cx, spread) - ox
        k = int(rng.integers(6, 11))
        a = np.sort(rng.uniform(0, 2 * np.pi, k))
        rr = r * rng.uniform(0.6, 1.2, k)
        outlines.append([(x + q * np.cos(t), y + q * np.sin(t)) for q, t in zip(rr, a)])
    alpha = np.clip(ndimage.gaussian_filter(_polygons(h, w, outlines), 0.8) * 1.4, 0, 1)
    colour = np.array([0.5, 0.33, 0.16], np.float32) * rng.uniform(0.5, 1.3) if rng.random() < 0.6 \
        else np.full(3, rng.uniform(0.05, 0.3), np.float32)
    _blend(img, mask, alpha * rng.uniform(0.45, 0.85), np.clip(colour, 0, 1))


def flakes(img, mask, rng, view=None):
    """Flaked-off emulsion: near-white patches with ragged edges and a few chips around them."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    cy, cx = rng.uniform(0, vh), rng.uniform(0, vw)
    r = rng.uniform(3, 0.04 * max(vh, vw) + 4)
    outlines = []
    for i in range(int(rng.integers(1, 8))):
        y, x = (cy, cx) if i == 0 else (cy + rng.normal(0, 1.5 * r), cx + rng.normal(0, 1.5 * r))
        q = r if i == 0 else r * rng.uniform(0.1, 0.35)
        k = int(rng.integers(12, 28))
        a = np.sort(rng.uniform(0, 2 * np.pi, k))
        rr = q * np.clip(1 + np.cumsum(rng.normal(0, 0.15, k)) * 0.5, 0.3, 1.6)
        outlines.append([(x - ox + p * np.cos(t), y - oy + p * np.sin(t)) for p, t in zip(rr, a)])
    alpha = _polygons(h, w, outlines) * rng.uniform(0.85, 1.0)
    _blend(img, mask, alpha, np.full(3, rng.uniform(0.88, 1.0), np.float32) * rng.uniform(0.97, 1.0, 3))


KINDS = [scratch_field, cracks, hairs, spots, flakes]
