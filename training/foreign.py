"""A second, independent degradation model, for checking models only: nothing
trains on it.

The issue's target is scored on photos degraded by a model we do not see. Our
own validation and evaluation degrade with the very code the chain trained on
(`training.degrade`), so they measure how well the chain undoes *our* faults
and say nothing about faults of the same kinds drawn differently. This module
draws the paper's kinds of damage again with other forms and ranges, written
apart from `training.degrade` (it borrows only its 8-bit rounding) and never
imported by it or by any stage:

- tone: per-channel gamma, gain and lift (a colour cast that is not a blend
  towards a fixed tint), and a radial vignette;
- blur: anisotropic, rotated Gaussian or a box filter;
- resampling: area downscale, bilinear or Lanczos upscale;
- noise: signal-dependent (Poisson-Gaussian) with a low-frequency chroma part;
- JPEG with 4:2:0 chroma subsampling, sometimes twice;
- structured: near-straight long scratches, clusters of white specks, a
  soft-edged crease band and translucent brown stains, each with its mask.

Strengths are set so that the validation photos' inputs score about what the
target's benchmark inputs do (21.7 dB / 0.70), which is also about what our
own evaluation's inputs score: the two are compared at equal difficulty."""
import io

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .degrade.unstructured import to_uint8

# a photo's foreign damage draws from default_rng([its evaluation seed, FOREIGN_STREAM])
FOREIGN_STREAM = 202
UNSTRUCTURED = ('tone', 'blur', 'resample', 'noise', 'jpeg')
P_OPS = {'tone': 0.65, 'blur': 0.5, 'resample': 0.35, 'noise': 0.7, 'jpeg': 0.5}


def tone(img, rng):
    gamma = rng.uniform(0.8, 1.3) * rng.uniform(0.93, 1.07, 3)
    cast = np.array([1.0, 0.96, 0.86]) if rng.random() < 0.6 else np.array([0.9, 0.98, 1.0])
    gain = rng.uniform(0.85, 1.0) * cast * rng.uniform(0.97, 1.03, 3)
    lift = rng.uniform(0.0, 0.08) * rng.uniform(0.8, 1.0, 3)
    out = lift + gain * np.clip(img, 0, 1) ** gamma
    if rng.random() < 0.4:
        h, w = img.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((yy - h / 2) / (h / 2)) ** 2 + ((xx - w / 2) / (w / 2)) ** 2
        out = out * (1 - rng.uniform(0.08, 0.3) * r2 / 2)[..., None]
    return out


def blur(img, rng):
    if rng.random() < 0.3:
        return ndimage.uniform_filter(img, (int(rng.integers(2, 4)), int(rng.integers(2, 4)), 1), mode='reflect')
    sy, sx = rng.uniform(0.5, 2.0, 2)
    r = int(np.ceil(3 * max(sy, sx)))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float64)
    a = rng.uniform(0, np.pi)
    u, v = xx * np.cos(a) + yy * np.sin(a), -xx * np.sin(a) + yy * np.cos(a)
    k = np.exp(-(u / sx) ** 2 / 2 - (v / sy) ** 2 / 2)
    k /= k.sum()
    return np.stack([ndimage.convolve(img[..., c], k, mode='reflect') for c in range(3)], -1)


def resample(img, rng):
    h, w = img.shape[:2]
    f = rng.uniform(1.5, 3.0)
    small = Image.fromarray(to_uint8(img)).resize((max(8, round(w / f)), max(8, round(h / f))), Image.BOX)
    up = small.resize((w, h), Image.BILINEAR if rng.random() < 0.5 else Image.LANCZOS)
    return np.asarray(up, np.float64) / 255


def noise(img, rng):
    read, shot = rng.uniform(0.01, 0.045), rng.uniform(0.0, 0.003)
    out = img + rng.standard_normal(img.shape) * np.sqrt(read ** 2 + shot * np.clip(img, 0, 1))
    if rng.random() < 0.35:
        chroma = ndimage.gaussian_filter(rng.standard_normal(img.shape), (3, 3, 0))
        out = out + chroma / chroma.std() * rng.uniform(0.01, 0.03)
    return out


