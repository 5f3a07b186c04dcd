"""Composes the degradations: a random subset of unstructured defects in
random order, then the structured ones with their mask, then (sometimes) a
final scan/compression pass."""
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from . import structured as S
from . import unstructured as U
from . import prints as PR
from . import wear as W
from .released import released_faults


@dataclass
class DegradeConfig:
    p_structured: float = 0.6
    p_gray: float = 0.12
    strength: float = 1.0  # probabilities of unstructured ops scale with it
    # When set, each image draws its strength from [strength_min, strength]: real scans range from
    # barely faded to ruined, and a model trained only on heavy damage over-processes mild photos.
    strength_min: float | None = None
    # When set, structured defects are drawn at the scale of a photo whose long side is drawn log-uniformly
    # from [crop, canvas_max], and the crop is a window of it (see structured.py): small training crops
    # otherwise only ever show crop-sized blotches and tears.
    canvas_max: int | None = None
    # Share of images that get no unstructured degradation at all (no blur, noise, fading, grey …; structured
    # defects as usual). Without any, every training input is visibly degraded, and the model learns to restore
    # whatever it is given: it smooths and re-tones photos (or parts of them) that need nothing. 0 draws no
    # random number, so seeds reproduce the images they always did.
    p_clean: float = 0.0
    # Share of training photos whose clean target is first muted (`unstructured.mute`: less saturation and
    # contrast, a gamma shift), before it is degraded. The clean set's palette is more saturated and contrasty
    # than typical photos (mean chroma 0.19 against 0.14-0.15 for Kodak24 and CBSD68), and a model trained on it
    # learns to push every photo towards that palette: on validation an oracle gain/offset would add 1.4-3.2 dB,
    # most photos wanting *less* contrast than the chain gives. Muted targets teach it that a muted photo may
    # simply be muted. Applied by the datasets (`target`), since it changes the target too; 0 draws nothing.
    p_mute: float = 0.0
    # Probabilities of scratches, dust, blotches and tears on an image with structured defects. Each is one draw
    # whatever its value, so other values keep every other draw of a seed where it was.
    # Entries past the fourth draw `wear.KINDS` in order (scratch textures, cracks, hairs, spots, flakes), then
    # `prints.KINDS` (real film-damage overlays, crack networks, folds, torn edges).
    p_kinds: tuple = (0.85, 0.5, 0.25, 0.2)
    # Share of photos with structured defects that are softened and given grain again after them: a scan blurs
    # and grains a crack's edges as it does the picture's, and defects drawn crisp over a soft photo are a cue
    # real prints never give. 0 draws no random number, so seeds reproduce the images they always did.
    post: float = 0.0
    # METHOD.md's ranges where ours were narrower: Gaussian noise to sigma 50/255 (not 28), JPEG quality to 95
    # (not 85), and colour jitter (per-channel gain, brightness, saturation, a hue turn) as one more fault. False
    # draws exactly what it always drew, so the evaluation's and validation's photos stay the same.
    wide: bool = False
    # Share of photos whose unstructured faults come from the reference implementation's recipe (released.py:
    # milder resampling and JPEG, salt and pepper) instead of the table below; grey conversion and structured
    # defects as usual. 0 draws no random number, so seeds reproduce the images they always did.
    released: float = 0.0
    # With the recipe, also draw our colour faults (fading, sepia / yellowing) at this table's odds: the recipe has
    # none, and a chain trained on it without them learns to expect less fading (validation's fading alone lost 0.5 dB).
    released_colour: bool = False

    def __post_init__(self):
        n = len(structured_kinds())
        if not 1 <= len(self.p_kinds) <= n:
            raise ValueError(f'degrade.p_kinds takes 1 to {n} probabilities (scratches, dust, blotches, tears, then '
                             f'degrade/wear.py\'s and degrade/prints.py\'s kinds), not {len(self.p_kinds)}')
        if not 0 <= self.released <= 1:
            raise ValueError(f'degrade.released is a share of photos, from 0 to 1, not {self.released}')


def structured_kinds():
    """The structured defects `p_kinds` draws, in its order (looked up on each call, so tests can stand in for one)."""
    return [S.scratches, S.dust, S.blotches, S.tears] + W.KINDS + PR.KINDS


_BLURS = [(U.gaussian_blur, 0.6), (U.defocus_blur, 0.25), (U.motion_blur, 0.15)]
_NOISES = [(U.gaussian_noise, 0.5), (U.film_grain, 0.35), (U.speckle, 0.15)]
_UNSTRUCTURED = [('blur', 0.7), ('noise', 0.7), ('lowres', 0.45), ('jpeg', 0.5),
                 ('fade', 0.6), ('tone', 0.45), ('halftone', 0.06)]
_WIDE = _UNSTRUCTURED + [('jitter', 0.4)]
_COLOUR = ('fade', 'tone')


