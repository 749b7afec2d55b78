"""A standard's layout (技术导则, 规范, 标准): chapters "3 规划与配置", sections "3.1 一般规定" and clauses
"3.1.2 …", cited by their numbers. A clause runs to the next numbered line of the outline; its own
list ("1 单个停车位…", "1）…") and its 条文说明 stay in it.

A page is read so only when it numbers enough clauses three levels deep: plans and rules never do.
"""
from __future__ import annotations

import re

from retrieval.ingest.blocks import Block

CLAUSE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,3})(?:\s+|(?=[\u4e00-\u9fff])|$)(.*)$")
SECTION_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+([^\d\s].{0,24})$")
CHAPTER_RE = re.compile(r"^(\d{1,2})\s+([^\d\s].{0,24})$")
# Headings are names, not sentences: a list item of a clause ("1 单个停车位长度不应小于1.9m；") has punctuation.
_SENTENCE_RE = re.compile(r"[。；;，,：:、（(]")
# An unnumbered heading after the outline (本导则用词说明, 引用标准名录): back matter of its own.
_BACK_MATTER_RE = re.compile(r"^[\u4e00-\u9fff]{4,12}$")
MIN_CLAUSES = 8


def clause_layout(lines: list[str]) -> tuple[list[str], list[Block]] | None:
    """(prelude, blocks) of a page numbered as a standard, or None for any other page."""
    if sum(1 for line in lines if CLAUSE_RE.match(line)) < MIN_CLAUSES:
        return None
    last_clause = max(i for i, line in enumerate(lines) if CLAUSE_RE.match(line))
    prelude: list[str] = []
    blocks: list[Block] = []
    chapter, section = "", ""
    chapter_no = 0
    current: Block | None = None
    for i, line in enumerate(lines):
        if (m := CLAUSE_RE.match(line)) and (not chapter_no or int(m.group(1)) == chapter_no):
            current = Block(f"{m.group(1)}.{m.group(2)}.{m.group(3)}", chapter, section)
            blocks.append(current)
            if m.group(4).strip():
                current.lines.append(m.group(4).strip())
        elif (m := SECTION_RE.match(line)) and int(m.group(1)) == chapter_no and not _SENTENCE_RE.search(m.group(3)):
            section = line
            current = None
        elif (m := CHAPTER_RE.match(line)) and int(m.group(1)) == chapter_no + 1 and not _SENTENCE_RE.search(m.group(2)):
            chapter_no, chapter, section = int(m.group(1)), line, ""
            current = None
        elif i > last_clause and _BACK_MATTER_RE.match(line):
            current = Block(line, "", "")
            blocks.append(current)
        elif current is not None:
            current.lines.append(line)
        elif not blocks and not chapter_no:
            prelude.append(line)
        elif section or chapter:
            # A chapter's or a section's own words before its first clause: cited by its number.
            number = (section or chapter).split()[0]
            current = Block(number, chapter, section)
            blocks.append(current)
            current.lines.append(line)
    return prelude, [b for b in blocks if b.lines]
