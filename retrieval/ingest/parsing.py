"""Plain text of a policy document → its measures, metadata and warnings.

Two numbered layouts are read here:
- work plans and notices: chapters ``一、`` (a chapter line that is a statement with nothing under it
  is a measure itself), subsections ``(一)``/``（一）``, items ``1.``/``1、``/``（1）``/``1）``/``①`` (the
  first style under a heading numbers the measures; another style inside an item is an enumeration
  in it), numbering that runs on across subsections, items directly under a chapter, a list under an
  unnumbered heading (``注意事项：`` → ``注意事项1``), parts above the chapters (``第二部分``, which
  prefix the ids when ``一、`` restarts under each: ``第二部分一(二)``);
- regulations: ``第X编``/``第X章``/``第X节`` headings and ``第X条`` articles.
Pages without that numbering (questions and answers, service guides, lists in other styles, prose)
are unnumbered.py's; the numbering styles and blocks are blocks.py's, section ids text/sections.py's.
Annexes (``附件2``) are their own part (annex.py); unit tags are read by unit_tags.py, metadata by
metadata.py. Full-width and half-width punctuation and digits are both accepted; section ids are
always written with half-width parentheses, as readers cite them: ``三(四)``, ``三(三)2``, ``第五条``.
"""
from __future__ import annotations

import logging
import re
import dataclasses

from retrieval.ingest.annex import annex_measures, is_explanation, split_annexes
from retrieval.ingest.captioned_tables import split_captioned_tables
from retrieval.ingest.clauses import CLAUSE_RE, clause_layout
from retrieval.ingest.blocks import (  # noqa: F401  (CHAPTER_RE, SUBSECTION_RE: read by tests and loaders)
    BULLET_RE, CHAPTER_RE, CIRCLED, ITEM_RE, SUBSECTION_RE, Block, chapter_id, item_match)
from retrieval.ingest.metadata import document_meta, signature
from retrieval.ingest.notes import split_notes
from retrieval.ingest.notice import notice_measure
from retrieval.ingest.pages import LEADERS_RE, columns, drop_running_heads, unwrap
from retrieval.ingest.boxes import box_measures, split_boxes
from retrieval.ingest.task_table import task_table_lines
from retrieval.ingest.unit_tags import (distribute_shared_units, merge_roles, ordered_units, parse_units, split_units,  # noqa: F401
                                        units_in_prose)
from retrieval.ingest.unnumbered import (MIN_DOCUMENT_CHARS, MIN_PARAGRAPHS, info_table, list_items, paragraphs,
                                         sentence_runs, split_part_questions, unnumbered_layout)
from retrieval.models import Document, Measure
# Section ids are the text layer's; importers of this module have found them here.
from retrieval.text.sections import (CN_NUM, FULL_WIDTH_DIGITS, cn_to_int, in_section,  # noqa: F401
                                     int_to_cn, normalize_section)

log = logging.getLogger(__name__)

ARTICLE_CHAPTER_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*章\s*(.*)$")
ARTICLE_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*条\s*(.*)$")
# Everything from the editor's byline on is page furniture (related articles, dates).
TRAILER_RE = re.compile(r"^([（(]\s*责任编辑|责任编辑|编辑[:：]|相关阅读|相关文章|相关新闻|相关附件|扫一扫在手机|【\s*(?:打印|关闭|收藏|返回)"
                        r"|打印本页|关闭窗口|【返回顶部】|内容纠错|上一篇[:：]|下一篇[:：]"
                        # A 公文's 版记, last after its annexes: whom copies go to, who printed it when.
                        r"|抄送\s*[:：])")

# Lines that are page furniture or links, never a document's text.
# Page numbers of a PDF or a printed page: "- 3 -", "第 2 页 共 9 页".
PAGE_NUMBER_RE = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)$")
URL_LINE_RE = re.compile(r"^(?:[^\s:：]{0,12}[:：]\s*)?https?://\S+$")
# A 公文's note under its signature on how it is published: "（此件公开发布）", "（此件主动公开）".
PUBLICATION_NOTE_RE = re.compile(r"^[（(]\s*此件[\u4e00-\u9fff]{2,8}\s*[）)]$")
LABEL_RE = re.compile(r"^([\u4e00-\u9fff]{2,8})\s*[:：]$")
FAQ_LABELS = ("问答", "常见问题", "热点问答", "政策问答", "问题解答")
BOX_LABEL_RE = re.compile(r"^([\u4e00-\u9fff]{2,6})\s*[:：]?$")
PART_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*[编节]\s*(.*)$")
# Measures are unique by id; one document pasted many times must not multiply them.
MAX_UNEXPLAINED = 3.0
# A heading that is a sentence, not a title: it has a clause or sentence mark, or is long.
STATEMENT_RE = re.compile(r"[。；;，,！？]")
MIN_STATEMENT_CHARS = 20
# A part above a plan's 一、 chapters: "第二部分 主要任务", "第三章 保障措施" (in a plan, not a regulation).
PLAN_PART_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*(部分|章|篇)\s*(.*)$")
# A 规划's 节 under its 章 ("第三章 …" / "第二节 优化公路网络" / "一、…"): cited 第三章第二节一.
PLAN_SECTION_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*节\s*(.*)$")
class NoMeasuresError(ValueError):
    """The text has no recognisable measure structure."""


