"""Plain text of a policy document → its title and its measures.

Two layouts are understood:
- work plans: chapters ``一、``, subsections ``(一)``/``（一）``, items ``1.``/``1、``/``（1）``;
- regulations: ``第一章`` chapters and ``第一条`` articles.
Full-width and half-width punctuation are both accepted; section ids are always written with
half-width parentheses, as readers cite them: ``三(四)``, ``三(三)2``, ``第五条``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from retrieval.models import Document, Measure

log = logging.getLogger(__name__)

CN_NUM = "一二三四五六七八九十百零〇两"
CHAPTER_RE = re.compile(rf"^([{CN_NUM}]+)\s*[、．.]\s*(.*)$")
SUBSECTION_RE = re.compile(rf"^[(（]\s*([{CN_NUM}]+)\s*[)）]\s*(.*)$")
ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$")
PAREN_ITEM_RE = re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*(.*)$")
ARTICLE_CHAPTER_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*章\s*(.*)$")
ARTICLE_RE = re.compile(rf"^第\s*([{CN_NUM}\d]+)\s*条\s*(.*)$")
# Everything from the editor's byline on is page furniture (related articles, dates).
TRAILER_RE = re.compile(r"^(责任编辑|编辑[:：]|相关阅读|相关文章|相关新闻)")

ROLE_WORDS = {"责任单位": "units", "责任部门": "units", "牵头单位": "lead", "牵头部门": "lead",
              "配合单位": "support", "配合部门": "support"}
_ROLES = "|".join(ROLE_WORDS)
# Unit names may hold one level of brackets of their own: 各区（市）县政府, 市委组织部（市人才办）.
UNIT_CLAUSE_RE = re.compile(rf"[(（]\s*((?:{_ROLES})\s*[:：](?:[^()（）]|[(（][^()（）]*[)）])*)[)）]")
UNIT_LINE_RE = re.compile(rf"^((?:{_ROLES})\s*[:：].*)$")
ROLE_PART_RE = re.compile(rf"({_ROLES})\s*[:：]\s*([^;；]*)")
UNIT_SPLIT_RE = re.compile(r"[、,，/\s]+")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


class NoMeasuresError(ValueError):
    """The text has no recognisable measure structure."""


def cn_to_int(numeral: str) -> int:
    """Chinese numerals up to the hundreds (十三 → 13, 二十 → 20); Arabic digits pass through."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(char, 0)
    return total + current


def int_to_cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)


def normalize_section(text: str) -> str:
    """A section id as typed by a user (full-width brackets, spaces, 、) → the canonical form."""
    text = text.strip().replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    text = re.sub(rf"^([{CN_NUM}]+)[、.．]", r"\1", text)
    text = re.sub(r"(\d+)[.．、]$", r"\1", text)
    return text


def in_section(section: str, wanted: str) -> bool:
    """三(二)1 is in 三(二) (an item of the named subsection) and in 三(二)1 itself."""
    return section == wanted or (section.startswith(wanted) and section[len(wanted):].isdigit())


def parse_units(clause: str) -> dict[str, list[str]]:
    """``责任单位:市科技局、市卫生计生委`` / ``牵头单位:A;配合单位:B`` → units by role."""
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    for role_word, names in ROLE_PART_RE.findall(clause):
        for name in UNIT_SPLIT_RE.split(names.strip(" 。.")):
            name = name.strip(" 。.:：")
            if name and name not in roles[ROLE_WORDS[role_word]]:
                roles[ROLE_WORDS[role_word]].append(name)
    return roles


def split_units(text: str) -> tuple[str, dict[str, list[str]]]:
    """Remove the responsible-unit clause(s) from a measure's text and return them parsed."""
    clauses = UNIT_CLAUSE_RE.findall(text)
    body = UNIT_CLAUSE_RE.sub("", text)
    kept_lines = []
    for line in body.split("\n"):
        match = UNIT_LINE_RE.match(line.strip())
        if match:
            clauses.append(match.group(1))
        else:
            kept_lines.append(line)
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    for clause in clauses:
        for role, names in parse_units(clause).items():
            roles[role].extend(n for n in names if n not in roles[role])
    return "\n".join(kept_lines).strip(), roles


@dataclass
class _Block:
    """A piece of text under construction: a subsection body, an item, an article."""

    section: str
    chapter: str
    subsection: str
    lines: list[str] = field(default_factory=list)


def _clean_lines(text: str) -> list[str]:
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().strip("\u3000\ufeff\u200b")
        if not line:
            continue
        if TRAILER_RE.match(line):
            break
        lines.append(line)
    return lines


def _chapter_id(numeral: str) -> str:
    return int_to_cn(cn_to_int(numeral))


