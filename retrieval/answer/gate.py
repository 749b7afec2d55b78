"""The grounding gate: an LLM answer is shown only if what it states can be found in what it cites.

A small model's answer can be well-formed JSON with a real key and still be wrong: the context key
as the answer, another unit than the measure names, the prompt's placeholder as the quote, a year
it made up. The gate checks the answer against the cited measures and says why it refuses one:

- quotes: each verbatim in its measure after whitespace/punctuation normalisation (never replaced);
- echoes: no context key, placeholder, prompt wording or repeated text in the answer;
- facts: every unit, figure, date and place the answer (or a quote's translation) names occurs in
  the cited measures, units also by their English names.

It fails closed: what it cannot verify is not shown, and the offline answer is.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from retrieval.models import Measure
from retrieval.search.documents import spelled_places
from retrieval.text.textnorm import HAN_RE, en_stem, en_words
from retrieval.text.units import english_name

KEY_RE = re.compile(r"\[?\bS\d{1,2}\b\]?")
NUMBER_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")
MONTH_RE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                      r"December)\b")
MONTHS = {m: i for i, m in enumerate(("January February March April May June July August September October "
                                      "November December").split(), 1)}
NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                           "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                           "twenty".split())} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(w for w in NUMBER_WORDS if w not in ("zero", "one")) + r")\b", re.I)
# Chinese names of government bodies: a level, a core, a kind of body.
ZH_UNIT_RE = re.compile(r"(?:市|省|区|县|州)[\u4e00-\u9fff]{1,8}?(?:管委会|委员会|办公室|局|委|厅|政府)")
EN_UNIT_RE = re.compile(r"\b(?:[A-Z][\w&'-]*\s+(?:(?:and|of|for|the)\s+)*){1,7}"
                        r"(?:Bureau|Commission|Committee|Office|Department|Administration|Government)s?\b")
EN_PLACE_RE = re.compile(r"\b[A-Z][a-z]{2,}\b")
# Words a model uses to decline; as the text of an answer marked answerable they are a refusal in disguise.
REFUSAL_RE = re.compile(r"没有找到|无法回答|未提及|没有提及|没有提到|不能回答|无法确定|not answerable|cannot answer|"
                        r"can't answer|does not (?:answer|mention|say|specify|state)|no information|not (?:mentioned|"
                        r"specified|stated)|unable to (?:answer|find)", re.I)
PLACEHOLDER_RE = re.compile(r"^(?:answer|quote|key|text|string|none|null|n/?a|todo|xxx+|\.+|…+|答案|原文)$", re.I)
PERCENT_RE = re.compile(r"%|％|百分|percent", re.I)
_GENERIC_EN = {"municipal", "provincial", "of", "and", "the", "for", "citi", "city"}


@dataclass(frozen=True)
class Claim:
    """One citation as the model gave it: the measure its key resolved to, its quote and translation."""

    measure: Measure
    quote: str = ""
    translation: str = ""


@dataclass(frozen=True)
class GateResult:
    passed: bool
    reason: str = ""  # why it failed, short enough for the answer's note

    def __bool__(self) -> bool:
        return self.passed


PASSED = GateResult(True)


def normalise(text: str) -> str:
    """Width-folded, case-folded, without whitespace and punctuation: what "verbatim" compares."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


def measure_source(measure: Measure) -> str:
    """Everything a citation of this measure can vouch for: its document, place, headings, text, units."""
    parts = [measure.title, getattr(measure, "place", "") or "", measure.section, measure.chapter,
             measure.subsection, measure.text, "、".join(measure.units)]
    return unicodedata.normalize("NFKC", "\n".join(p for p in parts if p))