def _clean_lines(text: str) -> list[str]:
    lines = []
    widths: dict[str, int] = {}  # as printed: a full-width ５００ took six columns of the line, 500 takes three
    page_marks = text.count("\f")
    text = text.replace("\xa0", " ").replace("\f", "\n")
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        printed = raw.strip().strip("\u3000\ufeff\u200b").strip()
        line = _undecorated(printed.translate(FULL_WIDTH_DIGITS))
        if line and PAGE_NUMBER_RE.match(line):
            page_marks += 1
            continue
        if not line or URL_LINE_RE.match(line) or PUBLICATION_NOTE_RE.match(line):
            continue
        if TRAILER_RE.match(line):
            break
        lines.append(line)
        widths[line] = max(widths.get(line, 0), columns(raw.rstrip()))  # its indent took columns too
    if page_marks >= 2:  # printed pages: their running heads go
        lines = drop_running_heads(lines)
    return _numbered_steps(_first_items_before_digits(_join_bare_markers(unwrap(lines, widths))))


# Pictographs before a line ("💰返还标准：", "🏢责任单位：…") decorate it; a bar before a short line
# ("▌申领须知") marks a heading, read as the label of the list under it.
_EMOJI_RE = re.compile("^(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2300-\u23FF\u2B00-\u2BFF\uFE0F\u200D]\\s*)+")
_BAR_HEADING_RE = re.compile(r"^[▌▍▎▐┃|]\s*([\u4e00-\u9fff]{2,8})$")


# Items numbered with dingbat digits ("❶支持重点企业落户。", "➊", "➀"): the page's 1. 2. 3.
_DINGBAT_DIGITS = {chr(base + i): str(i + 1) for base in (0x2776, 0x2780, 0x278A) for i in range(10)}
_DINGBAT_ITEM_RE = re.compile("^([" + "".join(_DINGBAT_DIGITS) + r"])\s*")
# A marker before a heading ("▶ 一、培育壮大…", "■ （二）…"): decoration.
_MARKED_HEADING_RE = re.compile(rf"^[▶►▷➤■□●◆◇★☆▪▸]\s*(?=[{CN_NUM}]+\s*[、．.]|[(（]\s*[{CN_NUM}]+\s*[)）]|第)")


# OCR reads the numeral 一 as a dash: "—、适用范围", "(—)各级各部门…".
_OCR_DASH_ONE_RE = re.compile(r"^(?:[—－]\s*(?=、)|([(（])\s*[—－]\s*(?=[)）]))")


def _undecorated(line: str) -> str:
    line = _OCR_DASH_ONE_RE.sub(lambda m: (m.group(1) or "") + "一", line)
    if item := _DINGBAT_ITEM_RE.match(line):  # before the pictographs, whose range holds the dingbats
        return f"{_DINGBAT_DIGITS[item.group(1)]}.{line[item.end():]}"
    line = _MARKED_HEADING_RE.sub("", _EMOJI_RE.sub("", line))
    heading = _BAR_HEADING_RE.match(line)
    return heading.group(1) + "：" if heading else line


# A number standing alone on its line, its heading on the next: a page that styles the number apart
# (a span of its own, a big "01" over each part) is read as "1.稳岗返还" and "一、支持企业稳岗扩岗".
BARE_MARKER_RE = re.compile(rf"^(?:\d{{1,3}}\s*[.．、]|[(（]\s*(?:\d{{1,3}}|[{CN_NUM}]+)\s*[)）]|[{CN_NUM}]+\s*[、．.])$")
BIG_PART_RE = re.compile(r"^0([1-9])$")
BIG_PART_TITLE_CHARS = 30


