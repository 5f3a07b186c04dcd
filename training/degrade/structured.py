"""Structured defects drawn onto the photo, each with its exact mask.

Training crops are small (128 px) but users' photos are not: a blotch or tear
drawn at a crop's scale is a few pixels, at a photo's scale it can span a
hundred, and a detector that only saw the former misses the latter's
interior. So every function takes an optional `view` (vh, vw, oy, ox): the
geometry is drawn on a virtual vh × vw photo and `img`/`mask` are its window
at (oy, ox). Without a view the image is the whole photo.

Every function draws into `img` (float32 [H, W, 3] in [0, 1]) and into
`mask` (uint8 [H, W], 1 = defect) with the same geometry, so the mask the
detector learns and the mapping's M cover exactly what was drawn."""
import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage


def _curve(rng, h, w):
    """A gently bending polyline across part of the image."""
    n = int(rng.integers(6, 14))
    x, y = rng.uniform(0, w), rng.uniform(0, h)
    ang = rng.uniform(0, 2 * np.pi)
    length = rng.uniform(0.2, 1.2) * max(h, w)
    step = length / n
    pts = [(x, y)]
    for _ in range(n):
        ang += rng.normal(0, 0.15)
        x, y = x + step * np.cos(ang), y + step * np.sin(ang)
        pts.append((x, y))
    return pts


def _view(mask, view):
    h, w = mask.shape
    return view if view is not None else (h, w, 0, 0)


def _paint(img, mask, layer, value, opacity):
    """Blends `value` into img where `layer` (float alpha in [0, 1]) is set."""
    a = (layer * opacity)[..., None]
    img *= 1 - a
    img += a * value
    mask |= layer > 0.25


def _value(rng, img_shape):
    bright = rng.random() < 0.7  # scratches on prints mostly read as light lines
    v = rng.uniform(0.82, 1.0) if bright else rng.uniform(0.0, 0.2)
    return np.full(3, v, np.float32) * rng.uniform(0.95, 1.05, 3).astype(np.float32)


def scratches(img, mask, rng, view=None):
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    for _ in range(int(rng.integers(1, 7))):
        layer = Image.new('L', (w, h), 0)
        width = int(rng.choice([1, 1, 2, 2, 3, 4]))
        pts = [(x - ox, y - oy) for x, y in _curve(rng, vh, vw)]
        ImageDraw.Draw(layer).line(pts, fill=255, width=width, joint='curve')
        alpha = np.asarray(layer, np.float32) / 255
        if width > 1 and rng.random() < 0.5:
            alpha = np.clip(ndimage.gaussian_filter(alpha, 0.5) * 1.3, 0, 1)
        _paint(img, mask, alpha, _value(rng, img.shape), rng.uniform(0.6, 1.0))


def dust(img, mask, rng, view=None):
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    layer = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(5, 40))):
        r = rng.uniform(0.8, 3.0)
        x, y = rng.uniform(0, vw) - ox, rng.uniform(0, vh) - oy
        d.ellipse([x - r, y - r * rng.uniform(0.6, 1.4), x + r, y + r], fill=255)
    _paint(img, mask, np.asarray(layer, np.float32) / 255, _value(rng, img.shape), rng.uniform(0.7, 1.0))


def blotches(img, mask, rng, view=None):
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    for _ in range(int(rng.integers(1, 3))):
        noise = ndimage.gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), rng.uniform(3, 8))
        cy, cx = rng.uniform(0, vh) - oy, rng.uniform(0, vw) - ox
        r = rng.uniform(4, 0.08 * max(vh, vw) + 5)
        yy, xx = np.mgrid[0:h, 0:w]
        blob = 1 - np.hypot(yy - cy, xx - cx) / r + noise / (np.abs(noise).max() + 1e-6) * 0.5
        alpha = np.clip(blob * 3, 0, 1).astype(np.float32)
        _paint(img, mask, alpha, _value(rng, img.shape), rng.uniform(0.5, 0.9))


def tears(img, mask, rng, view=None):
    """Small holes or torn corners showing the paper underneath."""
    h, w = mask.shape
    vh, vw, oy, ox = _view(mask, view)
    layer = Image.new('L', (w, h), 0)
    cx, cy = rng.uniform(0, vw) - ox, rng.uniform(0, vh) - oy
    r = rng.uniform(3, 0.06 * max(vh, vw) + 4)
    n = int(rng.integers(5, 10))
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    pts = [(cx + r * rng.uniform(0.5, 1.2) * np.cos(a), cy + r * rng.uniform(0.5, 1.2) * np.sin(a)) for a in angles]
    ImageDraw.Draw(layer).polygon(pts, fill=255)
    paper = np.array([0.93, 0.9, 0.82], np.float32) * rng.uniform(0.85, 1.05)
    _paint(img, mask, np.asarray(layer, np.float32) / 255, paper, 1.0)
