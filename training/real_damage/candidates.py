"""Candidate damage masks for labelling real crops: the classical recipe the
detector must beat (white / black morphological top-hat, thresholded, pieces
kept by size and shape), which a person then checks on an overlay and corrects
with the edits of `crops.json` (labels.py). Candidates are a starting point,
never a label by themselves."""
import numpy as np
from scipy import ndimage


def grey(rgb: np.ndarray) -> np.ndarray:
    """uint8 [H, W, 3] → float32 [H, W] in [0, 1] (Rec. 601 luma: the candidates need no colour science)."""
    return (rgb[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)) / 255


def tophat(g: np.ndarray, size: int, bright: bool) -> np.ndarray:
    if bright:
        return g - ndimage.grey_opening(g, size=(size, size))
    return ndimage.grey_closing(g, size=(size, size)) - g


def pieces(binary: np.ndarray, min_area: int, min_elong: float, max_area: int = 0) -> np.ndarray:
    """The 8-connected pieces with at least `min_area` (and, when set, at most `max_area`) px that are long and
    thin (bounding-box diagonal over sqrt(area) ≥ min_elong): dust specks pass by area alone when min_elong is 0."""
    labels, n = ndimage.label(binary, np.ones((3, 3), bool))
    if n == 0:
        return binary
    out = np.zeros_like(binary)
    for i, sl in enumerate(ndimage.find_objects(labels), 1):
        piece = labels[sl] == i
        area = int(piece.sum())
        if area < min_area or (max_area and area > max_area):
            continue
        diag = float(np.hypot(sl[0].stop - sl[0].start, sl[1].stop - sl[1].start))
        if diag / np.sqrt(area) >= min_elong:
            out[sl] |= piece
    return out


def candidate(rgb: np.ndarray, polarity: str = 'bright', size: int = 7, threshold: float = 0.12,
              min_area: int = 12, min_elong: float = 2.5, grow: int = 1, max_area: int = 0) -> np.ndarray:
    """bool [H, W]: the pieces of thin damage of the given polarity ('bright', 'dark' or 'both'), each grown by
    `grow` px into the pixels whose top-hat is at least half the threshold (a scratch's soft edges)."""
    g = ndimage.median_filter(grey(rgb), 2)
    out = np.zeros(g.shape, bool)
    for bright in ([True] if polarity == 'bright' else [False] if polarity == 'dark' else [True, False]):
        th = tophat(g, size, bright)
        core = pieces(th >= threshold, min_area, min_elong, max_area)
        if grow:
            soft = th >= threshold / 2
            for _ in range(grow):
                core = ndimage.binary_dilation(core) & soft | core
        out |= core
    return out
