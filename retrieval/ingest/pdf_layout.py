"""A PDF's text read by its layout: paragraphs joined from their printed lines, ruled tables as rows.

Plain text extraction gives a PDF as its printed lines. Guessing from the lines alone where a
paragraph goes on fails on official documents: their justified lines hold digits and spaces, so a
full line counts anywhere from 53 to 61 columns, and "达到 5000 万元以" / "上的预制菜生产项目" stay two
pieces of a measure ("以 上"), or a run-in heading's first line ("（一）健全工作机制。成立由…产") is taken
for a heading. The page itself says it: a line that reaches the right margin goes on in the next line
unless that one is indented (公文 indent each paragraph's first line by two characters).

Tables: text extraction gives a ruled table as its printed lines too; a cell that wraps runs on into
the next line and the columns blur into spaces, so an annex of 补贴标准 or 申报材料 has no rows to
cite. Government PDFs (exported from Word or WPS) draw their tables with ruling lines, by which
pdfplumber finds them; their rows are written as a Word table's are ("1 | 名称 | 2份").

Everything here is a refinement: ``None`` (the caller keeps the plain extraction) when pdfplumber is
missing, fails, or reads noticeably less text than the plain extraction did.
"""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from retrieval.ingest.pages import ITEM_START_RE, PARAGRAPH_END_RE

log = logging.getLogger(__name__)

_CJK_END_RE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START_RE = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PAGE_NUMBER_RE = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*/\s*\d{1,3})?[-—–－\s]*$")
_SENTENCE_END_RE = PARAGRAPH_END_RE
# The items a printed text's lines may open with (pages.py), and also （1） and a 第X章 / 第X节 heading.
_ITEM_START_RE = re.compile(ITEM_START_RE.pattern + r"|^(?:[（(]\d{1,3}[）)]|第[一二三四五六七八九十百]+[章节])")
# Extracted text must keep this share of the plain extraction's characters, or the plain one is used.
MIN_COVERAGE = 0.9
# A line this close to the right margin (in character heights) reaches it: a line ending in a
# half-width digit, one whose last character was pushed down by a punctuation rule, or a ragged line of a
# page printed from the browser (not justified) stops short.
RIGHT_SLACK = 2.2
# A line starting this far right of the left margin (in character heights) is indented.
INDENT_MIN, INDENT_MAX = 1.2, 3.5
# The share of lines indented above which the document marks paragraphs by indenting.
INDENTED_SHARE = 0.12
# What may stand between a table and its continuation on the next page: a running head and a page number.
FURNITURE_LINES = 2
RUNNING_HEAD_CHARS = 40
# A guide laid out as label | value rows: labels this short, in this share of its rows.
LABEL_CHARS = 8
LABEL_ROWS_SHARE = 0.8
MIN_LABEL_ROWS = 3


@dataclass
class PrintedLine:
    text: str
    x0: float
    x1: float
    size: float
    page: int
    rows: list | None = None  # a table's rows instead of text
    gapped: bool = False  # wide gaps inside: a row of a table drawn without rules, never a paragraph's line
    region: tuple | None = None  # (page, frame) for a line inside a framed box; None for the page's text

    @property
    def area(self):
        """What the line's margins are measured in: its box, else its page."""
        return self.region or self.page


# Word and LibreOffice set a gap between Chinese and Latin text or digits, and text extraction reads
# the gap as a space: "奖励 20 万元", "CNAS 认可". Chinese is written without spaces; unspaced, a figure
# reads as written (20万元) for search, figures and the user.
_AUTOSPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20])[ \t]+(?=[0-9A-Za-z%])"
                           r"|(?<=[0-9A-Za-z%])[ \t]+(?=[\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20])")


def without_autospace(text: str) -> str:
    return _AUTOSPACE_RE.sub("", text)


def layout_text(data: bytes, plain_chars: int) -> str | None:
    """The PDF's text, one paragraph or table row per line; None to keep the plain extraction."""
    try:
        import pdfplumber
    except ImportError:
        return None
    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            pages = [_page_lines(page, number) for number, page in enumerate(pdf.pages)]
    except Exception as exc:  # pdfminer raises many exception types on damaged files
        log.warning("PDF layout not read (%s): its plain text is used", exc)
        return None
    # Counted before the page furniture goes: the plain extraction counts it too.
    every = [line for page in pages for line in page]
    read = sum(len(re.sub(r"\s", "", line.text)) for line in every) + \
        sum(len(re.sub(r"[\s|]", "", "".join(r))) for line in every if line.rows for r in line.rows)
    if read < MIN_COVERAGE * plain_chars:
        return None
    return "\n".join(paragraphs_of(pages))


