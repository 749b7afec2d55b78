"""Hybrid search: dense (Chroma) + jieba BM25 + an English BM25 over CC-CEDICT glosses, plus exact
unit and section lookups, fused by weighted, max-normalised scores.

A ranking with no signal (BM25 on an English question that bridges to nothing) is all zeros
and so adds nothing to the fusion, instead of the noise a rank-based fusion would add.
"""
from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from retrieval.text.abbreviations import Abbreviations
from retrieval.text.bridge import SUFFIX_MARK, Bridge, cedict, phrase_index, proper_names
from retrieval.config import RetrievalSettings
from retrieval.index.versions import Index, Snapshot
from retrieval.search import lexcache
from retrieval.search.bm25 import BM25
from retrieval.models import Hit, Measure, without_translations
from retrieval.text.sections import cn_to_int, in_section, lone_numeral
from retrieval.search.documents import document_infos, english_place_names, named_documents, pinyin_names
from retrieval.search.query import QueryInfo, analyse
from retrieval.index.store import StoreError
from retrieval.search.support import tag_measure
from retrieval.text.figures import has_kind
from retrieval.text.places import neutral_names, place_variants, without_names
from retrieval.text.textnorm import add_words, en_tokens, han_bigrams, zh_tokens
from retrieval.text.units import UnitMatcher, english_name

log = logging.getLogger(__name__)

ABBREVIATION_WEIGHT = 0.8  # a little below the word itself: the expansion may be wrong
FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|个|家|项|名|次|期|亿)")
# A measure saying when a rule (or a card, a permit) takes effect, stops or how long it stays valid:
# "本办法自2021年5月1日起施行", "自印发之日起实施，有效期5年", "…同时废止".
EFFECT_RE = re.compile(r"(?:自|从|于)[^。；]{0,30}?(?:起|之日)[^。；]{0,8}?(?:施行|实施|执行|生效)|有效期|(?:同时|予以|自行)(?:废止|失效)")
# …and the one that says it of the whole text ("本办法自…起施行", "自印发之日起实施"), which a question about
# the document ("When did the measures come into force?") asks for, not a card's period of validity.
DOCUMENT_EFFECT_RE = re.compile(r"(?:本|该|此)[\u4e00-\u9fff]{0,8}(?:办法|规定|条例|细则|通知|意见|方案|措施|规则|决定|指引|要点|"
                                r"公告|通告|计划|清单|指南|标准|政策)[^。；]{0,30}?(?:自|从|于)[^。；]{0,30}?(?:起|之日)[^。；]{0,8}?"
                                r"(?:施行|实施|执行|生效)|(?:自|从)(?:印发|发布|公布)之日起[^。；]{0,4}(?:施行|实施|执行|生效)")
WHOLE_TEXT_EFFECT, OTHER_EFFECT = 1.0, 0.5  # a measure's value in the "effect" ranking
# The clause naming who interprets the text: "本办法由市卫生健康委会同市财政局负责解释", "解释权归…".
INTERPRETS_RE = re.compile(r"(?:本|该|此)[\u4e00-\u9fff]{0,8}(?:办法|规定|条例|细则|通知|意见|方案|措施|规则|决定|指引|要点|"
                           r"公告|通告|计划|清单|指南|标准|政策)[^。；]{0,8}由[^。；]{1,40}?解释|解释权(?:归|属于|由)")


@dataclass
class LexicalIndex:
    """Per-snapshot lexical structures, built once when a version starts serving."""

    measures: tuple[Measure, ...]
    zh: BM25
    en: BM25
    bigrams: BM25
    zh_docs: list[frozenset[str]]
    en_docs: list[frozenset[str]]
    bridge: Bridge
    units: UnitMatcher
    has_figure: np.ndarray
    offers_support: np.ndarray
    states_effect: np.ndarray  # WHOLE_TEXT_EFFECT, OTHER_EFFECT (a card's 有效期) or 0
    states_interpreter: np.ndarray  # 1 for the clause saying who interprets the text, else 0
    # The words jieba was taught before segmenting the measures; a process reading this index from
    # disk teaches the same ones, so its questions are cut as the measures were.
    taught: frozenset[str] = frozenset()


