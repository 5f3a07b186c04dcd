"""Loads a folder of photos once into memory (uint8 RGB), so DataLoader
workers forked afterwards share it instead of decoding files every step."""
import os

import numpy as np
from PIL import Image, ImageOps

EXTS = {'.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'}


def list_images(root: str) -> list[str]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            if os.path.splitext(f)[1].lower() in EXTS and not f.startswith('.'):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def load_folder(root: str, max_side: int = 1024, min_side: int = 64) -> list[np.ndarray]:
    if not os.path.isdir(root):
        raise FileNotFoundError(f'image folder not found: {root}')
    images = []
    for path in list_images(root):
        try:
            with Image.open(path) as im:
                im = ImageOps.exif_transpose(im).convert('RGB')
                if max(im.size) > max_side:
                    s = max_side / max(im.size)
                    im = im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.LANCZOS)
                if min(im.size) >= min_side:
                    images.append(np.asarray(im, np.uint8))
        except OSError as err:
            print(f'skipping unreadable image {path}: {err}')
    if not images:
        raise ValueError(f'no usable images in {root}')
    return images
