"""Pages without a document's 一、/（一）/第X条 numbering: question-and-answer pages, service guides
headed by labels, lists in other styles, prose, and text with neither numbering nor paragraphs.

Whatever such a page says must still be citable: each reader returns blocks or measures under the
ids a reader would use (``问3``, ``申请材料2``, ``5``, ``段2``); inferred ids are marked so.
"""
from __future__ import annotations

import re

from retrieval.ingest.blocks import CHAPTER_RE, ITEM_RE, SUBSECTION_RE, Block, any_item, item_match
from retrieval.models import Measure
from retrieval.text.textnorm import sentences

# A document without any numbering is indexed by paragraphs only if it has this many real ones.
MIN_PARAGRAPHS = 3
MIN_PARAGRAPH_CHARS = 30
# Text without numbering or paragraphs is cited in runs of sentences of about this length; shorter
# than this in all, it is no policy document.
SENTENCE_RUN_CHARS = 200
SENTENCE_ENDS = ("。", "；", ";", "！", "？", "!", "?")
MIN_DOCUMENT_CHARS = 40


# Pages that answer questions or guide applicants rather than number measures:
# "问：…？ 答：…" (also Q:, 【问】, 问题3：) and service guides headed "申请材料" / "【办理流程】" / "办理时限：".
QUESTION_RE = re.compile(r"^(?:\d{1,3}\s*[.．、]\s*)?(?:【\s*(?:问题?|Q)\s*[\d一二三四五六七八九十]{0,3}\s*】"
                         r"|(?:问题?|Q)\s*[\d一二三四五六七八九十]{0,3}\s*[:：]|Q\s*\d{1,3}\s*[.．、]"
                         r"|问\s*\d{1,3}\s*[.．、])\s*(.*)$", re.I)
ANSWER_RE = re.compile(r"^(?:【\s*答\s*】|答\s*[:：]|A\s*[:：.．])\s*", re.I)
HEADING_RE = re.compile(r"^【?\s*([\u4e00-\u9fff][\u4e00-\u9fff（）()、/]{1,13})\s*】?\s*[:：]?$")
# "办理时限 | 即时办结": a two-cell table row whose first cell is a label is a heading and its text.
ROW_RE = re.compile(r"^([\u4e00-\u9fff][\u4e00-\u9fff（）()、/]{1,13})\s*\|\s*(.+)$")
MIN_UNNUMBERED = 2


def unnumbered_layout(lines: list[str]) -> tuple[list[str], list[Block]] | None:
    """A question-and-answer page or a headed service guide, when the document has no 一、/（一）
    numbering of its own; None otherwise (the plan parser reads it)."""
    if sum(1 for x in lines if CHAPTER_RE.match(x) or SUBSECTION_RE.match(x)) >= 2:
        return None
    if sum(1 for i in range(len(lines)) if _question(lines, i) is not None) >= MIN_UNNUMBERED:
        return _parse_questions(lines)
    headings = [i for i, x in enumerate(lines) if _heading(lines, i) or ROW_RE.match(x)]
    # Items that restart at 1 under several headings (申请材料 1. 2.; 办理流程 1. 2. 3.), or none at all:
    # a notice numbered 1. 2. 3. once through is the plan parser's.
    firsts = sum(1 for x in lines if (m := ITEM_RE.match(x)) and m.group(1) == "1")
    if len(headings) >= MIN_UNNUMBERED + 1 and firsts != 1:
        return _parse_headings(lines)
    return None


def _heading(lines: list[str], i: int) -> bool:
    """A short label line followed by text (not the document's last line, not a sentence)."""
    return bool(HEADING_RE.match(lines[i])) and i + 1 < len(lines) and \
        not HEADING_RE.match(lines[i + 1]) and not ROW_RE.match(lines[i + 1])


def _question(lines: list[str], i: int) -> str | None:
    """The question a line asks: marked (问：, 【问题1】, Q2.) or a line ending in ？ whose next line
    is marked as its answer (答：); None for any other line."""
    if m := QUESTION_RE.match(lines[i]):
        return m.group(1).strip()
    if lines[i].rstrip().endswith(("？", "?")) and i + 1 < len(lines) and ANSWER_RE.match(lines[i + 1]):
        return lines[i].strip()
    return None


