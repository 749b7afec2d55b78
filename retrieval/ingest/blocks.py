"""The pieces the parsers build measures from: numbering styles, and blocks of text under an id.

A line is numbered as a chapter ``一、``, a subsection ``（一）``, or an item in one of several list
styles (``1.``, ``（1）``, ``①``, ``一是``, ``第一，``, a bullet); full-width and half-width forms are one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.text.sections import CN_NUM, cn_to_int, int_to_cn

CHAPTER_RE = re.compile(rf"^([{CN_NUM}]+)\s*[、．.]\s*(.*)$")
SUBSECTION_RE = re.compile(rf"^[(（]\s*([{CN_NUM}]+)\s*[)）]\s*(.*)$")
ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
PAREN_ITEM_RE = re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*(.*)$|^(\d{1,3})\s*[)）]\s*(.*)$")
INLINE_NEXT_RE = r"[；;。，,\s]\s*{n}\s*[.．、](?!\d)"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CIRCLED_RE = re.compile(rf"^([{CIRCLED}])\s*(.*)$")
# A list numbered in words at line starts: 一是…二是…; 第一，…第二，…
ORDINAL_RE = re.compile(rf"^(?:第([{CN_NUM}]{{1,3}})\s*[，,、:：]|([{CN_NUM}]{{1,3}})是)\s*(.+)$")
BULLET_RE = re.compile(r"^[-•·●■◆▪▲★○◇□►*]\s*(.+)$")


@dataclass(eq=False)  # blocks are told apart by identity: two can hold the same text
class Block:
    """A piece of text under construction: a subsection body, an item, an article."""

    section: str
    chapter: str
    subsection: str
    lines: list[str] = field(default_factory=list)
    inferred: bool = False
    dropped: bool = False  # a subsection body folded into its heading once items follow
    parent: str = ""  # a sub-item's item: 二(一)1(2) is under 二(一)1


def chapter_id(numeral: str) -> str:
    return int_to_cn(cn_to_int(numeral))


_TITLED_RE = re.compile(r"^\s*[^；;。，,：:\d]{2,30}[：:]")


def item_match(line: str, expected: int):
    """``1.`` / ``1、`` / ``（1）`` / ``①`` → (style, number label, text), or None.

    ``11.121人才梯队项目`` is item 11 when 11 is the next number; ``3.5亿元…`` is not an item.
    A line ``1.死亡的；2.失踪的；…`` is an enumeration inside one paragraph, not items."""
    if m := ITEM_RE.match(line):
        number, rest = int(m.group(1)), m.group(2)
        inline = re.search(INLINE_NEXT_RE.format(n=number + 1), rest)
        titled = _TITLED_RE.match(rest)
        # …unless the enumeration follows the item's own title ("1. 高企奖励：1.首次认定的…；2.重新认定的…",
        # as a policy list's row reads): then it is inside item 1.
        if inline and expected <= 1 and not (titled and inline.start() >= titled.end()):
            return None
        return "dot", str(number), rest
    if (m := re.match(r"^(\d{1,3})\s*[.．、](\d.*)$", line)) and int(m.group(1)) == expected > 1:
        return "dot", m.group(1), m.group(2)
    if m := PAREN_ITEM_RE.match(line):  # （1） or 1）
        return "paren", str(int(m.group(1) or m.group(3))), m.group(2) if m.group(1) else m.group(4)
    if m := CIRCLED_RE.match(line):
        return "circle", m.group(1), m.group(2)
    return None


def any_item(line: str, expected: int) -> tuple[str, int, str] | None:
    """(style, number, text) of a line numbered in any list style; a bullet is the number expected."""
    if m := BULLET_RE.match(line):
        return "bullet", expected, m.group(1)
    if m := ORDINAL_RE.match(line):
        return ("ordinal-" + ("第" if m.group(1) else "是")), cn_to_int(m.group(1) or m.group(2)), m.group(3)
    if item := item_match(line, expected):
        style, number, text = item
        return style, CIRCLED.index(number) + 1 if number in CIRCLED else int(number), text
    return None
