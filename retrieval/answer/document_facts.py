"""Questions about the document itself: who issued it, when, under which number (from its page's metadata).

"这个办法是哪个部门发布的?", "《…》的文号是什么?", "When were the measures published?": no measure says it (the
issuer signs below the text, the number heads it), so a search for measures would answer with the
articles nearest in words. The metadata the loader read from the page answers it instead.
"""
from __future__ import annotations

import re
from typing import Mapping

from retrieval.models import Answer, Hit, Measure
from retrieval.search.documents import document_infos, short_title, titled_documents
from retrieval.search.hybrid import Prepared
from retrieval.text.units import display_name

DOCUMENT_FACTS = "document facts"  # the verdict's reason: answered from metadata, no model asked
_LABELS = {"zh": {"issuer": "发布机关", "date": "发布日期", "number": "文号"},
           "en": {"issuer": "Issued by", "date": "Date", "number": "Document number"}}
_NOT_STATED = {"zh": {"issuer": "文件页面没有写明发布机关。", "date": "文件页面没有写明发布日期。", "number": "文件页面没有写明文号。"},
               "en": {"issuer": "The document's page does not say who issued it.",
                      "date": "The document's page does not give its date.",
                      "number": "The document's page does not give its document number."}}


def asked_document(prepared: Prepared, hits: list[Hit]) -> Measure | None:
    """A measure of the document a document-fact question is about, or None if it asks no such thing.

    The document whose title the question writes; else, for a question pointing at "this notice" /
    "the … measures", the one whose title shares most words with it, the one it names by place, or
    the best hit's."""
    info = prepared.info
    if not info.document_fact or not hits:
        return None
    infos = prepared.snapshot.derived("documents", lambda s: document_infos(s.measures))
    titled = titled_documents(info.text, infos)
    if len(titled) == 1:
        name = titled[0]
    elif info.this_document:
        loosely = titled_documents(info.text, infos, loose=True)
        name = loosely[0] if len(loosely) == 1 else \
            prepared.documents[0] if len(prepared.documents) == 1 else hits[0].measure.document
    else:
        return None
    return next((h.measure for h in hits if h.measure.document == name),
                next(m for m in prepared.snapshot.measures if m.document == name))


def document_facts_answer(prepared: Prepared, measure: Measure, language: str, hits: list[Hit],
                          names: Mapping[str, str]) -> Answer:
    """The document's title, issuer, date and number as the page gives them; not answerable when the
    one asked for is missing (the others are still shown)."""
    asked = prepared.info.document_fact
    values = {"issuer": _issuer(measure.issuer, language, names), "date": _date(measure.date, language),
              "number": measure.doc_number}
    labels = _LABELS["zh" if language == "zh" else "en"]
    title = short_title(measure.title) or measure.document
    separator = "：" if language == "zh" else ": "
    lines = [f"《{title}》"] + [f"{labels[key]}{separator}{values[key]}" for key in ("issuer", "date", "number")
                               if values[key]]
    answerable = bool(values[asked])
    if not answerable:
        lines.append(_NOT_STATED["zh" if language == "zh" else "en"][asked])
    return Answer(prepared.info.text, "\n".join(lines), answerable, language, "offline",
                  nearest=() if answerable else tuple(hits[:3]))


def _issuer(issuer: str, language: str, names: Mapping[str, str]) -> str:
    parts = [p for p in re.split(r"[、,，;；]", issuer) if p.strip()]
    return ("、" if language == "zh" else "; ").join(display_name(p.strip(), language, names) for p in parts)


def _date(date: str, language: str) -> str:
    if language == "zh" and re.fullmatch(r"\d{4}", date or ""):
        return f"{date}年"  # only the year is known
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date or "")
    if not match or language != "zh":
        return date or ""
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"
