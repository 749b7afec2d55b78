"""A 政策汇编: one page holding several policies, each under its own title and 文号, each numbered from
第一条 or 一、 again. Read as one document their ids collide (two 第四条) and the later policies run into the
last article of the first, so each becomes a document of its own."""
from __future__ import annotations

import re

from retrieval.ingest.metadata import DOC_NUMBER_RE, DOCUMENT_KINDS

# A policy's title on a line of its own: short, no sentence punctuation, ending in a kind of document
# ("…实施细则", "…若干措施（试行）").
_TITLE_RE = re.compile(rf"^[^，。；：:,;！？!?]{{4,58}}(?:{'|'.join(DOCUMENT_KINDS)})(?:[（(][^）)]{{1,6}}[）)])?$")
# Its 文号 alone on a following line, perhaps in brackets.
_NUMBER_LINE_RE = re.compile(rf"^[（(]?\s*(?:{DOC_NUMBER_RE.pattern})\s*[）)]?$")
_ANNEX_RE = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?$")
# The first numbered line of a policy's text.
_START_RE = re.compile(r"^(?:第\s*[一1]\s*[章条]|[一1]\s*[、．.])")
_NUMBER_LOOKAHEAD = 3  # lines between a title and its 文号 (an issuer or a date may come first)
_START_LOOKAHEAD = 12  # lines between a title and its first numbered line (文号, issuer, date, preamble)
MIN_PARTS = 2


def split_policies(text: str) -> list[str]:
    """The texts of the policies a page compiles, each from its title on; ``[text]`` for a page holding
    one policy. What comes before the first policy (the compilation's title, foreword and 目录) is left out:
    it only lists the policies that follow."""
    lines = text.splitlines()
    starts = [i for i in range(len(lines)) if _opens_policy(lines, i)]
    if len(starts) < MIN_PARTS:
        return [text]
    ends = starts[1:] + [len(lines)]
    return ["\n".join(lines[a:b]) for a, b in zip(starts, ends)]


def _opens_policy(lines: list[str], i: int) -> bool:
    """A title line followed by its 文号 and then by the policy's first numbered line; not the title of an
    annex (附件 handles those) nor a line of a 目录 (a title with no 文号 below it)."""
    if not _TITLE_RE.match(lines[i].strip()):
        return False
    before = [x.strip() for x in lines[max(0, i - 2):i] if x.strip()]
    if before and _ANNEX_RE.match(before[-1]):
        return False
    after = [x.strip() for x in lines[i + 1:i + 1 + _START_LOOKAHEAD] if x.strip()]
    if not any(_NUMBER_LINE_RE.match(x) for x in after[:_NUMBER_LOOKAHEAD]):
        return False
    return any(_START_RE.match(x) for x in after)