def paragraphs_of(pages: list[list[PrintedLine]]) -> list[str]:
    """Each page's printed lines, top to bottom → paragraphs and table rows, the page furniture gone.
    Also how scanned pages are read, from the lines OCR found (``ocr``)."""
    return _paragraphs(_merged_tables(_without_furniture(pages)))


def _page_lines(page, number: int) -> list[PrintedLine]:
    found = page.find_tables()
    tables = [t for t in found if _is_table(t.extract())]
    boxes = [t.bbox for t in tables]
    # A framed box of text (a plan's 专栏). Its lines are a paragraph's lines, but they reach the box's
    # edge, not the page's margin: they are measured against the box.
    frames = [f for f in _frames(page) if not any(_inside(f, t) for t in boxes)]

    def frame_of(line: dict) -> int | None:
        x, y = (line["x0"] + line["x1"]) / 2, (line["top"] + line["bottom"]) / 2
        return next((k for k, (x0, top, x1, bottom) in enumerate(frames)
                     if x0 <= x <= x1 and top <= y <= bottom), None)

    def outside(obj) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    placed: list[tuple[float, PrintedLine]] = []
    for line in text_page.extract_text_lines(return_chars=True, strip=True):
        if line["text"].strip():
            size = max(line["bottom"] - line["top"], 1.0)
            frame = frame_of(line)
            placed.append((line["top"], PrintedLine(line["text"].strip(), line["x0"], line["x1"], size, number,
                                                    gapped=_gapped(line["chars"], size),
                                                    region=(number, frame) if frame is not None else None)))
    for table in tables:
        rows = [r for r in (_row(cells) for cells in table.extract()) if any(r)]
        placed.append((table.bbox[1], PrintedLine("", table.bbox[0], table.bbox[2], 0.0, number, rows)))
    return [line for _, line in sorted(placed, key=lambda p: p[0])]


FRAME_MIN = 36  # points: a box smaller than half an inch each way holds no paragraph
EDGE_SLACK = 3  # points: how far a frame's sides may miss its corners
MAX_RULES = 60  # ruled lines a page may have for boxes to be looked for among them (pairs are compared)


def _frames(page) -> list[tuple[float, float, float, float]]:
    """Boxes drawn around text: rectangles, or four ruled lines meeting at their corners."""
    found = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
             if r["x1"] - r["x0"] >= FRAME_MIN and r["bottom"] - r["top"] >= FRAME_MIN]
    flat = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 1]
    upright = [ln for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 1]
    if len(flat) > MAX_RULES or len(upright) > MAX_RULES:
        return found  # a page ruled all over is a table's page: its boxes are its cells
    for top in flat:
        for bottom in flat:
            if bottom["top"] - top["top"] < FRAME_MIN or abs(top["x0"] - bottom["x0"]) > EDGE_SLACK \
                    or abs(top["x1"] - bottom["x1"]) > EDGE_SLACK:
                continue
            sides = [v for v in upright if v["top"] <= top["top"] + EDGE_SLACK and v["bottom"] >= bottom["top"] - EDGE_SLACK]
            if any(abs(v["x0"] - top["x0"]) <= EDGE_SLACK for v in sides) and \
                    any(abs(v["x0"] - top["x1"]) <= EDGE_SLACK for v in sides):
                found.append((top["x0"], top["top"], top["x1"], bottom["top"]))
    return found


def _right_edge(values: list[float]) -> float:
    """Where full lines end: justified lines share one edge; ragged ones end within a character or two of
    it, and a few wider lines (a URL footer, an information table) must not move it."""
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))] if ordered else 0.0


def _inside(inner: tuple, outer: tuple) -> bool:
    return inner[0] >= outer[0] - EDGE_SLACK and inner[1] >= outer[1] - EDGE_SLACK and \
        inner[2] <= outer[2] + EDGE_SLACK and inner[3] <= outer[3] + EDGE_SLACK


