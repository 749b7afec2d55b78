"""``policybot eval``: search and answer metrics on a file in the format of shared/eval/dev.jsonl."""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.models import file_name_of
from retrieval.text.sections import in_part, in_section, point_number

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """Counts for one language; each metric keeps (hits, total)."""

    counts: dict[str, list[int]] = field(default_factory=dict)
    mrr_sum: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def add(self, metric: str, ok: bool) -> None:
        slot = self.counts.setdefault(metric, [0, 0])
        slot[0] += int(ok)
        slot[1] += 1

    def rate(self, metric: str) -> float | None:
        hits, total = self.counts.get(metric, (0, 0))
        return round(hits / total, 3) if total else None

    def summary(self) -> dict:
        out = {metric: self.rate(metric) for metric in sorted(self.counts)}
        searched = self.counts.get("hit@1", [0, 0])[1]
        out["mrr"] = round(self.mrr_sum / searched, 3) if searched else None
        out["n"] = {metric: total for metric, (_, total) in sorted(self.counts.items())}
        if self.latencies:
            ordered = sorted(self.latencies)
            out["latency_ms_p50"] = round(ordered[len(ordered) // 2] * 1000, 1)
            out["latency_ms_p95"] = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)
        return out


def load_questions(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}, line {number}: not JSON ({exc})") from exc
    return rows


def evaluate(service, rows: list[dict], *, use_llm: bool = False, on_miss=None, on_row=None,
             service_for=None, context_for=None) -> dict:
    """Metrics per language; ``on_miss(row, hits, answer, record)`` for each miss, and
    ``on_row(dict)`` with the answerability signals of every question (for refitting the model).
    ``service_for(row)``, if given, is the service that answers a row (one corpus per document);
    ``context_for(row)`` the documents a conversation was about when the row is asked as a follow-up."""
    tallies = {"all": Tally()}
    for row in rows:
        if service_for is not None:
            service = service_for(row)
        lang = row.get("lang", "zh")
        tallies.setdefault(lang, Tally())
        gold = row.get("gold") or []
        started = time.perf_counter()
        context = tuple(context_for(row)) if context_for else ()
        hits = service.search(row["q"], 5, context=context) if gold else []
        answer = service.ask(row["q"], use_llm=use_llm, context=context)
        elapsed = time.perf_counter() - started
        record = _score(row, gold, hits, answer)
        for key in ("all", lang):
            tally = tallies[key]
            tally.latencies.append(elapsed)
            for metric, ok in record.items():
                if metric == "rank":
                    continue
                tally.add(metric, ok)
            if gold:
                tally.mrr_sum += 1 / (record["rank"] + 1) if record["rank"] is not None else 0.0
        if on_miss and failed(record):
            on_miss(row, hits, answer, record)
        if on_row:
            verdict = service.answerer.retrieve(row["q"], context).verdict
            on_row({"id": row.get("id"), "doc": row.get("doc"), "lang": lang, "answerable": bool(gold),
                    "top_right": bool(record.get("hit@1")),
                    "predicted": verdict.answerable, "probability": verdict.probability,
                    "signals": verdict.signals})
    return {key: tally.summary() for key, tally in tallies.items()}


def failed(record: dict) -> list[str]:
    """The metrics a question missed (false_abstain is the one where True is bad; answered_elsewhere
    only describes an abstention missed)."""
    return [k for k, v in record.items()
            if k not in ("rank", "answered_elsewhere") and (v if k == "false_abstain" else not v)]


def _right(document: str, section: str, row: dict, gold: list[str]) -> bool:
    """A section in the gold list, or inside one (gold 附件1 takes its row 附件1-15), of the document
    the question is about (when the row names one: a file, so any policy of a compilation file counts)."""
    # "申请材料-3" and "申请材料3" name the same row: question writers join a label and a number either way.
    section, gold = _undashed(section), [_undashed(g) for g in gold]
    inside = section in gold or any(_descendant(section, g) for g in gold)
    return inside and (not row.get("doc") or row["doc"] in (document, file_name_of(document)))


_LABEL_DASH_RE = re.compile(r"(?<=[\u4e00-\u9fff])-(?=\d)")


def _undashed(section: str) -> str:
    """申请材料-3 → 申请材料3 (附件2-10 keeps its dash: a number before it); a list's 第5项 → 5, the id
    the product gives it and a question naming it reads."""
    return point_number(_LABEL_DASH_RE.sub("", section))


def _descendant(section: str, parent: str) -> bool:
    """一(二) and 一(二)3 are inside 一; 附件1-15 inside 附件1; 二1(2) inside 二1 (but 一(一)12 not in 一(一)1);
    第三章第二节一 inside 第三章第二节 and 第三章; a standard's clause 3.1.2 inside 3.1 and 3."""
    if parent.startswith("附录"):
        return in_section(section, parent)  # a standard's appendix clauses A.0.1 inside 附录A
    if not section.startswith(parent) or section == parent:
        return False
    rest = section[len(parent):]
    return rest[0] in "(-" or (rest[0].isdigit() and not parent[-1].isdigit()) or in_part(section, parent) \
        or (rest[0] == "." and in_section(section, parent))  # a standard's 3.1.2 inside 3.1 and 3


def _score(row: dict, gold: list[str], hits, answer) -> dict:
    record: dict = {}
    if not gold:
        record["abstain_right"] = not answer.answerable
        record["rank"] = None
        if answer.answerable and answer.citations and row.get("doc"):
            # Gold [] says the question's own document does not answer; in a corpus of many documents
            # another one may (another city's rule, named in the answer). Which one the answer came from
            # tells a false answer of the question's own document from one nobody has judged.
            first = answer.citations[0].document
            record["answered_elsewhere"] = row["doc"] not in (first, file_name_of(first))
        return record
    rank = next((i for i, h in enumerate(hits) if _right(h.measure.document, h.measure.section, row, gold)), None)
    record.update({"hit@1": rank == 0, "hit@5": rank is not None, "rank": rank})
    record["false_abstain"] = not answer.answerable
    first = answer.citations[0] if answer.citations else None
    record["first_citation_right"] = first is not None and _right(first.document, first.section, row, gold)
    text = answer.text + "\n" + "\n".join(c.quote for c in answer.citations)
    if row.get("units"):
        record["units_named"] = all(u in text for u in row["units"])
    if row.get("facts"):
        # Latin letters match in any case: an answer starting "Yes —" holds the fact "yes".
        folded = text.casefold()
        record["facts_present"] = all(any(alt.casefold() in folded for alt in group) for group in row["facts"])
    said = said_yes_or_no(answer.text)
    truth = expected_yes_or_no(row.get("facts") or []) if row.get("type", "yesno") in YESNO_TYPES else None
    if truth is not None and answer.answerable:
        # "facts present" cannot tell: 不 and 可以 stand in nearly every quote. The answer's own first word does.
        record["yesno_right"] = said is truth
        record["yesno_wrong"] = said is (not truth)
    return record


YESNO_TYPES = ("yesno", "yes/no")  # question sets' type for yes/no questions (rows without a type: by their facts)
_YES_MARKS = frozenset({"是", "yes", "可以", "能", "会", "需要", "有"})
_NO_MARKS = frozenset({"否", "no", "不", "不可以", "不能", "不会", "不需要", "没有", "无需"})


def expected_yes_or_no(facts: list[list[str]]) -> bool | None:
    """True / False when a question's facts hold a yes or a no marker group ([["是","能","yes"]]), else None."""
    for group in facts:
        marks = {alt.casefold() for alt in group}
        if marks & _YES_MARKS and not marks & _NO_MARKS:
            return True
        if marks & _NO_MARKS and not marks & _YES_MARKS:
            return False
    return None


def said_yes_or_no(text: str) -> bool | None:
    """What an answer says first: "是。…" / "Yes — …" → True, "否。…" / "No — …" → False, else None."""
    head = text.lstrip()
    if head.startswith(("是。", "Yes —")):
        return True
    if head.startswith(("否。", "No —")):
        return False
    return None
