"""Does the corpus answer this question? Signals, weighed by a small model fitted on question sets.

No one cosine threshold separates the cases, so several signals are computed and combined by a
logistic regression fitted on development questions over several documents
(``benchmarks/fit_answerability.py`` refits it; the coefficients ship in
``answerability_model.json`` with the documents they were fitted on):

1. Lookups: a section id or (for task lists) a unit named in the question is answered by lookup.
2. Missing subject: a place or a year the question names that the best measures never mention.
3. Type against content: "how much money" needs an amount in the measure, "how long" a duration,
   "when" a date. Measures often *mention* a reward without saying how large it is.
4. Coverage: the share of the question's informative words the best measures contain, each word
   weighted by its information in general language (wordfreq).
5. Retrieval strength: the raw cosine of the best measure, and how clearly it leads.
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrieval.answer.compose import pick_quote, quote_terms
from retrieval.models import Hit, Measure
from retrieval.search.hybrid import WHOLE_TEXT_EFFECT, LexicalIndex, Prepared, QueryTerms, abbreviations
from retrieval.search.documents import spelled_places
from retrieval.search.query import YEAR_RE
from retrieval.text.figures import has_kind
from retrieval.text.textnorm import en_stem, en_words, in_dictionary, zh_tokens
from retrieval.text.units import english_name

log = logging.getLogger(__name__)

_PLACE_TAGS = ("ns",)
# Levels of government, not places: 镇街 (towns and streets), 本市, 各区, 外省, 户籍地 name no place.
_GENERIC_PLACE_RE = re.compile(r"(?:本|全|各|外|异|该|当|此|其他|所在|户籍|居住|原)?[省市县区镇乡村街道社州盟旗]+(?:地)?|"
                               r"本地|外地|异地|当地|户籍地|居住地|内地|境外|省外|市外")
# Words by which enterprises describe themselves and ask for help ("we are a small tech company,
# what subsidies can we get?"): they say who asks and that support is wanted, not what about.
APPLICANT_EN = frozenset("""i we us our my me company companies firm firms business businesses enterprise
enterprises startup startups start sme smes small medium micro tech technology high-tech high run own owner
founder founders team kind sort available offer offers offered can could get""".split())
SUPPORT_EN = frozenset("""support supports subsidy subsidies grant grants reward rewards incentive incentives
benefit benefits money funding funds fund help assistance policy policies preferential""".split())
APPLICANT_ZH_RE = re.compile(r"^(我们|我|一家|这家|公司|企业|小微|中小|中小微|初创|创业|科技|科技型|高新|高新技术|能|可以|"
                             r"申请|享受|获得|得到|.*(企业|公司))$")
# One word or a compound of them as jieba cuts it (优惠政策, 扶持资金).
SUPPORT_ZH_RE = re.compile(r"^(?:补助|补贴|奖励|支持|扶持|资助|优惠|政策|资金|帮助|哪些|什么)+$")
# Asking words (多少, 多长时间, 几折, 哪个, 是否, …) and the asker's own situation (我们, 我爸, 今年):
# a measure is never written with them, so they count for no question's coverage.
ASKING_ZH_RE = re.compile(r"多少|多长|多久|多大|多高|几|哪|什么|怎么|怎样|如何|是否|能否|可否|有无|吗|呢")
ASKER_ZH_RE = re.compile(r"^(?:我|咱|你|您)|^(?:今年|去年|明年|现在|目前|今天|刚刚|已经|请问)$")
# In a question about who does a measure, a unit's role (牵头, 配合单位, "partner units") says which units
# are wanted, as 哪个 does: unit clauses are not part of a measure's text, so no measure is written with it.
UNIT_ROLE_ZH = frozenset({"牵头", "配合", "协办", "主责", "承办", "主办", "责任"})
UNIT_ROLE_EN = frozenset({"lead", "leading", "partner", "partners", "supporting", "cooperating", "co", "organising",
                          "organizing", "responsible", "unit", "units", "department", "departments"})


def topic_words(question: str, language: str) -> list[str]:
    """What a support question is about once the asker and the asking are set aside; [] if general."""
    if language == "en":
        return [w for w in en_words(question) if w not in APPLICANT_EN and w not in SUPPORT_EN]
    return [t for t in zh_tokens(question) if not APPLICANT_ZH_RE.match(t) and not SUPPORT_ZH_RE.match(t)]


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    coverage: float
    dense: float
    reason: str  # for logs
    gap: str | None = None  # what is missing, for the user: amount, percentage, number, date, contact, …
    detail: str = ""  # the place or year the document never mentions
    probability: float = 1.0  # the model's probability that the corpus answers the question
    signals: dict = field(default_factory=dict)  # the model's inputs, for logs and refitting
    bands: tuple[float, float] = (0.15, 0.95)  # at or below / at or above: settled (the model's own)

    @property
    def confident(self) -> bool:
        """Sure either way: a lookup, a probability far from the threshold, or a refusal that knows what
        the documents lack (a place, a year, the kind of figure asked for). The LLM is neither asked
        against a confident refusal nor allowed to overturn a confident answer."""
        if not self.answerable and self.gap:
            return True
        return self.probability <= self.bands[0] or self.probability >= self.bands[1]


@lru_cache(maxsize=65536)
def information(word: str, language: str) -> float:
    """How much a word says, from its general-language frequency (Zipf scale 0–8)."""
    from retrieval.text.frequency import zipf_frequency  # wordfreq's values, memoised on disk

    zipf = zipf_frequency(word, language)
    if zipf == 0 and language == "en":
        return 1.5  # unknown to English at large: most likely a typo, which says little either way
    return max(0.3, 7.0 - zipf)


def coverage(lex: LexicalIndex, terms: QueryTerms, doc: int, *, support: bool = False,
             places: frozenset[str] = frozenset()) -> float | None:
    """Information-weighted share of the question's content words found in one measure.

    None when the question has no content words left (a general "what can we get?").
    """
    if terms.info.language == "en":
        return _combine(_coverage_en(lex, terms, doc, support),
                        _coverage_zh(lex, terms, doc, support, own=True, places=places))
    return _combine(_coverage_zh(lex, terms, doc, support, places=places))


def asks_nothing(prepared: Prepared) -> bool:
    """No content words: the question only asks (由哪个部门负责?, 多少钱?, "How much?"), as ``judge`` reads it."""
    return bool(prepared.snapshot.measures) and coverage(prepared.lex, prepared.terms, 0) is None


def _combine(*parts: tuple[float, float]) -> float | None:
    found = sum(p[0] for p in parts)
    total = sum(p[1] for p in parts)
    return found / total if total else None


def heading_coverage(prepared: Prepared, heading: str) -> float | None:
    """Information-weighted share of the question's words that a heading alone carries: whether a
    question is about everything under the heading, not about one of its items.

    Counted as for a measure, with an English word found when one of its Chinese senses is there."""
    lex, terms = prepared.lex, prepared.terms
    places = prepared.snapshot.derived("places", _place_words)
    if terms.info.language == "en":
        return _combine(_coverage_en(lex, terms, heading, False), _coverage_zh(lex, terms, heading, False, own=True,
                                                                               places=places))
    return _combine(_coverage_zh(lex, terms, heading, False, places=places))


def _coverage_zh(lex: LexicalIndex, terms: QueryTerms, doc: int | str, support: bool,
                 own: bool = False, places: frozenset[str] = frozenset()) -> tuple[float, float]:
    """(found, total) information of the Chinese words; ``own``: only those typed in the question,
    not the ones bridged from its English words. Documents' place names are left out: every measure
    of a document "contains" its place, so naming it says nothing about the measure (which document
    the question is about is its own signal). So are the asking words and the asker's own situation
    (多长时间, 几折, 我爸, 今年): they say what kind of answer is wanted and who wants it, and no measure
    is written with them. ``doc``: a measure's row, or a text of its own (a heading)."""
    candidates = zh_tokens(terms.info.text) if own else terms.zh
    # Unit names are matched by the unit lookup; here they would make "市科技局的电话" look covered.
    asking = [t for t in candidates if ASKING_ZH_RE.search(t) or ASKER_ZH_RE.search(t)
              or (terms.info.asks_who and t in UNIT_ROLE_ZH)]
    words = {t for t in candidates if len(t) >= 2 and not t.isdigit() and not any(t in u for u in terms.units)
             and not (support and APPLICANT_ZH_RE.match(t)) and t not in places
             and not any(t in a for a in asking)}  # 多长时间's pieces 长时间, 时间 ask too
    if not words:
        return 0.0, 0.0
    # Only the longest pieces count: jieba also emits the parts of compounds (临床医学 → 医学); a
    # compound the measure lacks is still covered in part by the pieces it has (优待证 by 优待).
    longest = {t for t in words if not any(t != o and t in o for o in words)} or words
    if isinstance(doc, str):
        doc_terms, text = _title_terms(doc), doc
    else:
        measure = lex.measures[doc]
        doc_terms, text = lex.zh_docs[doc], measure.retrieval_text
        title = measure.borrowed_title or (measure.title.strip("《》") if _about_whole_text(lex, doc) else "")
        if title:
            # A measure too short to name its subject ("承诺时限 | 10个工作日") is about the document's title; so is
            # the clause saying when the whole text takes effect ("本办法自印发之日起施行"), which "本办法" names.
            doc_terms, text = doc_terms | _title_terms(title), text + "\n" + title
    total = found = 0.0
    for word in longest:
        weight = information(word, "zh")
        total += weight
        if word in doc_terms or word in text or _parts_in(word, doc_terms) or \
                any(full in doc_terms for full in abbreviations(lex).expand(word)) or _glued_in(word, text):
            found += weight
        else:
            pieces = [p for p in words if p != word and p in word and p in doc_terms]
            found += weight * _share_covered(word, pieces)
    return found, total