def _parse_questions(lines: list[str]) -> tuple[list[str], list[Block]]:
    """Each question with its answer is a measure, cited 问1, 问2 … in page order; the question is its heading."""
    prelude: list[str] = []
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        question = _question(lines, i)
        if question is not None:
            blocks.append(Block(f"问{len(blocks) + 1}", "", question, inferred=True))
            continue
        if not blocks:
            prelude.append(line)
            continue
        text = ANSWER_RE.sub("", line)
        if text:
            blocks[-1].lines.append(text)
    return prelude, blocks


def _parse_headings(lines: list[str]) -> tuple[list[str], list[Block]]:
    """Each headed part of a guide is a measure cited by its heading (申请材料); a numbered list under
    a heading is one measure per item (申请材料1, 申请材料2), as with 注意事项1 in a plan."""
    prelude: list[str] = []
    blocks: list[Block] = []
    heading = ""
    items = 0
    for i, line in enumerate(lines):
        if row := ROW_RE.match(line):
            heading, items = row.group(1), 0
            blocks.append(Block(heading, "", heading))
            blocks[-1].lines.append(row.group(2).strip())
            continue
        if _heading(lines, i):
            heading, items = HEADING_RE.match(line).group(1), 0
            blocks.append(Block(heading, "", heading))
            continue
        if not heading:
            prelude.append(line)
            continue
        item = item_match(line, items + 1)
        if item and item[1] == str(items + 1):
            items += 1
            if items == 1 and blocks[-1].section == heading and not blocks[-1].lines:
                blocks.pop()  # the heading's own block: its items are the measures
            blocks.append(Block(f"{heading}{items}", "", heading))
            blocks[-1].lines.append(item[2])
        else:
            blocks[-1].lines.append(line)
    return prelude, [b for b in blocks if b.lines]


def list_items(lines: list[str]) -> list[Block]:
    """The items of the first list numbered from 1 in one style; other lines belong to the item above."""
    blocks: list[Block] = []
    style, number = "", 0
    for line in lines:
        item = any_item(line, number + 1)
        if item and item[0] in (style or item[0]) and item[1] == number + 1:
            style, number = item[0], item[1]
            blocks.append(Block(str(number), "", ""))
            blocks[-1].lines.append(item[2])
        elif blocks:
            blocks[-1].lines.append(line)
    return [b for b in blocks if "".join(b.lines).strip()]


def sentence_runs(lines: list[str], name: str) -> list[Measure]:
    """Consecutive sentences up to SENTENCE_RUN_CHARS each: text with neither numbering nor paragraphs
    (short lines, a page of fragments) still answers questions by the passage that says it."""
    runs: list[str] = []
    for sentence in sentences("\n".join(lines)):
        if runs and len(runs[-1]) + len(sentence) <= SENTENCE_RUN_CHARS:
            runs[-1] += sentence if runs[-1].endswith(SENTENCE_ENDS) else "\n" + sentence
        else:
            runs.append(sentence)
    return [Measure(document=name, title="", section=f"段{i}", chapter="", subsection="", text=text,
                    section_inferred=True) for i, text in enumerate(runs, 1)]


def paragraphs(lines: list[str], name: str) -> list[Measure]:
    """Last resort for a document without numbering: its prose paragraphs and table rows, under
    inferred ids. A table row keeps its table's header row as heading ("地区 | 月最低工资标准"), since
    "广州市 | 2500" means nothing without it."""
    paragraphs: list[tuple[str, str]] = []
    header = ""
    for line in lines:
        if " | " in line:
            if not header:
                header = line  # the first row of a run of rows names the columns
            elif len(line) >= 5:
                paragraphs.append((header, line))
            continue
        header = ""
        if len(line) >= MIN_PARAGRAPH_CHARS and "。" in line:
            paragraphs.append(("", line))
    if len(paragraphs) < MIN_PARAGRAPHS:
        return []
    return [Measure(document=name, title="", section=f"段{i}", chapter="", subsection=heading, text=text,
                    section_inferred=True) for i, (heading, text) in enumerate(paragraphs, 1)]
