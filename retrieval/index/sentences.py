"""Sentence vectors of every measure, for reranking the best candidates.

One vector per measure blurs a long article (ten items on ten matters) into its average, so a
question about one item matches it weakly. Each sentence is embedded too (with its subsection
heading, which says what the sentence is about), and a candidate measure is judged also by its
sentence closest to the question. The vectors live in the embedding cache, keyed by their text:
an unchanged sentence is never embedded twice, and a reload embeds only new sentences.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from retrieval.models import Measure
from retrieval.text.places import neutral, neutral_names
from retrieval.text.textnorm import sentences

MIN_CHARS = 6  # shorter pieces ("（一）", "2.") say nothing alone


def sentence_parts(measure: Measure) -> list[str]:
    """The sentences of a measure that are embedded (as ``compose.sentences`` splits them)."""
    return [p for p in sentences(measure.text) if len(p) >= MIN_CHARS] or [measure.text.strip() or measure.heading_line]


def sentence_texts(measure: Measure) -> list[str]:
    """What is embedded per sentence: the subsection heading, then the sentence."""
    head = " ".join(p for p in (measure.borrowed_title, measure.subsection or measure.chapter) if p)
    names = neutral_names(measure.place) if measure.place else {}  # as the measure's own vector (Measure.embedding_text)
    return [neutral(f"{head} {p}".strip(), names) for p in sentence_parts(measure)]


def _key(text: str) -> str:
    return "s:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SentenceVectors:
    """Rows of sentence vectors; measure i owns rows offsets[i]:offsets[i + 1]."""

    vectors: np.ndarray
    offsets: np.ndarray
    parts: tuple[str, ...] = ()  # the sentence of each row, as the measure's text has it

    def best(self, query: np.ndarray, positions: Sequence[int]) -> np.ndarray:
        """For each measure position, the cosine of its sentence closest to the (normalised) query."""
        out = np.zeros(len(positions), dtype=np.float32)
        for j, i in enumerate(positions):
            rows = self.vectors[self.offsets[i]:self.offsets[i + 1]]
            if len(rows):
                out[j] = float((rows @ query).max())
        return out

    def closeness(self, query: np.ndarray, position: int) -> dict[str, float]:
        """Each embedded sentence of one measure → its cosine with the query (for picking quotes)."""
        rows = slice(int(self.offsets[position]), int(self.offsets[position + 1]))
        cosines = self.vectors[rows] @ query if rows.stop > rows.start else np.zeros(0)
        return {part: float(c) for part, c in zip(self.parts[rows], cosines)}


def build(measures: Sequence[Measure], embedder, cache, batch_size: int = 32,
          progress: Callable[[int], object] | None = None) -> tuple[SentenceVectors, int]:
    """Sentence vectors for ``measures`` (from the cache, embedding what it lacks), and how many were
    embedded; ``progress(n)`` makes a bar for the n sentences to embed."""
    texts = [sentence_texts(m) for m in measures]
    keys = [[_key(t) for t in group] for group in texts]
    flat_keys = [k for group in keys for k in group]
    found = cache.get_many(embedder.name, list(dict.fromkeys(flat_keys)))
    missing = list({k: t for group_k, group_t in zip(keys, texts) for k, t in zip(group_k, group_t)
                    if k not in found}.items())
    bar = progress(len(missing)) if progress and missing else None
    for start in range(0, len(missing), batch_size):
        part = missing[start:start + batch_size]
        vectors = embedder.embed_documents([t for _, t in part])
        fresh = [(k, v) for (k, _), v in zip(part, vectors)]
        cache.put_many(embedder.name, fresh)
        found.update(fresh)
        if bar is not None:
            bar.update(len(part))
    if bar is not None:
        bar.close()
    offsets = np.cumsum([0] + [len(g) for g in keys])
    dim = next(iter(found.values())).shape[0] if found else 0
    matrix = np.stack([found[k] for k in flat_keys]).astype(np.float32) if flat_keys else np.zeros((0, dim), np.float32)
    parts = tuple(p for m in measures for p in sentence_parts(m))
    return SentenceVectors(matrix, offsets, parts), len(missing)
