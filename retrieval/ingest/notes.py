"""Notes gathered at the end of a page ("注：①算力券：指… / ②PUE：即…"), explaining terms the text marks
with ① ② ("…发放算力券①…"). Each note is a measure of its own, cited 注①, 注②; left in the text, they read
as items of its last subsection (八(三)②)."""
from __future__ import annotations

import re

from retrieval.ingest.blocks import CIRCLED, CIRCLED_RE, Block

_FIRST_NOTE_RE = re.compile(rf"^(注释?|备注)\s*[:：]\s*([{CIRCLED}])\s*(.*)$")
MIN_NOTES = 2


def split_notes(lines: list[str]) -> tuple[list[str], list[Block]]:
    """(the lines without the notes block, one block per note), for a block of two or more notes
    numbered ①② in order; the lines unchanged when there is none."""
    for start, line in enumerate(lines):
        first = _FIRST_NOTE_RE.match(line)
        if not first or first.group(2) != CIRCLED[0]:
            continue
        label = first.group(1)
        notes = [Block(f"{label}①", "", label, [first.group(3)])]
        end = start + 1
        while end < len(lines) and (m := CIRCLED_RE.match(lines[end])) and m.group(1) == CIRCLED[len(notes)]:
            notes.append(Block(f"{label}{m.group(1)}", "", label, [m.group(2)]))
            end += 1
        if len(notes) >= MIN_NOTES:
            return lines[:start] + lines[end:], notes
    return lines, []
