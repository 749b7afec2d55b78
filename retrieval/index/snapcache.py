"""The serving version of a local index, kept beside Chroma so a new process need not open Chroma.

Importing chromadb and opening its persistent client cost about a second of every `policybot ask`.
For a local index (no ``index.host``) the serving version's measures and vectors are also written
to ``data_dir/cache/serving.pickle`` and searched exactly (cosine over all vectors) with numpy.

Consistency: an ingest deletes the file before it switches Chroma's pointer and writes it again
after, under the ingest lock; a process killed in between leaves no file, and readers fall back to
Chroma. A long-running process still checks Chroma's pointer every ``index.refresh_seconds``.
"""
from __future__ import annotations

import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 2  # 2: a measure's own place reads 本市 in its vector; a file of older vectors is not served


@dataclass
class Serving:
    format: int
    version: object  # IndexVersion
    measures: tuple
    vectors: np.ndarray


class LocalCollection:
    """The one Chroma call searches make (``query`` with cosine distances), answered exactly from memory."""

    def __init__(self, ids: list[str], vectors: np.ndarray) -> None:
        self._ids = ids
        self._vectors = np.asarray(vectors, dtype=np.float32)

    def query(self, query_embeddings, n_results: int = 10, include=("distances",), **_):
        scores = self._vectors @ np.asarray(query_embeddings[0], dtype=np.float32)
        n = min(n_results, len(self._ids))
        top = np.argsort(-scores, kind="stable")[:n]
        return {"ids": [[self._ids[i] for i in top]], "distances": [[float(1.0 - scores[i]) for i in top]]}


def path(data_dir: Path) -> Path:
    return Path(data_dir) / "cache" / "serving.pickle"


def read(data_dir: Path) -> Serving | None:
    target = path(data_dir)
    if not target.exists():
        return None
    try:
        with open(target, "rb") as handle:
            serving = pickle.load(handle)
    except Exception as exc:  # truncated or from older code: Chroma is the truth
        log.warning("ignoring %s: %s", target, exc)
        return None
    if not isinstance(serving, Serving) or serving.format != FORMAT or len(serving.measures) != len(serving.vectors):
        return None
    return serving


def write(data_dir: Path, version, measures, vectors: np.ndarray) -> None:
    target = path(data_dir)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(Serving(FORMAT, version, tuple(measures), np.asarray(vectors, dtype=np.float32)), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("cannot write %s: %s", target, exc)
        tmp.unlink(missing_ok=True)


def invalidate(data_dir: Path) -> None:
    path(data_dir).unlink(missing_ok=True)
