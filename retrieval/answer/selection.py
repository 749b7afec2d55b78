"""Which measures an answer cites, in which order, and what it says of their units.

Each step reads one question's ``Prepared`` (its analysis and snapshot) and the search's hits:
a step named after another ("下一步"), every item under a heading a who-question is about, the
document a named section belongs to, the units an article's prose names.
"""
from __future__ import annotations

import re
from dataclasses import replace

from retrieval.answer.answerability import heading_coverage
from retrieval.answer.compose import quote_terms
from retrieval.models import Citation, Hit, Measure
from retrieval.search.hybrid import Prepared
from retrieval.text.sections import in_section, parent_section

# A document is "the one asked about" when the next one is less than this much about the question.
CLEAR_DOCUMENT = 0.8
# A who-question is about a whole heading when the heading carries this much of its words' information
# (all but a minor word: "的工作", "方面").
HEADING_CARRIES = 0.8
# The hits read for "are the best answers items of one list?", and how close to the best they must score.
LIST_HITS = 3
LIST_SHARE = 0.6
# A question asking for the whole list (哪些材料, "what documents", "what are the steps"), not for one of
# its items ("where do we drop off the form?", "what can I submit as proof?").
_ENUMERATION_RE = re.compile(r"哪些|哪几|都有什么|有什么|什么材料|什么条件|什么手续|什么流程|几个步骤|"
                             r"\b(?:what|which)\s+(?:\w+\s+){0,2}(?:documents|materials|papers|steps|conditions|"
                             r"requirements|criteria|procedures)\b|\bwhat (?:are|is) the (?:steps|procedures?|process|"
                             r"requirements|conditions|criteria)\b|\blist\b", re.I)


_ASKING_NEXT = "下一步 接下来 下一个环节 之后 以后 然后 完成后 完了"


def next_step_first(prepared: Prepared, hits: list[Hit]) -> list[Hit]:
    """"上传完信息采集表之后下一步做什么?": the question names a step, and the step after it in its document
    answers, cited first, with the named step after it.

    The named step is the close hit with a step after it (办理材料, a chapter of one measure, is no step
    of a sequence) whose own words, its heading's twice, carry the question most, leaving out its
    document's title: 食品经营许可 says which guide, 审核 which step. A question naming the heading above
    the item ("报名之后", over 四(二)'s items) names that whole step. The next step is the first later measure under the same
    chapter outside the step named (after 四(二)2, 四(三)1: not 四(二)3, more of 报名)."""
    # The asking words ("下一步", "之后"; what "next" and "after" bridge to) name no step.
    terms = {t: w for t, w in quote_terms(prepared).items() if t not in _ASKING_NEXT}
    candidates = []
    for rank, hit in enumerate(hits[:5]):
        if hit.score < 0.5 * hits[0].score:
            break
        named = hit.measure
        heading = [t for t in terms if t in named.subsection and t not in named.title]
        step = (parent_section(named.section) if heading else "") or named.section
        later = [m for m in prepared.snapshot.measures
                 if m.document == named.document and m.chapter == named.chapter and m.order > named.order
                 and not in_section(m.section, step)]
        if later:
            # A word in the item's heading counts twice: a step is named by its heading ("电脑派位之后").
            own = sum(w * ((t in named.text) + (t in named.subsection))
                      for t, w in terms.items() if t not in named.title)
            candidates.append((-own, rank, hit, min(later, key=lambda m: m.order)))
    if not candidates:
        return hits
    _, _, hit, following = min(candidates, key=lambda c: c[:2])
    rest = [h for h in hits if h.measure.id not in (following.id, hit.measure.id)]
    return [Hit(following, hits[0].score, {**hit.signals, "after": hit.measure.id}), hit] + rest


def with_mentioned_units(prepared: Prepared, citation: Citation) -> Citation:
    """The corpus's known units that a quote names in full (区财政局, not 市财政局 for its 财政局)."""
    named = tuple(u for u in prepared.lex.units.find(citation.quote) if u in citation.quote)
    return replace(citation, mentioned_units=named) if named else citation


