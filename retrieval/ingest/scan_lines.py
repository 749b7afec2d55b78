"""A scanned page's boxes of text → its printed lines and table rows, for the PDF layout reader.

Boxes whose middles lie within each other's height are one printed line; boxes inside a ruled table
are put in the cells its rules make; boxes of one line far apart are a table's cells drawn without
rules ("1 | 营业执照 | 1份"), and two a character apart keep a space between them (two names side by side).
"""
from __future__ import annotations

import re

from retrieval.ingest.pdf_layout import PrintedLine
from retrieval.ingest.scan_marks import Box, inside_box

# A gap between two boxes of one line wider than this (in character widths) parts a table's cells;
# one wider than WORD_GAP parts two names.
CELL_GAP = 1.5
WORD_GAP = 0.8


def printed_lines(found: dict, page: int) -> list[PrintedLine]:
    """A page's boxes → printed lines and tables, top to bottom: boxes whose middles lie within each
    other's height are one line, boxes inside a ruled table its cells. A line's ``size`` is the page's
    character width."""
    boxes = [tuple(b) for b in found["boxes"]]
    tables = found.get("tables", [])
    placed: list[tuple[float, PrintedLine]] = []
    size = _char_width(boxes)
    loose, inside = [], [[] for _ in tables]
    for box in boxes:
        k = next((k for k, t in enumerate(tables) if inside_box(box, t["box"])), None)
        (loose if k is None else inside[k]).append(box)
    for k, (table, cells) in enumerate(zip(tables, inside)):
        if not table["rows"]:
            # A framed box's lines are a paragraph's lines measured against the box (as pdf_layout's).
            placed += _text_lines(cells, size, page, region=(page, k))
            continue
        rows = _table_rows(table, cells)
        if rows:
            x0, top, x1, _ = table["box"]
            placed.append((top, PrintedLine("", x0, x1, 0.0, page, rows)))
    placed += _text_lines(loose, size, page)
    return [line for _, line in sorted(placed, key=lambda p: p[0])]


def _table_rows(table: dict, boxes: list[Box]) -> list[tuple[str, ...]]:
    """A table's boxes put in the cells its rules make; a cell's boxes read top to bottom, left to right."""
    rows, cols = table["rows"], table["cols"]
    grid: dict[tuple[int, int], list] = {}
    for box in boxes:
        x, y = (box[1] + box[3]) / 2, (box[2] + box[4]) / 2
        key = (sum(1 for r in rows if r < y), sum(1 for c in cols if c < x))
        grid.setdefault(key, []).append(box)
    out = []
    for row in range(1, len(rows)):
        cells = []
        for col in range(1, len(cols)):
            found = sorted(grid.get((row, col), []), key=lambda b: (round(b[2] / 10), b[1]))
            cells.append(_joined_words([b[0] for b in found]) if found else "")
        if any(cells):
            out.append(tuple(cells))
    return out


def _text_lines(boxes: list[Box], size: float, page: int, region: tuple | None = None
                ) -> list[tuple[float, PrintedLine]]:
    ordered = sorted(boxes, key=lambda b: (b[2] + b[4]) / 2)
    rows: list[list[Box]] = []
    for box in ordered:
        middle = (box[2] + box[4]) / 2
        row = rows[-1] if rows else None
        if row is not None and any(b[2] <= middle <= b[4] and box[2] <= (b[2] + b[4]) / 2 <= box[4] for b in row):
            row.append(box)
        else:
            rows.append([box])
    out = []
    for row in rows:
        row.sort(key=lambda b: b[1])
        cells = [[row[0]]]
        for box in row[1:]:
            if box[1] - cells[-1][-1][3] > CELL_GAP * size:
                cells.append([box])
            else:
                cells[-1].append(box)
        texts = [_joined_words([b[0] for b in cell], [b[1] - a[3] > WORD_GAP * size for a, b in zip(cell, cell[1:])])
                 for cell in cells]
        out.append((min(b[2] for b in row),
                    PrintedLine(" | ".join(texts), row[0][1], max(b[3] for b in row), size, page,
                                gapped=len(cells) > 1, region=region)))
    return out


def _char_width(boxes: list[Box]) -> float:
    """Pixels per Chinese character: the median over boxes of running Chinese text."""
    widths = sorted((b[3] - b[1]) / len(b[0]) for b in boxes
                    if len(re.findall(r"[\u4e00-\u9fff]", b[0])) >= 6)
    if widths:
        return widths[len(widths) // 2]
    heights = sorted(b[4] - b[2] for b in boxes)
    return heights[len(heights) // 2] if heights else 1.0


def _joined_words(parts: list[str], apart: list[bool] | None = None) -> str:
    """Boxes of one line or cell read together; ``apart``: where two stood a character or more apart
    (two names side by side, "牵头单位：市交通运输局　市自然资源和规划局"), a space stays between them."""
    out = parts[0]
    for part, gap in zip(parts[1:], apart or [False] * (len(parts) - 1)):
        latin = out[-1:].isascii() and out[-1:].isalnum() and part[:1].isascii() and part[:1].isalnum()
        out += (" " if gap or latin else "") + part
    return out
