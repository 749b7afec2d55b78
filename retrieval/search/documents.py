"""Which documents a question names: by place (天河, Tianhe, 广州市) or by words of its title.

Every measure carries its document's metadata (title, place). With several documents in one
corpus, "天河区幼儿园几月报名?" must prefer the 天河 plan, and a question naming a place that no
document is about is not answered from another city's rule.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass

from retrieval.models import Measure
from retrieval.search.query import YEAR_RE
from retrieval.text.places import PLACE_SUFFIX_RE, place_variants

_TITLE_BRACKETS_RE = re.compile(r"[《》〈〉“”\"]")


@dataclass(frozen=True)
class DocumentInfo:
    name: str  # file stem: the document's stable id
    title: str
    short_title: str  # for citations: the title without the issuer's preamble
    places: tuple[str, ...]  # Chinese place names, full and short (广州市, 广州)
    years: tuple[str, ...] = ()  # the years its title names, else the year its text writes most (its plan year)


_ABOUT_RE = re.compile(r"(?:解读|问答|解答|答问|答记者问|图解)$")


def short_title(title: str) -> str:
    """The document's own name: 《…》 inside an issuing notice's title when there is one."""
    inner = re.findall(r"《([^》]{4,})》", title)
    if inner and not _ABOUT_RE.search(title):  # 《X》政策解读 is a page about X, not X
        return inner[-1]
    return _TITLE_BRACKETS_RE.sub("", title).strip()


def document_infos(measures: tuple[Measure, ...]) -> dict[str, DocumentInfo]:
    infos: dict[str, DocumentInfo] = {}
    written: dict[str, Counter] = {}
    for m in measures:
        written.setdefault(m.document, Counter()).update(YEAR_RE.findall(m.text))
    for m in measures:
        if m.document in infos:
            continue
        place = getattr(m, "place", "") or ""
        places = place_variants(place) if place else ()
        years = tuple(dict.fromkeys(YEAR_RE.findall(m.title or ""))) or \
            tuple(y for y, _ in written[m.document].most_common(1))
        infos[m.document] = DocumentInfo(m.document, m.title, short_title(m.title) or m.document, places, years)
    return infos


_QUALIFYING_YEAR_RE = re.compile(r"\b(?:the|its|this|that)\s+((?:19|20)\d\d)\b(?!\s*(?:yuan|rmb|元))"
                                 r"|((?:19|20)\d\d)'s\b|((?:19|20)\d\d)年(?:的|版)", re.IGNORECASE)


def named_documents(question: str, infos: dict[str, DocumentInfo], english_places: dict[str, tuple[str, ...]]
                    ) -> tuple[str, ...]:
    """Documents whose place or distinctive title the question names; () when it names none.

    A place several documents share (two 广州 documents) tells nothing on its own; the most
    specific place named wins (天河 over 广州).
    """
    if len(infos) < 2:
        return ()
    lowered = question.lower()
    best_len, chosen = 0, []
    for info in infos.values():
        names = list(info.places) + [w for p in info.places for w in english_places.get(p, ())]
        matched = [n for n in names if (re.search(rf"\b{re.escape(n.lower())}\b", lowered) if n.isascii() else n in question)]
        title = info.short_title
        if len(title) >= 6 and title in question:
            matched.append(title * 2)  # the whole title named: stronger than any place
        if not matched:
            continue
        length = max(len(n) for n in matched)
        if length > best_len:
            best_len, chosen = length, [info.name]
        elif length == best_len:
            chosen.append(info.name)
    # "the 2018 catalogue", "2025年的补贴": a year that qualifies what is asked about picks, among the
    # documents named so far (or all), those of that year. A year in the asker's own story ("we spent
    # 15,000 yuan in 2024", "2024年8月注册") names no document; among documents named by place or title
    # any year the question writes picks.
    years = set(YEAR_RE.findall(question)) if chosen else {y for found in _QUALIFYING_YEAR_RE.findall(question) for y in found if y}
    if years:
        dated = [name for name in (chosen or infos) if years & set(infos[name].years)]
        if dated and len(dated) < len(chosen or infos):
            chosen = dated
    return tuple(chosen) if len(chosen) < len(infos) else ()


def english_place_names(infos: dict[str, DocumentInfo], proper_names: dict[str, tuple[str, ...]]
                        ) -> dict[str, tuple[str, ...]]:
    """Chinese place → its English names: the dictionary's proper names (天河 → Tianhe), or the pinyin
    English writing uses for a place the dictionary lacks (a district, a county, a new town)."""
    wanted = {p for info in infos.values() for p in info.places}
    out: dict[str, list[str]] = {}
    for english, chinese in proper_names.items():
        for zh in chinese:
            if zh in wanted:
                out.setdefault(zh, []).append(english)
    for place in wanted - set(out):
        spelled = pinyin_names(place)
        if spelled:
            out[place] = list(spelled)
    return {k: tuple(v) for k, v in out.items()}


def pinyin_names(place: str) -> tuple[str, ...]:
    """A short place name (望湖, not 望湖区) as English writes it in pinyin ("wanghu"); () for a full
    name with its suffix, whose English adds "District", "County" (read from the short name then).
    Every reading of a character that has several: pypinyin reads 苕阳 "shaoyang", its people write
    "Tiaoyang" (as 六安 is Lu'an, 蚌埠 Bengbu); the first spelling is the commonest reading."""
    if PLACE_SUFFIX_RE.search(place) or not 2 <= len(place) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in place):
        return ()
    from itertools import islice, product

    from pypinyin import Style, pinyin

    readings = pinyin(place, style=Style.NORMAL, heteronym=True)
    spelled = ("".join(r) for r in islice(product(*readings), MAX_SPELLINGS))
    return tuple(dict.fromkeys(s for s in spelled if s.isascii() and len(s) >= 4))