# jieba glues a modal or a "most" to the verb after it in spoken questions (要罚, 被查, 能补, 最多补):
# the verb is the word, and the text writes it in its own compounds (罚款, 检查, 补贴).
_GLUED_PREFIX_RE = re.compile(r"^(?:最多|最高|最少|至少|一共|要|被|能|会|可|就|都|也|还|再|才|去|来|让|给|把|将|多)+")


def _glued_in(word: str, text: str) -> bool:
    """A token jieba made up (no dictionary word: 可以, 就业, 要求 are words) whose verb the text has."""
    rest = _GLUED_PREFIX_RE.sub("", word)
    return bool(rest) and rest != word and rest in text and not in_dictionary(word)


@lru_cache(maxsize=1024)
def _title_terms(title: str) -> frozenset[str]:
    return frozenset(zh_tokens(title))


def _share_covered(word: str, pieces: list[str]) -> float:
    """The share of a word's characters that the given pieces of it cover."""
    covered = set()
    for piece in pieces:
        start = word.find(piece)
        covered.update(range(start, start + len(piece)))
    return len(covered) / len(word)


def _parts_in(word: str, doc_terms: frozenset[str]) -> bool:
    """A compound the measure spells in pieces (科技创新券 vs 科技 + 创新券) still counts."""
    return len(word) >= 4 and any(word[:cut] in doc_terms and word[cut:] in doc_terms
                                  for cut in range(2, len(word) - 1))


