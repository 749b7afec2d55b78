"""A plan laid out as one task table in its main text (序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限),
its parts as rows spanning the table ("二、健全分类投放体系"). Each numbered row is one measure: the
rows are rewritten as the numbered items and unit lines the plan parser reads, so row 8 under 三、 is 三8.

A table without a unit column (a standards table) is data, not a list of tasks, and is left as it is.
"""
from __future__ import annotations

from retrieval.ingest.annex import NUMBER_COLUMNS, TITLE_COLUMNS, column_role, row_number, cells_of
from retrieval.ingest.unit_tags import ROLE_WORDS

_ROLE_LABELS = {"lead": "牵头单位", "support": "配合单位", "units": "责任单位"}


def task_table_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    header: list[str] | None = None
    for line in lines:
        if " | " not in line:
            out.append(line)  # a part's row ("二、…"), or the text around the table
            continue
        cells = cells_of(line)
        if _is_task_header(cells):
            header = cells
            continue
        if header is not None and len(cells) > len(header):
            header = None  # a wider table: the task table has ended
        if header is None or len(cells) != len(header):
            out.append(line)
            continue
        number = row_number(cells[:1])
        if number is None:  # a row continuing the task above (its number cell spans both)
            out.append(" ".join(c for c in cells if c))
            continue
        out.extend(_row_as_item(header, cells, number))
    return out


def _is_task_header(cells: list[str]) -> bool:
    return cells[0] in NUMBER_COLUMNS and any(column_role(c) for c in cells[1:]) and len(cells) >= 3


def _row_as_item(header: list[str], cells: list[str], number: str) -> list[str]:
    text: list[str] = []
    units: list[str] = []
    extra: list[str] = []
    for column, cell in zip(header[1:], cells[1:]):
        if not cell:
            continue
        role = column_role(column)
        if role:
            label = column if column in ROLE_WORDS else _ROLE_LABELS[role]
            units.append(f"{label}：{cell}")
        elif column in TITLE_COLUMNS or not text or any(word in column for word in ("措施", "内容", "任务", "举措", "目标")):
            text.append(cell)  # the task's title (the first column after 序号) and what it does
        else:
            extra.append(f"{column}：{cell}")  # 完成时限：2025年9月底前
    first = "：".join(text[:2]) + ("\n" + "\n".join(text[2:]) if text[2:] else "")
    return [f"{number}. {first}", *extra, *units]