def segmenter_words(measures, settings: RetrievalSettings) -> set[str]:
    """Names jieba must keep whole: units, glossary terms and the documents' places. An unknown place
    is otherwise glued to its neighbour ("在琅屿", "棠浦有"), and the question's words match nothing."""
    places = {p for m in measures if getattr(m, "place", "") for p in place_variants(m.place) if len(p) >= 2}
    terms = {t for t in settings.glossary.values() if not t.startswith(SUFFIX_MARK)}
    return {u for m in measures for u in m.units} | terms | places | suffixed_words(measures, settings)


def suffixed_words(measures, settings: RetrievalSettings) -> set[str]:
    """The corpus's words ending in a glossary suffix ("*券" → 消费券, 创新券): the word before the suffix
    and the suffix, kept whole so the bridge can reach them (jieba cuts them as 消费 + 券)."""
    from retrieval.text.textnorm import segment

    suffixes = [t[1:] for t in settings.glossary.values() if t.startswith(SUFFIX_MARK) and len(t) > 1]
    found: set[str] = set()
    for measure in measures:
        for suffix in suffixes:
            for match in re.finditer(re.escape(suffix), measure.text):
                before = segment(measure.text[max(0, match.start() - 6):match.start()])
                if before and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", before[-1]):
                    found.add(before[-1] + suffix)
    return found


def build_lexical(snapshot: Snapshot, settings: RetrievalSettings, cache_dir: Path | None = None) -> LexicalIndex:
    measures = snapshot.measures
    taught = frozenset(segmenter_words(measures, settings))
    add_words(taught)
    zh_docs = [list(zh_tokens(m.retrieval_text)) for m in measures]
    # Words that occur only inside unit names (管委会) are no translation targets: English words
    # reaching them ("management" → 管委会) would favour one unit's measures on every question.
    content_words = {t for m in measures for t in zh_tokens(m.content_text)}
    corpus_text = "\n".join(m.retrieval_text for m in measures)
    usage = Counter(t for tokens in zh_docs for t in set(tokens))
    bridge = Bridge(content_words, settings.glossary | place_glossary(measures), functools.partial(phrase_index, cache_dir),
                    corpus_text, usage)
    en_docs = []
    for measure, tokens in zip(measures, zh_docs):
        english = [stem for token in tokens for stem in bridge.to_english(token)]
        for unit in measure.units:
            english.extend(en_tokens(english_name(unit, settings.unit_names) or ""))
        english.extend(en_tokens(without_translations(measure.text)))  # Latin words and figures in the text
        en_docs.append(english)
    return LexicalIndex(
        measures=measures, zh=BM25(zh_docs), en=BM25(en_docs),
        bigrams=BM25([han_bigrams(m.retrieval_text) for m in measures]),
        zh_docs=[frozenset(d) for d in zh_docs], en_docs=[frozenset(d) for d in en_docs],
        bridge=bridge, units=UnitMatcher({u for m in measures for u in m.units}, settings.unit_names),
        has_figure=np.array([bool(FIGURE_RE.search(m.text + m.subsection)) for m in measures], dtype=bool),
        offers_support=np.array([tag_measure(m) is not None for m in measures], dtype=bool),
        states_effect=np.array([WHOLE_TEXT_EFFECT if DOCUMENT_EFFECT_RE.search(m.text) else
                                OTHER_EFFECT if EFFECT_RE.search(m.text) else 0.0 for m in measures], dtype=np.float32),
        states_interpreter=np.array([bool(INTERPRETS_RE.search(m.text)) for m in measures], dtype=np.float32),
        taught=taught)


def place_glossary(measures: tuple[Measure, ...]) -> dict[str, str]:
    """The documents' places as English writes them ("wanghu" → 望湖): a county or a district the
    dictionary lacks is still found by an English question naming it."""
    places = {v for m in measures if getattr(m, "place", "") for v in place_variants(m.place)}
    known = cedict()  # a place the dictionary has is bridged by its glosses already, at their weights
    return {spelled: place for place in sorted(places) if place not in known for spelled in pinyin_names(place)}


def abbreviations(lex: LexicalIndex) -> Abbreviations:
    """The corpus's abbreviation expander, built once per lexical index (so per index version)."""
    cached = getattr(lex, "_abbreviations", None)
    if cached is None:
        cached = Abbreviations(lex.zh.vocabulary)
        lex._abbreviations = cached
    return cached


