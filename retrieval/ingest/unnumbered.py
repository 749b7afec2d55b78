"""Pages without a document's 一、/（一）/第X条 numbering: question-and-answer pages, service guides
headed by labels, lists in other styles, prose, and text with neither numbering nor paragraphs.

Whatever such a page says must still be citable: each reader returns blocks or measures under the
ids a reader would use (``问3``, ``申请材料2``, ``5``, ``段2``); inferred ids are marked so.
"""
from __future__ import annotations

import re

from retrieval.ingest.blocks import CHAPTER_RE, CIRCLED_RE, ITEM_RE, SUBSECTION_RE, Block, any_item, item_match
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
_LABEL = r"[\u4e00-\u9fff][\u4e00-\u9fff（）()、/]{1,13}"  # 申请材料, 办理时限, 收费标准（元）
_LABEL_RE = re.compile(_LABEL)
HEADING_RE = re.compile(rf"^【?\s*({_LABEL})\s*】?\s*[:：]?$")
# "办理时限 | 即时办结": a two-cell table row whose first cell is a label is a heading and its text.
ROW_RE = re.compile(rf"^({_LABEL})\s*\|\s*(.+)$")
MIN_UNNUMBERED = 2
# Share of a page's text before its first question above which it is a guide with a 常见问题 part.
GUIDE_SHARE = 0.4
# "温馨提示：…" after a guide's table rows is a part of its own; "说明：…" under a table belongs to it.
INLINE_LABEL_RE = re.compile(r"^([\u4e00-\u9fff]{2,8})\s*[:：]\s*(\S.{8,})$")
CONTINUATION_LABELS = frozenset({"说明", "注", "备注", "例如", "举例", "其中", "答", "问", "注意"})


# "关键词1：购房补贴", "亮点2：…": a page of numbered blocks, each under one label word (一图读懂 pages).
LABEL_SERIES_RE = re.compile(r"^([\u4e00-\u9fff]{2,4}?)\s*(\d{1,2})\s*[:：]\s*(.*)$")
MIN_SERIES = 3


def _label_series(lines: list[str]) -> str | None:
    """The label word of blocks numbered 1, 2, 3 … on through the page ("关键词"), or None."""
    found: dict[str, list[int]] = {}
    for line in lines:
        if m := LABEL_SERIES_RE.match(line):
            found.setdefault(m.group(1), []).append(int(m.group(2)))
    for label, numbers in found.items():
        if len(numbers) >= MIN_SERIES and numbers == list(range(1, len(numbers) + 1)) and label not in ("问题", "附件"):
            return label
    return None


def _parse_label_series(lines: list[str], label: str) -> tuple[list[str], list[Block]]:
    """关键词1 … 关键词17 are measures; steps ①②③ after them are measures too, under the line that heads
    them ("补贴申领流程"); bullets and 政策原文 lines stay in the block they follow."""
    prelude: list[str] = []
    blocks: list[Block] = []
    heading = ""
    for i, line in enumerate(lines):
        if (m := LABEL_SERIES_RE.match(line)) and m.group(1) == label:
            blocks.append(Block(f"{label}{m.group(2)}", "", line))
            heading = ""
            continue
        if blocks and (m := CIRCLED_RE.match(line)):
            blocks.append(Block(m.group(1), heading, "", [m.group(2)] if m.group(2) else []))
            continue
        if not blocks:
            prelude.append(line)
        elif len(line) <= 20 and i + 1 < len(lines) and CIRCLED_RE.match(lines[i + 1]):
            heading = line.strip("—-－ ")  # "—— 补贴申领流程 ——": what the steps below are
        else:
            blocks[-1].lines.append(line)
    return prelude, blocks