class Gate:
    """Checks an LLM answer against the measures it cites; built per question with what the model saw."""

    def __init__(self, known_units: Iterable[str] = (), names: Mapping[str, str] | None = None,
                 prompt_texts: Sequence[str] = (), refusal: str = "") -> None:
        self._units = sorted(set(known_units), key=lambda u: (-len(u), u))  # ties by name, not by set order
        self._names = names or {}
        self._refusal = refusal
        self._prompt_parts = [p for text in prompt_texts for p in _prompt_fragments(text)
                              if normalise(p) and normalise(p) not in normalise(refusal)]

    def check(self, answer: str, claims: Sequence[Claim], *, require_quotes: bool, language: str = "",
              expects: Iterable[str] = ()) -> GateResult:
        """``expects``: what the question asks for ("percentage", "figure", "unit"), which the answer must give."""
        claims = list(claims)
        if not claims:
            return GateResult(False, "cites nothing from the context")
        for check in (lambda: self._echoes(answer), lambda: _language(answer, claims, language),
                      lambda: self._quotes(claims, require_quotes), lambda: self._facts(answer, claims, require_quotes),
                      lambda: self._expected(answer, set(expects))):
            result = check()
            if not result:
                return result
        return PASSED

    # -- echoes ----------------------------------------------------------------------------------
    def _echoes(self, answer: str) -> GateResult:
        plain = normalise(answer)
        if not plain or PLACEHOLDER_RE.match(answer.strip()) or PLACEHOLDER_RE.match(plain):
            return GateResult(False, "the answer is a placeholder")
        if KEY_RE.search(answer):
            return GateResult(False, "the answer repeats a context key")
        if REFUSAL_RE.search(answer) or (self._refusal and normalise(self._refusal) in plain):
            return GateResult(False, "a refusal given as an answer")
        if repeated(plain):
            return GateResult(False, "the answer repeats itself")
        for part in self._prompt_parts:
            if normalise(part) in plain:
                return GateResult(False, "the answer echoes the prompt")
        return PASSED

    # -- quotes ----------------------------------------------------------------------------------
    def _quotes(self, claims: Sequence[Claim], require: bool) -> GateResult:
        for claim in claims:
            quote = normalise(claim.quote)
            if not quote:
                if require:
                    return GateResult(False, f"no quote from {claim.measure.section}")
                continue
            if len(quote) < 4 or quote not in normalise(measure_source(claim.measure)):
                return GateResult(False, f"a quote is not in {claim.measure.section}")
            if any(normalise(p) in quote for p in self._prompt_parts):
                return GateResult(False, "a quote echoes the prompt")
        return PASSED

    # -- facts -----------------------------------------------------------------------------------
    def _expected(self, answer: str, expects: set[str]) -> GateResult:
        if "percentage" in expects and not PERCENT_RE.search(answer):
            return GateResult(False, "the question asks for a percentage the answer does not give")
        if "figure" in expects and not re.search(r"\d", answer) and not NUMBER_WORD_RE.search(answer):
            return GateResult(False, "the question asks for a figure the answer does not give")
        if "unit" in expects and not self._names_a_unit(answer):
            return GateResult(False, "the question asks who, and the answer names no unit")
        return PASSED

    def _names_a_unit(self, answer: str) -> bool:
        folded = answer.casefold()
        return bool(ZH_UNIT_RE.search(answer) or EN_UNIT_RE.search(answer) or any(
            u in answer or (english_name(u, self._names) or "\0").casefold() in folded for u in self._units))

    def _facts(self, answer: str, claims: Sequence[Claim], quoted: bool = False) -> GateResult:
        """Units and places must be in the cited measures; figures in the quotes when there are quotes
        (the evidence shown), else in the measures."""
        source = "\n".join(measure_source(c.measure) for c in claims)
        evidence = "\n".join(unicodedata.normalize("NFKC", "\n".join(
            (c.quote, c.measure.section, c.measure.title, c.measure.chapter, c.measure.subsection)))
            for c in claims) if quoted else source
        stated = unicodedata.normalize("NFKC", "\n".join([answer] + [c.translation for c in claims if c.translation]))
        cited_units = {u for c in claims for u in c.measure.units}
        # How many measures are cited is a figure the answer may state ("responsible for 4 measures").
        problem = (self._units_named(stated, source, cited_units) or _figures_named(stated, evidence, len(claims))
                   or _dates_named(stated, source) or _places_named(stated, source))
        return GateResult(False, problem) if problem else PASSED

    def _units_named(self, stated: str, source: str, cited: set[str]) -> str | None:
        allowed = cited | {u for u in self._units if u in source}
        text = stated
        for unit in self._units:
            forms = [unit] + ([unit[1:]] if unit.startswith("市") and len(unit) > 3 else [])
            english = english_name(unit, self._names)
            named = any(f in text for f in forms) or (english and english.casefold() in text.casefold())
            if named and unit not in allowed:
                return f"names {unit}, which the cited measures do not"
            for form in forms:
                text = text.replace(form, " ")
        for match in ZH_UNIT_RE.finditer(text):
            name = match.group(0)
            if not any(name[i:] in source for i in range(len(name) - 2)):
                return f"names {name}, which the cited measures do not"
        allowed_en = [_name_stems(english_name(u, self._names) or "") for u in allowed]
        for match in EN_UNIT_RE.finditer(stated):
            stems = _name_stems(match.group(0))
            if stems and not any(stems <= names for names in allowed_en if names):
                if not _followed_by_chinese_in(stated, match.end(), source):
                    return f"names “{match.group(0)}”, which the cited measures do not"
        return None