# A gap this wide inside a line (in character heights) parts two columns, not two words.
COLUMN_GAP = 1.5


def _gapped(chars: list[dict], size: float) -> bool:
    edges = sorted((c["x0"], c["x1"]) for c in chars if c.get("text", "").strip())
    return any(b[0] - a[1] > COLUMN_GAP * size for a, b in zip(edges, edges[1:]))


# What a browser prints around a page: the date and time it printed, the address, "1/5".
_BROWSER_PRINT_RE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}\s*\d{1,2}:\d{2}|https?://|\s\d{1,3}/\d{1,3}$")


def _without_furniture(pages: list[list[PrintedLine]]) -> list[PrintedLine]:
    """Page numbers, and a page's first or last line repeated on three pages or more (a running head:
    the document's title, its 文号), dropped; on the first page such a line is kept (it is the title),
    unless it is what a browser prints around a page (its time, its address)."""
    def key(line: PrintedLine) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s", "", line.text))

    edges = Counter(key(line) for page in pages for line in {id(p): p for p in (page[:1] + page[-1:])}.values()
                    if not line.rows)
    running = {k for k, n in edges.items() if n >= 3 and k}
    out = []
    for page in pages:
        for i, line in enumerate(page):
            if line.rows is None and _PAGE_NUMBER_RE.match(line.text):
                continue
            if line.rows is None and i in (0, len(page) - 1) and key(line) in running \
                    and (line.page > 0 or _BROWSER_PRINT_RE.search(line.text)):
                continue
            out.append(line)
    return out


def _merged_tables(lines: list[PrintedLine]) -> list[PrintedLine]:
    """A table going on over a page break is one table: its repeated header row is dropped, and a row
    the break cut in two (the next page's first row has no 序号) is joined again."""
    out: list[PrintedLine] = []
    for line in lines:
        between = 0  # a running head the next page opens with stands between the two parts
        while between < min(len(out), FURNITURE_LINES) and out[-1 - between].rows is None \
                and out[-1 - between].page == line.page and len(out[-1 - between].text) <= RUNNING_HEAD_CHARS:
            between += 1
        before = out[-1 - between] if len(out) > between else None
        if line.rows and before is not None and before.rows and before.page == line.page - 1:
            rows = list(line.rows)
            if rows and [_cell(c) for c in rows[0]] == [_cell(c) for c in before.rows[0]]:
                rows.pop(0)
            if rows and not rows[0][0] and len(rows[0]) == len(before.rows[-1]):
                before.rows[-1] = tuple("\n".join(p for p in (a, b) if p) for a, b in zip(before.rows[-1], rows.pop(0)))
            before.rows.extend(rows)
            before.page = line.page  # it may go on over the next break too
            del out[len(out) - between:]
            continue
        out.append(line)
    return out


