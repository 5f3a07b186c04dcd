"""Loads a folder of photos once into memory (uint8 RGB), so DataLoader
workers forked afterwards share it instead of decoding files every step."""
import os

import numpy as np
from PIL import Image, ImageOps

EXTS = {'.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'}
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_data_root() -> str:
    """Where the command lines look for the data sets: $HEIRLOOM_DATA, else shared/datasets beside the repo."""
    return os.environ.get('HEIRLOOM_DATA', os.path.join(REPO, '..', 'shared', 'datasets'))


def fit_long_side(im: Image.Image, max_side: int) -> Image.Image:
    """`im` scaled down (Lanczos) so its long side is at most max_side; unchanged if it already is."""
    if max(im.size) <= max_side:
        return im
    s = max_side / max(im.size)
    return im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.LANCZOS)


def list_images(root: str) -> list[str]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            if os.path.splitext(f)[1].lower() in EXTS and not f.startswith('.'):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def load_photo(path: str, max_side: int) -> np.ndarray:
    """uint8 [H, W, 3]: the photo upright (EXIF orientation applied), RGB, its long side at most max_side."""
    with Image.open(path) as im:
        return np.asarray(fit_long_side(ImageOps.exif_transpose(im).convert('RGB'), max_side), np.uint8)


def load_folder(root: str, max_side: int = 1024, min_side: int = 64) -> list[np.ndarray]:
    if not os.path.isdir(root):
        raise FileNotFoundError(f'image folder not found: {root}')
    images = []
    for path in list_images(root):
        try:
            img = load_photo(path, max_side)
            if min(img.shape[:2]) >= min_side:
                images.append(img)
        except OSError as err:
            print(f'skipping unreadable image {path}: {err}')
    if not images:
        raise ValueError(f'no usable images in {root}')
    return images
