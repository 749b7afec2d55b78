"""Sections named in English: "Part Three, item 2", "item (3) under point six", "Article 18", "Annex 1, row 6".

An English reader names a Chinese document's parts with words of their own (part, chapter, point,
item) and numbers written as digits, words, ordinals or roman numerals. The words do not say which
numbering the document uses: "Part Three, item 2" is 三(二) in a plan with subsections, 三2 in one
whose items sit under the chapter, 第三部分二 where chapters restart under each part. Every reading
is kept; the corpus has one of them (search scores only ids that exist).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.text.sections import int_to_cn, cn_to_int

_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split()

# How deep each word names a part: 0 a chapter (一、), 1 a subsection (（一）), 2 an item (1.).
# "section" and "point" name a document's top level as often as not: "point six" of a notice is 六、.
# ("paragraph 2" and "question 3" name a prose page's 段2 and a FAQ's 问3: query.py reads those.)
_LEVELS = {"part": 0, "chapter": 0, "section": 0, "point": 1, "subsection": 1, "item": 2, "clause": 2,
           "measure": 1, "row": 2, "article": -1, "annex": -2, "attachment": -2, "appendix": -2}
_LEVEL_WORD = r"(?P<level>part|chapter|section|subsection|point|item|clause|measure|row|article|annex|attachment|appendix)s?"
_NUMBER = (rf"(?P<number>\d{{1,3}}|\(\s*\d{{1,2}}\s*\)|[(（]?[一二三四五六七八九十]{{1,3}}[)）]?|"
           rf"(?:{'|'.join(_WORDS)})\b|(?-i:{'|'.join(sorted(_ROMAN, key=len, reverse=True))})\b)")
_NAMED_RE = re.compile(rf"\b{_LEVEL_WORD}\s*(?:no\.?\s*)?{_NUMBER}", re.I)
_ORDINAL_RE = re.compile(rf"\b(?P<ordinal>{'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))\s+{_LEVEL_WORD}\b", re.I)
# "item 3 of Part Two", "item (3) under point six": the part named second holds the first.
_INSIDE_RE = re.compile(r"^\s*(?:,\s*)?(?:of|under|in|within|from)\b(?:\s+the)?\s*$", re.I)


@dataclass(frozen=True)
class _Named:
    level: int
    number: int
    bracketed: bool  # "(3)": a subsection's own way of writing its number
    start: int
    end: int


def _number(text: str) -> tuple[int, bool] | None:
    bracketed = text.strip().startswith(("(", "（"))
    bare = text.strip("()（） ")
    if bare.isdigit():
        return int(bare), bracketed
    if bare.lower() in _WORDS:
        return _WORDS.index(bare.lower()) + 1, bracketed
    if bare in _ROMAN:
        return _ROMAN.index(bare) + 1, bracketed
    value = cn_to_int(bare)
    return (value, bracketed) if value else None


def _mentions(question: str) -> list[_Named]:
    found = []
    for match in _NAMED_RE.finditer(question):
        read = _number(match.group("number"))
        if read:
            found.append(_Named(_LEVELS[match.group("level").lower()], *read, match.start(), match.end()))
    for match in _ORDINAL_RE.finditer(question):
        ordinal = match.group("ordinal").lower()
        number = int(ordinal[:-2]) if ordinal[0].isdigit() else _ORDINALS.index(ordinal) + 1
        found.append(_Named(_LEVELS[match.group("level").lower()], number, False, match.start(), match.end()))
    return sorted(found, key=lambda n: n.start)


def _outer_first(question: str, named: list[_Named]) -> list[_Named]:
    """The mentions from the outermost part in: by their words' depth, and where two words name the
    same depth, "X of Y" puts Y outside."""
    if len(named) == 2:
        first, second = named
        joined = question[first.end:second.start]
        if _INSIDE_RE.match(joined) and second.level <= first.level:
            return [second, first]
        if first.level <= second.level:
            return [first, second]
        return [second, first]
    return sorted(named, key=lambda n: n.level)


def english_sections(question: str) -> list[str]:
    """Every id an English question may name by words, most literal reading first."""
    named = _mentions(question)
    if not named:
        return []
    annex = next((n for n in named if n.level == -2), None)
    article = next((n for n in named if n.level == -1), None)
    if article:  # an article's items are no ids of their own: the article is cited
        return [f"第{int_to_cn(article.number)}条"]
    if annex:
        rows = [n for n in named if n is not annex]
        return [f"附件{annex.number}-{n.number}" for n in rows[:1]] + [f"附件-{n.number}" for n in rows[:1]] + \
            [f"附件{annex.number}"]
    named = _outer_first(question, named[:3])
    if len(named) == 1:
        one = named[0]
        if one.level == 0:
            return [int_to_cn(one.number), f"第{int_to_cn(one.number)}部分"]
        if one.level == 1 and one.bracketed:
            return []  # "(三)" alone names no chapter: the question's other words must find it
        return [str(one.number)]
    outer, inner = named[0], named[1]
    a, b = int_to_cn(outer.number), int_to_cn(inner.number)
    readings = [f"{a}({b})", f"{a}{inner.number}", f"第{a}部分{b}"]
    if inner.bracketed:  # "(3)" is a subsection's number; "3" may be an item's
        readings.remove(f"{a}{inner.number}")
    if len(named) == 3:
        readings = [f"{a}({b}){named[2].number}", f"第{a}部分{b}({int_to_cn(named[2].number)})"] + readings
    return readings
