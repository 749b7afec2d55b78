"""Does the corpus answer this question? Several signals, since no cosine threshold separates the cases.

1. Lookups: a section id or (for task lists) a unit named in the question is answered by lookup.
2. Missing subject: a place named in the question, or a year, that the best measures never mention.
3. Type against content: "how much money" needs an amount in the measure, "what percentage" a
   percentage, "how many" a number, "what deadline" a date. Measures often *mention* a reward
   without saying how large it is; that is the most common near-miss.
4. Coverage: the share of the question's informative words the best measures contain. A word's
   weight is its information in general language (wordfreq): missing "hydrogen" counts, missing
   "play" or "为了" barely does.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from retrieval.models import Hit, Measure
from retrieval.search.hybrid import HybridSearcher, LexicalIndex, QueryTerms
from retrieval.text.textnorm import en_stem, en_words, zh_tokens
from retrieval.text.units import english_name

log = logging.getLogger(__name__)

YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
MONEY_FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|亿)|\d+(?:\.\d+)?\s*%")
PERCENT_FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*%|百分之")
ANY_FIGURE_RE = re.compile(r"\d")
DATE_RE = re.compile(r"\d+\s*月|\d+\s*日|季度|月底|年底|前完成")

_MONEY_ZH = re.compile(r"补助|补贴|奖励|奖金|资助|金额|万元|多少钱|津贴|额度|资金")
_MONEY_EN = re.compile(r"\b(?:subsid\w*|grant\w*|bonus\w*|reward\w*|award\w*|yuan|rmb|money|cash|"
                       r"allowance\w*|fund\w*|budget\w*|cost\w*|amount|pay\w*|reimburs\w*)\b", re.I)
_PERCENT = re.compile(r"比例|百分|percent\w*|\bshare\b|\bratio\b|\brate\b|\bproportion\b", re.I)
_DEADLINE = re.compile(r"截止|期限|什么时候|何时|几月|\bdeadline\b|\bwhen\b|\bdue\b|\bby what date\b", re.I)
# Questions about contacts or application procedure need that kind of content in the measure.
_CONTACT_Q = re.compile(r"电话|联系方式|联系人|地址|邮箱|网址|热线|传真|\b(?:phone|telephone|contact|e-?mail|address|"
                        r"website|hotline|fax)\b", re.I)
CONTACT_TEXT_RE = re.compile(r"\d{3,4}-?\d{7,8}|@|https?://|www\.|地址[:：]|电话[:：]")
_PROCEDURE_Q = re.compile(r"(怎么|如何|怎样|去哪|哪里|在哪)(里)?(申请|申报|办理|提交)|申请(流程|材料|条件|表)|申报(流程|材料|条件)|"
                          r"(提交|准备)(哪些|什么)|哪些材料|什么材料|手续|\bhow (?:do|can|should|would) (?:i|we|you|one) "
                          r"(?:apply|register|submit)|\bapplication (?:process|procedure|form|materials?)\b|"
                          r"\b(?:what|which) documents\b|\bwhere (?:do|can|should|to) (?:i|we)?\s*(?:apply|submit)|"
                          r"\bpaperwork\b|\beligibility\b|\b(?:am i|are we|is my \w+) eligible\b", re.I)
PROCEDURE_TEXT_RE = re.compile(r"材料|流程|程序|手续|提交|申请表|申报条件|申请条件|受理|资格")
_PLACE_TAGS = ("ns",)
# Words by which enterprises describe themselves and ask for help ("we are a small tech company,
# what subsidies can we get?"): they say who asks and that support is wanted, not what about.
APPLICANT_EN = frozenset("""i we us our my me company companies firm firms business businesses enterprise
enterprises startup startups start sme smes small medium micro tech technology high-tech run own owner
founder founders team kind sort available offer offers offered can could get""".split())
SUPPORT_EN = frozenset("""support supports subsidy subsidies grant grants reward rewards incentive incentives
benefit benefits money funding funds fund help assistance policy policies preferential""".split())
APPLICANT_ZH_RE = re.compile(r"^(我们|我|一家|这家|公司|企业|小微|中小|中小微|初创|创业|科技|科技型|高新|高新技术|能|可以|"
                             r"申请|享受|获得|得到|.*(企业|公司))$")
SUPPORT_ZH_RE = re.compile(r"^(补助|补贴|奖励|支持|扶持|资助|优惠|政策|资金|帮助|哪些|什么)$")


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


@lru_cache(maxsize=65536)
def information(word: str, language: str) -> float:
    """How much a word says, from its general-language frequency (Zipf scale 0–8)."""
    from retrieval.text.frequency import zipf_frequency  # wordfreq's values, memoised on disk

    zipf = zipf_frequency(word, language)
    if zipf == 0 and language == "en":
        return 1.5  # unknown to English at large: most likely a typo, which says little either way
    return max(0.3, 7.0 - zipf)


def coverage(lex: LexicalIndex, terms: QueryTerms, doc: int, *, support: bool = False) -> float | None:
    """Information-weighted share of the question's content words found in one measure.

    None when the question has no content words left (a general "what can we get?").
    """
    if terms.info.language == "en":
        return _combine(_coverage_en(lex, terms, doc, support), _coverage_zh(lex, terms, doc, support, own=True))
    return _combine(_coverage_zh(lex, terms, doc, support))


def _combine(*parts: tuple[float, float]) -> float | None:
    found = sum(p[0] for p in parts)
    total = sum(p[1] for p in parts)
    return found / total if total else None


def _coverage_zh(lex: LexicalIndex, terms: QueryTerms, doc: int, support: bool,
                 own: bool = False) -> tuple[float, float]:
    """(found, total) information of the Chinese words; ``own``: only those typed in the question,
    not the ones bridged from its English words."""
    candidates = zh_tokens(terms.info.text) if own else terms.zh
    # Unit names are matched by the unit lookup; here they would make "市科技局的电话" look covered.
    words = {t for t in candidates if len(t) >= 2 and not t.isdigit() and not any(t in u for u in terms.units)
             and not (support and APPLICANT_ZH_RE.match(t))}
    if not words:
        return 0.0, 0.0
    # Only the longest pieces count: jieba also emits the parts of compounds (临床医学 → 医学).
    words = {t for t in words if not any(t != o and t in o for o in words)} or words
    total = found = 0.0
    for word in words:
        weight = information(word, "zh")
        total += weight
        if word in lex.zh_docs[doc] or _parts_in(word, lex.zh_docs[doc]):
            found += weight
    return found, total


def _parts_in(word: str, doc_terms: frozenset[str]) -> bool:
    """A compound the measure spells in pieces (科技创新券 vs 科技 + 创新券) still counts."""
    return len(word) >= 4 and any(word[:cut] in doc_terms and word[cut:] in doc_terms
                                  for cut in range(2, len(word) - 1))


def _coverage_en(lex: LexicalIndex, terms: QueryTerms, doc: int, support: bool) -> tuple[float, float]:
    unit_words = {w for u in terms.units for w in en_words(english_name(u) or "")}
    ignored = unit_words | (APPLICANT_EN if support else frozenset())
    words = [w for w in dict.fromkeys(en_words(terms.info.text)) if not w.isdigit() and w not in ignored]
    total = found = 0.0
    for word in words:
        stem = en_stem(word)
        weight = information(word, "en")
        total += weight
        bridged = lex.bridge.to_chinese([stem], per_word=6)
        if stem in lex.en_docs[doc] or any(t in lex.zh_docs[doc] for t in bridged):
            found += weight
    return found, total


def _missing_place(question: str, language: str, corpus_text: str) -> str | None:
    """A place the question names that the corpus never mentions (沈阳, Shenyang)."""
    if language == "zh":
        import jieba.posseg as pseg

        for token in pseg.lcut(question):
            if token.flag in _PLACE_TAGS and len(token.word) >= 2 and token.word not in corpus_text:
                return token.word
        return None
    names = proper_names()
    for word in re.findall(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]{2,}\b", question):
        chinese = names.get(word.lower())
        if chinese and not any(c in corpus_text for c in chinese):
            return word
    return None


@lru_cache(maxsize=1)
def proper_names() -> dict[str, tuple[str, ...]]:
    """English place names → Chinese, from CC-CEDICT glosses that start with the capitalised name;
    scanning every gloss takes half a second, so the result is kept on disk beside CC-CEDICT's."""
    from retrieval.search import lexcache

    return lexcache.cached_global("proper-names", 1, _proper_names)