def with_siblings(prepared: Prepared, chosen: list[Measure], limit: int) -> list[Measure]:
    """A who-question about a heading answered item by item ("军民融合由哪些部门负责?" over (十四)'s
    items 1–3, each with its own unit) names every item's units, not only those whose scores happened
    to tie. Only when the heading alone carries the question: "事业单位公开招聘由哪个部门负责?" asks about
    one item, though another item under the same heading also mentions 事业单位公开招聘."""
    first = chosen[0]
    heading = first.subsection or ""
    siblings = [m for m in prepared.snapshot.measures
                if m.document == first.document and m.units and m not in chosen
                and (m.chapter, m.subsection) == (first.chapter, first.subsection)]
    if not siblings or (heading_coverage(prepared, heading) or 0.0) < HEADING_CARRIES:
        return chosen
    return (chosen + siblings)[:limit]


def with_list_items(prepared: Prepared, hits: list[Hit], chosen: list[Measure],
                    limit: int) -> tuple[list[Measure], int]:
    """"申报要准备哪些材料?", "What are the steps?": when the best hits are items of one list (several of
    the first three under the same heading of one document: 申报材料's 1–5, 办理流程's steps), the
    answer is the whole list, item by item in the document's order, not the three that scored best.
    Each item is short and shares few words with the question, so which of them rank first is chance.
    Returns the measures to cite and how many items the list has (more than are cited past ``limit``)."""
    first = chosen[0]
    if not first.subsection or not _ENUMERATION_RE.search(prepared.info.text):
        return chosen, len(chosen)
    key = (first.document, first.chapter, first.subsection)
    top = hits[0].score
    close = [h.measure for h in hits[:LIST_HITS] if h.score >= LIST_SHARE * top]
    if sum((m.document, m.chapter, m.subsection) == key for m in close) < 2:
        return chosen, len(chosen)
    items = sorted((m for m in prepared.snapshot.measures if (m.document, m.chapter, m.subsection) == key),
                   key=lambda m: m.order)
    return (items[:limit], len(items)) if len(items) > len(chosen) else (chosen, len(chosen))


def by_document_relevance(named: list[Measure], hits: list[Hit]) -> list[Measure]:
    """Measures with a named id from several documents (第十八条 is in most regulations): the document
    the question is about first; only it when the question's other words clearly point to it
    ("Article 18 of the senior card measures"), every document's otherwise ("二(三)讲了什么?")."""
    if len({m.document for m in named}) < 2 or not hits:
        return named
    prior = {h.measure.document: float(h.signals.get("topic", 0.0)) for h in reversed(hits)}
    # In the corpus's order among equals: a set's order changes from one process to the next.
    ranked = sorted(dict.fromkeys(m.document for m in named), key=lambda d: -prior.get(d, 0.0))
    first, second = prior.get(ranked[0], 0.0), prior.get(ranked[1], 0.0)
    if first > 0 and second < CLEAR_DOCUMENT * first:
        return [m for m in named if m.document == ranked[0]]
    order = {d: i for i, d in enumerate(ranked)}
    return sorted(named, key=lambda m: order[m.document])


def documents_with_units(snapshot) -> frozenset[str]:
    """The documents that assign responsible units measure by measure (a unit clause or a task table).

    A regulation whose article says "由市医疗保障部门负责" in prose does not: under its other articles,
    "no responsible unit" would be said of every citation to a question that never asked who."""
    return frozenset(m.document for m in snapshot.measures if m.units and not m.units_inferred)


def documents_mostly_with_units(snapshot) -> frozenset[str]:
    """The documents in which most measures carry a unit clause of their own (a work plan's
    "（责任单位：…）" after each item): there a measure without one has no unit, and its neighbour's
    unit is no answer to who does it. A plan that tags only some of its items is not among them."""
    tagged: dict[str, list[bool]] = {}
    for m in snapshot.measures:
        tagged.setdefault(m.document, []).append(bool(m.units and not m.units_inferred))
    return frozenset(d for d, flags in tagged.items() if sum(flags) * 2 > len(flags))
