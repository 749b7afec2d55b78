"""Okapi BM25 with weighted query terms (bridged terms carry a translation weight)."""
from __future__ import annotations

import math
from collections import Counter
from typing import Mapping, Sequence

import numpy as np


class BM25:
    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._n = len(documents)
        self._lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self._avg = float(self._lengths.mean()) if self._n else 0.0
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(documents):
            for term, tf in Counter(doc).items():
                self._postings.setdefault(term, []).append((i, tf))
        self._df = {t: len(p) for t, p in self._postings.items()}

    def __contains__(self, term: str) -> bool:
        return term in self._df

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self._df)

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    @property
    def max_idf(self) -> float:
        return self.idf("\0never-seen")

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        out = np.zeros(self._n, dtype=np.float32)
        if not self._n:
            return out
        norm = self._k1 * (1 - self._b + self._b * self._lengths / max(self._avg, 1e-9))
        for term, weight in query.items():
            postings = self._postings.get(term)
            if not postings or weight <= 0:
                continue
            idf = self.idf(term)
            for i, tf in postings:
                out[i] += weight * idf * tf * (self._k1 + 1) / (tf + norm[i])
        return out

    def matched(self, query: Mapping[str, float], doc: int) -> set[str]:
        """The query terms that occur in one document."""
        return {t for t in query if any(i == doc for i, _ in self._postings.get(t, ()))}
