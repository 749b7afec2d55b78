"""Text laid out on printed pages: running heads, and lines broken wherever the page was full.

A PDF's extracted text, or a 公报 saved as plain text, keeps the page's furniture: the bulletin's name
at the top of every page, a column label such as "地方性法规", and a line break at the right margin in
the middle of a word ("停\\n放"), a number ("三\\n十日") or a year ("20\\n25年"). Left in, the heads end
up inside measures and the breaks split words for search and figures for answers.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Mapping

# A short line seen on this many pages is a running head or foot, not text.
MIN_RUNNING = 3
MAX_RUNNING_CHARS = 40
# Lines this wide (display columns) or wider are candidates for a fixed right margin.
MIN_WRAP_COLUMNS = 24
# The margin is the most common width of the long lines when this many of them (and this share) share it.
MIN_AT_MARGIN = 8
MIN_MARGIN_SHARE = 0.25
MARGIN_SLACK = 2  # columns: a line that ends in a half-width digit or letter stops a column short
# A sentence or clause that ends at the margin ends the paragraph too.
PARAGRAPH_END_RE = re.compile(r"[。！？；：:;!?][”’」』）)]?$")
# A clause closed by its bracket ("…（责任单位：市商务局）") before the next item ("4.试点…", "（四）…")
# ends its paragraph though it reached the margin.
CLAUSE_CLOSED_RE = re.compile(r"[）)]$")
ITEM_START_RE = re.compile(r"^(?:\d{1,2}\s*[.．、](?!\d)|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十百]+条)")
LEADERS_RE = re.compile(r"(?:…|\.{3}|·{3})")  # a table of contents' dot leaders
TABLE_ROW = " | "


def columns(line: str) -> int:
    """Display width: CJK characters and full-width forms take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def drop_running_heads(lines: list[str], *, keep_first: int = 5) -> list[str]:
    """Without the short lines repeated on many pages (a bulletin's name, "地方性法规"). An occurrence in
    the first ``keep_first`` lines stays: there it is the document's own heading."""
    counts = Counter(lines)
    heads = {line for line, n in counts.items() if n >= MIN_RUNNING and 4 <= len(line) <= MAX_RUNNING_CHARS
             and not line.endswith(("：", ":")) and TABLE_ROW not in line
             # the same unit clause under several items ("（责任单位：市科技局）") is text, not a head
             and not line.endswith(("。", "；", "）", ")")) and "单位：" not in line}
    if not heads:
        return lines
    return [line for i, line in enumerate(lines) if line not in heads or i < keep_first]


def margin(lines: list[str], printed: Mapping[str, int] | None = None, *, in_characters: bool = False) -> int | None:
    """The right margin the text was broken at, in columns, or None when its lines are paragraphs.
    ``printed``: each line's width as it was printed, when its characters have been changed since.
    ``in_characters``: count characters instead of display columns (a text broken after so many
    characters, digits included)."""
    printed = printed or {}
    if in_characters:
        widths, shortest = [len(line) for line in lines if TABLE_ROW not in line], MIN_WRAP_COLUMNS // 2
    else:
        widths = [printed.get(line) or columns(line) for line in lines if TABLE_ROW not in line]
        shortest = MIN_WRAP_COLUMNS
    long = [w for w in widths if w >= shortest]
    if not long:
        return None
    width, _ = Counter(long).most_common(1)[0]
    # Neighbouring widths count too: a line with half-width digits ends a column short or over.
    at = sum(1 for w in long if abs(w - width) <= 1)
    if at < MIN_AT_MARGIN or at < MIN_MARGIN_SHARE * len(long):
        return None
    return max(w for w in long if abs(w - width) <= 1)


def unwrap(lines: list[str], printed: Mapping[str, int] | None = None) -> list[str]:
    """Lines broken at a fixed right margin joined again: a line that reaches the margin without
    ending its sentence or clause goes on in the next line."""
    printed = printed or {}
    right = margin(lines, printed)
    # A text broken after so many characters, whatever their width (digits included), has a margin
    # in characters instead.
    right_chars = margin(lines, in_characters=True)
    if right is None and right_chars is None:
        return lines
    out: list[str] = []
    carry = False
    for line in lines:
        if carry and out and not (ITEM_START_RE.match(line) and CLAUSE_CLOSED_RE.search(out[-1])):
            out[-1] += line
        else:
            out.append(line)
        full = (right is not None and (printed.get(line) or columns(line)) >= right - MARGIN_SLACK) or \
            (right_chars is not None and abs(len(line) - right_chars) <= 1)  # longer: a paragraph, unbroken
        carry = (full and not PARAGRAPH_END_RE.search(line)
                 and not LEADERS_RE.search(line) and TABLE_ROW not in line)
    return out
