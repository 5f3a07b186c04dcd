"""`npm run eval -- --real`: the detector on real damage. The held-out half
of the labelled real crops (training/real_damage: real old photos with masks
checked by eye; the four scratched demo prints of the paper among them) is
restored through the app's CLI, as users get it, and each detected mask is
scored against its label: recall, precision and IoU pooled over the damaged
crops, over the four prints alone, and the share of intact pixels marked on
crops without damage (hair, fabric, branches, wires, text, edges). The
classical top-hat recipe is scored beside it. Writes
bench-results/eval-real.json and a contact sheet (input | mask over it |
restored) to test-artifacts/eval/real-contact-sheet.png (git-ignored: the
photos are third-party)."""
import json
import os
import shutil
import tempfile
import time

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .evaluate import ROOT, classical_mask, load, mask_counts, mask_scores, run_cli, to_float
from .real_damage.labels import load_manifest, load_pair, old_photos_root

PRINTS = 'bopbtl-scratch-'


def overlay(rgb: np.ndarray, mask: np.ndarray) -> Image.Image:
    out = rgb.astype(np.float32).copy()
    out[mask] = out[mask] * 0.3 + np.array([255, 0, 40], np.float32) * 0.7
    return Image.fromarray(out.astype(np.uint8))


def sheet(rows, path, row_h=220):
    """rows: (label, [images]) → one PNG, a row per crop, the images side by side at one height."""
    made = []
    for label, images in rows:
        scaled = [im.resize((max(1, round(im.width * row_h / im.height)), row_h), Image.LANCZOS) for im in images]
        row = Image.new('RGB', (sum(s.width for s in scaled) + 8 * len(scaled), row_h + 16), 'white')
        x = 0
        for s in scaled:
            row.paste(s.convert('RGB'), (x, 16))
            x += s.width + 8
        ImageDraw.Draw(row).text((2, 2), f'{label}: input | detected mask | restored', fill='black')
        made.append(row)
    out = Image.new('RGB', (max(r.width for r in made), sum(r.height + 6 for r in made)), 'white')
    y = 0
    for r in made:
        out.paste(r, (0, y))
        y += r.height + 6
    os.makedirs(os.path.dirname(path), exist_ok=True)
    out.save(path)


def scores_of(records, key, select):
    cs = [r[key] for r in records if select(r)]
    s = mask_scores(cs) if cs else {}
    s.pop('recallBySize', None)
    return s | {'crops': len(cs)}


def near_counts(pred, true, r):
    """Counts for scoring within r px (the engine's `detect.dilate`: the mapping fills that far around each marked
    pixel, and more, at its 4-px latent blocks): label pixels within r px of a mark, marks within r px of a label.
    A crack labelled 6 px wide whose middle 2 px are marked is filled whole, which pixel recall counts as a third."""
    pred, true = pred.astype(bool), true.astype(bool)
    disc = ndimage.iterate_structure(ndimage.generate_binary_structure(2, 1), r) if r else None
    grow = (lambda m: ndimage.binary_dilation(m, disc)) if r else (lambda m: m)
    return {'trueNear': int((true & grow(pred)).sum()), 'true': int(true.sum()),
            'predNear': int((pred & grow(true)).sum()), 'pred': int(pred.sum())}


def near_scores(records, key, select):
    cs = [r[key + 'Near'] for r in records if select(r)]
    if not cs:
        return {}
    tn, t, pn, p = (sum(c[k] for c in cs) for k in ('trueNear', 'true', 'predNear', 'pred'))
    return {'recall': round(tn / max(1, t), 4), 'precision': round(pn / max(1, p), 4), 'crops': len(cs)}


def falsely_marked(records, key):
    """The share of the pixels of crops without damage that a mask marks: its false alarms on hair, fabric …"""
    cs = [r[key] for r in records if r['damaged'] is False]
    return round(sum(c['pred'] for c in cs) / max(1, sum(c['pixels'] for c in cs)), 5) if cs else None


