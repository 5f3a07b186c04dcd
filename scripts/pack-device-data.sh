#!/usr/bin/env bash
# Packs a training subset of ../shared/datasets into the gitignored .devdata/
# so it can travel to a lent GPU machine (the device tool's 64 MiB limit).
# Never committed: these images keep their own licences (see SOURCES.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="${1:-../shared/datasets}"
rm -rf .devdata && mkdir -p .devdata
/usr/bin/python3 - "$SRC" <<'PY'
import os, sys
from PIL import Image, ImageOps
src = sys.argv[1]
for sub, side, q in [('clean', 1024, 90), ('old-photos', 640, 90)]:
    n = 0
    for d, _, files in os.walk(os.path.join(src, sub)):
        for f in sorted(files):
            try:
                im = ImageOps.exif_transpose(Image.open(os.path.join(d, f))).convert('RGB')
            except OSError:
                continue
            if max(im.size) > side:
                s = side / max(im.size)
                im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
            os.makedirs(os.path.join('.devdata', sub), exist_ok=True)
            im.save(os.path.join('.devdata', sub, f'{n:04d}.jpg'), quality=q)
            n += 1
    print(sub, n)
PY
du -sh .devdata