@dataclass(frozen=True)
class QueryTerms:
    info: QueryInfo
    zh: dict[str, float]
    en: dict[str, float]
    units: tuple[str, ...]
    extra_zh: str = ""
    text: str = ""  # the words searched for: the question without a document title it quotes

    @property
    def searched(self) -> str:
        return self.text or self.info.text


@dataclass(frozen=True)
class Prepared:
    """One question against one index version: analysed once, handed to every later stage.

    Search, answerability and composing all read the same snapshot, so a reload between two
    stages cannot make a measure found by one unknown to the next.
    """

    info: QueryInfo
    snapshot: Snapshot
    lex: LexicalIndex
    terms: QueryTerms
    documents: tuple[str, ...] = ()  # documents the question names (by place or title)
    vector: np.ndarray | None = None  # the question's embedding (with its Chinese rendering, if any)
    # The document the conversation was about (a chat's previous answer), when the question names none:
    # a follow-up ("那申请条件呢?") rarely names its document again.
    context: tuple[str, ...] = ()

    @property
    def position(self) -> dict[str, int]:
        return self.snapshot.derived("position", lambda s: {m.id: i for i, m in enumerate(s.measures)})


class HybridSearcher:
    def __init__(self, index: Index, settings: RetrievalSettings, cache_dir: Path | None = None) -> None:
        self._index = index
        self._settings = settings
        self._cache_dir = cache_dir
        lexcache.use_cache_dir(cache_dir)

    def snapshot(self) -> Snapshot:
        return self._index.snapshot()

    def lexical(self, snapshot: Snapshot) -> LexicalIndex:
        return snapshot.derived("lexical", lambda s: lexcache.lexical(
            s, self._settings, self._cache_dir, lambda: build_lexical(s, self._settings, self._cache_dir)))

    def terms(self, info: QueryInfo, lex: LexicalIndex, extra_zh: str = "",
              named_places: tuple[str, ...] = (), text: str = "") -> QueryTerms:
        """``named_places``: the places of the documents the question names. Picking the document is
        the document signal's work; as words they would favour the measures that repeat the place.
        ``text``: the question without a document title it quotes (see ``_without_quoted_titles``)."""
        question = text or info.text
        composed: list[str] = []
        zh: dict[str, float] = {}
        for token in zh_tokens(question + " " + extra_zh):
            if any(token in place for place in named_places):
                continue
            zh[token] = zh.get(token, 0.0) + 1.0
        # A short form the corpus never writes (公租房) reads as the terms it abbreviates (公共租赁住房).
        expansions = abbreviations(lex)
        for token in [t for t in zh if t not in lex.zh]:
            for full in expansions.expand(token):
                zh[full] = max(zh.get(full, 0.0), ABBREVIATION_WEIGHT)
        en: dict[str, float] = {}
        if info.language == "en":
            for stem in en_tokens(question):
                en[stem] = en.get(stem, 0.0) + 1.0
            for term, weight in lex.bridge.to_chinese(info.en_stems).items():
                zh[term] = zh.get(term, 0.0) + weight
            composed = lex.bridge.compose(list(info.en_stems))
        # Composed phrases reach the character-bigram index, where "新基" only occurs inside 创新基金.
        return QueryTerms(info, zh, en, tuple(lex.units.find(info.text)), " ".join([extra_zh, *composed]).strip(),
                          text if text != info.text else "")

    def prepare(self, question: str | QueryInfo, *, extra_zh: str = "", snapshot: Snapshot | None = None,
                context: Sequence[str] = ()) -> Prepared:
        """Analyse a question once against the serving version (or the one given); ``context``: the
        documents the conversation was about, preferred when the question names none."""
        info = question if isinstance(question, QueryInfo) else analyse(question)
        snapshot = snapshot or self._index.snapshot()
        info = _labelled_sections(info, snapshot)
        lex = self.lexical(snapshot)
        infos = snapshot.derived("documents", lambda s: document_infos(s.measures))
        english = {}
        if info.language == "en" and len(infos) > 1:
            english = snapshot.derived("documents_en", lambda s: english_place_names(infos, proper_names()))
        named = named_documents(info.text, infos, english)
        terms = self.terms(info, lex, extra_zh, tuple(p for d in named if d in infos for p in infos[d].places),
                           _without_quoted_titles(info.text, [infos[d] for d in named if d in infos]))
        vector = self._question_vector(snapshot, terms) if snapshot.measures else None
        follow = () if named or len(infos) < 2 else tuple(d for d in context if d in infos)
        return Prepared(info, snapshot, lex, terms, named, vector, follow)

    def _question_vector(self, snapshot: Snapshot, terms: QueryTerms) -> np.ndarray:
        """The question embedded with the Chinese it was bridged to (e5 matches Chinese text better so),
        without the corpus's place names: a measure's vector reads its own as 本市 (``retrieval.text.places``)."""
        infos = snapshot.derived("documents", lambda s: document_infos(s.measures))  # not inside another derived: its lock
        chinese, english = snapshot.derived("own_places", lambda s: _own_places(s, infos))
        names = chinese + english if terms.info.language == "en" else chinese
        return self._index.embed_query(without_names(_dense_text(terms, terms.extra_zh), names))

    def about_measures(self, prepared: Prepared, ids: Sequence[str]) -> Prepared | None:
        """The question read as naming these measures (in their documents), on the same snapshot; None
        when none of them is in it any more."""
        measures = [prepared.snapshot.by_id[i] for i in ids if i in prepared.snapshot.by_id]
        if not measures:
            return None
        info = replace(prepared.info, sections=tuple(dict.fromkeys(m.section for m in measures)))
        documents = tuple(dict.fromkeys(m.document for m in measures))
        # Only the named sections change: the words, the vector and the named documents stay as analysed.
        return replace(prepared, info=info, terms=replace(prepared.terms, info=info),
                       context=documents if len(prepared.snapshot.documents) > 1 else ())

    def closeness(self, prepared: Prepared, measure: Measure) -> dict[str, float]:
        """How close each sentence of a measure is to the question (cosine), for picking quotes."""
        position = prepared.position.get(measure.id)
        if prepared.vector is None or position is None:
            return {}
        return self._index.sentences(prepared.snapshot).closeness(prepared.vector, position)

    def search(self, question: str, k: int | None = None, *, extra_zh: str = "",
               context: Sequence[str] = ()) -> list[Hit]:
        """Top-k measures for a question; ``extra_zh`` is an optional Chinese rendering of it."""
        return self.rank(self.prepare(question, extra_zh=extra_zh, context=context), k)

    def rank(self, prepared: Prepared, k: int | None = None) -> list[Hit]:
        k = k or self._settings.k
        try:
            return self._search(prepared, k)
        except StoreError:
            # The version this search started on was dropped by reloads meanwhile: retry on the new one.
            fresh = self._index.snapshot(refresh=True)
            if fresh is prepared.snapshot:
                raise
            return self._search(self.prepare(prepared.info, extra_zh=prepared.terms.extra_zh, snapshot=fresh,
                                             context=prepared.context), k)

    def prepared_for(self, prepared: Prepared, hits: list[Hit]) -> Prepared:
        """The preparation matching ``hits``: the same one unless a reload made ``rank`` retry."""
        if all(h.measure.id in prepared.snapshot.by_id for h in hits):
            return prepared
        return self.prepare(prepared.info, extra_zh=prepared.terms.extra_zh, snapshot=self._index.snapshot(),
                            context=prepared.context)

    def _search(self, prepared: Prepared, k: int) -> list[Hit]:
        snapshot, terms = prepared.snapshot, prepared.terms
        if not snapshot.measures:
            return []
        rankings, vector = self._rankings(prepared)
        weights = dict(self._settings.weights)
        if terms.info.asks_who:
            # "Who does X with unit Y" names Y as part of X; "what does unit Y do" filters by it.
            weights["unit"] = weights.get("unit", 1.0) * 0.2
        fused = np.zeros(len(snapshot.measures), dtype=np.float32)
        active = 0.0
        for name, scores in rankings.items():
            if name in ("cosine", "sentence", "section", "topic"):
                continue
            top = float(scores.max()) if scores.size else 0.0
            if top > 0:
                fused += weights.get(name, 1.0) * scores / top
                active += weights.get(name, 1.0)
        prior = _document_prior(snapshot, fused)
        rankings["topic"] = prior  # for the answer: how much each measure's document is about the question
        section = rankings.get("section")
        if section is not None and section.max() > 0:
            # "Article 18 of the senior card measures": several documents have a 第十八条; the one
            # the rest of the question is about leads (the best such document keeps the full weight).
            weight = weights.get("section", 1.0)
            best = float(prior[section > 0].max()) if prior.any() else 0.0
            named = section * (prior / best if best > 0 else 1.0)
            fused += weight * named
            active += weight
        topic = weights.get("topic", 0.0)
        if topic > 0 and active > 0:
            fused = fused + topic * active * prior
        if prepared.context and weights.get("context", 0.0) > 0:
            # A follow-up ("需要哪些材料?") counts the conversation's document's measures (1 + context) times:
            # at 1.0, one that reaches half the best score leads. A follow-up says little of its own, so a
            # flat share of the top score let another guide's "申请材料" win; a question about something
            # the conversation's document lacks (a change of subject) still leaves it far behind.
            member = np.array([m.document in prepared.context for m in snapshot.measures], dtype=np.float32)
            boost = 1.0 + weights["context"] * member
            fused = fused * boost
        else:
            boost = np.ones(len(snapshot.measures), dtype=np.float32)
        sentence = np.zeros(len(snapshot.measures), dtype=np.float32)
        if weights.get("sentence", 0.0) > 0 and active > 0:
            fused, sentence = self._rerank(snapshot, vector, fused, weights["sentence"])
        rankings["sentence"] = sentence  # raw, for answerability (already in the fused score)
        if section is not None and section.max() > 0:
            # The section named leads: the question's other words mostly describe its document ("what
            # does Article 18 of the senior card measures say") and so match that document's longer
            # measures better than the short article named.
            fused = fused + float(fused.max()) * named
        order = np.argsort(-fused, kind="stable")[:k]
        # "share": the fused score as a part of the most any measure could get from the active
        # rankings; unlike the score itself it is comparable across questions. "evidence": the score the
        # question alone earns. Both leave out a follow-up's boost: the conversation decides which
        # document comes first; whether the question is answered is judged on what the answerability
        # model was fitted on (doubled shares read far out of its range).
        evidence = fused / boost
        return [Hit(snapshot.measures[i], float(fused[i]),
                    {name: round(float(scores[i]), 4) for name, scores in rankings.items()}
                    | {"share": round(float(evidence[i]) / active, 4) if active else 0.0,
                       "evidence": float(evidence[i])})
                for i in order]

    def _rerank(self, snapshot: Snapshot, vector: np.ndarray, fused: np.ndarray,
                weight: float) -> tuple[np.ndarray, np.ndarray]:
        """The best candidates judged again by their sentence closest to the question: up to ``weight``
        of the top score moves to the candidate whose best sentence is closest (min-max over the
        candidates, so only differences among them count). Returns the new scores and the cosines."""
        candidates = np.argsort(-fused, kind="stable")[:self._settings.rerank]
        cosines = self._index.sentences(snapshot).best(vector, candidates)
        sentence = np.zeros(len(fused), dtype=np.float32)
        sentence[candidates] = cosines
        spread = float(cosines.max() - cosines.min()) if len(cosines) else 0.0
        if spread <= 0:
            return fused, sentence
        fused = fused.copy()
        fused[candidates] += weight * float(fused[candidates[0]]) * (cosines - cosines.min()) / spread
        return fused, sentence

    def _rankings(self, prepared: Prepared) -> tuple[dict[str, np.ndarray], np.ndarray]:
        snapshot, lex, terms = prepared.snapshot, prepared.lex, prepared.terms
        n = len(snapshot.measures)
        position = prepared.position
        dense = np.zeros(n, dtype=np.float32)
        cosine = np.zeros(n, dtype=np.float32)
        vector = prepared.vector if prepared.vector is not None else self._question_vector(snapshot, terms)
        found = self._index.dense(snapshot, vector, max(self._settings.candidates, 1))
        if found:
            floor = min(score for _, score in found)
            for measure, score in found:
                # Cosines of e5 crowd into a narrow band: only the distance above the weakest candidate counts.
                dense[position[measure.id]] = max(score - floor, 0.0)
                cosine[position[measure.id]] = score  # raw, for answerability; not fused
        bigrams: dict[str, float] = {}
        for pair in han_bigrams(terms.searched + " " + terms.extra_zh):
            bigrams[pair] = bigrams.get(pair, 0.0) + 1.0
        rankings = {"dense": dense, "cosine": cosine, "bm25_zh": lex.zh.scores(terms.zh), "bm25_en": lex.en.scores(terms.en),
                    "bm25_bigram": lex.bigrams.scores(bigrams)}
        if terms.units:
            rankings["unit"] = np.array([any(u in m.units for u in terms.units) for m in snapshot.measures],
                                        dtype=np.float32)
        if terms.info.sections:
            rankings["section"] = np.array([_section_match(m.section, terms.info.sections)
                                            for m in snapshot.measures], dtype=np.float32)
            # "item 19 of the Jinghu work points": in a document the question names, an item numbered on
            # across subsections is named by its number alone.
            # A measure numbered flatly 1.–30. is its 第22条 too ("若干措施第22条", as such texts cite themselves).
            run_on = snapshot.derived("run_on_items", _run_on_items) if prepared.documents else {}
            for wanted in filter(None, map(_item_number, terms.info.sections)):
                for row in run_on.get(wanted, ()):
                    if snapshot.measures[row].document in prepared.documents:
                        rankings["section"][row] = max(rankings["section"][row], 0.9)
            if prepared.documents:
                _within_named(rankings["section"], snapshot, prepared.documents, terms.info.sections)
        labels = snapshot.derived("labels", _label_rows)
        named = [label for label in labels if label in terms.info.text]
        if named:
            # A guide's part named by its label ("实施主体是哪个部门?", "需要哪些申请材料?"): not a lookup,
            # since several guides share labels, but a strong hint.
            rankings["label"] = np.zeros(n, dtype=np.float32)
            for label in named:
                for row, exact in labels[label]:
                    rankings["label"][row] = max(rankings["label"][row], 1.0 if exact else 0.9)
        if terms.info.asks_amount:
            rankings["figure"] = lex.has_figure.astype(np.float32)
        if terms.info.wanted in KIND_RANKED:
            # "By what date…", "how long…", "what is the phone number": the measures holding such content.
            wanted = terms.info.wanted
            rankings["kind"] = snapshot.derived(f"has_{wanted}", lambda s: np.array(
                [has_kind(wanted, m.subsection + "\n" + m.text) for m in s.measures], dtype=np.float32))
        if prepared.documents:
            # A question naming a document's place or title prefers that document's measures.
            named = set(prepared.documents)
            rankings["document"] = np.array([m.document in named for m in snapshot.measures], dtype=np.float32)
        if "effect" in terms.info.kinds:
            # "When did the measures come into force?": the one clause that says so is short and shares few
            # of the question's words, which describe the document and match its longer articles better.
            rankings["effect"] = lex.states_effect
        if "interpret" in terms.info.kinds:
            # "由哪个部门负责解释?": as with "effect", one short closing clause answers, and the question's
            # other words (the title, 部门, 负责) match every article that names a unit better.
            rankings["interpret"] = lex.states_interpreter
        if "support" in terms.info.kinds and not terms.info.asks_who:
            # "What subsidies are there for …": measures that offer something are likelier answers.
            rankings["support"] = lex.offers_support.astype(np.float32)
        return rankings, vector


