"""Helpers shared by tests/ and reliability/; the fixtures built from them are in the root conftest.py."""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from retrieval.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DALIAN = CORPUS / "dalian-2018-science-technology-work-plan.txt"

# Tests never reach a real LLM: the LLM path is tested against a local fake server only.
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "POLICYBOT_ADMINS", "POLICYBOT_CONFIG"):
    os.environ.pop(_name, None)


def make_settings(tmp: Path, corpus: Path | None = None, **overrides):
    """Settings over a copy of the Dalian plan (or the given corpus folder) with data under tmp."""
    corpus_dir = tmp / "corpus"
    if corpus is None:
        corpus_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(DALIAN, corpus_dir / DALIAN.name)
    else:
        corpus_dir = corpus
    settings = load_settings(ROOT / "config.yaml", corpus_dir=corpus_dir, data_dir=tmp / "data")
    return settings.model_copy(update=overrides) if overrides else settings


# Caches that depend only on installed packages: copied so a new data folder does not rebuild them.
# The lexical caches are keyed by the measures and settings, so they are valid in any folder.
SHARED_CACHES = ("cedict-v*.pickle", "jieba-dict-v*.sqlite", "proper-names-v*.pickle", "cedict-phrases-v*.pickle", "zipf-*.pickle", "lexical-*.pickle")


def seed_cache(source_data_dir: Path, data_dir: Path) -> None:
    """Copy an embedding cache (and the package-level caches) so a new index over the same measures
    embeds nothing: the session's one embedding of the corpus serves every test."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(source_data_dir / "embeddings.sqlite")) as src, \
            contextlib.closing(sqlite3.connect(data_dir / "embeddings.sqlite")) as dst:
        src.backup(dst)
    (data_dir / "cache").mkdir(exist_ok=True)
    for pattern in SHARED_CACHES:
        for path in (source_data_dir / "cache").glob(pattern):
            shutil.copy(path, data_dir / "cache" / path.name)