def _proper_names() -> dict[str, tuple[str, ...]]:
    from retrieval.text.bridge import cedict

    names: dict[str, list[str]] = {}
    for chinese, glosses in cedict().items():
        if len(chinese) < 2:
            continue
        for gloss in glosses:
            match = re.match(r"^([A-Z][a-z]{2,})(?: (?:city|province|county|prefecture|district|municipality)|"
                             r"$| subprovincial| capital| \(city\))", gloss)
            if match:
                names.setdefault(match.group(1).lower(), []).append(chinese)
    return {k: tuple(v) for k, v in names.items()}


def _dominant_year(measures: tuple[Measure, ...]) -> str | None:
    years = Counter(y for m in measures for y in YEAR_RE.findall(m.text))
    return years.most_common(1)[0][0] if years else None


def _type_mismatch(question: str, language: str, asks_amount: bool, best: list[Measure]) -> str | None:
    """What the question wants that none of the best measures has: a kind of figure, a date,
    contact details, an application procedure; None when nothing is missing."""
    text = "\n".join(m.subsection + "\n" + m.text for m in best)
    if _DEADLINE.search(question) and not DATE_RE.search(text):
        return "date"
    if _CONTACT_Q.search(question) and not CONTACT_TEXT_RE.search(text):
        return "contact"
    if _PROCEDURE_Q.search(question) and not PROCEDURE_TEXT_RE.search(text):
        return "procedure"
    if not asks_amount:
        return None
    if _PERCENT.search(question):
        return None if PERCENT_FIGURE_RE.search(text) else "percentage"
    if (_MONEY_ZH if language == "zh" else _MONEY_EN).search(question):
        return None if MONEY_FIGURE_RE.search(text) else "amount"
    return None if ANY_FIGURE_RE.search(text) else "number"


