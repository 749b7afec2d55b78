"""A standard's layout (技术导则, 规范, 地方标准): chapters "3 规划与配置", sections "3.1 一般规定" and clauses
"3.1.2 …", cited by their numbers; a 附录A's clauses "A.0.1". A clause runs to the next numbered line of the
outline; its own list ("1 单个停车位…", "a) …") and its 条文说明 stay in it. A two-level number with words of
its own ("8.1 养老机构应每年…", a term "3.1 认知障碍" over its definition) is a clause too; one that only
heads clauses (3.1 一般规定 over 3.1.1 …) is their heading.

A page is read so only when it numbers enough clauses three levels deep: plans and rules never do.
"""
from __future__ import annotations

import re

from retrieval.ingest.blocks import Block

_NUMBER = r"(\d{1,2}|[A-Z])"  # a chapter, or an appendix's letter
CLAUSE_RE = re.compile(rf"^{_NUMBER}\.(\d{{1,2}})\.(\d{{1,3}})(?:\s+|(?=[\u4e00-\u9fff])|$)(.*)$")
SECTION_RE = re.compile(rf"^{_NUMBER}\.(\d{{1,2}})(?:\s+|(?=[\u4e00-\u9fff])|$)(.*)$")
CHAPTER_RE = re.compile(r"^(\d{1,2})\s+([^\d\s].{0,24})$")
APPENDIX_RE = re.compile(r"^附\s*录\s*([A-Z])\b\s*(.*)$")
# Headings are names, not sentences: a list item of a clause ("1 单个停车位长度不应小于1.9m；") has punctuation.
_SENTENCE_RE = re.compile(r"[。；;，,：:、（(]")
HEADING_CHARS = 24
# An unnumbered heading after the outline (本导则用词说明, 参考文献): back matter of its own.
_BACK_MATTER_RE = re.compile(r"^[\u4e00-\u9fff]{4,12}$")
MIN_CLAUSES = 8


def clause_layout(lines: list[str]) -> tuple[list[str], list[Block]] | None:
    """(prelude, blocks) of a page numbered as a standard, or None for any other page."""
    if sum(1 for line in lines if CLAUSE_RE.match(line)) < MIN_CLAUSES:
        return None
    last_clause = max(i for i, line in enumerate(lines) if CLAUSE_RE.match(line) or SECTION_RE.match(line))
    prelude: list[str] = []
    blocks: list[Block] = []
    headings: set[int] = set()  # blocks opened by a section's bare heading
    chapter, section = "", ""
    chapter_no, section_no = "", 0
    current: Block | None = None
    for i, line in enumerate(lines):
        if (m := CLAUSE_RE.match(line)) and (not chapter_no or m.group(1) == chapter_no):
            current = Block(f"{m.group(1)}.{m.group(2)}.{m.group(3)}", chapter, section)
            blocks.append(current)
            if m.group(4).strip():
                current.lines.append(m.group(4).strip())
        elif (m := SECTION_RE.match(line)) and m.group(1) == chapter_no and int(m.group(2)) == section_no + 1:
            # numbered in order: "1.5万元以下的" inside chapter 1 is a figure, not section 1.5
            section, words, section_no = line, m.group(3).strip(), int(m.group(2))
            current = Block(f"{m.group(1)}.{m.group(2)}", chapter, "")
            blocks.append(current)
            if words:
                current.lines.append(words)
                if _heading(words):
                    headings.add(len(blocks) - 1)
        elif (m := CHAPTER_RE.match(line)) and (not chapter_no or chapter_no.isdigit()) \
                and int(m.group(1)) == int(chapter_no or 0) + 1 and _heading(m.group(2)):
            chapter_no, chapter, section, section_no = m.group(1), line, "", 0
            current = None
        elif (m := APPENDIX_RE.match(line)) and blocks:
            chapter_no, chapter, section, section_no = m.group(1), line, "", 0
            current = None
        elif i > last_clause and _BACK_MATTER_RE.match(line.replace(" ", "")):
            current = Block(line.replace(" ", ""), "", "")
            blocks.append(current)
        elif current is not None:
            current.lines.append(line)
        elif not blocks and not chapter_no:
            prelude.append(line)
        elif chapter:
            # A chapter's own words before its first clause ("1 范围 / 本文件规定了…"): cited by its number;
            # an appendix's title lines ("（规范性）", its name) are its heading.
            if not chapter_no.isdigit():
                chapter = f"{chapter} {line}"
                continue
            current = Block(chapter_no, chapter, "")
            blocks.append(current)
            current.lines.append(line)
    # A section heading over clauses is no clause of its own.
    return prelude, [b for n, b in enumerate(blocks) if b.lines and not (n in headings and len(b.lines) == 1)]


def _heading(words: str) -> bool:
    return len(words) <= HEADING_CHARS and not _SENTENCE_RE.search(words)
