"""What the text detector of a scanned page misses, found from the page's pixels.

- Ruled tables: long flat and upright strokes, which text never has, give a table's rows and columns.
- A cell the detector found nothing in, or only a speck: a lone short figure (a 序号's 7, a 1份) is too
  small for it, but read from the cell's inked part alone it is plain.
- Numbers drawn in badges (a white 2 on a coloured circle, how a 一图读懂 numbers its items): the detector
  takes the badge for a picture, and "2. 生产许可奖励：…" lost its 2.

``read`` is the recogniser on one cut-out line: (text, score).
"""
from __future__ import annotations

import re
from typing import Callable

Box = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom (pixels)
Read = Callable[[object], tuple[str, float]]
# Pixels kept clear of a cell's rules, and how much darker than the paper ink is (grey levels).
CELL_INSET = 5
INK_CONTRAST = 60


def inside_box(box: Box, cell: tuple) -> bool:
    x, y = (box[1] + box[3]) / 2, (box[2] + box[4]) / 2
    return cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]


_WORDLESS_RE = re.compile(r"^[\W_]*$")


# A number drawn in a badge (a filled circle, a square) before an item: how 一图读懂 number their items.
_BADGE_RE = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.．、]?$")
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.．、]|^[（(]")
BADGE_WIDTH = 2.0  # how far left of a line a badge may stand, in line heights
BADGE_INK = 0.2  # the share of that place that must differ from the paper
BADGE_SCORE = 0.7


def badges_read(image, boxes: list[Box], read: Read) -> list[Box]:
    """Item numbers drawn as white figures on a coloured badge: the detector takes the badge for a
    picture, and "2. 生产许可奖励：…" lost its 2. Read from the place just left of a line, where it stands."""
    import numpy as np

    grey = np.asarray(image.convert("L"), dtype=np.int16)
    found: list[Box] = []
    for text, x0, top, x1, bottom in boxes:
        height = bottom - top
        left, right = int(x0 - BADGE_WIDTH * height), int(x0) - 1
        if left < 0 or height < 8 or _NUMBERED_RE.match(text) or \
                any(b[3] > left and b[1] < right and b[4] > top and b[2] < bottom for b in boxes if b[1] < x0):
            continue
        place = grey[int(top):int(bottom), left:right]
        paper = float(np.median(grey[int(top):int(bottom), max(0, left - 10):left + 3]))
        ink = np.abs(place - paper) > INK_CONTRAST * 2 / 3
        if place.size == 0 or float(ink.mean()) < BADGE_INK:
            continue
        ys, xs = np.nonzero(ink)
        crop = (left + int(xs.min()) - 3, int(top) + int(ys.min()) - 3, left + int(xs.max()) + 3, int(top) + int(ys.max()) + 3)
        number, score = read(image.crop(crop))
        number = re.sub(r"\s", "", number).replace("。", ".")
        if _BADGE_RE.match(number) and float(score) >= BADGE_SCORE:
            mark = "" if number[-1] in ".．、" else ("、" if not number[0].isdigit() else ".")
            # Placed where the line's text starts: the badge stands out in the margin, and the item's
            # next lines, which start under the text, are no indented paragraphs of their own.
            found.append((number + mark, x0 - 2.0, top, x0 - 1.0, bottom))
    return found


def _ink_box(grey) -> tuple[int, int, int, int] | None:
    """The box around what is written in a cell: its ink, without a rule of a skewed scan that runs into
    the cell's edge (a component touching the edge) or a speck."""
    import cv2
    import numpy as np

    ink = (grey < np.median(grey) - INK_CONTRAST).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    parts = [(x, y, x + w, y + h) for x, y, w, h, area in stats[1:count]
             if area >= 6 and x > 0 and y > 0 and x + w < width and y + h < height]
    if not parts:
        return None
    return (min(p[0] for p in parts), min(p[1] for p in parts), max(p[2] for p in parts), max(p[3] for p in parts))


def without_doubled_numerals(boxes: list[Box]) -> list[Box]:
    """A heading's badge read as its own box ("四") before the heading that writes it ("四、支持…"): one."""
    out = []
    for box in boxes:
        text = box[0]
        if re.fullmatch(r"[一二三四五六七八九十]{1,3}|\d{1,2}", text) and any(
                b is not box and b[1] > box[1] and b[1] - box[3] < 3 * (box[4] - box[2]) and b[2] < box[4]
                and b[4] > box[2] and b[0].startswith(text) and b[0][len(text):len(text) + 1] in "、.．" for b in boxes):
            continue
        out.append(box)
    return out


def empty_cells_read(image, tables: list[dict], boxes: list[Box], read: Read, min_score: float) -> list[tuple[tuple, Box]]:
    """Text in the cells the detector found nothing in, or only a mark (a speck read as "，"): a lone
    short figure (a 序号's 7, a 1份) is too small for it, but read from the cell's inked part alone it
    is plain. Returns (cell, box) pairs."""
    import numpy as np

    found: list[tuple[tuple, Box]] = []
    for table in tables:
        rows, cols = table["rows"], table["cols"]
        for top, bottom in zip(rows, rows[1:]):
            for left, right in zip(cols, cols[1:]):
                inside = [b for b in boxes if inside_box(b, (left, top, right, bottom))]
                if any(not _WORDLESS_RE.match(b[0]) for b in inside):
                    continue
                cell = (left + CELL_INSET, top + CELL_INSET, right - CELL_INSET, bottom - CELL_INSET)
                if cell[2] - cell[0] < 8 or cell[3] - cell[1] < 8:
                    continue
                ink = _ink_box(np.asarray(image.crop(cell).convert("L"), dtype=np.int16))
                if ink is None:
                    continue  # an empty cell
                pad = max(4, (ink[3] - ink[1]) // 3)
                x0, y0 = cell[0] + ink[0] - pad, cell[1] + ink[1] - pad
                x1, y1 = cell[0] + ink[2] + pad, cell[1] + ink[3] + pad
                text, score = read(image.crop((x0, y0, x1, y1)))
                if text.strip() and not _WORDLESS_RE.match(text) and float(score) >= min_score:
                    found.append(((left, top, right, bottom), (text.strip(), float(x0), float(y0), float(x1), float(y1))))
    return found


# A rule is at least this share of the page's width (flat) or this many text lines high (upright).
RULE_WIDTH_SHARE = 1 / 25
RULE_HEIGHT = 40  # pixels
MIN_TABLE_ROWS = 2
# Pixels a rule may drift across a table when the page was scanned askew (a degree over 900 pixels).
SKEW_BAND = 17


def ruled_tables(image) -> list[dict]:
    """Ruled tables: each one's box and the positions of its inner rules (rows' and columns' edges).
    Found as long flat and upright strokes (morphological opening), which text never has."""
    import cv2
    import numpy as np

    grey = np.asarray(image.convert("L"))
    # Ink: darker than its neighbourhood by more than a scan's noise.
    ink = cv2.adaptiveThreshold(255 - grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -10)
    width = max(20, int(image.width * RULE_WIDTH_SHARE))
    flat = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1)))
    upright = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, RULE_HEIGHT)))
    # Bridge the small breaks a scan leaves in a rule, so a table is one shape.
    grid = cv2.dilate(flat | upright, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    tables = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < image.width / 4 or h < 2 * RULE_HEIGHT:
            continue
        # A scan a little askew spreads a rule over several rows of pixels: thickened by the drift, each
        # rule has rows that cross the whole table again.
        band = cv2.dilate(flat[y:y + h, x:x + w], np.ones((SKEW_BAND, 1), np.uint8))
        rows = _rule_positions(band.sum(axis=1) / 255, w) + y
        band = cv2.dilate(upright[y:y + h, x:x + w], np.ones((1, SKEW_BAND), np.uint8))
        cols = _rule_positions(band.sum(axis=0) / 255, h) + x
        if len(rows) >= MIN_TABLE_ROWS + 1 and len(cols) >= 3:
            tables.append({"box": [x, y, x + w, y + h], "rows": rows.tolist(), "cols": cols.tolist()})
        elif len(rows) == 2 and len(cols) == 2:  # a frame around text (a plan's 专栏): no table
            tables.append({"box": [x, y, x + w, y + h], "rows": [], "cols": []})
    return tables


def _rule_positions(profile, length: int):
    """Where rules run, from the ink counted across the table: runs of rows (or columns) with ink over
    half of the table's extent, each run's middle."""
    import numpy as np

    strong = np.flatnonzero(profile > length / 2)
    if not strong.size:
        return np.array([], dtype=int)
    runs = np.split(strong, np.flatnonzero(np.diff(strong) > 3) + 1)
    return np.array([int(run.mean()) for run in runs])
