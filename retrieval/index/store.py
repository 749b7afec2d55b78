"""Chroma holds the measures, one collection per index version; a pointer record names the serving one.

A reload builds a new collection beside the serving one and then rewrites the pointer, so a
reader sees either the old version or the new one, never a half-built index. Every process
(CLI, bot instances sharing a Chroma server) follows the pointer.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from retrieval.config import IndexSettings
from retrieval.models import Measure

log = logging.getLogger(__name__)

POINTER_ID = "current"


class StoreError(RuntimeError):
    """The index (Chroma) is unreachable or inconsistent."""


@contextmanager
def _failing(what: str) -> Iterator[None]:
    """Whatever the Chroma client raises (httpx, sqlite, chromadb errors) becomes one StoreError."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"{what}: {exc}") from exc


class EmbeddingCache:
    """Vectors by (model, content hash) in SQLite: an unchanged measure is never embedded twice."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vec BLOB,"
                       " PRIMARY KEY (model, hash))")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock, self._connect() as db:
            for start in range(0, len(hashes), 500):
                chunk = list(hashes[start:start + 500])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT hash, vec FROM vectors WHERE model=? AND hash IN ({marks})",
                                  [model, *chunk])
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._lock, self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                           [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])


def measure_metadata(measure: Measure) -> dict:
    return {
        "document": measure.document, "title": measure.title, "section": measure.section,
        "chapter": measure.chapter, "subsection": measure.subsection,
        "units": "、".join(measure.units),
        "units_json": json.dumps(list(measure.units), ensure_ascii=False),
        "lead_units_json": json.dumps(list(measure.lead_units), ensure_ascii=False),
        "support_units_json": json.dumps(list(measure.support_units), ensure_ascii=False),
        "order": measure.order, "hash": measure.content_hash,
        "doc_number": measure.doc_number, "issuer": measure.issuer, "date": measure.date, "place": measure.place,
        "section_inferred": measure.section_inferred, "units_inferred": measure.units_inferred,
    }


def measure_from_record(text: str, meta: dict) -> Measure:
    return Measure(
        document=meta["document"], title=meta["title"], section=meta["section"], chapter=meta["chapter"],
        subsection=meta["subsection"], text=text, units=tuple(json.loads(meta["units_json"])),
        lead_units=tuple(json.loads(meta["lead_units_json"])),
        support_units=tuple(json.loads(meta["support_units_json"])), order=int(meta["order"]),
        # Versions written before document metadata existed lack these keys.
        doc_number=meta.get("doc_number", ""), issuer=meta.get("issuer", ""), date=meta.get("date", ""),
        place=meta.get("place", ""), section_inferred=bool(meta.get("section_inferred", False)),
        units_inferred=bool(meta.get("units_inferred", False)))


@dataclass(frozen=True)
class IndexVersion:
    version: int
    collection: str
    embedder: str


class ChromaStore:
    """Versioned measure collections in a persistent Chroma folder or on a Chroma server."""

    def __init__(self, settings: IndexSettings, data_dir: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if settings.host:
                self._client = chromadb.HttpClient(host=settings.host, port=settings.port or 8000,
                                                   settings=chroma_settings)
            else:
                path = data_dir / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as exc:
            where = f"{settings.host}:{settings.port}" if settings.host else str(data_dir / "chroma")
            raise StoreError(f"cannot open the Chroma index at {where}: {exc}") from exc
        self._prefix = settings.prefix
        self._keep = settings.keep_versions

    def _collection(self, name: str):
        # embedding_function=None: Chroma must never fall back to its default, which downloads a model.
        return self._client.get_or_create_collection(name, embedding_function=None,
                                                     metadata={"hnsw:space": "cosine"})

    def current(self) -> IndexVersion | None:
        try:
            got = self._collection(f"{self._prefix}-pointer").get(ids=[POINTER_ID], include=["metadatas"])
        except Exception as exc:
            raise StoreError(f"the Chroma index is unreachable: {exc}") from exc
        if not got["ids"]:
            return None
        meta = got["metadatas"][0]
        return IndexVersion(int(meta["version"]), meta["collection"], meta.get("embedder", ""))

    def write_version(self, version: int, measures: Sequence[Measure], vectors: np.ndarray,
                      embedder: str, batch: int = 1000) -> str:
        """Fill a new collection; nothing serves from it until ``switch``."""
        name = f"{self._prefix}-v{version}"
        try:
            self._client.delete_collection(name)  # a leftover of a reload that died half-way
        except Exception:
            pass
        with _failing(f"cannot write index version {version} to Chroma"):
            collection = self._collection(name)
            for start in range(0, len(measures), batch):
                part = measures[start:start + batch]
                collection.add(ids=[m.id for m in part], documents=[m.text for m in part],
                               metadatas=[measure_metadata(m) for m in part],
                               embeddings=vectors[start:start + batch].tolist())
        log.info("wrote %s: %d measures", name, len(measures))
        return name

    def switch(self, version: int, collection: str, embedder: str) -> None:
        with _failing(f"cannot switch the Chroma index to version {version}"):
            self._collection(f"{self._prefix}-pointer").upsert(
                ids=[POINTER_ID], embeddings=[[1.0]], documents=[collection],
                metadatas=[{"version": version, "collection": collection, "embedder": embedder}])
        try:  # the switch is done; old versions left now are dropped at the next one
            self._drop_old(version)
        except Exception as exc:
            log.warning("could not drop old index versions: %s", exc)

    def _drop_old(self, serving: int) -> None:
        # The previous version stays: searches already running against it finish normally.
        for collection in self._client.list_collections():
            name = getattr(collection, "name", collection)
            prefix = f"{self._prefix}-v"
            if name.startswith(prefix) and name[len(prefix):].isdigit():
                if int(name[len(prefix):]) <= serving - self._keep:
                    self._client.delete_collection(name)
                    log.info("dropped %s", name)

    def read_version(self, version: IndexVersion) -> tuple[list[Measure], object]:
        """All measures of a version, in document order, and its collection for dense search."""
        with _failing(f"cannot read index version {version.version} from Chroma"):
            collection = self._collection(version.collection)
            got = collection.get(include=["documents", "metadatas"])
        measures = [measure_from_record(text, meta) for text, meta in zip(got["documents"], got["metadatas"])]
        measures.sort(key=lambda m: (m.document, m.order))
        return measures, collection

    def heartbeat(self) -> None:
        try:
            self._client.heartbeat()
        except Exception as exc:
            raise StoreError(f"the Chroma server does not answer: {exc}") from exc