def _coverage_en(lex: LexicalIndex, terms: QueryTerms, doc: int | str, support: bool) -> tuple[float, float]:
    unit_words = {w for u in terms.units for w in en_words(english_name(u) or "")}
    ignored = unit_words | (APPLICANT_EN if support else frozenset()) | (UNIT_ROLE_EN if terms.info.asks_who else frozenset())
    words = [w for w in dict.fromkeys(en_words(terms.info.text)) if not w.isdigit() and w not in ignored]
    total = found = 0.0
    for word in words:
        stem = en_stem(word)
        weight = information(word, "en")
        total += weight
        bridged = lex.bridge.to_chinese([stem], per_word=6)
        if isinstance(doc, str):
            found += weight if any(t in doc for t in bridged) else 0.0
        elif stem in lex.en_docs[doc] or any(t in lex.zh_docs[doc] for t in bridged) or \
                (_about_whole_text(lex, doc) and any(t in lex.measures[doc].title for t in bridged)):
            found += weight
    return found, total


def _about_whole_text(lex: LexicalIndex, doc: int) -> bool:
    """The measure says when the whole text takes effect: the question's words of its title are its words."""
    return float(lex.states_effect[doc]) == WHOLE_TEXT_EFFECT


def _missing_place(question: str, language: str, corpus_text: str) -> str | None:
    """A place the question names that the corpus never mentions (沈阳, Shenyang)."""
    if language == "zh":
        import jieba.posseg as pseg

        for token in pseg.lcut(question):
            if token.flag in _PLACE_TAGS and len(token.word) >= 2 and not _GENERIC_PLACE_RE.fullmatch(token.word) \
                    and token.word not in corpus_text and _is_place_name(token.word):
                return token.word
        return None
    from retrieval.text.bridge import proper_names

    names = proper_names()
    spelled = None
    for word in re.findall(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]{2,}\b", question):
        chinese = names.get(word.lower())
        if chinese and not any(c in corpus_text for c in chinese):
            spelled = spelled_places(corpus_text) if spelled is None else spelled
            if word.lower() not in spelled:  # "Jinghu" is the text's 璟湖, not the dictionary's 镜湖
                return word
    return None


