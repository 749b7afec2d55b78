"""Chinese abbreviations of longer terms: 公租房 for 公共租赁住房, 人社局 for 人力资源社会保障局.

Readers write the short form, documents the full one. A short form keeps the first and the last
character of the full term and some characters between, in order; that is how these abbreviations
are made, so no list of them is needed.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

MIN_SHORT = 3  # two-character forms (低保) match too much by this rule…
MAX_FULL = 12
# …but one is made another way too: the first characters of a four-character term's two words
# (产检 for 产前检查, 医保 for 医疗保险), and that is read.
PAIR_FULL = 4


class Abbreviations:
    """Expands a word missing from a corpus into the corpus's terms it abbreviates."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._by_pair: dict[str, list[str]] = defaultdict(list)
        for word in vocabulary:
            if MIN_SHORT < len(word) <= MAX_FULL:
                self._by_ends[(word[0], word[-1])].append(word)
            if len(word) == PAIR_FULL:
                self._by_pair[word[0] + word[2]].append(word)

    def expand(self, short: str) -> list[str]:
        """The terms ``short`` abbreviates."""
        if len(short) == 2:
            return list(self._by_pair.get(short, ()))
        if len(short) < MIN_SHORT:
            return []
        return [w for w in self._by_ends.get((short[0], short[-1]), ())
                if len(w) > len(short) and _in_order(short, w)]


def _in_order(short: str, full: str) -> bool:
    rest = iter(full)
    return all(ch in rest for ch in short)