# Kinds of content a question may want that the figure ranking (sums, counts, shares) does not see.
KIND_RANKED = frozenset({"date", "duration", "contact", "email"})


def _dense_text(terms: QueryTerms, extra_zh: str) -> str:
    """What is embedded for a question: its text, and its Chinese rendering when there is one."""
    return terms.searched + ("\n" + extra_zh if extra_zh else "")


QUOTED_TITLE_RE = re.compile(r"《([^《》]{4,})》")
MIN_LEFT_CHARS = 4


def _without_quoted_titles(question: str, named) -> str:
    """The question without the title of a document it names in 《》: "《X实施细则》由哪个部门负责解释？"
    is about who interprets it, and X's words, in nearly every measure of X, would pick its longest
    measures. Kept when little else is left ("《X》讲了什么？")."""
    titles = {t for info in named for t in (info.title, info.short_title) if t}
    out = QUOTED_TITLE_RE.sub(lambda m: "" if any(m.group(1) == t or m.group(1) in t for t in titles) else m.group(0),
                              question)
    left = re.sub(r"[\s\W]|[多少什么哪个吗呢谁几]", "", out)
    return out if len(left) >= MIN_LEFT_CHARS and out != question else question


def _own_places(snapshot: Snapshot, infos: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names that a measure's vector reads as 本市 / 本区 (广州市, 广州, 天河区, 天河; see
    ``retrieval.text.places``), and the English for them (Guangzhou, Tianhe)."""
    chinese = {name for place in {m.place for m in snapshot.measures if m.place} for name in neutral_names(place)}
    english = {spelled for zh, names in english_place_names(infos, proper_names()).items() if zh in chinese
               for spelled in names}
    return tuple(sorted(chinese)), tuple(sorted(english))


def _document_rows(snapshot: Snapshot) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each measure's document number, and each document's measure rows (built once per version)."""
    names = {d: i for i, d in enumerate(snapshot.documents)}
    owner = np.array([names[m.document] for m in snapshot.measures], dtype=np.int64)
    return owner, [np.flatnonzero(owner == i) for i in range(len(names))]