def _join_bare_markers(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line, following = lines[i], lines[i + 1] if i + 1 < len(lines) else ""
        joinable = following and not BARE_MARKER_RE.match(following) and not BIG_PART_RE.match(following)
        if joinable and BARE_MARKER_RE.match(line):
            out.append(line + following)
            i += 2
        elif joinable and (part := BIG_PART_RE.match(line)) and len(following) <= BIG_PART_TITLE_CHARS:
            out.append(f"{int_to_cn(int(part.group(1)))}、{following}")
            i += 2
        else:
            out.append(line)
            i += 1
    return out


# A procedure written "第一步：申请。… / 第二步：受理。…": its steps are the list's items 1. 2.
STEP_RE = re.compile(r"^第\s*([一二三四五六七八九十]+)\s*步\s*[:：，,、.．]?\s*(.*)$")


def _numbered_steps(lines: list[str]) -> list[str]:
    """Lines opening 第一步, 第二步 … in order (two or more, each on a line of its own) read as items 1. 2. …"""
    out = list(lines)
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        m = STEP_RE.match(line)
        if m and cn_to_int(m.group(1)) == len(run) + 1:
            run.append(i)
            continue
        if len(run) >= 2:
            for n, j in enumerate(run, 1):
                out[j] = f"{n}. {STEP_RE.match(lines[j]).group(2)}"
        run = [i] if m and cn_to_int(m.group(1)) == 1 else []
    return out


FIRST_ITEM_DIGITS_RE = re.compile(r"^1\s*([.．])(\d)")
SECOND_ITEM_RE = re.compile(r"^2\s*[.．、]")
# OCR reads a first item's "1." as the letter: "l.建立…", "I．…" (told from text by the "2." below it).
OCR_FIRST_ITEM_RE = re.compile(r"^[lI]\s*([.．、])(?=\s*[\u4e00-\u9fff])")


def _first_items_before_digits(lines: list[str]) -> list[str]:
    """"1.60岁以上老人每餐补贴2元" reads as 1.60 until "2.80岁以上…" follows: a first item whose text opens
    with a number is told from a decimal by the second item below it (before the next heading), and so is
    an OCR'd "l." from a letter. Later items are told by their expected number (``item_match``)."""
    out = list(lines)
    for i, line in enumerate(lines):
        ocr = OCR_FIRST_ITEM_RE.match(line)
        if not (FIRST_ITEM_DIGITS_RE.match(line) or ocr) or CLAUSE_RE.match(line):  # 1.0.1 is a standard's clause
            continue
        for later in lines[i + 1:i + 9]:
            if SUBSECTION_RE.match(later) or CHAPTER_RE.match(later):
                break
            if SECOND_ITEM_RE.match(later):
                out[i] = f"1{ocr.group(1)}{line[ocr.end():]}" if ocr else FIRST_ITEM_DIGITS_RE.sub(r"1\1 \2", line, count=1)
                break
    return out


class _PlanState:
    """Where the plan parser is: chapter, subsection, the blocks of the current heading."""

    def __init__(self, first_chapter: int | None) -> None:
        # Text that starts mid-document (a scraped tail) belongs to the chapter before the first heading seen.
        self.chapter_id = int_to_cn(first_chapter - 1) if first_chapter and first_chapter > 1 else ""
        self.chapter_heading = ""
        self.subsection_id, self.subsection_heading = "", ""
        self.label = ""  # an unnumbered heading (注意事项:) whose items restart at 1
        self.blocks: list[Block] = []
        self.sub_blocks: list[Block] = []
        self.current: Block | None = None
        self.item_style = ""
        self.last_number = 0
        self.item: Block | None = None  # the numbered item (1.) whose （1） sub-items open blocks of their own
        self.sub_number = 0
        self.ids: set[str] = set()
        self.chapter_start = 0  # blocks before the current chapter's
        # "第二部分 主要任务" above 一、 chapters: its heading, and its id prefix when 一、 restarts under each.
        self.part, self.part_label, self.part_heading = "", "", ""

    def prefix(self) -> str:
        return self.label or (self.part + self.chapter_id + self.subsection_id)

    def open_block(self, section: str, inferred: bool = False) -> Block:
        heading = self.label or self.subsection_heading
        chapter = "\n".join(h for h in (self.part_heading, self.chapter_heading) if h)
        block = Block(section, chapter, heading, inferred=inferred)
        self.blocks.append(block)
        self.sub_blocks.append(block)
        self.ids.add(section)
        self.current = block
        return block

    def close_chapter(self) -> None:
        """A chapter line with nothing under it (``四、本通知自2024年1月1日起施行。``) is a measure of
        its own when it says something; a bare title (``一、总体要求``) is not."""
        if not self.chapter_heading or len(self.blocks) > self.chapter_start:
            return
        body = _statement(self.chapter_heading)
        if body:
            self.blocks.append(Block(self.part + self.chapter_id, self.part_heading, "", [body]))
            self.ids.add(self.part + self.chapter_id)

    def new_heading(self) -> None:
        self.sub_blocks, self.item_style, self.last_number, self.label = [], "", 0, ""
        self.item, self.sub_number = None, 0


def _parse_plan(lines: list[str]) -> tuple[list[str], list[Block]]:
    """Work-plan layout. Returns the lines before the first heading, and the blocks."""
    first = next((cn_to_int(m.group(1)) for line in lines if (m := CHAPTER_RE.match(line))), None)
    st = _PlanState(first)
    prelude: list[str] = []
    started = False
    pending_label = ""
    # A notice numbered only 1. 2. 3. (no 一、 or （一）): its items are the measures.
    items_only = not any(CHAPTER_RE.match(x) or SUBSECTION_RE.match(x) for x in lines) and \
        sum(1 for x in lines if ITEM_RE.match(x)) >= MIN_PARAGRAPHS
    parts = [i for i, x in enumerate(lines) if PLAN_PART_RE.match(x)]
    # Chapters numbered 一、 again under each part need the part in their ids to stay apart.
    firsts = sum(1 for a, b in zip(parts, parts[1:] + [len(lines)])
                 if any((m := CHAPTER_RE.match(x)) and cn_to_int(m.group(1)) == 1 for x in lines[a:b]))
    prefixed = firsts >= 2
    sections = [i for i, x in enumerate(lines) if PLAN_SECTION_RE.match(x)]
    # 一、 numbered again in each 节: the 节 is part of their ids, under its 章.
    by_section = sum(1 for a, b in zip(sections, sections[1:] + [len(lines)])
                     if any((m := CHAPTER_RE.match(x)) and cn_to_int(m.group(1)) == 1 for x in lines[a:b])) >= 2
    chapter_label, chapter_heading = "", ""
    # A box's label alone on its line over items that count from 1 ("温馨提示" / "1. 申报时间：…",
    # "划重点" / "① 支持对象：…"): the label names them (温馨提示1), above the plan's chapters as well.
    boxed = {i for i, line in enumerate(lines[:-1]) if BOX_LABEL_RE.match(line)
             and (first := item_match(lines[i + 1], 1)) and first[1] in ("1", "①")}
    for at, line in enumerate(lines):
        label, pending_label = pending_label, ""
        if at in boxed and not LABEL_RE.match(line):
            started, pending_label = True, line + "："
            continue
        part = PLAN_PART_RE.match(line)
        section = PLAN_SECTION_RE.match(line) if by_section and chapter_label else None
        if part or section:
            started = True
            st.close_chapter()
            if part:
                chapter_label = st.part_label = f"第{chapter_id(part.group(1))}{part.group(2)}"
                chapter_heading = line
                st.part = st.part_label if prefixed else ""
            else:
                st.part_label = st.part = f"{chapter_label}第{chapter_id(section.group(1))}节"
            st.part_heading = line if part else f"{chapter_heading}\n{line}"
            st.chapter_id, st.chapter_heading = "", ""
            st.subsection_id, st.subsection_heading = "", ""
            st.new_heading()
            st.current = None
            st.chapter_start = len(st.blocks)
            continue
        if items_only and not started and (m := ITEM_RE.match(line)) and m.group(1) == "1":
            started = True
        item = item_match(line, st.last_number + 1) if started else None
        restart = item and item[1] in ("1", "①") and (st.prefix() + item[1] in st.ids or st.last_number > 1
                                                     or at - 1 in boxed)
        if label and not restart:
            _text_line(st, prelude, started, label)  # the label is not followed by a list of its own
            label = ""
        if m := CHAPTER_RE.match(line):
            started = True
            st.close_chapter()
            st.chapter_id, st.chapter_heading = chapter_id(m.group(1)), line
            st.chapter_start = len(st.blocks)
            st.subsection_id, st.subsection_heading = "", ""
            st.new_heading()
            st.current = None
        elif m := SUBSECTION_RE.match(line):
            started = True
            st.subsection_id, st.subsection_heading = f"({chapter_id(m.group(1))})", line
            st.new_heading()
            st.open_block(st.part + st.chapter_id + st.subsection_id)
        elif item:
            _plan_item(st, item, line, label)
        elif started and LABEL_RE.match(line):
            pending_label = line
        else:
            _text_line(st, prelude, started, line)
    if pending_label:
        _text_line(st, prelude, started, pending_label)
    st.close_chapter()
    return prelude, _run_on_ids(_chapter_paragraphs([b for b in st.blocks if not b.dropped]))


# A chapter written as paragraphs, each opening with its own lead sentence and no number (a 政府工作报告's
# "聚焦先进制造，做强实体经济根基。…"), has its paragraphs cited by place: 一2 is the second under 一、.
CHAPTER_ONLY_RE = re.compile(rf"^[{CN_NUM}]+$")
CHAPTER_PARAGRAPH_CHARS = 40


def _chapter_paragraphs(blocks: list[Block]) -> list[Block]:
    """Only on a page numbered on chapters alone: beside （一） and 1. ids, a chapter's paragraphs stay the
    chapter readers cite (五)."""
    if not all(CHAPTER_ONLY_RE.match(b.section) for b in blocks):
        return blocks
    out: list[Block] = []
    for block in blocks:
        # A quotation of several paragraphs opens each with “ and closes only the last (a 修改决定's
        # "将第四条修改为：“…" / "“…。”"): its paragraphs are one.
        starts = [i for i, line in enumerate(block.lines)
                  if len(line) >= CHAPTER_PARAGRAPH_CHARS and line.endswith(("。", "！")) and " | " not in line
                  and not _in_quotation(block.lines[:i])]
        if not CHAPTER_ONLY_RE.match(block.section) or len(starts) < 2:
            out.append(block)
            continue
        starts[0] = 0  # a short line before the first paragraph (a lead-in) goes with it
        for n, (start, end) in enumerate(zip(starts, starts[1:] + [len(block.lines)]), 1):
            out.append(Block(f"{block.section}{n}", block.chapter, block.subsection, block.lines[start:end],
                             inferred=True))
    return out


def _in_quotation(lines: list[str]) -> bool:
    text = "".join(lines)
    return text.count("“") > text.count("”")


CHAPTER_ITEM_RE = re.compile(rf"^([{CN_NUM}]+)(\d+)$")


def _run_on_ids(blocks: list[Block]) -> list[Block]:
    """Items numbered on across chapters (一、 1.–4., 二、 5.–8. …, as in "15条" or "若干措施") are cited by
    their number alone, as the page prints them and its readers count them: 二5 is measure 5."""
    runs: dict[str, list[int]] = {}
    for block in blocks:
        if match := CHAPTER_ITEM_RE.match(block.section):
            runs.setdefault(match.group(1), []).append(int(match.group(2)))
    numbers = [n for chapter in runs.values() for n in chapter]
    # Only a page numbered on two levels: beside （一） subsections, a chapter's 二1 reads as one id.
    if len(runs) < 2 or numbers != list(range(1, len(numbers) + 1)) or any("(" in b.section for b in blocks):
        return blocks
    taken = {b.section for b in blocks}
    if any(str(n) in taken for n in numbers):
        return blocks
    for block in blocks:
        if match := CHAPTER_ITEM_RE.match(block.section):
            block.section = match.group(2)
    return blocks


def _text_line(st: _PlanState, prelude: list[str], started: bool, line: str) -> None:
    if not started:
        prelude.append(line)
        return
    if st.current is None:
        block = st.open_block((st.part + st.chapter_id) or st.part_label)
        statement = _statement(st.chapter_heading)
        if statement and not st.subsection_id:
            # "八、本通知自2025年5月1日起施行，有效期2年。" with lines below it: the chapter line says the most.
            block.chapter, block.lines = st.part_heading, [statement]
    st.current.lines.append(line)


def _statement(chapter_heading: str) -> str:
    """What a chapter line says when it is a statement, not a title ("" for 一、总体要求)."""
    m = CHAPTER_RE.match(chapter_heading) if chapter_heading else None
    body = m.group(2).strip() if m else ""
    return body if body and (STATEMENT_RE.search(body) or len(body) >= MIN_STATEMENT_CHARS) else ""


def _plan_item(st: _PlanState, item, line: str, label: str) -> None:
    style, number, text = item
    if st.item_style and style != st.item_style and st.current is not None and not label:
        if style == "paren" and st.item_style == "dot" and st.item is not None and number == str(st.sub_number + 1) \
                and (st.sub_number or not st.item.lines[-1].endswith(("：", ":"))):
            # （1）（2） on lines of their own under an item 1. headed "严格项目准入。": the plan's fourth level,
            # cited 二(一)1(2). Under "有下列情形之一的：" they are the parts of one rule, and stay in it.
            st.sub_number += 1
            child = st.open_block(f"{st.item.section}({number})")
            child.parent = st.item.section
            child.lines.append(text)
        else:
            st.current.lines.append(line)  # (1) inside a paragraph is an enumeration of that item
        return
    if label:
        # 注意事项: 1. 2. 3. after steps 1.–6.: the unnumbered heading names this second list.
        st.new_heading()
        st.label = LABEL_RE.match(label).group(1)
        if st.label in FAQ_LABELS and text.startswith("问"):
            st.label = "问"  # "问答" / "1.问：…": questions, cited 问1 as on a question-and-answer page
        st.subsection_heading = label
    st.item_style = style
    st.last_number = CIRCLED.index(number) + 1 if number in CIRCLED else int(number)  # "①".isdigit() is True
    body_block = st.sub_blocks[0] if st.sub_blocks and st.sub_blocks[0].section == st.prefix() else None
    if body_block is not None:
        body_block.dropped = True  # (list.remove would be quadratic on a long document)
        st.sub_blocks.pop(0)
        if body_block.lines:
            # A lead-in paragraph before the items reads as part of the heading.
            heading = st.subsection_heading or st.chapter_heading
            lead = "\n".join(body_block.lines)
            if st.subsection_heading:
                st.subsection_heading = heading + "\n" + lead
            else:
                st.chapter_heading = heading + "\n" + lead
    section = st.prefix() + number
    block = st.open_block(section, inferred=section in st.ids)
    block.lines.append(text)
    st.item, st.sub_number = (block, 0) if style == "dot" else (None, 0)


MIN_TAIL_HEADINGS = 4


def _plan_after_articles(lines: list[str]) -> int | None:
    """Where a page that opens with articles (一、总则 / 第一条 … 第五条) goes on numbered as a plan
    (二. 宅基地申请 / (一) 申请条件 / 1、…): the first chapter line after the last article, when the rest
    has no article and is numbered in chapters and subsections. None when the articles run to the end."""
    last = max(i for i, line in enumerate(lines) if ARTICLE_RE.match(line))
    start = next((i for i in range(last + 1, len(lines)) if CHAPTER_RE.match(lines[i])), None)
    if start is None:
        return None
    rest = lines[start:]
    chapters = sum(1 for line in rest if CHAPTER_RE.match(line))
    headings = chapters + sum(1 for line in rest if SUBSECTION_RE.match(line))
    return start if chapters >= 2 and headings >= MIN_TAIL_HEADINGS else None


def _plan_before_articles(lines: list[str]) -> int | None:
    """Where the articles start on a page that first speaks in numbered chapters of its own: a 修改决定
    (一、将第八条修改为…) followed by the revised text, or an interpretation followed by the rules. None
    unless three or more chapters, numbered 一、二、三 in order, come before the first 第一章 or 第一条."""
    first = next((i for i, line in enumerate(lines)
                  if (m := ARTICLE_CHAPTER_RE.match(line) or ARTICLE_RE.match(line)) and cn_to_int(m.group(1)) == 1), None)
    if not first:
        return None
    numbers = [cn_to_int(m.group(1)) for line in lines[:first] if (m := CHAPTER_RE.match(line))]
    return first if len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1)) else None