_PLACE_NAME_SUFFIX_RE = re.compile(r"(?:省|市|区|县|州|镇|乡|村|旗|盟|街道|新区|开发区|高新区)$")


def _is_place_name(word: str) -> bool:
    """jieba tags some verbs and nouns as places (上路, "to set off"): a place is written with its
    suffix (沈阳市, 天河区) or is one the dictionary names as a place (沈阳, 巴黎)."""
    if _PLACE_NAME_SUFFIX_RE.search(word):
        return True
    from retrieval.text.bridge import chinese_place_names

    return word in chinese_place_names()


def _quote(prepared: Prepared, measure: Measure) -> str:
    return measure.subsection + "\n" + pick_quote(measure, prepared.info, quote_terms(prepared), 1)


def _place_words(snapshot) -> frozenset[str]:
    from retrieval.search.documents import document_infos

    return frozenset(p for info in document_infos(snapshot.measures).values() for p in info.places)


def _dominant_years(snapshot) -> dict[str, str]:
    """Each document's most written year (its plan year, usually)."""
    years: dict[str, Counter] = {}
    for m in snapshot.measures:
        years.setdefault(m.document, Counter()).update(YEAR_RE.findall(m.title or "") * 3 + YEAR_RE.findall(m.text))
    return {doc: count.most_common(1)[0][0] for doc, count in years.items() if count}




MODEL_PATH = Path(__file__).with_name("answerability_model.json")


