"""Boxes (专栏) beside a plan's text: "专栏1 城镇老旧小区改造重点工程" and its numbered projects, set between
two （一） paragraphs. A box is no part of the paragraph above it; its items are cited 专栏1-1, 专栏1-2 …
(the box as 专栏1 when it numbers nothing), and the plan's numbering goes on after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.ingest.blocks import CHAPTER_RE, SUBSECTION_RE
from retrieval.models import Measure

# A 规划's own headings end a box too: "第四章 …", "第二节 …".
_PART_RE = re.compile(r"^第\s*[一二三四五六七八九十百\d]+\s*(?:部分|章|篇|节)")
BOX_RE = re.compile(r"^专\s*栏\s*(\d{1,2})\s*[:：.．、]?\s*(.{0,40})$")
# Items inside a box, numbered 1． 2． on one line or on lines of their own.
# "1.9万户" is a figure, "1．2025年改造…" an item: a digit may follow the full-width point or 、, not ".".
_ITEM_START_RE = re.compile(r"(?:^|(?<=\s)|(?<=[。；;]))(\d{1,2})\s*(?:[．、]|\.(?!\d))\s*")


@dataclass
class Box:
    label: str  # 专栏1
    heading: str  # 专栏1 城镇老旧小区改造重点工程
    chapter: str  # the plan's chapter the box stands in
    lines: list[str] = field(default_factory=list)


def split_boxes(lines: list[str]) -> tuple[list[str], list[Box]]:
    """The plan's own lines, and its boxes. A box runs until the next heading of the plan or box."""
    main: list[str] = []
    boxes: list[Box] = []
    chapter = ""
    current: Box | None = None
    for line in lines:
        heading = bool(CHAPTER_RE.match(line) or SUBSECTION_RE.match(line) or _PART_RE.match(line))
        if CHAPTER_RE.match(line) or _PART_RE.match(line):
            chapter = line
        if match := BOX_RE.match(line):
            current = Box(f"专栏{match.group(1)}", line, chapter)
            boxes.append(current)
            continue
        if current is not None and not heading:
            current.lines.append(line)
            continue
        current = None
        main.append(line)
    return main, boxes


def box_measures(boxes: list[Box], name: str) -> list[Measure]:
    out: list[Measure] = []
    for box in boxes:
        text = "\n".join(box.lines).strip()
        items = _items(text)
        chapter = "\n".join(filter(None, (box.chapter, box.heading)))
        if len(items) < 2:
            if text:
                out.append(Measure(document=name, title="", section=box.label, chapter=chapter, subsection="", text=text))
            continue
        for number, item in items:
            out.append(Measure(document=name, title="", section=f"{box.label}-{number}", chapter=chapter,
                               subsection="", text=item))
    return out


def _items(text: str) -> list[tuple[str, str]]:
    """(number, text) of items numbered 1, 2, 3 … in order; [] when the numbers do not run so."""
    starts, expected = [], 1
    for match in _ITEM_START_RE.finditer(text):
        if int(match.group(1)) == expected:
            starts.append(match)
            expected += 1
    return [(m.group(1), text[m.end():(starts[i + 1].start() if i + 1 < len(starts) else len(text))].strip())
            for i, m in enumerate(starts)]
