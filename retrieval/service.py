"""PolicyService: the one object the CLI and the bot talk to, built once from config."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Callable, Sequence

from retrieval.config import Settings
from retrieval.index.embedders import Embedder, build_embedder
from retrieval.index.versions import Index
from retrieval.models import Answer, Document, Hit, IngestReport, Measure, file_name_of
from retrieval.text.sections import in_section, normalize_section

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class About:
    version: int
    documents: tuple[tuple[str, str, int], ...]  # (name, title, measures)
    measures: int
    embedder: str
    llm: str | None


@dataclass(frozen=True)
class Examples:
    questions: tuple[str, ...]
    section: str  # a section id that exists, for "/section …"
    unit: str  # the unit with most measures, for "/unit …" ("" when the documents name none)


class PolicyService:
    """Search, answers, measures and corpus administration over the serving index version."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, llm=None,
                 index: Index | None = None) -> None:
        from retrieval.answer.answerer import Answerer
        from retrieval.search.hybrid import HybridSearcher

        self.settings = settings
        self._embedder = embedder or build_embedder(settings.embedder)
        self.index = index or Index(settings, self._embedder)
        self.searcher = HybridSearcher(self.index, settings.retrieval, settings.data_dir / "cache")
        self.answerer = Answerer(settings, self.searcher, llm=llm if llm is not None else _llm_from_env(settings))
        self._admin_lock = threading.Lock()

    # -- questions -----------------------------------------------------------------------------
    def ask(self, question: str, *, language: str | None = None, use_llm: bool = True,
            context: Sequence[str] = (), after: Sequence[str] = ()) -> Answer:
        """``context``: the documents a conversation's previous answer came from; a follow-up that names
        no document prefers them. ``after``: the ids of the measures that answer cited first; a follow-up
        with no words of its own ("由哪个部门负责?") asks about them."""
        return self.answerer.answer(question, language_hint=language, use_llm=use_llm, context=context, after=after)

    def ask_in_steps(self, question: str, *, language: str | None = None, context: Sequence[str] = (),
                     after: Sequence[str] = ()) -> tuple[Answer, Callable[[], Answer] | None]:
        """The offline answer now and, when the LLM will be asked, a (blocking) call for the final answer.

        The final answer is the LLM's if it passes the grounding gate, else this offline answer with a note.
        """
        pending = self.answerer.prepare(question, language_hint=language, context=context, after=after)
        if not self.answerer.will_ask_llm(pending):
            return pending.offline, None
        return pending.offline, lambda: self.answerer.finish(pending)

    def search(self, query: str, k: int | None = None, *, context: Sequence[str] = ()) -> list[Hit]:
        return self.searcher.search(query, k or self.settings.retrieval.k, context=context)

    # -- browsing ------------------------------------------------------------------------------
    def measures(self, unit: str | None = None, document: str | None = None) -> list[Measure]:
        measures = self.index.snapshot().measures
        if document:  # a compilation's file name stands for all the policies it holds
            measures = tuple(m for m in measures if document in (m.document, file_name_of(m.document)))
        if unit:
            from retrieval.text.units import unit_matches

            names = self.settings.retrieval.unit_names
            measures = tuple(m for m in measures if any(unit_matches(unit, u, names) for u in m.units))
        return list(measures)

    def section(self, section: str, document: str | None = None) -> list[Measure]:
        """A section id (三(四), 三（三）2, 第五条); a subsection with items gives all its items."""
        wanted = normalize_section(section)
        measures = self.measures(document=document)
        exact = [m for m in measures if m.section == wanted]
        return exact or [m for m in measures if in_section(m.section, wanted)]

    def units(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for m in self.index.snapshot().measures:
            for unit in m.units:
                counts[unit] = counts.get(unit, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def support(self, query: str | None = None, k: int = 10):
        from retrieval.search.support import find_support

        return find_support(self.searcher, query, k)

    def about(self) -> About:
        snapshot = self.index.snapshot()
        docs = []
        for name in snapshot.documents:
            ms = [m for m in snapshot.measures if m.document == name]
            docs.append((name, ms[0].title, len(ms)))
        return About(snapshot.version.version, tuple(docs), len(snapshot.measures), self._embedder.name,
                     self.answerer.llm_name)

    def examples(self, language: str) -> Examples:
        """Example questions, a section id and a unit for /help: from config, else from the index itself,
        so the help fits whatever documents are loaded."""
        from collections import Counter

        from retrieval.text.units import english_name

        measures = self.index.snapshot().measures
        section = measures[0].section if measures else ""
        units = Counter(u for m in measures for u in m.units)
        unit = units.most_common(1)[0][0] if units else ""
        configured = self.settings.corpus.examples.get(language)
        if configured:
            return Examples(tuple(configured), section, unit)
        zh = language == "zh"
        questions = []
        with_units = next((m for m in measures if m.units), None)
        if with_units:
            questions.append(f"{with_units.section}由哪个部门负责?" if zh
                             else f"Who is responsible for measure {with_units.section}?")
        if unit:
            name = english_name(unit, self.settings.retrieval.unit_names) or unit
            questions.append(f"{unit}负责哪些措施?" if zh else f"What is {name} responsible for?")
        if measures:
            questions.append(f"{section}讲了什么?" if zh else f"What does {section} say?")
        questions.append("企业可以获得哪些支持?" if zh else "What support can a company get?")
        return Examples(tuple(questions), section, unit)

    # -- administration ------------------------------------------------------------------------
    def reload(self, *, progress: bool = False) -> IngestReport:
        with self._admin_lock:
            return self.index.ingest(progress=progress)

    def preview_upload(self, data: bytes, filename: str) -> tuple[Document, ...]:
        """Parse an uploaded file without touching the corpus (a 政策汇编 gives several documents);
        DocumentError says why it is refused."""
        from retrieval.ingest import ocr
        from retrieval.ingest.corpus import parse_upload, safe_filename

        safe_filename(filename)
        ocr.use_cache_dir(self.settings.data_dir / "cache")  # the add after Confirm reads the scan from it
        return parse_upload(data, filename)

    def add_document(self, data: bytes, filename: str) -> IngestReport:
        """Write an (already previewed) upload into the corpus folder and re-ingest.

        If the re-ingest fails the file is removed again, so the corpus and the index agree.
        """
        from retrieval.ingest.corpus import parse_upload, safe_filename
        from retrieval.ingest.loaders import DocumentError

        name = safe_filename(filename)
        parse_upload(data, name)
        corpus = self.settings.corpus_dir
        target = (corpus / name).resolve()
        if target.parent != corpus.resolve():
            raise DocumentError(f"{filename!r}: the file name leaves the corpus folder")
        with self._admin_lock:
            backup = target.read_bytes() if target.exists() else None
            tmp = target.with_name(f".{target.name}.uploading")
            tmp.write_bytes(data)
            os.replace(tmp, target)
            try:
                return self.index.ingest()
            except Exception:
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(backup)
                raise


def _llm_from_env(settings: Settings):
    """The LLM chain only when an endpoint is configured in the environment; offline otherwise."""
    if not settings.llm.enabled:
        return None
    if not (os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
        return None
    from retrieval.answer.llm import build_chat_model

    return build_chat_model(settings.llm)


def build_service(settings: Settings, **kwargs) -> PolicyService:
    return PolicyService(settings, **kwargs)