def _document_prior(snapshot: Snapshot, fused: np.ndarray) -> np.ndarray:
    """How much each measure's document is about the question, from 0 to 1: the mean of the document's
    three best fused scores, against the best document's. A question is nearly always about one
    document; a measure of another that happens to share words with it (a "card" in a kindergarten
    plan for a question on senior cards) then falls behind the topical document's measures."""
    owner, rows = snapshot.derived("document_rows", _document_rows)
    if len(rows) < 2:
        return np.zeros(len(fused), dtype=np.float32)
    strength = np.array([float(np.mean(np.sort(fused[r])[-3:])) if len(r) else 0.0 for r in rows])
    best = float(strength.max())
    if best <= 0:
        return np.zeros(len(fused), dtype=np.float32)
    return (strength / best).astype(np.float32)[owner]


def _label_rows(snapshot: Snapshot) -> dict[str, list[tuple[int, bool]]]:
    """Label ids of guides (办理时间, 申请材料2 under 申请材料) → (measure row, whether the id is the label
    itself); labels of three characters or more, so that 问3 and 段2 are not labels, nor 第二部分."""
    rows: dict[str, list[tuple[int, bool]]] = {}
    for i, m in enumerate(snapshot.measures):
        label = re.sub(r"\d+$", "", m.section)
        if len(label) >= 3 and LABEL_ID_RE.fullmatch(label) and not label.startswith(("第", "附件", "附表")):
            rows.setdefault(label, []).append((i, label == m.section))
    return rows