def _parse_articles(lines: list[str]) -> tuple[list[str], list[Block]]:
    """Regulation layout: 第X编/第X章/第X节 headings, 第X条 articles; enumerations stay in the article."""
    parts: dict[str, str] = {}  # 编 / 章 / 节 → its heading line
    prelude: list[str] = []
    blocks: list[Block] = []
    current: Block | None = None
    last = 0
    for line in lines:
        if (m := ARTICLE_CHAPTER_RE.match(line)) or (m := PART_RE.match(line)):
            level = "章" if ARTICLE_CHAPTER_RE.match(line) else line[line.index(m.group(1)) + len(m.group(1)):].strip()[0]
            parts[level] = line
            if level == "编":
                parts.pop("章", None), parts.pop("节", None)
            elif level == "章":
                parts.pop("节", None)
            current = None
        elif (m := ARTICLE_RE.match(line)) and cn_to_int(m.group(1)) > last:
            last = cn_to_int(m.group(1))
            numeral = int_to_cn(last)  # 第12条 → 第十二条, as readers cite it; 第101条 stays
            chapter = " ".join(parts[k] for k in ("编", "章", "节") if k in parts)
            current = Block(f"第{numeral}条", chapter, "")
            blocks.append(current)
            if m.group(2):
                current.lines.append(m.group(2))
        elif current is None:
            if not blocks and not parts:
                prelude.append(line)
        else:
            current.lines.append(line)
    return prelude, blocks


