"""Unstructured defects on float32 RGB images in [0, 1], shape [H, W, 3]."""
import io

import numpy as np
from PIL import Image
from scipy import ndimage


def gaussian_blur(img, rng):
    sigma = rng.uniform(0.6, 2.2)
    return ndimage.gaussian_filter(img, (sigma, sigma, 0), mode='reflect')


def motion_blur(img, rng):
    length = int(rng.integers(3, 10))
    angle = rng.uniform(0, np.pi)
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2
    for t in np.linspace(-c, c, length * 3):
        k[int(round(c + t * np.sin(angle))), int(round(c + t * np.cos(angle)))] = 1
    k /= k.sum()
    return np.stack([ndimage.convolve(img[..., i], k, mode='reflect') for i in range(3)], -1)


def defocus_blur(img, rng):
    r = rng.uniform(1.0, 2.5)
    n = int(np.ceil(r))
    yy, xx = np.mgrid[-n:n + 1, -n:n + 1]
    k = (xx ** 2 + yy ** 2 <= r * r).astype(np.float32)
    k /= k.sum()
    return np.stack([ndimage.convolve(img[..., i], k, mode='reflect') for i in range(3)], -1)


def gaussian_noise(img, rng, top=28):
    sigma = rng.uniform(3, top) / 255
    if rng.random() < 0.5:  # monochrome noise, as on a scanned print
        n = rng.normal(0, sigma, img.shape[:2] + (1,))
    else:
        n = rng.normal(0, sigma, img.shape)
    return img + n.astype(np.float32)


def film_grain(img, rng):
    """Clumped, luminance-dependent grain (strongest in the mid-tones)."""
    amount = rng.uniform(0.03, 0.12)
    size = rng.uniform(0.5, 1.3)
    g = ndimage.gaussian_filter(rng.normal(0, 1, img.shape[:2]).astype(np.float32), size)
    g /= g.std() + 1e-6
    lum = img.mean(-1, keepdims=True)
    return img + amount * g[..., None] * (0.3 + 2.8 * lum * (1 - lum))


def speckle(img, rng):
    sigma = rng.uniform(0.03, 0.12)
    return img + img * rng.normal(0, sigma, img.shape[:2] + (1,)).astype(np.float32)


def jpeg(img, rng, top=85, bottom=30):
    q = int(rng.integers(bottom, top))
    buf = io.BytesIO()
    Image.fromarray(to_uint8(img)).save(buf, 'JPEG', quality=q)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB'), np.float32) / 255


def low_resolution(img, rng):
    h, w = img.shape[:2]
    f = rng.uniform(1.5, 3.5)
    small = Image.fromarray(to_uint8(img)).resize((max(8, int(w / f)), max(8, int(h / f))), Image.BICUBIC)
    up = [Image.BILINEAR, Image.BICUBIC, Image.NEAREST][int(rng.choice(3, p=[0.45, 0.45, 0.1]))]
    return np.asarray(small.resize((w, h), up), np.float32) / 255


def fade(img, rng):
    """Contrast loss, lifted blacks, partial desaturation, a gamma shift."""
    c = rng.uniform(0.55, 0.9)
    mean = img.mean()
    out = mean + (img - mean) * c + rng.uniform(-0.04, 0.1)
    sat = rng.uniform(0.3, 1.0)
    gray = out.mean(-1, keepdims=True)
    out = gray + (out - gray) * sat
    return np.clip(out, 0, 1) ** rng.uniform(0.8, 1.25)


def jitter(img, rng):
    """Colour jitter: per-channel gain (a cast no tint blend makes), brightness, saturation, a small hue turn."""
    out = img * rng.uniform(0.85, 1.15, 3).astype(np.float32) + rng.uniform(-0.08, 0.08)
    gray = out.mean(-1, keepdims=True)
    chroma = (out - gray) * rng.uniform(0.6, 1.3)
    return gray + chroma @ hue_turn(rng.uniform(-0.3, 0.3)).T


def hue_turn(angle):
    """The rotation by `angle` (radians) about the grey axis (1, 1, 1): Rodrigues' formula."""
    k = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], np.float32) / np.sqrt(3)
    return np.eye(3, dtype=np.float32) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def mute(img, rng):
    """A plausible clean photo of a quieter palette: partial desaturation, a little less contrast about the mean,
    a mild gamma. Not a fault: the training target itself (pipeline.target)."""
    gray = img.mean(-1, keepdims=True)
    out = gray + (img - gray) * rng.uniform(0.55, 1.0)
    mean = out.mean()
    out = mean + (out - mean) * rng.uniform(0.8, 1.0)
    return (np.clip(out, 0, 1) ** rng.uniform(0.9, 1.1)).astype(np.float32)


def sepia(img, rng):
    gray = img @ np.array([0.299, 0.587, 0.114], np.float32)
    tone = np.array([1.07, 0.96, 0.74], np.float32) * rng.uniform(0.95, 1.05, 3).astype(np.float32)
    toned = gray[..., None] * tone
    s = rng.uniform(0.35, 1.0)
    return img * (1 - s) + toned * s


def yellowing(img, rng):
    tint = np.array([1.0, 0.97, 0.82], np.float32) + rng.uniform(-0.03, 0.03, 3).astype(np.float32)
    return img * tint + rng.uniform(0.0, 0.06) * np.array([1.0, 0.85, 0.5], np.float32)


def halftone(img, rng):
    period = rng.uniform(2.5, 4.5)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = np.pi / 4
    u, v = (xx * np.cos(a) + yy * np.sin(a)) / period, (-xx * np.sin(a) + yy * np.cos(a)) / period
    screen = 0.5 + 0.25 * (np.cos(2 * np.pi * u) + np.cos(2 * np.pi * v))
    strength = rng.uniform(0.1, 0.3)
    return img + strength * (screen[..., None] - 0.5)


def grayscale(img, rng):
    g = img @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.repeat(g[..., None], 3, -1)


def to_uint8(img):
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
