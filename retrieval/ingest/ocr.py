"""Scanned pages and images read by OCR: the PP-OCR models that ship inside ``rapidocr-onnxruntime``.

Government sites publish many documents only as scans: the signed and sealed 红头文件 as a PDF of
page images, a 一图读懂 as one long PNG. Text extraction finds nothing in them ("no extractable
text"), and an admin uploading one got no measures at all.

The recogniser returns boxes of text, each a printed line or a part of one (a table's cell). Boxes
are put together into printed lines by their height on the page, and those lines are handed to the
PDF layout reader (``pdf_layout``), which joins a paragraph's lines by the page's margins just as for
a PDF with text. Cells far apart on one line are a table's row ("1 | 营业执照 | 1份").

Recognition is slow (seconds a page on two cores), and a reload reads every file again: what was
recognised is kept by the file's hash under the data folder's cache (``use_cache_dir``), so a file
is recognised once.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from functools import lru_cache
from pathlib import Path

from retrieval.ingest.pdf_layout import PrintedLine, paragraphs_of, without_autospace

log = logging.getLogger(__name__)

# Raised with a message for the user when nothing can be read; the loaders name the file.
class OcrError(ValueError):
    pass


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
# A scanned page is rendered at the resolution it was scanned at, within these bounds; a page without
# images (vector drawings only) at RENDER_DPI: a 公文's 16-point type is then about 45 pixels high.
RENDER_DPI = 200
MIN_DPI, MAX_DPI = 120, 300
# A long image is recognised in slices of about this height, cut where a row is blank: the detector
# scales a whole image down to its side limit, and a 1080×12000 图解 would shrink its text to dots.
SLICE_HEIGHT = 1600
# Boxes the recogniser is less sure of than this are dropped (a seal's ring of characters, specks).
MIN_SCORE = 0.6
# A gap between two boxes of one line wider than this (in character widths) parts a table's cells.
CELL_GAP = 1.5
# A page whose pixels vary less than this (grey levels) is blank, and is not recognised.
BLANK_STD = 2.0
# Bumped when what is cached changes shape.
CACHE_VERSION = 1
MAX_PAGES = 200  # a scan longer than this is refused: it would keep the ingest busy for many minutes

_cache_dir: Path | None = None


def use_cache_dir(path: Path | None) -> None:
    """Where recognised pages are kept (``data_dir/cache``); None: recognise every time."""
    global _cache_dir
    _cache_dir = Path(path) if path is not None else None


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    # No angle classifier: scans are upright, and it turned "（二）" at a line's start into "）".
    return RapidOCR(use_cls=False, print_verbose=False)


Box = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom (pixels)


def _recognise(image) -> list[Box]:
    """One page image (PIL) → its boxes of text."""
    import numpy as np

    found, _ = _engine()(np.asarray(image.convert("RGB")), use_cls=False)
    boxes = []
    for quad, text, score in found or ():
        if float(score) < MIN_SCORE or not text.strip():
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        boxes.append((text.strip(), float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))))
    return boxes


def _slices(image) -> list[tuple[int, int]]:
    """(top, bottom) rows of a tall image, cut at blank rows near every SLICE_HEIGHT."""
    import numpy as np

    height = image.height
    if height <= SLICE_HEIGHT * 1.25:
        return [(0, height)]
    grey = np.asarray(image.convert("L"), dtype=np.int16)
    # A blank row is one colour across (a background, a coloured bar's inside): text rows vary.
    flat = (grey.max(axis=1) - grey.min(axis=1)) < 24
    cuts, top = [], 0
    while height - top > SLICE_HEIGHT * 1.25:
        want = top + SLICE_HEIGHT
        window = range(want, min(height - 1, want + SLICE_HEIGHT // 3))
        cut = next((y for y in window if flat[y]), None)
        if cut is None:  # no blank row near: look back, else cut where wanted
            cut = next((y for y in range(want, top + SLICE_HEIGHT // 2, -1) if flat[y]), want)
        cuts.append((top, cut))
        top = cut
    cuts.append((top, height))
    return cuts


def _page_boxes(image) -> dict:
    """A page's boxes of text, and the ruled tables drawn on it."""
    import numpy as np

    if float(np.asarray(image.convert("L")).std()) < BLANK_STD:
        return {"boxes": [], "tables": []}  # a blank page (a scan's empty back side): nothing to read
    boxes: list[Box] = []
    for top, bottom in _slices(image):
        part = image if (top, bottom) == (0, image.height) else image.crop((0, top, image.width, bottom))
        boxes += [(t, x0, y0 + top, x1, y1 + top) for t, x0, y0, x1, y1 in _recognise(part)]
    tables = _tables(image)
    return {"boxes": boxes + _empty_cells_read(image, tables, boxes), "tables": tables}


# Pixels kept clear of a cell's rules, and how much darker than the paper ink is (grey levels).
CELL_INSET = 5
INK_CONTRAST = 60


