"""More clean ground truth from Debian packages, built outside the repo.

`shared/datasets/clean` holds 203 photos, so the chain's prior for a photo's
global tone (what fading and casts are undone towards) comes from 203 scenes.
Two more packages that Debian's archive serves carry public-domain / CC0
photographs: GCompris's categorisation activity (fish, monuments, renewable
energy, tools, household objects: ~120 photos of 320 px with per-file credits)
and Palapeli's puzzle collection (5 photos of 1,000–1,600 px). This builds
them into a folder of JPEGs (q95, 4:4:4, long side ≤ 1024 px, as `clean/`)
with a SOURCES.tsv of credits; `data.clean_extra` in a config adds it to the
training photos. The images never enter the repo.

Leak guard: a photo whose 16×16 difference hash is within 20 of 256 bits of a
benchmark photo's (or of a photo already kept, or of one in `clean/`) is left
out, as the shared set's builder did.

    /usr/bin/python3 -m training.data.extra_clean --out ~/.cache/heirloom/clean-extra [--debs DIR]
"""
import argparse
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

from .images import default_data_root, fit_long_side, list_images
from .qt_rcc import read_rcc

GCOMPRIS_RCC = 'usr/share/gcompris-qt/rcc/categorization.rcc'
GCOMPRIS_FOLDERS = ('fishes', 'monuments', 'others', 'renewable', 'tools')  # photos; alphabets/numbers are drawings
PALAPELI_DIR = 'usr/share/palapeli/collection'  # the backgrounds/ beside it are tiling textures
MIN_SIDE = 200
MAX_SIDE = 1024
NEAR = 20  # bits of 256


def dhash(img: Image.Image) -> np.ndarray:
    """256-bit difference hash: is each pixel of a 17×16 grey thumbnail brighter than its right neighbour."""
    g = np.asarray(img.convert('L').resize((17, 16), Image.LANCZOS), dtype=np.int16)
    return (g[:, 1:] > g[:, :-1]).ravel()


def near(h: np.ndarray, hashes: list[np.ndarray]) -> bool:
    return any(int((h != o).sum()) <= NEAR for o in hashes)


def credit_line(licence: str | None, who: str | None, source: str | None) -> str | None:
    """'licence; © who; source', or None without a licence: such a photo is not used."""
    return f"{licence}; © {who or '?'}; {source or '?'}" if licence else None


def parse_credits(text: str) -> dict[str, str | None]:
    """GCompris README blocks (Copyright / Source / License / Files:) → {file: credit_line(…)}."""
    credits = {}
    for block in re.split(r'\n\s*\n', text):
        fields = dict(re.findall(r'^(Copyright|Source|License):\s*(.*)$', block, re.M))
        files = re.search(r'^Files:\s*\n?((?:.+\n?)+)', block, re.M)
        if not files:
            continue
        credit = credit_line(fields.get('License'), fields.get('Copyright'), fields.get('Source'))
        for f in files.group(1).split():
            credits[f.strip()] = credit
    return credits


def desktop_credit(text: str) -> str | None:
    f = dict(re.findall(r'^X-KDE-PluginInfo-(Author|Website|License)=(.*)$', text, re.M))
    return credit_line(f.get('License'), f.get('Author'), f.get('Website'))


def gcompris_photos(tree: str):
    """(name, bytes, credit) of the categorisation activity's photos."""
    with open(os.path.join(tree, GCOMPRIS_RCC), 'rb') as fh:
        files = read_rcc(fh.read())
    for folder in GCOMPRIS_FOLDERS:
        prefix = f'/gcompris/src/activities/categorization/resource/images/{folder}/'
        credits = parse_credits(files.get(prefix + 'README', b'').decode('utf-8', 'replace'))
        for path in sorted(p for p in files if p.startswith(prefix) and p.endswith('.webp')):
            base = os.path.basename(path)
            yield f'gcompris_categorization-{folder}-{base[:-5]}', files[path], credits.get(base)


def palapeli_photos(tree: str):
    for path in sorted(glob.glob(os.path.join(tree, PALAPELI_DIR, '*.jpg'))):
        desktop = path[:-4] + '.desktop'
        credit = None
        if os.path.exists(desktop):
            with open(desktop, encoding='utf-8') as fh:
                credit = desktop_credit(fh.read())
        with open(path, 'rb') as fh:
            yield f'palapeli_{os.path.basename(path)[:-4]}', fh.read(), credit