def _parse_plan(lines: list[str]) -> tuple[list[str], list[_Block]]:
    """Work-plan layout. Returns the lines before the first heading, and the blocks."""
    first_chapter = next((cn_to_int(m.group(1)) for line in lines if (m := CHAPTER_RE.match(line))), None)
    # Text that starts mid-document (a scraped tail) belongs to the chapter before the first heading seen.
    chapter_id = _chapter_id_from_int(first_chapter - 1) if first_chapter and first_chapter > 1 else ""
    chapter_heading = ""
    subsection_id, subsection_heading = "", ""
    prelude: list[str] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    started = False
    sub_blocks: list[_Block] = []  # blocks of the current subsection, to fold its body in
    item_style = ""  # "dot" (1.) or "paren" ((1)): the first one seen under a heading numbers the measures

    def open_block(section: str) -> _Block:
        block = _Block(section, chapter_heading, subsection_heading)
        blocks.append(block)
        sub_blocks.append(block)
        return block

    for line in lines:
        if m := CHAPTER_RE.match(line):
            started = True
            chapter_id, chapter_heading = _chapter_id(m.group(1)), line
            subsection_id, subsection_heading = "", ""
            sub_blocks = []
            item_style = ""
            current = None
        elif m := SUBSECTION_RE.match(line):
            started = True
            subsection_id = f"({_chapter_id(m.group(1))})"
            subsection_heading = line
            sub_blocks = []
            item_style = ""
            current = open_block(chapter_id + subsection_id)
        elif (m := ITEM_RE.match(line) or PAREN_ITEM_RE.match(line)) and started:
            style = "dot" if ITEM_RE.match(line) else "paren"
            if item_style and style != item_style and current is not None:
                # (1) under an item 1. is an enumeration inside that item, not a measure of its own.
                current.lines.append(line)
                continue
            item_style = style
            number = str(int(m.group(1)))
            body_block = sub_blocks[0] if sub_blocks and not sub_blocks[0].section[-1:].isdigit() else None
            if body_block is not None and not body_block.lines:
                # The subsection's heading stands alone; its items are the measures.
                blocks.remove(body_block)
                sub_blocks.remove(body_block)
            elif body_block is not None:
                # A lead-in paragraph before the items reads as part of the subsection's heading.
                blocks.remove(body_block)
                sub_blocks.remove(body_block)
                subsection_heading = subsection_heading + "\n" + "\n".join(body_block.lines)
            current = open_block(chapter_id + subsection_id + number)
            current.lines.append(m.group(2))
        elif not started:
            prelude.append(line)
        else:
            if current is None:
                current = open_block(chapter_id)
            current.lines.append(line)
    return prelude, blocks


def _chapter_id_from_int(number: int) -> str:
    return int_to_cn(number)


def _parse_articles(lines: list[str]) -> tuple[list[str], list[_Block]]:
    """Regulation layout: 第X章 chapters, 第X条 articles; enumerations inside an article stay in it."""
    chapter_heading = ""
    prelude: list[str] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    for line in lines:
        if ARTICLE_CHAPTER_RE.match(line):
            chapter_heading = line
            current = None
        elif m := ARTICLE_RE.match(line):
            section = f"第{int_to_cn(cn_to_int(m.group(1)))}条"
            current = _Block(section, chapter_heading, "")
            blocks.append(current)
            if m.group(2):
                current.lines.append(m.group(2))
        elif current is None:
            if not blocks and not chapter_heading:
                prelude.append(line)
        else:
            current.lines.append(line)
    return prelude, blocks


def parse_text(text: str, name: str, *, source: str = "") -> Document:
    """Parse a document's plain text; raise NoMeasuresError when nothing citable is found."""
    lines = _clean_lines(text)
    if not lines:
        raise NoMeasuresError("the document is empty")
    articles = sum(1 for line in lines if ARTICLE_RE.match(line))
    prelude, blocks = _parse_articles(lines) if articles >= 2 else _parse_plan(lines)
    title = prelude[0] if prelude else name
    measures: list[Measure] = []
    seen: dict[str, int] = {}
    for block in blocks:
        raw = "\n".join(block.lines).strip()
        body, roles = split_units(raw)
        if not body and block.subsection and not block.section[-1:].isdigit():
            # A heading-only subsection is itself the policy statement; its unit clause may sit on the heading.
            body, heading_roles = split_units(_heading_body(block.subsection))
            for role, names in heading_roles.items():
                roles[role].extend(n for n in names if n not in roles[role])
        if not body:
            continue
        section = block.section or "正文"
        seen[section] = seen.get(section, 0) + 1
        if seen[section] > 1:
            section = f"{section}#{seen[section]}"
        units = roles["units"] + [u for u in roles["lead"] + roles["support"] if u not in roles["units"]]
        measures.append(Measure(
            document=name, title=title, section=section, chapter=block.chapter,
            subsection=block.subsection, text=body, units=tuple(units),
            lead_units=tuple(roles["lead"]), support_units=tuple(roles["support"]),
            order=len(measures)))
    if not measures:
        raise NoMeasuresError("no numbered measures, subsections or articles were found")
    log.debug("parsed %s: %d measures", name, len(measures))
    return Document(name=name, title=title, measures=tuple(measures), source=source)


def _heading_body(heading: str) -> str:
    match = SUBSECTION_RE.match(heading.split("\n", 1)[0])
    return match.group(2) if match else heading