def _empty_cells_read(image, tables: list[dict], boxes: list[Box]) -> list[Box]:
    """Text in the cells the detector found nothing in: a lone short figure (a 序号's 7, a 1份) is too
    small for it, but read from the cell's inked part alone it is plain."""
    import numpy as np

    found: list[Box] = []
    for table in tables:
        rows, cols = table["rows"], table["cols"]
        for top, bottom in zip(rows, rows[1:]):
            for left, right in zip(cols, cols[1:]):
                if any(left <= (b[1] + b[3]) / 2 <= right and top <= (b[2] + b[4]) / 2 <= bottom for b in boxes):
                    continue
                cell = (left + CELL_INSET, top + CELL_INSET, right - CELL_INSET, bottom - CELL_INSET)
                if cell[2] - cell[0] < 8 or cell[3] - cell[1] < 8:
                    continue
                grey = np.asarray(image.crop(cell).convert("L"), dtype=np.int16)
                ys, xs = np.nonzero(grey < np.median(grey) - INK_CONTRAST)
                if len(ys) < 10:
                    continue  # an empty cell
                pad = max(4, int(ys.max() - ys.min()) // 3)
                x0, y0 = cell[0] + int(xs.min()) - pad, cell[1] + int(ys.min()) - pad
                x1, y1 = cell[0] + int(xs.max()) + pad, cell[1] + int(ys.max()) + pad
                read, _ = _engine()(np.asarray(image.crop((x0, y0, x1, y1)).convert("RGB")), use_det=False, use_cls=False)
                text, score = (read or [["", 0.0]])[0]
                if text.strip() and float(score) >= MIN_SCORE:
                    found.append((text.strip(), float(x0), float(y0), float(x1), float(y1)))
    return found


# A rule is at least this share of the page's width (flat) or this many text lines high (upright).
RULE_WIDTH_SHARE = 1 / 25
RULE_HEIGHT = 40  # pixels
MIN_TABLE_ROWS = 2
# Pixels a rule may drift across a table when the page was scanned askew (a degree over 900 pixels).
SKEW_BAND = 17


def _tables(image) -> list[dict]:
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


def _cached(data: bytes, pages) -> list[dict]:
    """Each page's boxes, from the cache when this file was recognised before."""
    key = hashlib.sha256(data).hexdigest()
    path = _cache_dir / "ocr" / f"{key}-v{CACHE_VERSION}.json" if _cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("OCR cache %s unreadable: recognising again", path.name)
    found = [_page_boxes(image) for image in pages()]
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("OCR cache not written (%s)", exc)
    return found


def _lines(found: dict, page: int) -> list[PrintedLine]:
    """A page's boxes → printed lines and tables, top to bottom: boxes whose middles lie within each
    other's height are one line, boxes inside a ruled table its cells. A line's ``size`` is the page's
    character width."""
    boxes = [tuple(b) for b in found["boxes"]]
    tables = found.get("tables", [])
    placed: list[tuple[float, PrintedLine]] = []
    size = _char_width(boxes)
    loose, inside = [], [[] for _ in tables]
    for box in boxes:
        x, y = (box[1] + box[3]) / 2, (box[2] + box[4]) / 2
        k = next((k for k, t in enumerate(tables) if t["box"][0] <= x <= t["box"][2] and t["box"][1] <= y <= t["box"][3]), None)
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
        texts = [_joined_words([b[0] for b in cell]) for cell in cells]
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


def _joined_words(parts: list[str]) -> str:
    out = parts[0]
    for part in parts[1:]:
        out += (" " if out[-1:].isascii() and out[-1:].isalnum() and part[:1].isascii() and part[:1].isalnum() else "") + part
    return out


def _text(pages: list[dict]) -> str:
    lines = [_lines(found, number) for number, found in enumerate(pages)]
    return without_autospace("\n".join(paragraphs_of(lines)))


def pdf_text(data: bytes) -> str:
    """A scanned PDF's text: every page rendered and recognised."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own error types on damaged files
        raise OcrError(f"not a readable PDF file ({exc})") from exc
    if len(document) > MAX_PAGES:
        raise OcrError(f"a scan of {len(document)} pages is more than the {MAX_PAGES} read by OCR")

    def pages():
        for page in document:
            yield page.render(scale=_scan_dpi(page) / 72, grayscale=True).to_pil()

    return _text(_cached(data, pages))


def _scan_dpi(page) -> float:
    """The resolution the page was scanned at (its largest image's pixels per inch): rendered at it, the
    scan is read as it is; scaled up or down, small characters (a table's lone 1) get lost."""
    import pypdfium2.raw as pdfium_c

    best = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        try:
            left, _, right, _ = image.get_bounds()
            pixels, _ = image.get_px_size()
        except Exception:  # an image pdfium cannot measure: the default resolution is used
            continue
        if right - left > 72:
            best = max(best, pixels / ((right - left) / 72))
    return min(max(best, MIN_DPI), MAX_DPI) if best else RENDER_DPI


def image_text(data: bytes) -> str:
    """An image's text (a photo of a notice, a 一图读懂)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise OcrError(f"not a readable image ({exc})") from exc
    def pages():  # a TIFF may hold several pages (a fax, a scanner's multi-page file)
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            yield image.copy()

    return _text(_cached(data, pages))
