"""The data that flows one way: document → measures → hits → answer with citations."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

from retrieval.text.places import neutral, neutral_names

# A measure shorter than this (a table cell, "即时办结") cannot say on its own what it is about.
SHORT_MEASURE_CHARS = 20
TRANSLATION_LINE_CHARS = 40  # a line this long, in Latin letters, is a translation ("Article 6 …")


def without_translations(text: str) -> str:
    """The text without its sentences in English: a bilingual page's translation of each article, or
    all of a page written in English alone. Embedded or read for words, they drew English questions
    about every other document to that page (e5 and BM25 alike favour the question's own language:
    held-out English hit@1 0.59 → 0.54 with one English-only page searched in full). They stay in the
    quoted text; an English-only page is found by its headings and the Chinese names it gives."""
    return "\n".join(line for line in text.split("\n") if not _translation(line))


def _translation(line: str) -> bool:
    letters = sum(1 for ch in line if ch.isascii() and ch.isalpha())
    return len(line) >= TRANSLATION_LINE_CHARS and letters >= 0.6 * len(line.replace(" ", ""))


@dataclass(frozen=True)
class Measure:
    """One citable measure: a numbered item, or a subsection/article body without items."""

    document: str  # document name (file stem), stable across reloads
    title: str  # the document's title
    section: str  # as a reader cites it: 三(四), 三(三)2, 一(十三)4, 第五条
    chapter: str  # chapter heading, e.g. "三、培育创新载体"
    subsection: str  # subsection heading, e.g. "(四)获批的临床医学研究中心享受同级重点实验室的支持政策。"
    text: str  # the measure's own text, verbatim, without the responsible-unit clause
    units: tuple[str, ...] = ()  # responsible units in the order the document names them
    lead_units: tuple[str, ...] = ()  # 牵头单位, where the document distinguishes them
    support_units: tuple[str, ...] = ()  # 配合单位 / 协办单位 (partner units)
    order: int = 0  # position in the document
    doc_number: str = ""  # the document's 文号, e.g. 穗府办规〔2024〕13号
    issuer: str = ""  # the issuing body (or bodies, joined by 、)
    date: str = ""  # the document's date, YYYY-MM-DD where known
    place: str = ""  # where it applies: 广州市, 广州市天河区, 全国
    section_inferred: bool = False  # the id was not written in the text (e.g. a paragraph after 注意事项)
    units_inferred: bool = False  # the units come from prose ("由X负责"), not a unit clause or task table

    @property
    def id(self) -> str:
        """Deterministic chunk id, so re-indexing is idempotent."""
        return f"{self.document}:{self.section}"

    @property
    def heading(self) -> str:
        """The most specific heading: the subsection's, else the chapter's, else the document title."""
        return self.subsection or self.chapter or self.title

    @property
    def heading_line(self) -> str:
        """The heading's first line, for one-line displays ("" for an article with no chapter)."""
        return self.heading.split("\n", 1)[0]

    @property
    def partner_units(self) -> tuple[str, ...]:
        """配合单位: the name the issue uses for ``support_units``."""
        return self.support_units

    @property
    def content_text(self) -> str:
        """Headings and text: what the measure is about. Headings carry the policy itself, and
        several measures differ only by them."""
        return "\n".join(p for p in (self.chapter, self.subsection, without_translations(self.text)) if p)

    @property
    def borrowed_title(self) -> str:
        """The document's title, for a measure too short to say what it is about: a service guide's
        "法定时限 | 15个工作日" is about the permit in the title, which its own words never name."""
        if len(self.text) >= SHORT_MEASURE_CHARS or not self.title:
            return ""
        return self.title.strip("《》")

    @property
    def embedding_text(self) -> str:
        """What is embedded: the content and who is responsible for it. The document's title and place
        are left out (but for a measure too short to say what it is about): the same words on every
        measure of a document blur its measures together (dev set hit@1 0.93 with them, 1.00 without).
        Where the text names the document's own place it reads 本市 (or 本区…) instead, as the question's
        vector does (``retrieval.text.places``): which city it is must not move the measures' vectors."""
        return neutral(self._described, neutral_names(self.place)) if self.place else self._described

    @property
    def _described(self) -> str:
        """The content and its units, as written."""
        parts = [self.borrowed_title, self.content_text] if self.borrowed_title else [self.content_text]
        if self.lead_units:
            parts.append("牵头单位:" + "、".join(self.lead_units))
            if self.support_units:
                parts.append("配合单位:" + "、".join(self.support_units))
            others = [u for u in self.units if u not in self.lead_units and u not in self.support_units]
            if others:
                parts.append("责任单位:" + "、".join(others))
        elif self.units:
            parts.append("责任单位:" + "、".join(self.units))
        return "\n".join(parts)

    @property
    def retrieval_text(self) -> str:
        """What is indexed for words: the embedded text, then the document's place, so that a question
        naming it (天河区) matches measures that only say 本区. The title is not added, not even to a
        measure too short to go without it in its vector: its words (a year, 科技工作要点) on every measure
        made the corpus seem to answer questions it does not (blind2: abstentions right 0.92 → 0.83 with
        it), and on a short measure they would outweigh everything else (BM25 favours short texts)."""
        embedded = self._described
        if self.borrowed_title:
            embedded = embedded[len(self.borrowed_title) + 1:]
        return embedded + ("\n" + self.place if self.place else "")

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.retrieval_text.encode("utf-8")).hexdigest()

    @property
    def embedding_hash(self) -> str:
        """Key of the embedding cache: a corrected title re-indexes a document but embeds nothing (but
        its measures too short to go without the title)."""
        return hashlib.sha256(self.embedding_text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("units", "lead_units", "support_units"):
            data[key] = list(data[key])
        data["partner_units"] = list(self.support_units)
        data["id"] = self.id
        data["heading"] = self.heading
        return data


PART_MARK = "#"  # file stem + PART_MARK + n names the n-th policy of a file that compiles several


def part_name(file_name: str, part: int) -> str:
    """The document name of the part-th policy (from 1) of a 政策汇编 file."""
    return f"{file_name}{PART_MARK}{part}"


def file_name_of(document: str) -> str:
    """The file stem a document comes from: its own name, or the compilation's that holds it."""
    return document.split(PART_MARK, 1)[0]


@dataclass(frozen=True)
class Document:
    name: str  # the file stem, or part_name(stem, n) for the n-th policy of a compilation
    title: str
    measures: tuple[Measure, ...]
    source: str = ""  # file path it came from
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    place: str = ""
    warnings: tuple[str, ...] = ()  # repeated ids, text the measures do not explain, …

    def meta_dict(self) -> dict:
        return {"title": self.title, "doc_number": self.doc_number, "issuer": self.issuer,
                "date": self.date, "place": self.place}


@dataclass(frozen=True)
class Hit:
    measure: Measure
    score: float
    signals: dict = field(default_factory=dict)  # per-ranking scores, for answerability and debugging


@dataclass(frozen=True)
class Citation:
    document: str
    section: str
    heading: str
    quote: str  # verbatim sentence(s) of the measure
    units: tuple[str, ...] = ()
    title: str = ""  # the document's short title, so a reader knows which document is cited
    lead_units: tuple[str, ...] = ()  # 牵头单位, where the document tells lead and partner units apart
    partner_units: tuple[str, ...] = ()
    # Units the quoted text names where the document assigns the measure none ("区民政局对…实行星级评定"):
    # shown to a who-question as named by the text, never as responsible.
    mentioned_units: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.document}:{self.section}"

    @property
    def heading_line(self) -> str:
        return self.heading.split("\n", 1)[0]

    def to_dict(self) -> dict:
        return {"document": self.document, "title": self.title, "section": self.section, "heading": self.heading,
                "quote": self.quote, "units": list(self.units), "lead_units": list(self.lead_units),
                "partner_units": list(self.partner_units), "mentioned_units": list(self.mentioned_units)}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    answerable: bool
    language: str  # "zh" | "en"
    mode: str  # "offline" | "llm"
    citations: tuple[Citation, ...] = ()
    units: tuple[str, ...] = ()
    nearest: tuple[Hit, ...] = ()  # shown when the corpus does not answer
    note: str = ""  # e.g. why the LLM path fell back

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "answerable": self.answerable,
            "mode": self.mode,
            "language": self.language,
            "citations": [c.to_dict() for c in self.citations],
            "units": list(self.units),
            "nearest": [{"document": h.measure.document, "section": h.measure.section,
                         "heading": h.measure.heading, "score": round(h.score, 4)} for h in self.nearest],
            "note": self.note,
        }