def _paragraphs(lines: list[PrintedLine]) -> list[str]:
    text = [line for line in lines if line.rows is None and len(line.text) >= 10]
    if not text:
        return [line.text for line in lines if line.rows is None] + \
            [row for line in lines if line.rows for row in _rendered(line.rows)]
    size = sorted(line.size for line in text)[len(text) // 2]
    margins = {}
    for area in {line.area for line in lines if line.rows is None}:
        mine = [line for line in text if line.area == area]
        if len(mine) < 3 and area in {line.page for line in lines}:
            mine = text  # a page of a line or two: the document's margins
        mine = mine or [line for line in lines if line.rows is None and line.area == area]
        margins[area] = (_left_edge([line.x0 for line in mine]), _right_edge([line.x1 for line in mine]))
    indented = sum(1 for line in text if INDENT_MIN * size <= line.x0 - margins[line.area][0] <= INDENT_MAX * size)
    by_indent = indented >= INDENTED_SHARE * len(text)
    out: list[str] = []
    previous: PrintedLine | None = None
    for line in lines:
        if line.rows is not None:
            out.extend(_rendered(line.rows))
            previous = None
            continue
        if previous is not None and _goes_on(previous, line, margins, size, by_indent):
            out[-1] = _joined(out[-1], line.text)
        else:
            out.append(line.text)
        previous = line
    return out


def _goes_on(previous: PrintedLine, line: PrintedLine, margins: dict, size: float, by_indent: bool) -> bool:
    """Whether ``line`` continues the paragraph ``previous`` ended a printed line of."""
    if previous.gapped or line.gapped:
        return False
    if previous.region != line.region:
        return False  # into or out of a box (a page's text goes on over the page break)
    if previous.text.count("《") > previous.text.count("》") and line.page == previous.page:
        return True  # a title in 《》 broken over two lines (a large title's line ends short of the margin)
    left, _ = margins[line.area]
    previous_left, previous_right = margins[previous.area]
    if previous.x1 < previous_right - RIGHT_SLACK * size:
        return False  # the line before ended short of the margin: its paragraph ended
    if previous.x0 > previous_left + INDENT_MAX * size:
        return False  # set to the right (a signature's date) or centred: no paragraph's line
    at_left = abs(line.x0 - left) < INDENT_MIN * size * 0.5
    if _ITEM_START_RE.match(line.text) and (_SENTENCE_END_RE.search(previous.text) or previous.text.endswith(("）", ")"))):
        # A sentence or a unit clause ended near the margin and a numbered part (四、…) opens, not indented.
        return False
    if by_indent:
        return at_left  # an indented line opens a paragraph; a centred one (a heading) too
    return at_left and not _SENTENCE_END_RE.search(previous.text) and not _ITEM_START_RE.match(line.text)


def _left_edge(values: list[float]) -> float:
    """The left margin: the leftmost edge shared by several lines, to the point. Not the most common
    one: where most paragraphs are a line or two, the indented first lines outnumber those at the margin."""
    counts = Counter(round(v) for v in values)
    shared = [v for v, n in counts.items() if n >= max(2, 0.05 * len(values))]
    return float(min(shared or counts))


def _is_table(cells: list[list[str | None]]) -> bool:
    """Two rows or more of two cells or more: a box drawn around a paragraph is no table."""
    return sum(1 for r in cells if sum(1 for c in r if c and c.strip()) >= 2) >= 2


def _row(cells: list[str | None]) -> tuple[str, ...]:
    """A row's cells as printed, their wrapped lines kept (rendering decides how they join)."""
    return tuple((c or "").strip() for c in cells if c is not None)


def _rendered(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as the parser reads a Word or HTML table's: "1 | 名称 | 2份". A guide laid out as label |
    value rows is read as the HTML one is: a one-line value beside its label ("办理时限 | 20个工作日"),
    a longer one under it, a line per numbered item (申请材料 / 1.… / 2.…)."""
    if not _label_table(rows):
        return [" | ".join(_cell(c) for c in row) for row in rows]
    out: list[str] = []
    for label, value in rows:
        lines = _cell_lines(value)
        if len(lines) == 1:
            out.append(f"{_cell(label)} | {lines[0]}")
        else:
            out += [_cell(label), *lines]
    return out


def _label_table(rows: list[tuple[str, ...]]) -> bool:
    if len(rows) < MIN_LABEL_ROWS or any(len(row) != 2 for row in rows):
        return False
    labels = [_cell(row[0]) for row in rows]
    short = sum(1 for label in labels if 0 < len(label) <= LABEL_CHARS and not label.isdigit())
    return short >= LABEL_ROWS_SHARE * len(rows)


def _cell_lines(text: str) -> list[str]:
    """A cell's printed lines joined where they wrapped; a numbered item starts a line of its own."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if out and not _ITEM_START_RE.match(line):
            out[-1] = _joined(out[-1], line)
        else:
            out.append(line)
    return [line.replace("|", "｜") for line in out]


def _cell(text: str | None) -> str:
    """A cell's wrapped lines joined."""
    out = ""
    for line in (text or "").splitlines():
        out = _joined(out, line.strip())
    return out.replace("|", "｜")


def _joined(before: str, after: str) -> str:
    """Two pieces of one paragraph or cell: no space between Chinese characters or digits, else one."""
    if not before or not after:
        return before or after
    # A number broken at the margin ("10" / "0 万元", "41." / "3%") is one number: a line is never broken
    # at a space there.
    joint = "" if _CJK_END_RE.search(before) or _CJK_START_RE.search(after) or \
        (re.search(r"\d\.?$", before) and after[0].isdigit()) else " "
    return before + joint + after
