"""The serving index: an immutable snapshot of one version, swapped atomically on reload."""
from __future__ import annotations

import dataclasses
import fcntl
import logging
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from retrieval.config import Settings
from retrieval.index.embedders import Embedder
from retrieval.models import DocumentReport, IngestReport, Measure, file_name_of
from retrieval.index import sentences as sentence_vectors
from retrieval.index import snapcache
from retrieval.index.sentences import SentenceVectors
from retrieval.index.store import ChromaStore, EmbeddingCache, IndexVersion, StoreError

log = logging.getLogger(__name__)


class IngestError(RuntimeError):
    """A reload failed; the previous version keeps serving."""


@dataclass
class Snapshot:
    """One index version as searches see it; never mutated once published."""

    version: IndexVersion
    measures: tuple[Measure, ...]
    collection: object
    _derived: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {m.id: m for m in self.measures}
        self.documents = tuple(dict.fromkeys(m.document for m in self.measures))

    def derived(self, key: str, build: Callable[["Snapshot"], object]):
        """Structures built from this version's measures (BM25, tags), once per snapshot."""
        with self._lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            return self._derived[key]


class Index:
    def __init__(self, settings: Settings, embedder: Embedder, store: ChromaStore | None = None) -> None:
        self._settings = settings
        self._embedder = embedder
        self._store_obj = store  # opened on first need: a local index usually serves from snapcache
        self._cache = EmbeddingCache(settings.data_dir / "embeddings.sqlite")
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._ingest_lock = threading.Lock()
        self._load_lock = threading.Lock()

    @property
    def _store(self) -> ChromaStore:
        if self._store_obj is None:
            self._store_obj = ChromaStore(self._settings.index, self._settings.data_dir)
        return self._store_obj

    @property
    def _local(self) -> bool:
        """A persistent index in data_dir (not a shared server): the serving version may come from snapcache."""
        return not self._settings.index.host

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    # -- serving -------------------------------------------------------------------------------
    def snapshot(self, *, progress: bool = False, refresh: bool = False) -> Snapshot:
        """The serving version; built from the corpus on first use, refreshed if another process switched."""
        current = self._snapshot
        now = time.monotonic()
        if current is not None and not refresh and now - self._checked_at < self._settings.index.refresh_seconds:
            return current
        with self._load_lock:
            if self._snapshot is not current:  # another thread already refreshed
                return self._snapshot
            if current is None and (cached := self._cached_snapshot()) is not None:
                self._snapshot, self._checked_at = cached, time.monotonic()
                return cached
            pointer = self._store.current()
            self._checked_at = time.monotonic()
            if pointer is None:
                self.ingest(progress=progress)
                return self._snapshot
            if current is None or current.version != pointer:
                self._snapshot = self._load(pointer)
                if self._local and current is None:
                    self._remember_unless_ingesting(pointer)
            return self._snapshot

    def _load(self, pointer: IndexVersion) -> Snapshot:
        measures, collection = self._store.read_version(pointer)
        log.info("serving index version %d (%d measures)", pointer.version, len(measures))
        return Snapshot(pointer, tuple(measures), collection)

    def _cached_snapshot(self) -> Snapshot | None:
        if not self._local:
            return None
        serving = snapcache.read(self._settings.data_dir)
        if serving is None or serving.version.embedder != self._embedder.name:
            return None
        log.info("serving index version %d (%d measures) from %s", serving.version.version,
                 len(serving.measures), snapcache.path(self._settings.data_dir).name)
        return Snapshot(serving.version, serving.measures,
                        snapcache.LocalCollection([m.id for m in serving.measures], serving.vectors))

    def _remember_unless_ingesting(self, pointer: IndexVersion) -> None:
        """A folder indexed before snapcache existed, or whose snapcache is of an older format, gets one;
        skipped while an ingest holds the lock. (Only a process that could not serve from snapcache gets here.)"""
        if snapcache.read(self._settings.data_dir) is not None:
            return
        try:
            with open(self._settings.data_dir / "ingest.lock", "a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                try:
                    if self._store.current() == pointer:  # not switched meanwhile
                        self._remember(self._snapshot)
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as exc:
            log.debug("snapcache not written: %s", exc)

    def _remember(self, snapshot: Snapshot) -> None:
        """Write snapcache for the version just switched to (called under the ingest lock)."""
        vectors = self._local_vectors(snapshot)
        if vectors is not None:
            snapcache.write(self._settings.data_dir, snapshot.version, snapshot.measures, vectors)

    def _local_vectors(self, snapshot: Snapshot) -> np.ndarray | None:
        """A local version's measure vectors from the embedding cache, in the snapshot's order (embedding
        what it lacks); None for a shared server or another embedder's version."""
        if not self._local or snapshot.version.embedder != self._embedder.name:
            return None
        # Vectors are cached by what was embedded (embedding_hash), not by what is indexed for words
        # (content_hash adds the document's place): with the wrong key no page with a place got a snapcache.
        hashes = [m.embedding_hash for m in snapshot.measures]
        found = self._cache.get_many(self._embedder.name, hashes)
        if len(found) != len(set(hashes)):
            # The version was embedded from other text: by older code (a measure's own place now reads 本市)
            # or with a cache since deleted. Its vectors and the question's would disagree; embed them now.
            log.warning("%d of the index's measure vectors were made from other text; embedding them again "
                        "(policybot ingest stores them in the index)", len(set(hashes)) - len(found))
            return self._vectors(snapshot.measures, progress=False)[0]
        return np.stack([found[h] for h in hashes]) if hashes else np.zeros((0, 0), np.float32)

    def dense(self, snapshot: Snapshot, query: str | np.ndarray, k: int) -> list[tuple[Measure, float]]:
        """The k measures nearest to a question (its text, or its vector from ``embed_query``)."""
        if not snapshot.measures:
            return []
        vector = self._embedder.embed_query(query) if isinstance(query, str) else query
        collection = snapshot.derived("exact", self._exact) or snapshot.collection
        try:
            got = collection.query(query_embeddings=[vector.tolist()],
                                            n_results=min(k, len(snapshot.measures)),
                                            include=["distances"])
        except Exception as exc:
            raise StoreError(f"dense search failed: {exc}") from exc
        return [(snapshot.by_id[i], 1.0 - float(d))
                for i, d in zip(got["ids"][0], got["distances"][0]) if i in snapshot.by_id]

    def _exact(self, snapshot: Snapshot) -> snapcache.LocalCollection | None:
        """The version's vectors searched exactly, as snapcache does: Chroma's HNSW graph is built anew
        by every ingest and may return a slightly different top 30, which moved answers on the edge of
        the answerability threshold between two ingests of the same documents. None: ask Chroma (a
        shared server is the truth for every process using it; when it is down, searches say so)."""
        if isinstance(snapshot.collection, snapcache.LocalCollection):
            return snapshot.collection
        vectors = self._local_vectors(snapshot)
        return None if vectors is None else snapcache.LocalCollection([m.id for m in snapshot.measures], vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embedder.embed_query(text)

    def sentences(self, snapshot: Snapshot) -> SentenceVectors:
        """The version's sentence vectors (from the embedding cache; an ingest has filled it)."""
        return snapshot.derived("sentences", lambda s: sentence_vectors.build(
            s.measures, self._embedder, self._cache, self._settings.embedder.batch_size)[0])

    # -- building ------------------------------------------------------------------------------
    def ingest(self, folder: Path | None = None, *, progress: bool = False) -> IngestReport:
        """Parse the corpus, embed what changed, build a new version beside the old, then switch."""
        from retrieval.ingest import ocr
        from retrieval.ingest.corpus import scan_corpus  # here: the loaders import bs4, pypdf, docx

        ocr.use_cache_dir(self._settings.data_dir / "cache")  # a scan is recognised once, not at every reload
        started = time.perf_counter()
        folder = folder or self._settings.corpus_dir
        with self._ingest_lock, self._file_lock():
            scan = scan_corpus(folder)
            pointer = self._store.current()
            previous = self._load(pointer).measures if pointer else ()
            kept, failures = _keep_previous(scan.failures, previous)
            measures = [m for d in scan.documents for m in d.measures] + kept
            kept_names = {m.document for m in kept}
            reports = _diff_reports(scan.documents, [m for m in previous if m.document not in kept_names]) \
                + failures
            if not scan.documents:
                raise IngestError(f"no document in {folder} yielded measures; the index was left as it was: "
                                  + "; ".join(f.error or f.document for f in scan.failures))
            vectors, embedded = self._vectors(measures, progress)
            # Sentence vectors for reranking: embedded now, so no question waits for them.
            sentence_vectors.build(measures, self._embedder, self._cache, self._settings.embedder.batch_size,
                                   lambda n: _progress(n, progress))
            unchanged = pointer is not None and pointer.embedder == self._embedder.name and \
                {m.id: (m.content_hash, m.embedding_hash) for m in previous} == \
                {m.id: (m.content_hash, m.embedding_hash) for m in measures} and \
                [m.to_dict() for m in previous] == [m.to_dict() for m in measures]
            if unchanged:
                version = pointer.version
            else:
                version = (pointer.version + 1) if pointer else 1
                name = self._store.write_version(version, measures, vectors, self._embedder.name)
                snapcache.invalidate(self._settings.data_dir)  # a reader must never see the old one as current
                self._store.switch(version, name, self._embedder.name)
            self._snapshot = self._load(self._store.current())
            self._checked_at = time.monotonic()
            self._remember(self._snapshot)
        return IngestReport(version=version, documents=tuple(reports), embedded=embedded,
                            seconds=time.perf_counter() - started)

    def _vectors(self, measures: Sequence[Measure], progress: bool) -> tuple[np.ndarray, int]:
        hashes = [m.embedding_hash for m in measures]
        cached = self._cache.get_many(self._embedder.name, hashes)
        missing = [m for m in measures if m.embedding_hash not in cached]
        missing = list({m.embedding_hash: m for m in missing}.values())
        batch = self._settings.embedder.batch_size
        bar = _progress(len(missing), progress)
        for start in range(0, len(missing), batch):
            part = missing[start:start + batch]
            vectors = self._embedder.embed_documents([m.embedding_text for m in part])
            fresh = list(zip((m.embedding_hash for m in part), vectors))
            self._cache.put_many(self._embedder.name, fresh)
            cached.update(fresh)
            bar.update(len(part))
        bar.close()
        return np.stack([cached[h] for h in hashes]), len(missing)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Two processes sharing a data folder never build versions at the same time."""
        self._settings.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self._settings.data_dir / "ingest.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding measures", unit="measure", file=sys.stderr,
                disable=not enabled or total == 0, leave=False)


def _keep_previous(failures: Sequence[DocumentReport], previous: Sequence[Measure]
                   ) -> tuple[list[Measure], list[DocumentReport]]:
    """A file that fails now keeps its last good version: a broken replacement never removes a document."""
    by_doc: dict[str, list[Measure]] = {}  # by file: a compilation's policies stand or fall together
    for m in previous:
        by_doc.setdefault(file_name_of(m.document), []).append(m)
    kept: list[Measure] = []
    reports = []
    for failure in failures:
        old = by_doc.get(failure.document)
        if old:
            kept.extend(old)
            failure = dataclasses.replace(failure, kept_previous=True, measures=len(old))
            log.warning("%s failed; its previous %d measures keep serving", failure.document, len(old))
        reports.append(failure)
    return kept, reports


def _diff_reports(documents, previous: Sequence[Measure]) -> list[DocumentReport]:
    old_by_doc: dict[str, dict[str, str]] = {}
    for m in previous:
        old_by_doc.setdefault(m.document, {})[m.section] = m.content_hash
    reports = []
    for doc in documents:
        old = old_by_doc.pop(doc.name, {})
        new = {m.section: m.content_hash for m in doc.measures}
        reports.append(DocumentReport(
            document=doc.name, source=doc.source, measures=len(doc.measures),
            added=tuple(s for s in new if s not in old),
            changed=tuple(s for s in new if s in old and old[s] != new[s]),
            removed=tuple(s for s in old if s not in new), warnings=doc.warnings, title=doc.title,
            place=doc.place))
    for name, old in old_by_doc.items():
        reports.append(DocumentReport(document=name, source="", measures=0, removed=tuple(old)))
    return reports
