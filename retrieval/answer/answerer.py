"""Question → Answer: retrieve, judge answerability, then answer offline or through the LLM chain."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Sequence

from retrieval.answer.answerability import (Verdict, asks_nothing, judge, missing_kind, prefer_figures, prefer_units,
                                           topic_words)
from retrieval.answer.document_facts import DOCUMENT_FACTS, asked_document, document_facts_answer
from retrieval.answer.compose import LIST_KINDS, cite, pick_quote, quote_terms, render_answer, render_refusal
from retrieval.answer.selection import (by_document_relevance, documents_mostly_with_units, documents_with_units,
                                        next_step_first, with_list_items, with_mentioned_units, with_siblings)
from retrieval.config import Settings
from retrieval.models import Answer, Hit, Measure
from retrieval.text.sections import in_section
from retrieval.search.documents import document_infos
from retrieval.search.hybrid import HybridSearcher, Prepared
from retrieval.search.support import catalogue_of, support_hits

log = logging.getLogger(__name__)

# Refusals that say the document mentions the subject but gives no figure of the kind asked for; said
# only when the best measures carry at least this share of the question's information.
MENTIONS_GAPS = frozenset({"amount", "percentage", "number"})
MENTIONS_COVERAGE = 0.5


class QuestionError(ValueError):
    """The question cannot be asked as it is (empty, too long); the message says why."""


@dataclass(frozen=True)
class Retrieved:
    """Search and verdict for one question, all from one snapshot."""

    prepared: Prepared
    hits: list[Hit]
    verdict: Verdict
    support: bool


@dataclass(frozen=True)
class Pending:
    """A question answered offline, not yet through the LLM: what ``Answerer.finish`` needs."""

    question: str
    language: str
    hits: list[Hit]
    verdict: Verdict
    offline: Answer
    started: float = 0.0  # time.monotonic() when the question arrived: the LLM budget counts from here
    prepared: Prepared | None = None  # the one analysis of the question, handed on to the LLM path


class Answerer:
    def __init__(self, settings: Settings, searcher: HybridSearcher, llm=None) -> None:
        self._settings = settings
        self._searcher = searcher
        self._llm = None
        if llm is not None:
            from retrieval.answer.llm import LLMAnswerer

            self._llm = LLMAnswerer(llm, settings, searcher)

    @property
    def llm_name(self) -> str | None:
        return self._llm.name if self._llm else None

    def answer(self, question: str, *, language_hint: str | None = None, use_llm: bool = True,
               context: Sequence[str] = (), after: Sequence[str] = ()) -> Answer:
        pending = self.prepare(question, language_hint=language_hint, context=context, after=after)
        return self.finish(pending) if use_llm else pending.offline

    def prepare(self, question: str, *, language_hint: str | None = None, context: Sequence[str] = (),
                after: Sequence[str] = ()) -> "Pending":
        """Retrieval, the verdict and the offline answer: everything before the LLM is asked.
        ``context`` and ``after``: the conversation's documents and last cited measures (see ``retrieve``)."""
        question = (question or "").strip()
        limit = self._settings.telegram.max_question_chars
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > limit:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is {limit}")
        started, arrived = time.perf_counter(), time.monotonic()
        found = self.retrieve(question, context, after)
        prepared, hits, verdict, support = found.prepared, found.hits, found.verdict, found.support
        info = prepared.info
        language = info.language if _has_words(question) or not language_hint else language_hint
        document = asked_document(prepared, hits)
        if document is not None:
            offline = document_facts_answer(prepared, document, language, hits, self._settings.retrieval.unit_names)
            verdict = Verdict(offline.answerable, 1.0, verdict.dense, DOCUMENT_FACTS, probability=float(offline.answerable))
            log.info("question lang=%s asks the %s of %s", language, info.document_fact, document.document)
            return Pending(question, language, hits, verdict, offline, arrived, prepared)
        log.info("question lang=%s kinds=%s answerable=%s (%s) top=%s", language, sorted(info.kinds),
                 verdict.answerable, verdict.reason, hits[0].measure.id if hits else None)
        offline = self.offline(prepared, language, hits, verdict, support)
        log.debug("answered offline in %.1f ms", (time.perf_counter() - started) * 1000)
        return Pending(question, language, hits, verdict, offline, arrived, prepared)

    def will_ask_llm(self, pending: "Pending") -> bool:
        """Whether ``finish`` would ask the model (not when the offline refusal is confident)."""
        from retrieval.answer.llm import offline_confidence

        if pending.verdict.reason == DOCUMENT_FACTS:
            return False  # the page's metadata says it; nothing for a model to add
        return self._llm is not None and offline_confidence(pending.verdict, pending.offline, pending.hits) != "refusal"

    def finish(self, pending: "Pending") -> Answer:
        """The LLM's answer if it passes the grounding gate, else the offline one with a note (hook for llm.py)."""
        if self._llm is None or pending.verdict.reason == DOCUMENT_FACTS:
            return pending.offline
        from retrieval.answer.structured import Budget

        budget = Budget(self._settings.llm.budget_seconds, started=pending.started)
        return self._llm.answer(pending.question, pending.language, pending.hits, pending.offline,
                                verdict=pending.verdict, budget=budget, prepared=pending.prepared)

    def retrieve(self, question: str, context: Sequence[str] = (), after: Sequence[str] = ()) -> Retrieved:
        """Search and judge: everything an answer is built from, for one snapshot."""
        prepared = self._searcher.prepare(question, context=context)
        if after and not prepared.info.sections and asks_nothing(prepared):
            # "由哪个部门负责?", "How much?" after an answer: nothing of its own to search for, so it asks
            # about the measure that answer cited, as if it had named it.
            prepared = self._searcher.about_measures(prepared, after) or prepared
        info = prepared.info
        k = max(self._settings.retrieval.k, 5)
        hits = self._searcher.rank(prepared, k)
        prepared = self._searcher.prepared_for(prepared, hits)  # the snapshot the hits came from
        judged = hits
        if info.asks_figure:
            hits = judged = prefer_figures(prepared, hits)
        elif info.wanted == "date":
            # "从哪天开始实行?": a close runner-up that gives a date answers, not an article that only
            # says "本条例施行前…". Judged in the search's order, as the model was fitted.
            hits = prefer_figures(prepared, hits)
        elif info.asks_who:
            # Judged in the search's order, as the model was fitted: the unit's measure answers, but
            # whether the corpus answers at all is the question's fit to the best hit.
            hits = prefer_units(hits, prepared.snapshot.derived("mostly_units", documents_mostly_with_units))
        if "next" in info.kinds:
            hits = next_step_first(prepared, hits)  # judged in the search's order: the question fits the step it names
        support = _wants_support(prepared)
        if support:
            # "What can my company get?": only measures that offer something can answer it.
            hits = judged = support_hits(self._searcher, prepared, k) or hits
        return Retrieved(prepared, hits, judge(prepared, judged, support=support), support)

    def offline(self, prepared: Prepared, language: str, hits: list[Hit], verdict: Verdict,
                support: bool = False) -> Answer:
        info = prepared.info
        question = info.text
        names = self._settings.retrieval.unit_names
        if not verdict.answerable or not hits:
            nearest = tuple(hits[:3])
            gap = verdict.gap
            if gap == info.wanted and missing_kind(gap, [h.measure for h in nearest]) is None:
                # "The document does not describe how to apply" above a nearest measure that lists the
                # materials would contradict itself: the kind was missing from the best measures only.
                gap = None
            if gap in MENTIONS_GAPS and verdict.coverage < MENTIONS_COVERAGE:
                # "The document mentions this but gives no amount" is untrue when the nearest measures
                # carry few of the question's words (new-energy car subsidies in a science plan).
                gap = None
            text = render_refusal(language, nearest, gap, verdict.detail, titles=_titles(prepared),
                                  named=prepared.documents)
            return Answer(question, text, False, language, "offline", nearest=nearest)
        measures, list_unit, total, whole_list = self._choose(prepared, hits, support)
        settings = self._settings.answer
        terms = quote_terms(prepared)
        citations = tuple(cite(m, pick_quote(m, info, terms, settings.max_quotes,
                                             settings.first_quote_chars if i == 0 else settings.quote_chars,
                                             settings.list_quote_chars, self._searcher.closeness(prepared, m)), terms)
                          for i, m in enumerate(measures))
        if info.asks_who and not any(c.units for c in citations):
            citations = tuple(with_mentioned_units(prepared, c) for c in citations)
        units = tuple(dict.fromkeys(u for c in citations for u in c.units))
        labels = _support_labels(prepared, measures, language) if support else {}
        text = render_answer(info, citations, language, names, list_unit, labels, total=total,
                             titles=_titles(prepared), terms=terms, whole_list=whole_list,
                             assigns_units=prepared.snapshot.derived("assigns_units", documents_with_units))
        return Answer(question, text, True, language, "offline", citations, units)

    def _choose(self, prepared: Prepared, hits: list[Hit],
                support: bool) -> tuple[list[Measure], str | None, int, bool]:
        """Which measures to cite (a named section, a named unit's task list, or the best hits),
        the unit whose list it is, how many there are in all (more may exist than are shown), and
        whether they are every item of one heading's list (申报材料 1–6)."""
        info, snapshot = prepared.info, prepared.snapshot
        settings = self._settings.answer
        if info.sections:
            named = [m for m in snapshot.measures if any(in_section(m.section, w) for w in info.sections)]
            # The documents the question names, else the conversation's ("那二(三)呢?" after one of its answers).
            within = prepared.documents or prepared.context
            if prepared.documents:
                # A document the question names numbers its items its own way ("第14项" is its 二14): another
                # document's 14 is no answer, the search's reading of the number in it is.
                named = [m for m in named if m.document in prepared.documents]
            elif within:
                named = [m for m in named if m.document in within] or named
            named = by_document_relevance(named, hits)
            if named:
                return named[: settings.list_limit], None, len(named), False
        if info.asks_list:
            units = prepared.terms.units
            if units:
                ranked = {h.measure.id: i for i, h in enumerate(self._searcher.rank(prepared, len(snapshot.measures)))}
                own = [m for m in snapshot.measures if units[0] in m.units]
                own = sorted(own, key=lambda m: ranked.get(m.id, 0))
                return own[: settings.list_limit], units[0], len(own), False
        if prepared.context and hits[0].measure.document in prepared.context:
            # A follow-up answered from the conversation's document stays in it: another document's
            # measure that merely shares words ("申请材料" of another guide) would change the subject.
            hits = [h for h in hits if h.measure.document in prepared.context]
        top = hits[0].score
        if support:
            # An enterprise asking what it can get wants the options, not one measure.
            chosen = [h.measure for h in hits if h.score >= 0.5 * top][:5]
            return chosen, None, len(chosen), False
        # Near-ties are cited together: several measures share a body and differ only by heading.
        share = 0.9 if info.asks_who or info.asks_figure else 0.75
        chosen = [h.measure for h in hits if h.score >= share * top][: settings.max_citations]
        if info.asks_who and not info.asks_figure:
            chosen = with_siblings(prepared, chosen, settings.list_limit)
        elif info.kinds & LIST_KINDS and not info.asks_figure:
            listed, items = with_list_items(prepared, hits, chosen, settings.list_limit)
            return listed, None, items, listed is not chosen
        return chosen, None, len(chosen), False


def _wants_support(prepared: Prepared) -> bool:
    """A general "what can we get?": answered with the support measures, not the closest text.

    A support question about something ("support for AI") is searched like any other, and so is a list
    asked of a unit ("市科技局有哪些扶持工作?"); "有哪些补贴?" names none.
    """
    info = prepared.info
    if ("support" not in info.kinds or info.asks_who or info.asks_figure or info.sections
            or (info.asks_list and prepared.terms.units)):
        return False
    return not topic_words(info.text, info.language)


def _titles(prepared: Prepared) -> dict[str, str]:
    """Document → short title, when the corpus has several documents (citations must say which)."""
    infos = prepared.snapshot.derived("documents", lambda s: document_infos(s.measures))
    return {name: info.short_title for name, info in infos.items()} if len(infos) > 1 else {}


def _support_labels(prepared: Prepared, measures: list[Measure], language: str) -> dict[str, str]:
    catalogue = catalogue_of(prepared.snapshot)
    labels = {}
    for m in measures:
        item = catalogue.get(m.id)
        if item:
            figures = f" · {'、'.join(item.figures)}" if item.figures else ""
            labels[m.id] = " / ".join(item.labels(language)) + figures
    return labels


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