# A plan's or a regulation's preface, under a heading of its own before its first part: "前 言".
_PREFACE_RE = re.compile(r"^(前|序|引|导)\s*言$")
MIN_PREFACE_CHARS = 50


def _preface(prelude: list[str], blocks: list[Block]) -> list[Block]:
    """The preface as a measure of its own (前言): it says what the document is for, its period and
    scope, which readers ask about; before the first part it is otherwise only metadata's prelude."""
    heading = next((i for i in range(len(prelude) - 1, -1, -1) if _PREFACE_RE.match(prelude[i])), None)
    if heading is None or any(b.section == "前言" for b in blocks):
        return []
    lines = [line for line in prelude[heading + 1:] if not LEADERS_RE.search(line)]
    if sum(len(line) for line in lines) < MIN_PREFACE_CHARS:
        return []
    block = Block("前言", "", "前言")
    block.lines.extend(lines)
    return [block]


def parse_text(text: str, name: str, *, source: str = "", page_meta: dict[str, str] | None = None) -> Document:
    """Parse a document's plain text; raise NoMeasuresError when nothing citable is found."""
    page_meta = page_meta or {}
    lines = _clean_lines(text)
    if not lines:
        raise NoMeasuresError("the document is empty")
    main, annexes = split_annexes(lines)
    main, signed_issuer, signed_date = signature(main)
    main = task_table_lines(main)
    main, boxes = split_boxes(main)
    main, notes = split_notes(main)
    articles = sum(1 for line in main if ARTICLE_RE.match(line))
    if articles < 2:  # a table inside an article is part of it (第九条's 补贴标准表), cited as the article
        main, tables = split_captioned_tables(main, ordered=clause_layout(main) is None)
        annexes += tables
    layout = None  # a clause or unnumbered layout, when one reads the page
    if articles >= 2 and (head := _plan_before_articles(main)) is not None:
        prelude, blocks = _parse_plan(main[:head])
        blocks += _parse_articles(main[head:])[1]
    elif articles >= 2 and (tail := _plan_after_articles(main)) is not None:
        prelude, blocks = _parse_articles(main[:tail])
        blocks += _parse_plan(main[tail:])[1]
    elif articles >= 2:
        prelude, blocks = _parse_articles(main)
    elif (layout := clause_layout(main)) is not None:
        prelude, blocks = layout
    elif (layout := unnumbered_layout(main)) is not None:
        prelude, blocks = layout
    else:
        prelude, blocks = _parse_plan(main)
    if blocks and layout is None:  # numbered parts (an unnumbered guide reads its table rows itself)
        taken = {b.section for b in blocks}
        blocks = [b for b in info_table(prelude) if b.section not in taken] + blocks
    for block in blocks:
        _titled_paragraph(block)
    blocks = _preface(prelude, blocks) + split_part_questions(blocks) + notes
    distribute_shared_units(blocks)
    measures, warnings = _measures(blocks, name)
    structured, annexes = _structured_annexes(annexes, name, {m.section for m in measures})
    if not measures and not structured and not boxes:  # annexes or not: the text itself is never lost
        measures, warnings = _unstructured(main, name)
    measures += structured + box_measures(boxes, name)
    measures += annex_measures(annexes, name, measures)
    if measures and (notice := notice_measure(prelude, name)) and notice.section not in {m.section for m in measures}:
        measures.insert(0, notice)
    if not measures:
        raise NoMeasuresError("no numbered measures, subsections or articles were found")
    # A bullet before a line ("• 来源：…", kept by the Markdown reader for lists) is no part of what it says.
    meta = document_meta(_unbulleted(prelude), _unbulleted(main), page_meta, signed=(signed_issuer, signed_date),
                         name=name)
    measures = [dataclasses.replace(m, order=i, **meta) for i, m in enumerate(measures)]
    warnings += _size_warning(lines, measures)
    log.debug("parsed %s: %d measures", name, len(measures))
    return Document(name=name, measures=tuple(measures), source=source, warnings=tuple(warnings), **meta)