@dataclass(frozen=True)
class AnswerabilityModel:
    """Logistic regression over named signals; ``threshold`` on its probability decides.

    With ``mean``/``scale`` the signals are standardised first, and with ``pairs`` the products of every
    two standardised signals are inputs too: a missing figure matters when a figure is asked, a low
    coverage less for English, and a linear model alone cannot say "only when"."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    version: str = ""
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    pairs: bool = False
    # Probabilities at or beyond which the verdict is settled, from the fit: at or above confident_yes
    # nearly every question left out of fitting was answerable, at or below confident_no few were.
    confident_no: float = 0.15
    confident_yes: float = 0.95

    def inputs(self, signals: dict[str, float]) -> list[float]:
        x = [float(signals.get(f, 0.0)) for f in self.features]
        if self.mean:
            x = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale)]
        if self.pairs:
            x = x + [x[i] * x[j] for i in range(len(x)) for j in range(i + 1, len(x))]
        return x

    def probability(self, signals: dict[str, float]) -> float:
        z = self.intercept + sum(c * v for c, v in zip(self.coef, self.inputs(signals)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "AnswerabilityModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), tuple(data["coef"]), float(data["intercept"]),
                   float(data.get("threshold", 0.5)), str(data.get("version", "")),
                   tuple(data.get("mean", ())), tuple(data.get("scale", ())), bool(data.get("pairs", False)),
                   float(data.get("confident_no", 0.15)), float(data.get("confident_yes", 0.95)))


@lru_cache(maxsize=1)
def default_model() -> AnswerabilityModel:
    return AnswerabilityModel.load()


def _best(hits: list[Hit]) -> list[Measure]:
    """The measures an answer would cite: the best one and a near-tie."""
    return [hits[0].measure] + [h.measure for h in hits[1:2] if h.score >= 0.9 * hits[0].score]


def missing_kind(wanted: str | None, measures: list[Measure]) -> str | None:
    """The kind of content the question wants that none of ``measures`` has (None: nothing missing)."""
    if wanted is None:
        return None
    text = "\n".join(m.subsection + "\n" + m.text for m in measures)
    return None if has_kind(wanted, text) else wanted


def prefer_figures(prepared: Prepared, hits: list[Hit]) -> list[Hit]:
    """For "how much / how long / when", a close runner-up that has the kind of content asked for moves first.

    Only the top three, and only a runner-up within reach of the best: the measure that answers a
    "how much" question is near the top, and many far ones name some sum.
    """
    wanted = prepared.info.wanted
    if not hits or wanted is None:
        return hits
    top = hits[0].score
    for i, hit in enumerate(hits[:3]):
        if hit.score < 0.7 * top:
            break
        if missing_kind(wanted, [hit.measure]) is None:
            return [hit] + hits[:i] + hits[i + 1:] if i else hits
    return hits


def prefer_units(hits: list[Hit], tagged: frozenset[str]) -> list[Hit]:
    """For "which department is in charge", a close runner-up of the same document that names a
    responsible unit moves before a best hit that names none: in a regulation the answer is the article
    saying "市医疗保障行政部门主管本市长护险工作", while 适用范围 shares more of the question's words.

    Not in a document whose measures mostly carry unit clauses (``tagged``): there a measure
    without one has none, and its neighbour's unit is not the answer.
    Reached further than ``prefer_figures``: a unit named is rarer in a measure than a figure, so it
    says more about which measure answers."""
    if not hits or hits[0].measure.units or hits[0].measure.document in tagged:
        return hits
    top, document = hits[0].score, hits[0].measure.document
    for i, hit in enumerate(hits[1:5], start=1):
        if hit.score < 0.6 * top:
            break
        if hit.measure.units and hit.measure.document == document:
            return [hit] + hits[:i] + hits[i + 1:]
    return hits


def signals(prepared: Prepared, hits: list[Hit], *, support: bool = False) -> tuple[dict[str, float], str | None, str]:
    """The model's inputs for one question and its hits, with the gap a refusal would name."""
    info, lex, terms = prepared.info, prepared.lex, prepared.terms
    best = _best(hits)
    best_text = "\n".join(m.retrieval_text for m in best)
    corpus_text = prepared.snapshot.derived("fulltext", lambda s: "\n".join(m.retrieval_text for m in s.measures))
    gap, detail = None, ""
    place = _missing_place(info.text, info.language, corpus_text)
    place_best = place or _missing_place(info.text, info.language, best_text)
    if place_best:
        gap, detail = "place", place_best
    # A year is missing when the best measures never name it and it is not their document's own year
    # (a 2018 work plan answers "2018年要…" without writing 2018 in every measure).
    dominant = prepared.snapshot.derived("years", _dominant_years).get(best[0].document)
    year = next((y for y in info.years if y != dominant and y not in (best[0].title or "")
                 and not any(y in m.content_text for m in best)), None)
    if year and not gap:
        gap, detail = "year", year
    kind_gap = missing_kind(info.wanted, best)
    if kind_gap and not gap:
        gap = kind_gap
    # The kind asked for must stand in the sentences that match the question, not anywhere in the
    # measure: a measure about rent subsidies naming some other sum does not say how large they are.
    quote_gap = info.wanted is not None and not has_kind(info.wanted, _quote(prepared, best[0]))
    position = prepared.position
    places = prepared.snapshot.derived("places", _place_words)
    scores = [coverage(lex, terms, position[h.measure.id], support=support, places=places) for h in hits[:3]]
    phrases = lex.bridge.dictionary_phrases(list(info.en_stems)) if info.language == "en" else []
    # A dictionary term of several words ("housing provident fund" → 住房公积金) the text lacks is a
    # concept missing, even when each word alone is covered somewhere.
    phrase_missing_best = any(not any(h in best_text for h in heads) for heads in phrases)
    phrase_missing = any(not any(h in corpus_text for h in heads) for heads in phrases)
    general = scores[0] is None
    cov = 0.0 if general else max(s or 0.0 for s in scores)
    cov1 = 0.0 if general else (scores[0] or 0.0)
    cosines = [float(h.signals.get("cosine", 0.0)) for h in hits[:3]]
    # The best measure's sentence closest to the question: a long measure's own vector is an average.
    sentence = float(hits[0].signals.get("sentence", 0.0)) or cosines[0]
    # What the question alone earns: a follow-up's boost to its conversation's document is no evidence.
    evidence = [float(h.signals.get("evidence", h.score)) for h in hits[:2]]
    top, second = evidence[0], (evidence[1] if len(evidence) > 1 else 0.0)
    other_doc = bool(prepared.documents) and hits[0].measure.document not in prepared.documents
    values = {
        "coverage": cov, "coverage_top1": cov1, "cosine": max(cosines), "sentence": sentence, "share": _share(prepared, hits),
        "lead": (top - second) / top if top > 0 else 0.0,  # below 0 when prefer_figures moved a hit up
        "kind_gap": float(kind_gap is not None), "asks_kind": float(info.wanted is not None),
        "kind_gap_quote": float(quote_gap),
        "place_missing": float(place is not None), "place_missing_best": float(place_best is not None),
        "year_missing": float(year is not None), "other_document": float(other_doc),
        "english": float(info.language == "en"), "general_support": float(general and support),
        "phrase_missing": float(phrase_missing), "phrase_missing_best": float(phrase_missing_best),
        "no_content": float(general and not support),
    }
    return values, gap, detail


