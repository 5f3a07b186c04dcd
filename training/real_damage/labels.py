"""Labelled real damage: crops of the real old photos in the data root with
their damage masks, built from `crops.json` and kept as small PNGs beside it
with a manifest (source path, crop box, the source file's sha256, split);
never the photos themselves (their licences are not ours).

Each crop in `crops.json` names its source (relative to the data root's
old-photos folder), its box [left, top, width, height] (null: the whole
photo), its split ('train' or 'heldout'), what it shows (`tags`: 'scratch',
'crack', 'dust', 'spot', 'fold', 'tear', and for the hard negatives 'hair',
'fabric', 'branches', 'wires', 'text', 'edges'), and how its mask was made:
`candidates` (candidates.candidate's settings, one entry per polarity or
scale; none for a crop without damage) then `edits`, applied in order after
each look at the overlay: ["erase", l, t, w, h] clears a box (hair, an eye
highlight, a window frame taken for a scratch), ["keep", l, t, w, h] clears
everything outside the union of keep boxes, ["line", width, x0, y0, x1, y1,
…] paints a polyline the candidates missed, ["disc", x, y, r] a speck.

  python -m training.real_damage.labels build   # masks + manifest.json from crops.json (and the overlays)
  python -m training.real_damage.labels check   # the masks and manifest match crops.json and the sources"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

from . import candidates as C

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, 'crops.json')
MANIFEST = os.path.join(HERE, 'manifest.json')
MASKS = os.path.join(HERE, 'masks')
TAGS = {'scratch', 'crack', 'dust', 'spot', 'fold', 'tear', 'stain', 'hair', 'fabric', 'branches', 'wires', 'text',
        'edges', 'faces', 'clean'}


def old_photos_root(data_root: str | None = None) -> str:
    from ..data.images import default_data_root
    return os.path.join(data_root or default_data_root(), 'old-photos')


def sha256(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_spec(path: str = SPEC) -> list:
    with open(path) as f:
        crops = json.load(f)['crops']
    seen = set()
    for c in crops:
        if c['id'] in seen:
            raise ValueError(f'crops.json: crop id {c["id"]} is used twice')
        seen.add(c['id'])
        if c['split'] not in ('train', 'heldout'):
            raise ValueError(f'crops.json: {c["id"]}: split must be train or heldout, not {c["split"]!r}')
        bad = set(c.get('tags', [])) - TAGS
        if bad:
            raise ValueError(f'crops.json: {c["id"]}: unknown tags {sorted(bad)}')
    return crops


def crop_of(c: dict, root: str) -> np.ndarray:
    """The crop's pixels, uint8 [H, W, 3]."""
    with Image.open(os.path.join(root, c['source'])) as im:
        rgb = np.asarray(im.convert('RGB'))
    if c.get('box'):
        l, t, w, h = c['box']
        if l < 0 or t < 0 or l + w > rgb.shape[1] or t + h > rgb.shape[0]:
            raise ValueError(f'{c["id"]}: box {c["box"]} lies outside {c["source"]} ({rgb.shape[1]} × {rgb.shape[0]})')
        rgb = rgb[t:t + h, l:l + w]
    return np.ascontiguousarray(rgb)


def mask_of(c: dict, rgb: np.ndarray) -> np.ndarray:
    """bool [H, W]: the crop's candidates, then its edits."""
    h, w = rgb.shape[:2]
    mask = np.zeros((h, w), bool)
    for cand in c.get('candidates', []):
        mask |= C.candidate(rgb, **cand)
    keeps = []
    for e in c.get('edits', []):
        kind, args = e[0], e[1:]
        if kind == 'erase':
            l, t, bw, bh = args
            mask[max(0, t):t + bh, max(0, l):l + bw] = False
        elif kind == 'keep':
            keeps.append(args)
        elif kind in ('line', 'disc'):
            layer = Image.new('L', (w, h), 0)
            d = ImageDraw.Draw(layer)
            if kind == 'line':
                width, pts = args[0], args[1:]
                d.line([(pts[i], pts[i + 1]) for i in range(0, len(pts), 2)], fill=255, width=width, joint='curve')
            else:
                x, y, r = args
                d.ellipse([x - r, y - r, x + r, y + r], fill=255)
            mask |= np.asarray(layer) > 0
        else:
            raise ValueError(f'{c["id"]}: unknown edit {kind!r}')
    if keeps:
        inside = np.zeros((h, w), bool)
        for l, t, bw, bh in keeps:
            inside[max(0, t):t + bh, max(0, l):l + bw] = True
        mask &= inside
    return mask


