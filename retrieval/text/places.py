"""A document's own place: its written variants, and texts with them made neutral for the vectors.

Every measure of a Guangzhou notice is about Guangzhou, so its name says nothing about which of the
notice's measures answers a question; in a vector it only shifts the measures that happen to write it
(a quoted title, a heading borrowed from the document's title) by some hundredths of cosine, and
which city it is shifts them differently: renaming the seed's city changed three answers. Which
document a question is about is decided from the place by name (the document ranking), not by
vectors. So a measure's vector reads 本市 for its document's own city (本区 for its district), as the
text itself does elsewhere, and a question's vector is taken without the corpus's place names.
"""
from __future__ import annotations

import re
from typing import Iterable

# Administrative suffixes: "广州市" is also written "广州", "天河区" also "天河".
PLACE_SUFFIX_RE = re.compile(r"(?:特别行政区|自治区|自治州|自治县|新区|市|区|县|省|镇|街道)$")
_PART_RE = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|新区|市|区|县|省)")
# The word a document uses for its own place, by the level the place's name ends in.
_OWN = (("特别行政区", "本区"), ("自治区", "本区"), ("自治州", "本州"), ("自治县", "本县"), ("新区", "本区"),
        ("市", "本市"), ("区", "本区"), ("县", "本县"), ("省", "本省"))


def place_variants(place: str) -> tuple[str, ...]:
    """广州市天河区 → (广州市天河区, 广州市, 广州, 天河区, 天河)."""
    parts = _PART_RE.findall(place) or [place]
    out = [place]
    for part in parts:
        out.append(part)
        short = PLACE_SUFFIX_RE.sub("", part)
        if len(short) >= 2:
            out.append(short)
    return tuple(dict.fromkeys(p for p in out if p))


def own_word(place: str) -> str:
    """本市 for a city, 本区 for a district (the most specific part of the name decides); "" if unknown."""
    parts = _PART_RE.findall(place)
    last = parts[-1] if parts else place
    return next((word for suffix, word in _OWN if last.endswith(suffix)), "")


def neutral_names(place: str) -> dict[str, str]:
    """Each written variant of ``place`` (two characters or more) → the word for one's own place at its
    level: 广州市天河区 → {广州市天河区: 本区, 天河区: 本区, 天河: 本区, 广州市: 本市, 广州: 本市}."""
    out: dict[str, str] = {}
    for part in _PART_RE.findall(place) or [place]:
        word = own_word(part)
        short = PLACE_SUFFIX_RE.sub("", part)
        for variant in (part, short):
            if word and len(variant) >= 2:
                out.setdefault(variant, word)
    word = own_word(place)
    if word and len(place) >= 2:
        out[place] = word
    return out


def neutral(text: str, names: dict[str, str]) -> str:
    """``text`` with each name replaced by its neutral word, longest names first (广州市 before 广州)."""
    if not names or not any(n in text for n in names):
        return text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], text)


def without_names(text: str, names: Iterable[str]) -> str:
    """``text`` without the given place names, Chinese or English (with an English possessive: "Tianhe's")."""
    names = sorted(names, key=len, reverse=True)
    if not names:
        return text
    latin = [n for n in names if n.isascii()]
    han = [n for n in names if not n.isascii()]
    if han:
        text = re.sub("|".join(re.escape(n) for n in han), "", text)
    if latin:
        text = re.sub(r"\b(?:" + "|".join(re.escape(n) for n in latin) + r")(?:['’]s)?\b", "", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