LABEL_ID_RE = re.compile(r"[\u4e00-\u9fff]+")
# "注意事项第1条", "申请材料的第三项", "办理流程第2步": the number belongs to the label before it.
_LABEL_NUMBER_RE = r"(?:的|中的|里的|部分)?\s*第?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:条|项|点|步|个)?"
_BARE_NUMBER_ID_RE = re.compile(r"第[一二三四五六七八九十百零〇两]+条|\d+")


def _labelled_sections(info: QueryInfo, snapshot: Snapshot) -> QueryInfo:
    """A guide's labelled item named with its number ("注意事项第1条" → 注意事项1). Analysed alone,
    the question names 第一条, which is some other document's article: the corpus knows the label."""
    labels = snapshot.derived("labels", _label_rows)
    found = []
    for label in (label for label in labels if label in info.text):
        for match in re.finditer(re.escape(label) + _LABEL_NUMBER_RE, info.text):
            section = f"{label}{cn_to_int(match.group(1))}"
            if any(snapshot.measures[row].section == section for row, _ in labels[label]):
                found.append(section)
    if not found:
        return info
    # The bare number read as an article (第一条) or an item was this label's.
    rest = tuple(s for s in info.sections if not _BARE_NUMBER_ID_RE.fullmatch(s))
    return replace(info, sections=tuple(dict.fromkeys(found)) + rest)


