"""The evaluation's contact sheet of real old photos (one row per photo, input | restored), and the stacking of
rows into one PNG that any contact sheet ends with."""
import os

from PIL import Image, ImageDraw


def contact_sheet(pairs, path, row_h=240, max_w=1400):
    """pairs: (label, input image, restored image) → one PNG, a row per photo: input | restored."""
    rows = []
    for label, a, b in pairs:
        s = row_h / a.height
        w = max(1, round(a.width * s))
        if 2 * w + 12 > max_w:
            w = (max_w - 12) // 2
            s = w / a.width
        h = max(1, round(a.height * s))
        row = Image.new('RGB', (2 * w + 12, h + 18), 'white')
        row.paste(a.convert('RGB').resize((w, h), Image.LANCZOS), (0, 18))
        row.paste(b.convert('RGB').resize((w, h), Image.LANCZOS), (w + 12, 18))
        d = ImageDraw.Draw(row)
        name = os.path.basename(label)
        room = max(4, (w - 60) // 6)  # the default bitmap font is 6 px wide
        d.text((2, 3), f'{name if len(name) <= room else name[:room - 3] + "..."}: input', fill='black')
        d.text((w + 14, 3), 'restored', fill='black')
        rows.append(row)
    stack_rows(rows, path, gap=8)


def stack_rows(rows, path, gap):
    """Images one under the other, `gap` px apart on white, saved as one PNG (its folder made): a contact sheet's
    last step, whatever its rows hold."""
    sheet = Image.new('RGB', (max(r.width for r in rows), sum(r.height + gap for r in rows)), 'white')
    y = 0
    for r in rows:
        sheet.paste(r, (0, y))
        y += r.height + gap
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sheet.save(path)