def evaluate_real(models, data_root, out, sheet_path, threads, ep, keep=None, split='heldout', labels=None):
    """labels: (entries, folder their mask paths are relative to) instead of training/real_damage's manifest."""
    root = old_photos_root(data_root)
    entries, base = labels if labels else (load_manifest(split), None)
    if not entries:
        raise SystemExit(f'no labelled real crops in the {split} split (training/real_damage/manifest.json)')
    t0 = time.time()
    work = os.path.abspath(keep) if keep else tempfile.mkdtemp(prefix='heirloom-eval-real-')
    in_dir, out_dir = os.path.join(work, 'in'), os.path.join(work, 'out')
    for d in (in_dir, out_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    try:
        truth = {}
        for e in entries:
            rgb, mask = load_pair(e, root, base) if base else load_pair(e, root)
            Image.fromarray(rgb).save(os.path.join(in_dir, e['id'] + '.png'))
            truth[e['id']] = (rgb, mask, e)
        cli = run_cli(models, in_dir, out_dir, threads, ep)
        outcomes = {os.path.splitext(os.path.basename(o['input']))[0]: o for o in cli['outcomes']}
        with open(os.path.join(models, 'manifest.json')) as f:
            manifest = json.load(f)
        near = int(manifest['detect']['dilate'])
        records, rows = [], []
        for cid, (rgb, true, e) in truth.items():
            o = outcomes.get(cid)
            if not o or o['status'] != 'restored':
                raise SystemExit(f'{cid}: the CLI did not restore it ({o and o.get("message")})')
            pred = np.asarray(load(o['mask'], 'L')) > 127
            base = classical_mask(to_float(rgb))
            rec = {'id': cid, 'tags': e['tags'], 'damaged': bool(true.any()), 'print': cid.startswith(PRINTS),
                   'ours': mask_counts(pred, true), 'classical': mask_counts(base, true),
                   'oursNear': near_counts(pred, true, near), 'classicalNear': near_counts(base, true, near)}
            c = rec['ours']
            rec['scores'] = {'recall': round(c['tp'] / max(1, c['true']), 4), 'precision': round(c['tp'] / max(1, c['pred']), 4),
                             'iou': round(c['tp'] / max(1, c['tp'] + c['fp'] + c['fn']), 4)}
            records.append(rec)
            if rec['damaged'] or len(rows) < 40:
                rows.append((cid, [Image.fromarray(rgb), overlay(rgb, pred), Image.open(o['output'])]))
        rows.sort(key=lambda r: (not r[0].startswith(PRINTS), not truth[r[0]][1].any(), r[0]))
        sheet(rows, sheet_path)
        result = {'split': split, 'models': manifest['modelId'], 'withinPx': near,
                  'crops': len(records), 'seconds': round(time.time() - t0, 1)}
        for key in ('ours', 'classical'):
            result[key] = {'damaged': scores_of(records, key, lambda r: r['damaged']),
                           'prints': scores_of(records, key, lambda r: r['print']),
                           'printsMeanRecall': round(float(np.mean([r[key]['tp'] / max(1, r[key]['true'])
                                                                    for r in records if r['print']])), 4)
                           if any(r['print'] for r in records) else None,
                           'printsMeanPrecision': round(float(np.mean([r[key]['tp'] / max(1, r[key]['pred'])
                                                                       for r in records if r['print']])), 4)
                           if any(r['print'] for r in records) else None,
                           'undamagedMarked': falsely_marked(records, key),
                           'damagedWithin': near_scores(records, key, lambda r: r['damaged']),
                           'printsWithin': near_scores(records, key, lambda r: r['print'])}
        result['perCrop'] = [{'id': r['id'], 'tags': r['tags'], **r['scores'],
                              'truePixels': r['ours']['true'], 'marked': r['ours']['pred']} for r in records]
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, 'w') as f:
            json.dump(result, f, indent=1)
            f.write('\n')
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def print_real(result, out, sheet_path):
    for key in ('ours', 'classical'):
        r = result[key]
        d, p = r['damaged'], r['prints']
        print(f'{key:9s} damaged crops ({d.get("crops")}): recall {d.get("recall")} precision {d.get("precision")} '
              f'IoU {d.get("iou")} | the four prints: recall {p.get("recall")} precision {p.get("precision")} '
              f'(mean per print {r["printsMeanRecall"]} / {r["printsMeanPrecision"]}) | intact crops marked '
              f'{r["undamagedMarked"]}')
        dn, pn = r['damagedWithin'], r['printsWithin']
        print(f'{"":9s} within {result["withinPx"]} px (what the mapping fills): damaged recall {dn.get("recall")} '
              f'precision {dn.get("precision")} | prints recall {pn.get("recall")} precision {pn.get("precision")}')
    print(f'wrote {out} and {sheet_path}')


def default_paths():
    return (os.path.join(ROOT, 'bench-results', 'eval-real.json'),
            os.path.join(ROOT, 'test-artifacts', 'eval', 'real-contact-sheet.png'))
