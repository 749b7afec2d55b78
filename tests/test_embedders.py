"""Embedders behind one interface: the bundled offline model and an OpenAI-compatible endpoint."""
from __future__ import annotations

import math

import numpy as np
import pytest

from retrieval.config import EmbedderSettings
from retrieval.index.embedders import EmbedderError, OpenAIEmbedder, build_embedder
from retrieval.index.sentences import sentence_texts
from retrieval.service import build_service
from tests.conftest import make_settings
from tests.fake_openai import FakeOpenAI


def test_bundled_model_embeds_offline_and_normalises(embedder):
    vectors = embedder.embed_documents(["临床医学研究中心", "innovation voucher"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("clinical research centre")
    assert query @ vectors[0] > query @ vectors[1]


def test_query_vectors_are_cached(embedder):
    assert embedder.embed_query("同一个问题") is embedder.embed_query("同一个问题")


def test_openai_compatible_endpoint_builds_an_index(tmp_path, monkeypatch):
    server = FakeOpenAI().start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        settings = make_settings(tmp_path).model_copy(update={
            "embedder": EmbedderSettings(kind="openai", model="fake-embed", batch_size=20),
            "llm": make_settings(tmp_path).llm.model_copy(update={"enabled": False})})
        service = build_service(settings)
        report = service.reload()
        assert report.measures == 51
        # 51 measures in batches of 20, then their sentences (for reranking) in batches of 20
        sentences = len({t for m in service.answerer._searcher.snapshot().measures for t in sentence_texts(m)})
        batches = 3 + math.ceil(sentences / 20)
        assert len([r for r in server.requests if "input" in r]) == batches
        assert service.search("临床医学研究中心", 1)[0].measure.section == "三(四)"
        assert len([r for r in server.requests if "input" in r]) == batches + 1  # and the query
    finally:
        server.stop()


def test_unreachable_endpoint_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    embedder = OpenAIEmbedder("fake", batch_size=4)
    with pytest.raises(EmbedderError, match="embeddings endpoint failed"):
        embedder.embed_documents(["x"])


def test_missing_sentence_transformers_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError):
        build_embedder(EmbedderSettings(kind="sentence-transformers", model=str(tmp_path / "none")))