_ITEM_TAIL_RE = re.compile(r"^(?!第)(?:.*[)\u4e00-\u9fff])(\d{1,3})$")


_ARTICLE_ID_RE = re.compile(r"第([一二三四五六七八九十百零〇两]+)条")


def _item_number(section: str) -> str | None:
    """"19" for an item named by its number alone, or by 第十九条; None for any other id."""
    if section.isdigit():
        return section
    if match := _ARTICLE_ID_RE.fullmatch(section):
        return str(cn_to_int(match.group(1)))
    return None


def _run_on_items(snapshot: Snapshot) -> dict[str, list[int]]:
    """Item number → rows, for documents whose items are numbered on across their subsections
    (一(一)1–3, 一(二)4–6 …): there "item 19" or "第19项" names one measure, 三(二)19."""
    by_document: dict[str, dict[str, list[int]]] = {}
    for i, m in enumerate(snapshot.measures):
        if (match := _ITEM_TAIL_RE.match(m.section)) and not m.section.startswith(("附件", "附表")):
            by_document.setdefault(m.document, {}).setdefault(match.group(1), []).append(i)
    rows: dict[str, list[int]] = {}
    for numbers in by_document.values():
        if len(numbers) >= 4 and all(len(r) == 1 for r in numbers.values()):
            for number, (row,) in numbers.items():
                rows.setdefault(number, []).append(row)
    return rows