def _structured_annexes(annexes: list, name: str, taken: set[str]) -> tuple[list[Measure], list]:
    """Annexes that are documents of their own (a 决定 publishing its 实施细则 as 附件, a 通知 whose 申报指南
    is 附件1): their articles or 一、/（一） parts are measures, cited as the annex numbers them, with the
    annex's label before the ids only where another part of the page uses the same ids (附件1四(一)).
    Returns those measures and the annexes left for the table and text reader."""
    out: list[Measure] = []
    rest = []
    for annex in annexes:
        lines = annex.lines
        if sum(1 for x in lines if " | " in x) * 2 > len(lines):  # a table (a 对照表 quoting articles): its rows
            rest.append(annex)
            continue
        if sum(1 for x in lines if ARTICLE_RE.match(x)) >= 2:
            prelude, blocks = _parse_articles(lines)
        elif sum(1 for x in lines if CHAPTER_RE.match(x) or SUBSECTION_RE.match(x)) >= 3:
            prelude, blocks = _parse_plan(lines)
            distribute_shared_units(blocks)
        else:
            rest.append(annex)
            continue
        found, _ = _measures(blocks, name)
        if not found:
            rest.append(annex)
            continue
        heading = " ".join([annex.label, *prelude[:1]])
        ids = {m.section for m in found}
        # 一(一) under the main text's 一 would read as part of it: any id beginning another takes the label.
        prefix = annex.label if is_explanation(annex.label) or \
            any(a.startswith(t) or t.startswith(a) for a in ids for t in taken) else ""
        taken |= {prefix + i for i in ids}
        out.extend(dataclasses.replace(m, section=prefix + m.section, chapter="\n".join(filter(None, (heading, m.chapter))))
                   for m in found)
    return out, rest