SOURCES = {'gcompris-qt-data': gcompris_photos, 'palapeli-data': palapeli_photos}


def unpack(package: str, debs: str | None, work: str) -> tuple[str, str]:
    """(tree, version) of the package's files, from a .deb in `debs` or fetched with apt-get download."""
    found = sorted(glob.glob(os.path.join(debs, f'{package}_*.deb'))) if debs else []
    if not found:
        subprocess.run(['apt-get', 'download', package], cwd=work, check=True, capture_output=True)
        found = sorted(glob.glob(os.path.join(work, f'{package}_*.deb')))
    if not found:
        raise SystemExit(f'{package}: no .deb in {debs or work} and apt-get download left none')
    deb = found[-1]
    tree = os.path.join(work, package)
    subprocess.run(['dpkg-deb', '-x', deb, tree], check=True)
    version = os.path.basename(deb).split('_')[1].replace('%3a', ':')
    return tree, version


def to_clean(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    if img.mode in ('RGBA', 'LA', 'P'):
        rgba = img.convert('RGBA')
        img = Image.new('RGB', rgba.size, 'white')
        img.paste(rgba, mask=rgba.split()[3])
    return fit_long_side(img.convert('RGB'), MAX_SIDE)


def build(out: str, data_root: str, debs: str | None = None, sources=SOURCES) -> list[tuple[str, str]]:
    """Writes the photos and SOURCES.tsv to `out` (replaced whole, never half-written); returns (file, why) skipped."""
    guard = []
    for folder in ('benchmarks', 'clean'):
        for path in list_images(os.path.join(data_root, folder)):
            with Image.open(path) as im:
                guard.append(dhash(im))
    if not guard:
        raise SystemExit(f'no benchmark or clean photos under {data_root}: the leak guard needs them')
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='.clean-extra-', dir=parent)
    skipped, rows = [], ['file\tpackage\tversion\tcredit / licence']
    try:
        with tempfile.TemporaryDirectory() as work:
            for package, photos in sources.items():
                tree, version = unpack(package, debs, work)
                for name, data, credit in photos(tree):
                    if credit is None:
                        skipped.append((name, 'no credit or licence in the package'))
                        continue
                    img = to_clean(data)
                    if min(img.size) < MIN_SIDE:
                        skipped.append((name, f'short side {min(img.size)} px < {MIN_SIDE}'))
                        continue
                    h = dhash(img)
                    if near(h, guard):
                        skipped.append((name, 'near-duplicate of a benchmark, clean or kept photo'))
                        continue
                    guard.append(h)
                    img.save(os.path.join(tmp, name + '.jpg'), quality=95, subsampling=0)
                    rows.append(f'{name}.jpg\t{package}\t{version}\t{credit}')
        with open(os.path.join(tmp, 'SOURCES.tsv'), 'w', encoding='utf-8') as fh:
            fh.write('\n'.join(rows) + '\n')
        # the old folder is moved aside, not deleted, until the new one is in place: a crash between the two
        # steps leaves one whole folder, never none
        previous = None
        if os.path.exists(out):
            previous = tempfile.mkdtemp(prefix='.clean-extra-old-', dir=parent)
            os.replace(out, os.path.join(previous, 'photos'))
        os.replace(tmp, out)
        if previous:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return skipped


def main(argv=None):
    ap = argparse.ArgumentParser(prog='training.data.extra_clean', description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=os.path.expanduser('~/.cache/heirloom/clean-extra'))
    ap.add_argument('--data-root', default=default_data_root())
    ap.add_argument('--debs', help='a folder holding the .deb files (else apt-get download fetches them)')
    args = ap.parse_args(argv)
    skipped = build(args.out, args.data_root, args.debs)
    kept = len(list_images(args.out))
    for name, why in skipped:
        print(f'skipped {name}: {why}', file=sys.stderr)
    print(f'{kept} photos in {args.out} ({len(skipped)} skipped); credits in SOURCES.tsv')


if __name__ == '__main__':
    main()