def _within_named(section: np.ndarray, snapshot: Snapshot, documents: tuple[str, ...],
                  wanted: tuple[str, ...]) -> None:
    """A section named with its document ("question 7 in the FAQ of the Tongxu guide", "item 9 on the
    Gupu list of materials") is that document's, though many documents have a 问7 or a 9. The named
    documents' ids written differently (四7 under 四、常见问题, 附件2-9 in the materials list) end in the
    number named, or are the id in an annex (the notice's 申报指南五（三） is its 附件1五(三)): they stand
    in at ``TAIL_MATCH``, and the question's other words pick among them; failing those, the same lone
    numeral at another level (二 for "point (二)") at ``NUMERAL_MATCH``.
    Other documents' matches count for nothing. In place."""
    owned = np.array([m.document in documents for m in snapshot.measures])
    if not (section[owned] > 0).any():
        numbers = set(filter(None, map(_tail_number, wanted)))
        for row in np.flatnonzero(owned):
            id_ = snapshot.measures[row].section
            if _tail_number(id_) in numbers or any(_ANNEX_PREFIX_RE.fullmatch(id_[:-len(w)]) for w in wanted
                                                    if len(w) < len(id_) and id_.endswith(w)):
                section[row] = TAIL_MATCH
    if not (section[owned] > 0).any():
        # "point 2 (二) of the decision" when the decision numbers its points 一、二、: a lone numeral at
        # another level (二, (二), 第二条) is the one the reader meant, the only other reading there is.
        numerals = set(filter(None, map(lone_numeral, wanted)))
        for row in np.flatnonzero(owned):
            if lone_numeral(snapshot.measures[row].section) in numerals:
                section[row] = NUMERAL_MATCH
    # The named documents' own ids, or none: another document's 二(二) does not answer "二(二) of X".
    section[~owned] = 0.0


# Below a subsection's item (0.9): an id ending in the number named is one reading among several.
TAIL_MATCH = 0.8
# Below that: the same number at another level of numbering.
NUMERAL_MATCH = 0.7
# "申报指南五（三）" of a notice whose guide is its annex: 附件1五(三).
_ANNEX_PREFIX_RE = re.compile(r"(?:附件|附表)[\d一二三四五六七八九十]*[-－]?")
_TAIL_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3})$")


def _tail_number(section: str) -> str | None:
    """The number an id ends in: "7" for 问7, 四7 and 附件2-9's "9"; 第九条 is "9" too."""
    if number := _item_number(section):
        return number
    match = _TAIL_NUMBER_RE.search(section)
    return match.group(1) if match else None


def _section_match(section: str, wanted: tuple[str, ...]) -> float:
    """1 for the section named, 0.9 for an item of a named subsection."""
    if section in wanted:
        return 1.0
    return 0.9 if any(in_section(section, w) for w in wanted) else 0.0