def _unbulleted(lines: list[str]) -> list[str]:
    return [m.group(1) if (m := BULLET_RE.match(line)) else line for line in lines]


def _measures(blocks: list[Block], name: str) -> tuple[list[Measure], list[str]]:
    measures: list[Measure] = []
    seen: dict[str, list[str]] = {}
    repeated, duplicates = [], 0
    for block, (body, roles, inferred_units) in _with_sub_items(blocks):
        if not body:
            continue
        section = block.section or "正文"
        if body in seen.get(section, []):
            duplicates += 1  # the same measure again: the text was pasted twice
            continue
        seen.setdefault(section, []).append(body)
        inferred = block.inferred
        if len(seen[section]) > 1:
            repeated.append(section)
            section, inferred = f"{section}#{len(seen[section])}", True
        measures.append(Measure(
            document=name, title="", section=section, chapter=block.chapter,
            subsection=block.subsection, text=body, units=tuple(ordered_units(roles)),
            lead_units=tuple(roles["lead"]), support_units=tuple(roles["support"]),
            section_inferred=inferred, units_inferred=inferred_units))
    warnings = []
    if repeated:
        shown = ", ".join(dict.fromkeys(repeated))
        warnings.append(f"repeated ids (numbered again with #2, #3…): {_clip(shown)}")
    if duplicates:
        warnings.append(f"{duplicates} measures appear more than once in the text and were indexed once")
    return measures, warnings


SUB_ITEM_LEAD_CHARS = 60


