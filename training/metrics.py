"""Image scores shared by evaluation, validation, calibration and the real-damage check: 8-bit images read and
brought to float, PSNR / SSIM, and a defect mask's counts and scores against the true mask (pooled, per image and
per size of defect piece)."""
import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def to_float(img):
    """uint8 [H, W] or [H, W, C] → float64 RGB in [0, 1]."""
    a = np.asarray(img, np.float64) / 255
    if a.ndim == 2:
        a = a[..., None]
    if a.shape[2] == 1:
        a = np.repeat(a, 3, 2)
    return a[..., :3]


def load(path, mode=None):
    """An image read fully and its file closed."""
    with Image.open(path) as im:
        return im.convert(mode) if mode else im.copy()


def psnr(ref, img):
    return float(peak_signal_noise_ratio(ref, img, data_range=1.0))


def ssim(ref, img):
    return float(structural_similarity(ref, img, channel_axis=-1, data_range=1.0))


# Defects by the size of their connected piece of mask (px): a pooled IoU is dominated by the big blotches and
# tears, so recall per size tells which kind of defect a detector misses.
SIZE_BINS = [(0, 50, 'under50'), (50, 500, 'under500'), (500, 5000, 'under5000'), (5000, None, 'atLeast5000')]


def mask_counts(pred, true):
    pred, true = pred.astype(bool), true.astype(bool)
    out = {'tp': int((pred & true).sum()), 'fp': int((pred & ~true).sum()), 'fn': int((~pred & true).sum()),
           'pred': int(pred.sum()), 'true': int(true.sum()), 'pixels': int(pred.size), 'bySize': {}}
    labels, n = ndimage.label(true, structure=np.ones((3, 3)))
    if n:
        sizes = np.bincount(labels.ravel())[1:]
        hits = np.bincount(labels[pred & true], minlength=n + 1)[1:]
        for lo, hi, name in SIZE_BINS:
            sel = (sizes >= lo) & (sizes < hi if hi else True)
            out['bySize'][name] = (int(sizes[sel].sum()), int(hits[sel].sum()))
    return out


def mask_scores(counts):
    """Pooled over images: IoU = ΣTP / Σ(TP+FP+FN), precision, recall, F1; and the mean per-image IoU."""
    tp, fp, fn = (sum(c[k] for c in counts) for k in ('tp', 'fp', 'fn'))
    per = [c['tp'] / (c['tp'] + c['fp'] + c['fn']) for c in counts if c['tp'] + c['fp'] + c['fn'] > 0]
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {'iou': round(tp / (tp + fp + fn), 4) if tp + fp + fn else None,
            'meanIou': round(float(np.mean(per)), 4) if per else None,
            'precision': round(prec, 4), 'recall': round(rec, 4),
            'f1': round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            'predictedCoverage': round(sum(c['pred'] for c in counts) / max(1, sum(c['pixels'] for c in counts)), 5),
            'trueCoverage': round(sum(c['true'] for c in counts) / max(1, sum(c['pixels'] for c in counts)), 5),
            'recallBySize': _recall_by_size(counts)}


def _recall_by_size(counts):
    """{bin: {'pixels': true defect pixels in pieces of that size, 'recall': share of them found}}, pooled."""
    out = {}
    for _, _, name in SIZE_BINS:
        px = sum(c['bySize'].get(name, (0, 0))[0] for c in counts)
        hit = sum(c['bySize'].get(name, (0, 0))[1] for c in counts)
        if px:
            out[name] = {'pixels': px, 'recall': round(hit / px, 4)}
    return out


def quantise(img):
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def mean_block(records, key):
    vals = [r[key] for r in records]
    return {m: round(float(np.mean([v[m] for v in vals])), 4) for m in vals[0]} if vals else {}