def _pick(table, rng):
    fns, p = zip(*table)
    return fns[int(rng.choice(len(fns), p=np.array(p) / sum(p)))]


def _apply(name, img, rng, wide=False):
    if name == 'blur':
        return _pick(_BLURS, rng)(img, rng)
    if name == 'noise':
        fn = _pick(_NOISES, rng)
        return U.gaussian_noise(img, rng, 50) if wide and fn is U.gaussian_noise else fn(img, rng)
    if name == 'lowres':
        return U.low_resolution(img, rng)
    if name == 'jpeg':
        return U.jpeg(img, rng, 96 if wide else 85)
    if name == 'fade':
        return U.fade(img, rng)
    if name == 'tone':
        return U.sepia(img, rng) if rng.random() < 0.6 else U.yellowing(img, rng)
    if name == 'halftone':
        return U.halftone(img, rng)
    if name == 'jitter':
        return U.jitter(img, rng)
    raise ValueError(name)


def apply_unstructured(name, img, rng):
    """One unstructured fault by its name in the table above ('blur', 'noise', 'lowres', 'jpeg', 'fade', 'tone',
    'halftone'), at its full range: what `training.validate --by-fault` scores models on."""
    return _apply(name, img, rng)


def target(clean: np.ndarray, rng: np.random.Generator, cfg: DegradeConfig) -> np.ndarray:
    """The clean photo the model is taught to produce: `clean` itself, or with probability `p_mute` a muted
    version of it (the degradation then starts from that)."""
    if cfg.p_mute > 0 and rng.random() < cfg.p_mute:
        return U.mute(clean, rng)
    return clean


def scanned(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The damaged print as a scanner sees it: a slight blur and grain over defects and picture alike."""
    sigma = rng.uniform(0.3, 1.0)
    img = np.stack([ndimage.gaussian_filter(img[..., c], sigma) for c in range(3)], -1)
    if rng.random() < 0.6:
        img = img + rng.normal(0, rng.uniform(0.005, 0.03), img.shape[:2])[..., None]
    return np.clip(img, 0, 1).astype(np.float32)


def _window(h, w, canvas_max, rng):
    """A virtual photo (vh, vw) around the h × w crop and the crop's offset (oy, ox) in it."""
    side = max(h, w)
    long = float(np.exp(rng.uniform(np.log(side), np.log(max(side, canvas_max)))))
    short = long * rng.uniform(0.66, 1.0)
    vh, vw = (long, short) if rng.random() < 0.5 else (short, long)
    vh, vw = max(h, int(round(vh))), max(w, int(round(vw)))
    return vh, vw, int(rng.integers(0, vh - h + 1)), int(rng.integers(0, vw - w + 1))


def degrade(clean: np.ndarray, rng: np.random.Generator, cfg: DegradeConfig | None = None):
    """clean: float32 [H, W, 3] in [0, 1] → (degraded float32 [H, W, 3] in [0, 1], mask uint8 [H, W])."""
    cfg = cfg or DegradeConfig()
    img = clean.astype(np.float32, copy=True)
    h, w = img.shape[:2]
    strength = cfg.strength if cfg.strength_min is None else float(rng.uniform(cfg.strength_min, cfg.strength))
    clean = cfg.p_clean > 0 and rng.random() < cfg.p_clean
    recipe = not clean and cfg.released > 0 and rng.random() < cfg.released
    table = _WIDE if cfg.wide else _UNSTRUCTURED
    if clean or (recipe and not cfg.released_colour):
        ops = []
    else:  # the recipe brings its own faults, and of ours at most the colour ones
        ops = [name for name, p in table if (not recipe or name in _COLOUR) and rng.random() < min(1.0, p * strength)]
    if not ops and not clean and not recipe:
        ops = [str(rng.choice(['blur', 'noise', 'fade']))]
    rng.shuffle(ops)
    if not clean and rng.random() < cfg.p_gray:
        img = U.grayscale(img, rng)
    if recipe:
        img = released_faults(img, rng)
    for name in ops:
        img = np.clip(_apply(name, img, rng, cfg.wide), 0, 1).astype(np.float32)
    mask = np.zeros((h, w), bool)
    if rng.random() < cfg.p_structured:
        chosen = [k for k, p in zip(structured_kinds(), cfg.p_kinds) if rng.random() < p] or [S.scratches]
        view = _window(h, w, cfg.canvas_max, rng) if cfg.canvas_max else None
        for fn in chosen:
            fn(img, mask, rng, view)
        img = np.clip(img, 0, 1)
        if cfg.post > 0 and rng.random() < cfg.post:
            img = scanned(img, rng)
        if rng.random() < 0.3:  # the damaged print was scanned and compressed again
            img = U.jpeg(U.gaussian_noise(img, rng) if rng.random() < 0.5 else img, rng)
    return np.clip(img, 0, 1).astype(np.float32), mask.astype(np.uint8)