def overlay(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = rgb.astype(np.float32).copy()
    out[mask] = out[mask] * 0.35 + np.array([255, 0, 40], np.float32) * 0.65
    return out.astype(np.uint8)


def build(root: str, only: set | None = None, review: str | None = None) -> list:
    crops = load_spec()
    os.makedirs(MASKS, exist_ok=True)
    entries = []
    for c in crops:
        path = os.path.join(root, c['source'])
        rgb = crop_of(c, root)
        out = os.path.join(MASKS, f'{c["id"]}.png')
        if only is None or c['id'] in only or not os.path.exists(out):
            mask = mask_of(c, rgb)
            Image.fromarray(mask.astype(np.uint8) * 255).convert('1').save(out, optimize=True)
            if review:
                os.makedirs(review, exist_ok=True)
                pair = Image.fromarray(np.concatenate([rgb, overlay(rgb, mask)], 1))
                k = max(1, 1000 // pair.width)  # small crops are looked at enlarged, pixels kept square
                pair.resize((pair.width * k, pair.height * k), Image.NEAREST).save(os.path.join(review, f'{c["id"]}.png'))
        with Image.open(out) as im:
            mask = np.asarray(im.convert('L')) > 127
        entries.append({'id': c['id'], 'source': c['source'], 'sha256': sha256(path), 'box': c.get('box'),
                        'size': [rgb.shape[1], rgb.shape[0]], 'split': c['split'], 'tags': c.get('tags', []),
                        'mask': f'masks/{c["id"]}.png', 'damageShare': round(float(mask.mean()), 5)})
    with open(MANIFEST, 'w') as f:
        json.dump({'format': 1, 'root': 'old-photos', 'crops': entries}, f, indent=1)
        f.write('\n')
    return entries


def load_manifest(split: str | None = None) -> list:
    with open(MANIFEST) as f:
        crops = json.load(f)['crops']
    return [c for c in crops if split is None or c['split'] == split]


def load_pair(entry: dict, root: str, base: str = HERE) -> tuple:
    """(uint8 [H, W, 3] crop, bool [H, W] mask) of a manifest entry (its mask path relative to `base`), the source
    checked against its sha256."""
    path = os.path.join(root, entry['source'])
    if sha256(path) != entry['sha256']:
        raise ValueError(f'{entry["id"]}: {entry["source"]} is not the file the mask was drawn on (sha256 differs)')
    rgb = crop_of(entry, root)
    with Image.open(os.path.join(base, entry['mask'])) as im:
        mask = np.asarray(im.convert('L')) > 127
    if mask.shape != rgb.shape[:2]:
        raise ValueError(f'{entry["id"]}: mask {mask.shape[::-1]} and crop {rgb.shape[1::-1]} differ in size')
    return rgb, mask


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.real_damage.labels')
    ap.add_argument('command', choices=['build', 'check'])
    ap.add_argument('--data-root', default=None)
    ap.add_argument('--only', default='', help='comma list of crop ids to rebuild (build)')
    ap.add_argument('--review', default='test-artifacts/real-damage', help='where build writes crop | overlay PNGs')
    args = ap.parse_args(argv)
    root = old_photos_root(args.data_root)
    if args.command == 'build':
        entries = build(root, set(filter(None, args.only.split(','))) or None, args.review)
        n = {s: sum(e['split'] == s for e in entries) for s in ('train', 'heldout')}
        print(f'{len(entries)} crops ({n["train"]} train, {n["heldout"]} held out) → {MANIFEST}')
    else:
        spec = {c['id']: c for c in load_spec()}
        for e in load_manifest():
            if e['id'] not in spec:
                sys.exit(f'{e["id"]}: in the manifest, not in crops.json')
            rgb, mask = load_pair(e, root)
            if not np.array_equal(mask, mask_of(spec[e['id']], rgb)):
                sys.exit(f'{e["id"]}: mask differs from what crops.json builds')
        print('masks and manifest match crops.json and the sources')


if __name__ == '__main__':
    main()
