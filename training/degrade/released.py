"""The reference implementation's own degradation recipe (METHOD.md, "Degradation in the released code"),
as one more way to draw a training photo's unstructured faults (`DegradeConfig.released`).

Our own table (pipeline._UNSTRUCTURED) reaches further in some ways (fading, sepia, halftone, film grain, defocus
and motion blur) and less far in others: its low resolution halves the photo at least (factor 1.5-3.5) and its
JPEG stops at quality 85, so nearly every training photo is visibly damaged, and the chain learns to answer mild
faults with the smoothing heavy ones need (JPEG at quality 40-100 alone loses it 4 dB, a mild resampling 1.7 dB).
The released recipe is milder and different in form: each of four faults with probability 0.7 in random order,
a Gaussian kernel of 3, 5 or 7 taps (sigma 1-5), one of Gaussian or speckle noise (sigma 5-50/255) or salt and
pepper (up to 1 % of pixels), a bicubic downscale to 0.5-1.0 of the size brought back with nearest or bilinear
resampling, and JPEG at quality 40-100."""
import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .unstructured import grayscale, jpeg as _jpeg, to_uint8

P_OP = 0.7


def blur(img, rng):
    taps = int(rng.choice([3, 5, 7]))
    sigma = rng.uniform(1, 5)
    x = np.arange(taps, dtype=np.float32) - taps // 2
    k = np.exp(-x ** 2 / (2 * sigma * sigma))
    k /= k.sum()
    return ndimage.convolve1d(ndimage.convolve1d(img, k, axis=0, mode='reflect'), k, axis=1, mode='reflect')


def noise(img, rng):
    kind = int(rng.integers(3))
    if kind == 2:  # salt and pepper
        amount = rng.uniform(0, 0.01)
        u = rng.random(img.shape[:2])
        out = img.copy()
        out[u < amount / 2] = 0
        out[u > 1 - amount / 2] = 1
        return out
    n = rng.standard_normal(img.shape).astype(np.float32) * np.float32(rng.uniform(5, 50) / 255)
    return img + (n if kind == 0 else img * n)


def low_resolution(img, rng):
    h, w = img.shape[:2]
    scale = rng.uniform(0.5, 1.0)
    small = Image.fromarray(to_uint8(img)).resize((max(8, int(w * scale)), max(8, int(h * scale))), Image.BICUBIC)
    up = Image.NEAREST if rng.random() < 0.5 else Image.BILINEAR
    return np.asarray(small.resize((w, h), up), np.float32) / 255


def jpeg(img, rng):
    return _jpeg(img, rng, top=101, bottom=40)


OPS = (blur, noise, low_resolution, jpeg)


def released_faults(img, rng):
    """float32 [H, W, 3] in [0, 1] → the same with the released recipe's faults (possibly none: 0.3⁴ of photos)."""
    ops = [op for op in OPS if rng.random() < P_OP]
    rng.shuffle(ops)
    for op in ops:
        img = np.clip(op(img, rng), 0, 1).astype(np.float32)
    return img


def painted_scratches(img, rng):
    """The released code's scratches: masks painted white (here 1-5 wandering strokes, 1-3 px wide, drawn at the
    photo's own size). img float32 [H, W, 3] in place → the uint8 mask [H, W]."""
    h, w = img.shape[:2]
    layer = Image.new('L', (w, h), 0)
    draw = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(1, 6))):
        x, y, a = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, 2 * np.pi)
        points = [(x, y)]
        for _ in range(int(rng.integers(3, 10))):
            a += rng.normal(0, 0.3)
            step = rng.uniform(0.02, 0.12) * max(h, w)
            x, y = x + step * np.cos(a), y + step * np.sin(a)
            points.append((x, y))
        draw.line(points, fill=255, width=int(rng.integers(1, 4)))
    mask = np.asarray(layer) > 0
    img[mask] = 1.0
    return mask.astype(np.uint8)


def released_damage(clean, rng):
    """A whole photo damaged the released code's way, for validation (`training.validate --released`): its faults,
    one photo in ten grey, then white painted scratches. → (degraded float32 [H, W, 3], mask uint8 [H, W])."""
    img = released_faults(clean.astype(np.float32, copy=True), rng)
    if rng.random() < 0.1:
        img = grayscale(img, rng)
    mask = painted_scratches(img, rng)
    return img, mask