def unnumbered_layout(lines: list[str]) -> tuple[list[str], list[Block]] | None:
    """A question-and-answer page or a headed service guide, when the document has no 一、/（一）
    numbering of its own; None otherwise (the plan parser reads it)."""
    if (label := _label_series(lines)) and not any(CHAPTER_RE.match(x) for x in lines):
        return _parse_label_series(lines, label)
    bare = bare_questions(lines)
    questions = [i for i in range(len(lines)) if _question(lines, i, bare) is not None]
    numbered = sum(1 for x in lines if CHAPTER_RE.match(x) or SUBSECTION_RE.match(x))
    # A question page grouped under 一、申请条件 / 二、补贴标准, its answers listing （一）（二）: the
    # questions, numbered on through the groups, are what readers cite.
    # A guide whose last part (四、常见问题) holds the questions is a plan's parts, not such a page.
    groups = [i for i, x in enumerate(lines) if _group_heading(x)]
    grouped = len(questions) >= QUESTION_PAGE_MIN and len(questions) > 2 * len(groups) and \
        len({sum(1 for g in groups if g < q) for q in questions}) >= 2
    # A page that asks from its first lines, numbering only inside its answers (（一）…（五） of a long
    # answer), is a question page too.
    asked_first = len(questions) >= QUESTION_PAGE_MIN and \
        not any(CHAPTER_RE.match(x) or SUBSECTION_RE.match(x) for x in lines[:questions[0]])
    if numbered >= 2 and not grouped and not asked_first:
        return None
    headings = [i for i, x in enumerate(lines) if _heading(lines, i) or ROW_RE.match(x)]
    if len(questions) >= MIN_UNNUMBERED:
        # A service guide whose last part is 常见问题 is still a guide: its parts come first and are most
        # of its text. A page of questions and answers (maybe under group headings) is read as one.
        before = sum(len(x) for x in lines[:questions[0]])
        if len([i for i in headings if i < questions[0]]) >= MIN_UNNUMBERED + 1 and \
                before >= GUIDE_SHARE * sum(len(x) for x in lines):
            return _parse_headings(lines, bare)
        return _parse_questions(lines, bare)
    # Items that restart at 1 under several headings (申请材料 1. 2.; 办理流程 1. 2. 3.), or none at all:
    # a notice numbered 1. 2. 3. once through is the plan parser's.
    firsts = sum(1 for x in lines if (m := ITEM_RE.match(x)) and m.group(1) == "1")
    if len(headings) >= MIN_UNNUMBERED + 1 and firsts != 1:
        return _parse_headings(lines)
    return None


QUESTION_PAGE_MIN = 5


def _group_heading(line: str) -> bool:
    """一、申请条件: a chapter line that only names a group (no sentence of its own)."""
    m = CHAPTER_RE.match(line)
    return bool(m) and len(m.group(2)) <= 20 and not re.search(r"[。；;，,？?]", m.group(2))


# "申请人须同时符合下列条件：" introduces its label's list; it names no part of its own.
_LEAD_IN_RE = re.compile(r"下列|以下|如下")


def _heading(lines: list[str], i: int) -> bool:
    """A short label line followed by text (not the document's last line, not a sentence, not the lead-in
    of a list under the label above it)."""
    if not HEADING_RE.match(lines[i]) or i + 1 >= len(lines) or _LEAD_IN_RE.search(lines[i]):
        return False
    after = lines[i + 1]
    return not (HEADING_RE.match(after) and not _LEAD_IN_RE.search(after)) and not _label_pairs(after)


def _question(lines: list[str], i: int, bare: frozenset[int] = frozenset()) -> str | None:
    """The question a line asks: marked (问：, 【问题1】, Q2.), a line ending in ？ whose next line
    is marked as its answer (答：), or one of a page's unmarked question headings (``bare``); None for
    any other line."""
    if i in bare:
        return lines[i].strip()
    if m := QUESTION_RE.match(lines[i]):
        return m.group(1).strip()
    if m := REPORTER_RE.match(lines[i]):
        return m.group(1).strip()
    if row := _row_question(lines[i]):
        return row[0]
    if lines[i].rstrip().endswith(("？", "?")) and i + 1 < len(lines) and ANSWER_RE.match(lines[i + 1]):
        return lines[i].strip()
    return None


# A question page whose questions are headings of their own, unmarked ("今年哪些孩子可以报名？" over its
# answer's paragraphs): short lines ending in ？, each followed by a line that is not a question.
BARE_QUESTION_CHARS = 60


def bare_questions(lines: list[str]) -> frozenset[int]:
    """The unmarked question headings of a page made of them (QUESTION_PAGE_MIN or more), else none."""
    found = frozenset(i for i in range(len(lines) - 1)
                      if lines[i].rstrip().endswith(("？", "?")) and len(lines[i]) <= BARE_QUESTION_CHARS
                      and not lines[i + 1].rstrip().endswith(("？", "?"))
                      and not ANSWER_RE.match(lines[i]))
    return found if len(found) >= QUESTION_PAGE_MIN else frozenset()


# A press conference's transcript: "葚埕日报记者：请问…？", answered by the officials named below it.
REPORTER_RE = re.compile(r"^[^：:。，]{0,24}?记者\s*[:：]\s*(.*[？?].*)$")
# What the officials say before the first question (the host's opening, the policy's introduction).
STATEMENT_ID = "发布词"
MIN_STATEMENT_CHARS = 200