# Readings of a name tried at most: four characters with two readings each is 16.
MAX_SPELLINGS = 16


def titled_documents(question: str, infos: dict[str, DocumentInfo], *, loose: bool = False) -> tuple[str, ...]:
    """The document whose title the question writes, whole or in good part: users drop the place, the
    issuer and "关于" (《北山市民政局关于做好高龄津贴发放工作的通知》 as 高龄津贴发放工作的通知). A run of
    at least six characters of the title's subject, and at least half of it; the closest one wins.
    ``loose``: any run of four characters will do (the question already points at "this notice")."""
    from difflib import SequenceMatcher

    text = _TITLE_BRACKETS_RE.sub("", question)
    scored = []
    for info in infos.values():
        title = info.short_title
        bare = next((title[len(p):] for p in sorted(info.places, key=len, reverse=True) if title.startswith(p)), title)
        subject = bare.rsplit("关于", 1)[-1]
        match = SequenceMatcher(None, text, subject, autojunk=False).find_longest_match(0, len(text), 0, len(subject))
        if (match.size >= 4 and loose) or (match.size >= 6 and match.size >= 0.5 * len(subject)):
            scored.append((match.size if loose else match.size / len(subject), info.name))
    if not scored:
        return ()
    best = max(score for score, _ in scored)
    return tuple(name for score, name in scored if score == best)


# A place as a text writes it: two or three characters and what kind of place it is (芦湾区, 璟湖街道).
_PLACE_IN_TEXT_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:特别行政区|自治区|自治州|自治县|新区|区|县|市|镇|乡|街道)")


@lru_cache(maxsize=8)  # the corpus's text is asked again for every question that names a foreign place
def spelled_places(text: str) -> frozenset[str]:
    """The pinyin of every place the text names ("luwan" for 芦湾区): an English question or answer
    writing "Luwan" names a place of the text, though the dictionary's Luwan is another (卢湾)."""
    return frozenset(n for m in _PLACE_IN_TEXT_RE.finditer(text) for n in pinyin_names(m.group(1)))