NAMED_SECTION_HITS = 3
# A follow-up answered from its conversation's document is likelier answerable than the same score alone:
# the user is asking about that document. Its share counts this much of the best share more. Chosen on the
# tuning documents and the seed asked as follow-ups: false abstains 0.105 -> 0.057 and 0.016 -> 0.005,
# abstains right 0.75 -> 0.71 and 0.92 -> 0.89; after another document's answer 0.108 -> 0.091 false
# abstains, 0.55 -> 0.53 abstains right.
FOLLOW_UP_SHARE = 0.3


def _share(prepared: Prepared, hits: list[Hit]) -> float:
    share = float(hits[0].signals.get("share", 0.0))
    if prepared.context and hits[0].measure.document in prepared.context:
        share += FOLLOW_UP_SHARE * max(float(h.signals.get("share", 0.0)) for h in hits)
    return share


def judge(prepared: Prepared, hits: list[Hit], *, support: bool = False,
          model: AnswerabilityModel | None = None) -> Verdict:
    if not hits:
        return Verdict(False, 0.0, 0.0, "the index is empty", probability=0.0)
    info, terms = prepared.info, prepared.terms
    dense = float(hits[0].signals.get("dense", 0.0))
    # A section named exactly and found among the first hits is a lookup, though other words of the
    # question ("Can you summarize item 六(五)2?") put another document's measure first.
    if info.sections and (hits[0].signals.get("section", 0) > 0 or
                          any(h.signals.get("section", 0) >= 1.0 for h in hits[:NAMED_SECTION_HITS])):
        return Verdict(True, 1.0, dense, "section named")
    if "section" in info.kinds and not any(h.signals.get("section", 0) > 0 for h in hits):
        # "第九十九条讲了什么?" where no measure (of the document named, if one is) has that id, even as
        # another level's numeral: the best measures by the other words would be shown as if they were it.
        named = "、".join(info.sections)
        return Verdict(False, 0.0, dense, f"no measure is numbered {named}", "section", named, 0.0)
    if terms.units and info.asks_list:
        return Verdict(True, 1.0, dense, "unit named")
    values, gap, detail = signals(prepared, hits, support=support)
    # Two cases the model is not asked about: nothing in the question to match ("12345 ???"), and a
    # place no document mentions at all ("the weather in Paris") — no measure can be about it.
    if values["no_content"]:
        return Verdict(False, 0.0, dense, "no content words", probability=0.0, signals=values)
    if values["place_missing"]:
        return Verdict(False, 0.0, dense, f"no document mentions {detail}", "place", detail, 0.0, values)
    # A place the question names that the measures it would be answered from never mention (another
    # document does): an answer would speak of the wrong place. 19 of the 20 such development
    # questions had no answer; the one that had, had its measure ranked out of reach.
    if values["place_missing_best"]:
        return Verdict(False, values["coverage"], dense, f"the best measures do not mention {detail}", "place",
                       detail, 0.0, values)
    # What the question pins down and the best measures plainly lack: a year they never mention, or
    # contact details when they hold none at all. The model weighs the other kinds softly, since they are
    # written in too many ways to be sure (a date may be "次月" or "营业执照签发日期"); these two are not.
    if values["year_missing"] or (values["kind_gap"] and gap in ("contact", "email")):
        return Verdict(False, values["coverage"], dense, f"the best measures lack the {gap} asked for", gap,
                       detail, 0.0, values)
    model = model or default_model()
    p = model.probability(values)
    answerable = p >= model.threshold
    reason = f"p={p:.2f} vs {model.threshold:.2f} (coverage {values['coverage']:.2f}, gap {gap})"
    return Verdict(answerable, values["coverage"], dense, reason, None if answerable else gap,
                   detail if not answerable else "", p, values, (model.confident_no, model.confident_yes))