def _with_sub_items(blocks: list[Block]):
    """Each block with its text and units. A sub-item takes its item's unit clause, which follows the
    last sub-item ("（2）…。（责任单位：…）") or the item's lead; an item that is only a lead ("严格项目准入。")
    becomes its sub-items' heading instead of a measure of its own."""
    parsed = [(block, _block_units(block)) for block in blocks]
    children: dict[str, list[int]] = {}
    for i, (block, _) in enumerate(parsed):
        if block.parent:
            children.setdefault(block.parent, []).append(i)
    if not children:
        return parsed
    out = []
    for i, (block, (body, roles, inferred)) in enumerate(parsed):
        kids = children.get(block.section) if not block.parent else None
        if kids:
            owners = [parsed[k][1][1] for k in reversed(kids)] + [roles]
            shared = next((r for r in owners if any(r.values())), roles)
            # The item's own heading sentence ("严格项目准入。") says what each sub-item is about.
            lead = body if len(body) <= SUB_ITEM_LEAD_CHARS else body.split("。")[0] + "。"
            for k in kids:
                kid, (kid_body, kid_roles, kid_inferred) = parsed[k]
                if len(lead) <= SUB_ITEM_LEAD_CHARS:
                    kid.subsection = "\n".join(x for x in (kid.subsection, lead) if x)
                parsed[k] = (kid, (kid_body, kid_roles if any(kid_roles.values()) else shared, kid_inferred))
            if len(body) <= SUB_ITEM_LEAD_CHARS:
                continue  # the lead is its sub-items' heading now
        out.append(i)
    return [parsed[i] for i in out]


# A part headed as the division of duties ("五、责任分工", "（三）部门职责") says who does what in its prose,
# as a regulation's article does: "区民政部门牵头做好…发放管理工作，负责…审定".
_DUTIES_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])?\s*"
                                r"(?:部门|工作|责任|职责)?(?:责任分工|职责分工|分工负责|工作职责|部门职责|职责)\s*[。.]?\s*$")


# A subsection line that is a short title, then its first paragraph: "（四）补贴发放。补贴资格审定合格的…",
# "（二）其他参保人员：个人缴费标准为每人549元…". The title names it; what follows is its text.
_TITLED_RE = re.compile(r"^([(（]\s*[一二三四五六七八九十百]+\s*[)）]\s*[^，,。；;：:、\s]{2,15}[。：:])\s*(\S.{7,})$")


def _titled_paragraph(block: Block) -> None:
    """A titled subsection with paragraphs below its line keeps its title as heading and takes the rest
    of the line as its text's first paragraph. Left as heading, the paragraph was never quoted: "补贴
    发放" answered "when is it paid?" with the paragraph after it (转账存入…), not "每月25日前"."""
    if not block.lines or block.parent or "\n" in block.subsection:
        return
    match = _TITLED_RE.match(block.subsection.strip())
    if match and block.section.endswith(")"):
        block.subsection = match.group(1)
        block.lines.insert(0, match.group(2))


def _block_units(block: Block) -> tuple[str, dict[str, list[str]], bool]:
    raw = "\n".join(block.lines).strip()
    body, roles = split_units(raw)
    if not body and block.subsection and not block.section[-1:].isdigit():
        # A heading-only subsection is itself the policy statement; its unit clause may sit on the heading.
        body, heading_roles = split_units(_heading_body(block.subsection))
        merge_roles(roles, heading_roles)
    elif body and not any(roles.values()):
        # A unit clause under a subsection's heading, before its items, serves each item that names
        # none: "（一）实行城镇落户“零门槛”。\n（市公安局牵头，市发展改革委配合）\n1. … 2. …".
        for heading in (block.subsection, block.chapter):
            heading_roles = split_units(heading)[1] if heading else {}
            if any(heading_roles.values()):
                roles = heading_roles
                break
    inferred = False
    if body and not any(roles.values()) and (block.section.endswith("条") or _DUTIES_HEADING_RE.search(
            block.subsection or block.chapter or "")):
        prose = units_in_prose(body)
        if prose["units"]:  # partners alone name nobody responsible
            roles, inferred = prose, True
    return body, roles, inferred


def _unstructured(lines: list[str], name: str) -> tuple[list[Measure], list[str]]:
    """A document none of the layouts above reads. Whatever it says must still be citable, so it is,
    in this order: a list numbered in any style (``①``, ``一是``, ``第一，``, ``（1）``, ``●``) that holds most
    of its text; its paragraphs and table rows; runs of its sentences."""
    total = sum(len(line) for line in lines)
    if total < MIN_DOCUMENT_CHARS:
        return [], []
    blocks = list_items(lines)
    listed = sum(len(line) for block in blocks for line in block.lines)
    if len(blocks) >= 2 and listed * 2 >= total:
        return _measures(blocks, name)
    if found := paragraphs(lines, name):
        return found, ["no numbering found: paragraphs and table rows are cited as 段1, 段2, …"]
    return sentence_runs(lines, name), ["no numbering or paragraphs found: runs of sentences are cited as "
                                         "段1, 段2, …"]


def _size_warning(lines: list[str], measures: list[Measure]) -> list[str]:
    text = sum(len(line) for line in lines)
    explained = sum(len(m.text) + len(m.heading_line) for m in measures)
    if text > 20_000 and text > MAX_UNEXPLAINED * explained:
        return [f"the text is {text / max(explained, 1):.0f} times longer than its {len(measures)} measures: "
                f"is it the right file, or the same document pasted several times?"]
    return []


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _heading_body(heading: str) -> str:
    match = SUBSECTION_RE.match(heading.split("\n", 1)[0])
    return match.group(2) if match else heading