def prefer_figures(question: str, info, hits: list[Hit]) -> list[Hit]:
    """For "how much / how many", a close runner-up that has the kind of figure asked for moves first.

    "How many" accepts any number and so a farther runner-up; an amount of money or a percentage
    must come from a close one, since many measures name some sum.
    """
    if not hits:
        return hits
    top = hits[0].score
    wanted = _type_mismatch(question, info.language, True, [])  # the gap with no measure at all
    share = 0.6 if wanted == "number" else 0.8
    for i, hit in enumerate(hits[:3]):
        if hit.score < share * top:
            break
        if _type_mismatch(question, info.language, True, [hit.measure]) is None:
            return [hit] + hits[:i] + hits[i + 1:] if i else hits
    return hits


def judge(searcher: HybridSearcher, question: str, hits: list[Hit], *,
          threshold: float = 0.4, support: bool = False) -> Verdict:
    if not hits:
        return Verdict(False, 0.0, 0.0, "the index is empty")
    snapshot = searcher.snapshot()
    lex = searcher.lexical(snapshot)
    terms = searcher.terms(question, lex)
    info = terms.info
    dense = float(hits[0].signals.get("dense", 0.0))
    if info.sections and hits[0].signals.get("section", 0) > 0:
        return Verdict(True, 1.0, dense, "section named")
    if terms.units and info.asks_list:
        return Verdict(True, 1.0, dense, "unit named")
    corpus_text = snapshot.derived("fulltext", lambda s: "\n".join(m.retrieval_text for m in s.measures))
    # The measures an answer would cite: the best one and a near-tie.
    best = [hits[0].measure] + [h.measure for h in hits[1:2] if h.score >= 0.9 * hits[0].score]
    place = _missing_place(question, info.language, corpus_text)
    if place:
        return Verdict(False, 0.0, dense, f"the document never mentions {place}", "place", place)
    dominant = snapshot.derived("year", lambda s: _dominant_year(s.measures))
    for year in YEAR_RE.findall(question):
        if year != dominant and not any(year in m.text for m in best):
            return Verdict(False, 0.0, dense, f"nothing about {year}", "year", year)
    gap = _type_mismatch(question, info.language, info.asks_amount, best)
    if gap:
        return Verdict(False, 0.0, dense, f"asks for a {gap} the best measures do not give", gap)
    position = {m.id: i for i, m in enumerate(snapshot.measures)}
    scores = [coverage(lex, terms, position[h.measure.id], support=support) for h in hits[:3]]
    if scores[0] is None:
        return Verdict(bool(support), 0.0, dense, "a general question about support" if support else "no content words")
    score = max(scores)
    return Verdict(score >= threshold, score, dense, f"coverage {score:.2f} vs {threshold}")