def _language(answer: str, claims: Sequence[Claim], language: str) -> GateResult:
    """An English question gets an English answer and English translations (quotes stay Chinese)."""
    if language != "en":
        return PASSED
    for text, what in [(answer, "the answer")] + [(c.translation, "a translation") for c in claims]:
        if len(HAN_RE.findall(text)) > len(re.findall(r"[A-Za-z]", text)):
            return GateResult(False, f"{what} is not in English")
    return PASSED


def _figures_named(stated: str, source: str, cited: int = 0) -> str | None:
    allowed = numbers_in(source) | {str(cited)}
    numbers = [n.replace(",", "") for n in NUMBER_RE.findall(KEY_RE.sub(" ", stated))]
    numbers += [str(NUMBER_WORDS[w.lower()]) for w in NUMBER_WORD_RE.findall(stated)]
    for number in numbers:
        if _canonical(number) not in allowed:
            return f"states {number}, which the cited measures do not"
    return None


def _dates_named(stated: str, source: str) -> str | None:
    for month in MONTH_RE.findall(stated):
        if f"{MONTHS[month]}月" not in source:
            return f"states {month}, which the cited measures do not"
    return None


def _places_named(stated: str, source: str) -> str | None:
    import jieba.posseg as pseg

    from retrieval.text.bridge import proper_names

    for token in pseg.lcut(stated):
        if token.flag == "ns" and len(token.word) >= 2 and token.word not in source:
            return f"names {token.word}, which the cited measures do not"
    names = proper_names()
    for word in EN_PLACE_RE.findall(stated):
        if word in MONTHS:  # checked as dates
            continue
        chinese = names.get(word.lower())
        if chinese and not any(c in source for c in chinese) and word.lower() not in spelled_places(source):
            return f"names {word}, which the cited measures do not"
    return None


def numbers_in(source: str) -> set[str]:
    """Every number in the source, plus 万/亿 amounts in English units (2000万 → 20 million)."""
    found = {_canonical(n.replace(",", "")) for n in NUMBER_RE.findall(source)}
    for value, unit in AMOUNT_RE.findall(source):
        yuan = float(value) * (1e4 if unit == "万" else 1e8)
        found |= {_canonical(f"{yuan / scale:f}") for scale in (1, 1e3, 1e6, 1e9)}
    return found


def _canonical(number: str) -> str:
    try:
        return f"{float(number):g}" if float(number) < 1e15 else number
    except ValueError:
        return number


def repeated(plain: str, adjacent: int = 6, distant: int = 20) -> bool:
    """A phrase said twice in a row, or a long stretch said twice anywhere: a model in a loop."""
    if re.search(r"(.{%d,})\1" % adjacent, plain):
        return True
    seen = set()
    for i in range(len(plain) - distant + 1):
        window = plain[i:i + distant]
        if window in seen:
            return True
        seen.add(window)
    return False


def _name_stems(name: str) -> frozenset[str]:
    return frozenset(en_stem(w) for w in en_words(name, keep_stopwords=True) if w.lower() not in _GENERIC_EN)


def _followed_by_chinese_in(stated: str, end: int, source: str) -> bool:
    """"Bureau of X (市X局)": the Chinese name in parentheses was already checked against the source."""
    match = re.match(r"\s*[(（]([^)）]{2,20})[)）]", stated[end:])
    return bool(match and match.group(1) in source)


def _prompt_fragments(text: str) -> list[str]:
    """The template's own wording, without its {variables}: pieces long enough to be an echo."""
    fixed = re.sub(r"\{[^{}]*\}", "\n", text)
    return [p.strip() for p in re.split(r"[\n。；;:：!?！？]|\.\s", fixed) if len(normalise(p)) >= 12]