# Questions printed as "Q1：" are cited as printed; any other question by its place on the page (问3).
_PRINTED_Q_RE = re.compile(r"^【?\s*Q\s*(\d{1,3})\s*(?:】|[:：.．、\s])", re.I)
QUESTION_ID_RE = re.compile(r"(?:问|Q)\d+")


def _question_id(line: str, number: int) -> str:
    printed = _PRINTED_Q_RE.match(line.strip())
    return f"Q{number}" if printed and int(printed.group(1)) == number else f"问{number}"


_INLINE_ANSWER_RE = re.compile(r"(?<=[？?])\s*答\s*[:：]\s*")


def _split_answer(question: str) -> tuple[str, str]:
    """"问1：…吗？答：不需要。" on one line: the question, and the answer that follows it."""
    parts = _INLINE_ANSWER_RE.split(question, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (question, "")


# A 问题 | 解答 table's row: "1.企业开办需要多长时间？ | 全流程压缩至1个工作日…".
ROW_QUESTION_RE = re.compile(r"^(?:\d{1,3}\s*[.．、]\s*)?([^|]{2,100}?[？?])\s*\|\s*(.+)$")


def _row_question(line: str) -> tuple[str, str] | None:
    """(question, answer) of a table row whose first cell asks and whose other cells answer."""
    m = ROW_QUESTION_RE.match(line)
    return (m.group(1).strip(), m.group(2).replace(" | ", "\n").strip()) if m else None


def _parse_questions(lines: list[str], bare: frozenset[int] = frozenset()) -> tuple[list[str], list[Block]]:
    """Each question with its answer is a measure, cited 问1, 问2 … in page order; the question is its heading."""
    prelude: list[str] = []
    blocks: list[Block] = []
    group = ""
    for i, line in enumerate(lines):
        if (blocks and _group_heading(line)) or (bare and HEADING_RE.match(line) and i + 1 in bare):
            group = line  # 二、救助标准 / 报名方式与材料: the questions below are its, the answer above ends
            continue
        question = _question(lines, i, bare)
        if question is not None:
            if not blocks and REPORTER_RE.match(line) and sum(map(len, prelude[1:])) >= MIN_STATEMENT_CHARS:
                blocks.append(Block(STATEMENT_ID, "", "", list(prelude[1:]), inferred=True))
            number = sum(1 for b in blocks if b.section != STATEMENT_ID) + 1
            question, answer = _split_answer(question)
            blocks.append(Block(_question_id(line, number), group, question, [answer] if answer else [],
                                inferred=True))
            if row := _row_question(line):
                blocks[-1].lines.append(row[1])
            continue
        if not blocks:
            prelude.append(line)
            continue
        text = ANSWER_RE.sub("", line)
        if text:
            blocks[-1].lines.append(text)
    return prelude, blocks


def _parse_headings(lines: list[str], bare: frozenset[int] = frozenset()) -> tuple[list[str], list[Block]]:
    """Each headed part of a guide is a measure cited by its heading (申请材料); a numbered list under
    a heading, or a table whose rows are numbered, is one measure per item (申请材料1, 申请材料2), as
    with 注意事项1 in a plan. A row of label/value cells is one measure per label (事项类型 | 公共服务 |
    办件类型 | 承诺件 → 事项类型, 办件类型); a question with its answer is 问1, 问2 … in page order."""
    prelude: list[str] = []
    blocks: list[Block] = []
    heading = ""
    items = asked = 0
    after_row = False
    for i, line in enumerate(lines):
        question = _question(lines, i, bare)
        if question is not None:
            asked += 1
            heading, items, after_row = _question_id(line, asked), 0, False
            question, answer = _split_answer(question)
            blocks.append(Block(heading, "", question, [answer] if answer else [], inferred=True))
            continue
        if pairs := _label_pairs(line):
            for label, value in pairs:
                blocks.append(Block(label, "", label))
                blocks[-1].lines.append(value)
            heading, items, after_row = pairs[-1][0], 0, True
            continue
        if _heading(lines, i):
            heading, items, after_row = HEADING_RE.match(line).group(1), 0, False
            blocks.append(Block(heading, "", heading))
            continue
        inline = INLINE_LABEL_RE.match(line)
        if after_row and inline and inline.group(1) not in CONTINUATION_LABELS:
            heading, items = inline.group(1), 0
            blocks.append(Block(heading, "", heading))
            blocks[-1].lines.append(inline.group(2))
            continue
        if not heading:
            prelude.append(line)
            continue
        item = item_match(line, items + 1) or _numbered_row(line, items + 1)
        if item and item[1] == str(items + 1) and not QUESTION_ID_RE.fullmatch(heading):
            items += 1
            if items == 1 and blocks[-1].section == heading and not blocks[-1].lines:
                blocks.pop()  # the heading's own block: its items are the measures
            blocks.append(Block(f"{heading}{items}", "", heading))
            blocks[-1].lines.append(item[2])
        else:
            blocks[-1].lines.append(ANSWER_RE.sub("", line) if QUESTION_ID_RE.fullmatch(heading) else line)
    return prelude, [b for b in blocks if b.lines]


def _label_pairs(line: str) -> list[tuple[str, str]] | None:
    """A table row of label | value (or label | value | label | value) cells, else None."""
    cells = [c.strip() for c in line.split(" | ")]
    if len(cells) == 2 and ROW_RE.match(line):
        return [(cells[0], cells[1])]
    if len(cells) >= 4 and len(cells) % 2 == 0 and all(_LABEL_RE.fullmatch(c) for c in cells[::2]) and \
            all(cells[1::2]):
        return list(zip(cells[::2], cells[1::2]))
    return None


# A government page's disclosure table (索引号 | … | 成文日期 | …) describes the page, not the service:
# its rows are metadata, never measures.
DISCLOSURE_LABELS = frozenset({"索引号", "分类", "主题分类", "体裁分类", "组配分类", "发布机构", "发文机关", "发布机关",
                               "成文日期", "发文日期", "发布日期", "名称", "标题", "文号", "发文字号", "主题词",
                               "有效性", "效力状态", "时效", "来源", "公开方式", "公开范围", "公开时限", "信息来源"})
MIN_INFO_ROWS = 3


def info_table(prelude: list[str]) -> list[Block]:
    """A service guide's information table above its numbered parts (办理时限 | 15个工作日 | 收费标准 | 不收费):
    one measure per label, as on a guide without numbered parts. It answers "how long", "is there a fee",
    "which number do I call"; before, a page whose parts were numbered lost it with the prelude."""
    # A wider row is a table's header (序号 | 补贴类别 | 补贴项目 | …) or a menu, not labels beside values.
    rows = [pairs for line in prelude if (pairs := _label_pairs(line)) and len(pairs) <= 2]
    # A row that repeats the page's title (事项名称 | the heading above the table) says nothing of its own,
    # and its few words, the title's, drew every question about the service to it.
    lines = set(prelude)
    found: dict[str, Block] = {}
    for label, value in (pair for pairs in rows for pair in pairs):
        if label not in DISCLOSURE_LABELS and value not in lines and label not in found:
            found[label] = Block(label, "", label, [value])
    blocks = list(found.values())
    if len(blocks) < MIN_INFO_ROWS or all(_LABEL_RE.fullmatch(b.lines[0]) for b in blocks):
        return []  # values that are all bare words: a menu or a header row again
    return blocks


def _numbered_row(line: str, expected: int) -> tuple[str, str, str] | None:
    """A table row whose first cell is its number ("3 | 社会保障卡 | 原件核验"), as item_match gives items."""
    match = re.match(r"^(\d{1,3})\s*\|\s*(.+)$", line)
    return ("", match.group(1), match.group(2)) if match and int(match.group(1)) == expected else None


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


# A numbered page's own 常见问题 part ("八、常见问题" over "问：…？" / its answer): each question is 问n.
_MARKED_QUESTION_RE = re.compile(r"^问\s*[:：]\s*(.+)$")
MIN_PART_QUESTIONS = 2


def split_part_questions(blocks: list[Block]) -> list[Block]:
    """A part of a numbered page that holds two or more questions marked 问： is split into them, 问1, 问2 …
    counted through the page, each answered by the lines below it; its words before the first stay its own."""
    out: list[Block] = []
    asked = 0
    for block in blocks:
        marks = [i for i, line in enumerate(block.lines) if _MARKED_QUESTION_RE.match(line)]
        if len(marks) < MIN_PART_QUESTIONS:
            out.append(block)
            continue
        if any(line.strip() for line in block.lines[:marks[0]]):
            out.append(Block(block.section, block.chapter, block.subsection, block.lines[:marks[0]],
                             block.inferred, parent=block.parent))
        for start, end in zip(marks, marks[1:] + [len(block.lines)]):
            asked += 1
            question, answer = _split_answer(_MARKED_QUESTION_RE.match(block.lines[start]).group(1).strip())
            lines = ([answer] if answer else []) + [ANSWER_RE.sub("", x) for x in block.lines[start + 1:end]]
            out.append(Block(f"问{asked}", block.chapter, question, [x for x in lines if x], inferred=True))
    return out