@dataclass(frozen=True)
class DocumentReport:
    """What one ingest found in one file, and what changed since the serving version."""

    document: str
    source: str
    measures: int = 0
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    error: str | None = None  # why the file was not indexed
    kept_previous: bool = False  # the file failed, so its last good version keeps serving
    warnings: tuple[str, ...] = ()  # indexed, but an admin should look: repeated ids, unexplained text
    title: str = ""
    place: str = ""

    @property
    def changes(self) -> list[tuple[str, tuple[str, ...]]]:
        """("added" | "changed" | "removed", section ids), the non-empty ones, for every renderer."""
        return [(kind, ids) for kind, ids in (("added", self.added), ("changed", self.changed),
                                              ("removed", self.removed)) if ids]

    def to_dict(self) -> dict:
        return asdict(self) | {k: list(getattr(self, k)) for k in ("added", "changed", "removed", "warnings")}


@dataclass(frozen=True)
class IngestReport:
    version: int
    documents: tuple[DocumentReport, ...]
    embedded: int  # measures whose embedding was computed (not from cache)
    seconds: float
    ok: bool = True
    error: str | None = None

    @property
    def measures(self) -> int:
        return sum(d.measures for d in self.documents)

    @property
    def changed_anything(self) -> bool:
        return any(d.added or d.changed or d.removed for d in self.documents)

    @property
    def failed(self) -> tuple[DocumentReport, ...]:
        """Files that were not indexed (an admin must act): ``policybot ingest`` exits non-zero."""
        return tuple(d for d in self.documents if d.error)

    def to_dict(self) -> dict:
        return {"version": self.version, "ok": self.ok, "error": self.error, "measures": self.measures,
                "failed": len(self.failed),
                "embedded": self.embedded, "seconds": round(self.seconds, 3),
                "documents": [d.to_dict() for d in self.documents]}
