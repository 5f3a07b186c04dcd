"""Structured defects drawn onto the photo, each with its exact mask.

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


def scratches(img, mask, rng):
    h, w = mask.shape
    for _ in range(int(rng.integers(1, 7))):
        layer = Image.new('L', (w, h), 0)
        width = int(rng.choice([1, 1, 2, 2, 3, 4]))
        ImageDraw.Draw(layer).line(_curve(rng, h, w), fill=255, width=width, joint='curve')
        alpha = np.asarray(layer, np.float32) / 255
        if width > 1 and rng.random() < 0.5:
            alpha = np.clip(ndimage.gaussian_filter(alpha, 0.5) * 1.3, 0, 1)
        _paint(img, mask, alpha, _value(rng, img.shape), rng.uniform(0.6, 1.0))


def dust(img, mask, rng):
    h, w = mask.shape
    layer = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(5, 40))):
        r = rng.uniform(0.8, 3.0)
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        d.ellipse([x - r, y - r * rng.uniform(0.6, 1.4), x + r, y + r], fill=255)
    _paint(img, mask, np.asarray(layer, np.float32) / 255, _value(rng, img.shape), rng.uniform(0.7, 1.0))


def blotches(img, mask, rng):
    h, w = mask.shape
    for _ in range(int(rng.integers(1, 3))):
        noise = ndimage.gaussian_filter(rng.normal(0, 1, (h, w)).astype(np.float32), rng.uniform(3, 8))
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(4, 0.08 * max(h, w) + 5)
        yy, xx = np.mgrid[0:h, 0:w]
        blob = 1 - np.hypot(yy - cy, xx - cx) / r + noise / (np.abs(noise).max() + 1e-6) * 0.5
        alpha = np.clip(blob * 3, 0, 1).astype(np.float32)
        _paint(img, mask, alpha, _value(rng, img.shape), rng.uniform(0.5, 0.9))


def tears(img, mask, rng):
    """Small holes or torn corners showing the paper underneath."""
    h, w = mask.shape
    layer = Image.new('L', (w, h), 0)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    r = rng.uniform(3, 0.06 * max(h, w) + 4)
    n = int(rng.integers(5, 10))
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    pts = [(cx + r * rng.uniform(0.5, 1.2) * np.cos(a), cy + r * rng.uniform(0.5, 1.2) * np.sin(a)) for a in angles]
    ImageDraw.Draw(layer).polygon(pts, fill=255)
    paper = np.array([0.93, 0.9, 0.82], np.float32) * rng.uniform(0.85, 1.05)
    _paint(img, mask, np.asarray(layer, np.float32) / 255, paper, 1.0)
