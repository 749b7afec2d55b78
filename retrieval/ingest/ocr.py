"""Scanned pages and images read by OCR: the PP-OCR models that ship inside ``rapidocr-onnxruntime``.

Government sites publish many documents only as scans: the signed and sealed 红头文件 as a PDF of
page images, a 一图读懂 as one long PNG. Text extraction finds nothing in them ("no extractable
text"), and an admin uploading one got no measures at all.

The recogniser returns boxes of text, each a printed line or a part of one (a table's cell); what it
misses (ruled tables, a lone figure in a cell, numbers on badges) is found from the pixels
(``scan_marks``). Boxes are put together into printed lines (``scan_lines``), which go to the PDF layout
reader (``pdf_layout``): it joins a paragraph's lines by the page's margins just as for a PDF with text.

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

from retrieval.ingest.pdf_layout import paragraphs_of, without_autospace
from retrieval.ingest.scan_lines import printed_lines
from retrieval.ingest.scan_marks import Box, badges_read, empty_cells_read, inside_box, ruled_tables, \
    without_doubled_numerals

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
# A page whose pixels vary less than this (grey levels) is blank, and is not recognised.
BLANK_STD = 2.0
# Bumped when what is cached changes shape.
CACHE_VERSION = 5
MAX_PAGES = 200  # a scan longer than this is refused: it would keep the ingest busy for many minutes

_cache_dir: Path | None = None


def use_cache_dir(path: Path | None) -> None:
    """Where recognised pages are kept (``data_dir/cache``); None: recognise every time."""
    global _cache_dir
    _cache_dir = Path(path) if path is not None else None


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    # No angle classifier: scans are upright, and it turned "（二）" at a line's start into "）".
    return RapidOCR(use_cls=False, print_verbose=False)


_CJK_GAP_RE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _recognise(image) -> list[Box]:
    """One page image (PIL) → its boxes of text."""
    import numpy as np

    found, _ = _engine()(np.asarray(image.convert("RGB")), use_cls=False, return_word_box=True)
    boxes = []
    for quad, text, score, *chars in found or ():
        if float(score) < MIN_SCORE or not text.strip():
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        # The recogniser writes no space for a wide gap ("市交通运输局　市自然资源和规划局" comes out as one
        # name): spaces are put where its characters stand apart.
        text, chars = text.strip(), (chars[0] if chars else None)
        text = _with_gaps(text, chars) if chars and len(chars) == len(text) else _CJK_GAP_RE.sub("", text)
        boxes.append((text, float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))))
    return boxes


# A blank between two characters this wide (in characters) is a space on the page.
SPACE_WIDTH = 0.9
_PUNCTUATION = set(" “”‘’（）《》〔〕【】「」，。、：；！？")


def _with_gaps(text: str, chars) -> str:
    """The text with a space wherever two of its characters stand a character or more apart, from the
    recogniser's box of each character; as read when there is one box per character (Chinese)."""
    if len(text) < 2:
        return text
    spans = [(min(p[0] for p in quad), max(p[0] for p in quad)) for quad in chars]
    widths = sorted(b - a for a, b in spans)
    pitch = widths[len(widths) // 2]
    if pitch <= 0:
        return text
    out = text[0]
    for i in range(1, len(text)):
        gap = spans[i][0] - spans[i - 1][1]
        # Full-width punctuation is drawn in half its box: the blank beside it is no gap.
        apart = gap >= SPACE_WIDTH * pitch and not {text[i - 1], text[i]} & _PUNCTUATION
        out += (" " if apart else "") + text[i]
    return out


def _read_line(image) -> tuple[str, float]:
    """One cut-out line read without looking for text first (a cell's figure, a badge's number)."""
    import numpy as np

    read, _ = _engine()(np.asarray(image.convert("RGB")), use_det=False, use_cls=False)
    text, score = (read or [["", 0.0]])[0]
    return text, float(score)


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
    tables = ruled_tables(image)
    boxes = without_doubled_numerals(boxes)
    boxes += badges_read(image, boxes, _read_line)
    read_again = empty_cells_read(image, tables, boxes, _read_line, MIN_SCORE)
    if read_again:  # a cell read again drops what was read in it before (a speck read as "，")
        boxes = [b for b in boxes if not any(inside_box(b, cell) for cell, _ in read_again)]
    return {"boxes": boxes + [box for _, box in read_again], "tables": tables}


def _cached(data: bytes, pages, part: str = "") -> list[dict]:
    """Each page's boxes, from the cache when this file (or this ``part`` of it) was recognised before."""
    key = hashlib.sha256(data).hexdigest() + (hashlib.sha256(part.encode()).hexdigest()[:12] if part else "")
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


def _text(pages: list[dict]) -> str:
    lines = [printed_lines(found, number) for number, found in enumerate(pages)]
    return without_autospace("\n".join(paragraphs_of(lines)))


def pdf_text(data: bytes, only: list[int] | None = None) -> str:
    """A scanned PDF's text: every page (or the pages ``only`` numbers) rendered and recognised."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises its own error types on damaged files
        raise OcrError(f"not a readable PDF file ({exc})") from exc
    numbers = list(range(len(document))) if only is None else only
    if len(numbers) > MAX_PAGES:
        raise OcrError(f"a scan of {len(numbers)} pages is more than the {MAX_PAGES} read by OCR")

    def pages():
        for number in numbers:
            page = document[number]
            yield page.render(scale=_scan_dpi(page) / 72, grayscale=True).to_pil()

    return _text(_cached(data, pages, "" if only is None else f"pages {only}"))


def scanned_tail(data: bytes, texts: list[str], min_chars: int) -> list[int]:
    """The pages at the end of a PDF with text that are images of paper: a signed page, an annex scanned
    and added after the text (fewer than ``min_chars`` characters of text and an image on the page)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except Exception:  # the text was read; a tail that cannot be looked at is left as it is
        return []
    tail: list[int] = []
    for number in range(len(texts) - 1, -1, -1):
        if len(re.sub(r"\s", "", texts[number])) >= min_chars:
            break
        if any(True for _ in document[number].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])):
            tail.insert(0, number)
    return tail


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