def jpeg(img, rng):
    for _ in range(2 if rng.random() < 0.3 else 1):
        buf = io.BytesIO()
        Image.fromarray(to_uint8(img)).save(buf, 'JPEG', quality=int(rng.integers(30, 75)), subsampling=2)
        img = np.asarray(Image.open(buf).convert('RGB'), np.float64) / 255
    return img


def _layer(h, w, draw_fn):
    layer = Image.new('L', (w, h), 0)
    draw_fn(ImageDraw.Draw(layer))
    return np.asarray(layer, np.float64) / 255


def _blend(img, mask, alpha, colour):
    img[:] = img * (1 - alpha[..., None]) + alpha[..., None] * colour
    mask |= alpha > 0.2


def structured(img, mask, rng):
    """Draws a random selection of near-straight scratches, speck clusters, a crease and stains into img/mask."""
    h, w = mask.shape
    side = max(h, w)
    if rng.random() < 0.8:
        for _ in range(int(rng.integers(1, 5))):
            x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
            a, length = rng.uniform(0, np.pi), rng.uniform(0.3, 1.0) * side
            pts = [(x0 + t * length * np.cos(a) + rng.normal(0, 1.5), y0 + t * length * np.sin(a) + rng.normal(0, 1.5))
                   for t in np.linspace(0, 1, 8)]
            width = int(rng.choice([1, 2, 2, 3]))
            alpha = _layer(h, w, lambda d: d.line(pts, fill=255, width=width)) * rng.uniform(0.6, 0.95)
            _blend(img, mask, alpha, rng.uniform(0.85, 1.0) if rng.random() < 0.75 else rng.uniform(0.05, 0.2))
    if rng.random() < 0.5:
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        spread = rng.uniform(0.1, 0.4) * side
        n = int(rng.integers(20, 150))
        ys, xs, rs = rng.normal(cy, spread, n), rng.normal(cx, spread, n), rng.uniform(0.6, 2.2, n)
        alpha = _layer(h, w, lambda d: [d.ellipse((x - r, y - r, x + r, y + r), fill=255) for x, y, r in zip(xs, ys, rs)])
        _blend(img, mask, alpha, rng.uniform(0.88, 1.0))
    if rng.random() < 0.25:
        a, off = rng.uniform(0, np.pi), rng.uniform(-0.3, 0.3) * side
        yy, xx = np.mgrid[0:h, 0:w]
        dist = np.abs((xx - w / 2) * np.sin(a) - (yy - h / 2) * np.cos(a) - off)
        alpha = np.clip(1 - dist / rng.uniform(2, 5), 0, 1) * rng.uniform(0.4, 0.7)
        _blend(img, mask, alpha, 0.93)
    if rng.random() < 0.3:
        for _ in range(int(rng.integers(1, 3))):
            cy, cx, ry, rx = rng.uniform(0, h), rng.uniform(0, w), *rng.uniform(0.02, 0.08, 2) * side
            alpha = ndimage.gaussian_filter(_layer(h, w, lambda d: d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)), 2)
            _blend(img, mask, alpha * rng.uniform(0.3, 0.55), np.array([0.55, 0.42, 0.25]))


OPS = {'tone': tone, 'blur': blur, 'resample': resample, 'noise': noise, 'jpeg': jpeg}


def foreign_degrade(clean: np.ndarray, rng: np.random.Generator):
    """clean float32 [H, W, 3] in [0, 1] → (degraded float32 [H, W, 3] in [0, 1], mask uint8 [H, W])."""
    img = clean.astype(np.float64, copy=True)
    ops = [op for op in UNSTRUCTURED if rng.random() < P_OPS[op]] or [str(rng.choice(UNSTRUCTURED))]
    rng.shuffle(ops)
    if rng.random() < 0.1:
        img = np.repeat((img @ np.array([0.2126, 0.7152, 0.0722]))[..., None], 3, -1)
    for op in ops:
        img = np.clip(OPS[op](img, rng), 0, 1)
    mask = np.zeros(img.shape[:2], bool)
    if rng.random() < 0.9:
        structured(img, mask, rng)
    return np.clip(img, 0, 1).astype(np.float32), mask.astype(np.uint8)
