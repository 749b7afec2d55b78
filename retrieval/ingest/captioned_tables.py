"""A table set in a plan's text under a caption of its own ("X市“十五五”综合交通运输发展主要指标表",
"表1 主要指标"): a part of the document like an annex, its numbered rows cited 主要指标表-5 or 表1-5,
instead of rows run into the paragraph above it."""
from __future__ import annotations

import re

from retrieval.ingest.annex import Annex, cells_of, row_number

_CAPTION_RE = re.compile(r"^(?:表\s*(\d{1,2})\s*[:：.．、]?\s*)?([^，。；：:|]{2,50}?表?)$")
_NUMBERED_CAPTION_RE = re.compile(r"^表\s*(\d{1,2})(?=\s|[:：.．、]|[\u4e00-\u9fff])")
_PLACE_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}?[市区县省](?:“[^”]{2,8}”|\d{4}年|[\u4e00-\u9fff]{0,2}年度)?")
_NOTE_RE = re.compile(r"^(?:注|备注|说明)\s*[:：]")
_KIND_RE = re.compile(r"(公示|公告|名单|清单)$")
MIN_ROWS = 2
LABEL_CHARS = 8


def split_captioned_tables(lines: list[str], *, ordered: bool = True) -> tuple[list[str], list[Annex]]:
    """The text without its captioned tables, and the tables as annexes (caption, header, rows, notes).
    ``ordered``: also tables without a 序号 column. A standard's table (表1 under clause 6.1.2) is read
    with the clause that calls for it, as its readers cite it."""
    title = lines[0] if lines else ""
    main: list[str] = []
    tables: list[Annex] = []
    i = 0
    while i < len(lines):
        end = _table_end(lines, i, ordered)
        if end is None:
            main.append(lines[i])
            i += 1
            continue
        tables.append(Annex(_label(lines[i], title), lines[i:end]))
        i = end
    return main, tables


def _table_end(lines: list[str], i: int, ordered: bool = True) -> int | None:
    """Where the table captioned by line i ends (after its rows and a 注： line), or None when line i
    captions no numbered table."""
    caption = lines[i]
    if " | " in caption or not (caption.endswith("表") or _NUMBERED_CAPTION_RE.match(caption)) \
            or not _CAPTION_RE.match(caption) or i + 1 >= len(lines) or " | " not in lines[i + 1]:
        return None
    end, rows = i + 1, 0
    while end < len(lines) and " | " in lines[end]:
        rows += row_number(cells_of(lines[end])) is not None
        end += 1
    # A table without a 序号 column (指标 | 单位 | 2024年 | 2030年) is one too when its rows are whole:
    # they are counted in order under its header (annex._rows_in_order).
    widths = {len(cells_of(line)) for line in lines[i + 1:end]}
    if rows < MIN_ROWS and not (ordered and end - i - 1 >= MIN_ROWS + 1 and len(widths) == 1):
        return None
    if end < len(lines) and _NOTE_RE.match(lines[end]):
        end += 1
    return end


def _label(caption: str, title: str) -> str:
    """表1 for a numbered caption; else the caption without the document's name it repeats
    (X市“十五五”综合交通运输发展主要指标表 → 主要指标表), or without its place."""
    if numbered := _NUMBERED_CAPTION_RE.match(caption):
        return f"表{numbered.group(1)}"
    title = title.removeprefix("关于")
    shared = 0
    while shared < min(len(caption), len(title)) and caption[shared] == title[shared]:
        shared += 1
    rest = caption[shared:] if shared >= 4 else _PLACE_PREFIX_RE.sub("", caption)
    rest = rest.lstrip("的")
    if rest == "表":  # the caption is the title's subject: a 公示's table is its 公示表
        kind = _KIND_RE.search(title)
        return f"{kind.group(1)}表" if kind else "表"
    return rest if 2 <= len(rest) <= LABEL_CHARS else "表"
