"""Annexes (附件): their own part of a document, cited as ``附件2`` or, for a numbered table row, ``附件2-10``.

A task-division table (分工表: 序号 | 工作事项 | … | 牵头单位 | 配合单位) names the main text's measures by
their titles; each row's units are attached to the measure it names.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from retrieval.ingest.unit_tags import ROLE_WORDS, ordered_units, split_names
from retrieval.models import Measure

_NUM = "一二三四五六七八九十"
# "附件2", "附件 2：标题", "附件二" alone on a line starts an annex, and so does a plan's "附表" (its
# task table); "附件：1.…" only lists them, and "附件1.docx" is a download link.
ANNEX_RE = re.compile(rf"^附\s*([件表])\s*(\d{{1,2}}|[{_NUM}]{{1,3}})?\s*(?:[:：.．、\s]\s*(.*))?$")
ANNEX_LIST_RE = re.compile(r"^附\s*[件表]\s*[:：]")
FILE_RE = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|zip|rar|ofd|jpg|png)\b", re.IGNORECASE)
# A draft's 起草说明 after its text ("关于《X办法（征求意见稿）》的起草说明"): its own part, numbered 一、 again,
# cited with its name before the ids (起草说明三(二)) since it explains the text rather than being part of it.
EXPLANATION_RE = re.compile(r"^(?:关于)?(?:《[^》]{2,60}》)?(?:的)?(起草说明|编制说明|修订说明)$")
# "附：《X条例》修订对照表": the old and new text side by side, its rows cited 对照表-5.
COMPARISON_RE = re.compile(r"^(?:附\s*[:：]?\s*)?(?:《[^》]{2,60}》)?(?:修订|修改|新旧)?(对照表)$")
LISTED_RE = re.compile(r"^\d{1,2}\s*[.．、]\s*\S.{0,78}$")  # "2.关于…任务分工表" in the 附件： list
ROW_NUMBER_RE = re.compile(r"^(\d{1,3})(?:[.．、]\D|$)")
TITLE_COLUMNS = ("工作事项", "工作任务", "重点任务", "主要任务", "任务", "事项", "工作内容", "内容", "措施")


@dataclass
class Annex:
    label: str  # 附件2
    lines: list[str] = field(default_factory=list)


@dataclass
class AnnexRow:
    section: str  # 附件2-10
    lines: list[str]
    cells: list[list[str]]  # each sub-row's cells


def annex_label(line: str) -> str | None:
    """The label of an annex heading line, or None."""
    if explained := EXPLANATION_RE.match(line) or COMPARISON_RE.match(line):
        return explained.group(1)
    match = ANNEX_RE.match(line)
    if not match or FILE_RE.search(line):
        return None
    number = match.group(2) or ""
    if number and not number.isdigit():
        from retrieval.text.sections import cn_to_int

        number = str(cn_to_int(number))
    rest = match.group(3) or ""
    if rest and len(rest) > 60:  # a sentence that starts with 附件, not a heading
        return None
    return f"附{match.group(1)}{number}"


def split_annexes(lines: list[str]) -> tuple[list[str], list[Annex]]:
    """Main text lines, and the annexes after it. The "附件：1.… 2.…" list itself (and download links)
    is dropped; any other line after the list is the main text again (a list may sit mid-document)."""
    main: list[str] = []
    annexes: list[Annex] = []
    listing = False
    for line in lines:
        label = None if ANNEX_LIST_RE.match(line) else annex_label(line)
        if label and (annexes or listing or _looks_like_heading(line)):
            annexes.append(Annex(label))
            listing = False
            rest = (found := ANNEX_RE.match(line)) and found.group(3)
            if rest:
                annexes[-1].lines.append(rest)
        elif annexes:
            annexes[-1].lines.append(line)
        elif ANNEX_LIST_RE.match(line):
            listing = True
        elif listing and (LISTED_RE.match(line) or FILE_RE.search(line) or line.startswith("附件")):
            continue
        else:
            listing = False
            main.append(line)
    return main, [a for a in annexes if a.lines]


def is_explanation(label: str) -> bool:
    """A part named by what it is (起草说明, 对照表), not numbered as an annex: every id in it carries the
    name (an annex's number only where ids would collide)."""
    return not label.startswith("附")


def _looks_like_heading(line: str) -> bool:
    return len(line) <= 40 or bool(EXPLANATION_RE.match(line) or COMPARISON_RE.match(line))


def cells_of(line: str) -> list[str]:
    return [c.strip() for c in line.split(" | ")]


def annex_rows(annex: Annex) -> tuple[list[str], list[AnnexRow], list[str]]:
    """An annex's table: (header cells, numbered rows, lines below the table). Rows without a number
    continue the one above; a 注： or 联系人 line after the table speaks of the whole table, not its last row."""
    header: list[str] = []
    rows: list[AnnexRow] = []
    notes: list[str] = []
    for line in annex.lines:
        if " | " not in line:
            if rows:  # a table's rows are one line each: what follows them speaks of the whole table
                notes.append(line)
            continue
        cells = cells_of(line)
        if rows and TOTAL_RE.match(cells[0]):
            # 合计 | 1578.87: the table's total, not its last row's; its figures stand under the last
            # columns (the label spans the others), so "奖补金额（万元）" writes it 奖补金额1578.87万元.
            values = _with_units(header[len(header) - len(cells) + 1:], cells[1:], cells[1:]) \
                if 1 < len(cells) <= len(header) else cells[1:]
            notes.append(" | ".join([cells[0], *values]))
            continue
        number = row_number(cells)
        if number is None and not rows:
            if not header and (any(column_role(c) for c in cells) or any(c in TITLE_COLUMNS for c in cells)
                               or cells[0] in NUMBER_COLUMNS):
                header = cells
            continue
        if number is not None and (not rows or rows[-1].section != f"{annex.label}-{number}"):
            rows.append(AnnexRow(f"{annex.label}-{number}", [], []))
        row = rows[-1]
        shown = _drop_repeated(cells, row.cells[-1] if row.cells else [])
        row.cells.append(cells)
        row.lines.append(" | ".join(_with_units(header, cells, shown)))
    if not rows:
        return _rows_in_order(annex)
    return header, rows, notes


MIN_ORDERED_ROWS = 2


def _rows_in_order(annex: Annex) -> tuple[list[str], list[AnnexRow], list[str]]:
    """A table with no number column (修订前 | 修订后): its rows counted in order under its first row, when
    every row has as many cells as that header. Lines after the table's first row are its notes."""
    first = next((i for i, line in enumerate(annex.lines) if " | " in line), None)
    if first is None:
        return [], [], []
    table = [cells_of(line) for line in annex.lines[first:] if " | " in line]
    notes = [line for line in annex.lines[first:] if " | " not in line]
    if len(table) < MIN_ORDERED_ROWS + 1 or any(len(cells) != len(table[0]) for cells in table):
        return [], [], notes
    header = table[0]
    rows = [AnnexRow(f"{annex.label}-{n}", [" | ".join(_with_units(header, cells, cells))], [cells])
            for n, cells in enumerate(table[1:], start=1)]
    return header, rows, notes


NUMBER_COLUMNS = ("序号", "编号", "序", "No.", "NO.")
TOTAL_RE = re.compile(r"^(?:合\s*计|总\s*计|共\s*计|总\s*额)\s*[:：]?$")
# A column whose header carries the unit ("购房补贴（万元）", "期限（月）"): its cells are bare figures.
_HEADER_UNIT_RE = re.compile(r"^(.+?)\s*[(（]\s*([^()（）]{1,6})\s*[)）]\s*$")
_BARE_FIGURE_RE = re.compile(r"^\d+(?:\.\d+)?$")
_SPOKEN_UNITS = {"月": "个月", "人": "人", "个": "个"}


def _with_units(header: list[str], cells: list[str], shown: list[str]) -> list[str]:
    """A bare figure under a header that names its unit is written with it ("购房补贴（万元）" over 200 →
    "购房补贴200万元"): the row then states the amount, as the text would, and a question's 200万元 finds it."""
    offset = len(cells) - len(shown)
    out = []
    for i, cell in enumerate(shown):
        column = header[i + offset] if i + offset < len(header) and len(header) == len(cells) else ""
        unit = _HEADER_UNIT_RE.match(column)
        if unit and _BARE_FIGURE_RE.match(cell):
            out.append(f"{unit.group(1)}{cell}{_SPOKEN_UNITS.get(unit.group(2), unit.group(2))}")
        else:
            out.append(cell)
    return out


def row_number(cells: list[str]) -> str | None:
    for cell in cells[:2]:
        match = ROW_NUMBER_RE.match(cell)
        if match:
            return match.group(1)
    return None


def _drop_repeated(cells: list[str], previous: list[str]) -> list[str]:
    """A continuation row repeats its rowspanned leading cells; show them once."""
    start = 0
    while start < len(cells) and start < len(previous) and cells[start] == previous[start]:
        start += 1
    return cells[start:] or cells


def column_role(cell: str) -> str | None:
    for word, role in ROLE_WORDS.items():
        if cell.startswith(word) or cell == word[:2]:
            return role
    return None


def row_roles(header: list[str], row: AnnexRow) -> dict[str, list[str]]:
    """Units by role from a task-table row's 牵头单位 / 配合单位 / 责任单位 columns."""
    roles: dict[str, list[str]] = {"units": [], "lead": [], "support": []}
    columns = [(i, column_role(h)) for i, h in enumerate(header) if column_role(h)]
    for cells in row.cells:
        for i, role in columns:
            if i < len(cells):
                roles[role].extend(n for n in split_names(cells[i]) if n not in roles[role])
    # A unit that leads one content row and helps in another is a lead unit of the task.
    roles["support"] = [n for n in roles["support"] if n not in roles["lead"]]
    return roles


def row_title(header: list[str], row: AnnexRow) -> str:
    """The task's title as the row writes it (工作事项), to find the measure it names."""
    first = row.cells[0]
    for name in TITLE_COLUMNS:
        if name in header and header.index(name) < len(first):
            return first[header.index(name)]
    return first[1] if len(first) > 1 else ""


def annex_measures(annexes, name: str, main: list[Measure]) -> list[Measure]:
    """Each annex as its own part: numbered table rows as 附件N-n, else the annex as 附件N."""
    out: list[Measure] = []
    for annex in annexes:
        header, rows, notes = annex_rows(annex)
        heading = f"{annex.label} {annex.lines[0]}" if annex.lines else annex.label
        if not rows:
            body = "\n".join(annex.lines[1:]) or annex.lines[0]
            out.append(Measure(document=name, title="", section=annex.label, chapter=heading, subsection="",
                               text=body))
            continue
        if notes:  # the table's notes and total are the annex's own words, cited as the annex
            total = any(TOTAL_RE.match(cells_of(n)[0]) for n in notes)
            out.append(Measure(document=name, title="", section=annex.label, chapter=heading, subsection="",
                               text="\n".join(([" | ".join(header)] if total and header else []) + notes)))
        for row in rows:
            roles = row_roles(header, row)
            out.append(Measure(document=name, title="", section=row.section, chapter=heading, subsection="",
                               text="\n".join(row.lines), units=tuple(ordered_units(roles)),
                               lead_units=tuple(roles["lead"]), support_units=tuple(roles["support"])))
            if any(roles.values()):
                _attach(main, row_title(header, row), roles)
    return out


def _attach(main: list[Measure], title: str, roles: dict[str, list[str]]) -> None:
    """A task-table row names a measure by its title: the measure without units of its own gets them."""
    key = re.sub(r"[\s。.；;，,]", "", title)
    if len(key) < 3:
        return
    for i, m in enumerate(main):
        if re.sub(r"[\s。.；;，,]", "", m.text).startswith(key) and not m.units:
            main[i] = dataclasses.replace(m, units=tuple(ordered_units(roles)), lead_units=tuple(roles["lead"]),
                                          support_units=tuple(roles["support"]))
            return
