"""General-language word frequencies (wordfreq's Zipf scale), memoised on disk.

Loading wordfreq and its Chinese segmenter costs about half a second per process; the answers
only ever need the frequency of a few words. The values are wordfreq's own, computed once and kept
in ``data_dir/cache`` (the corpus vocabulary and the commonest words ahead of time, any other
word the first time it is asked), so results are exactly what wordfreq gives.
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import threading
from importlib import metadata
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

MEMO_FORMAT = 1
COMMON_WORDS = 30000  # per language, computed with the index: nearly every word of a question
MAX_ENTRIES = 500_000

_lock = threading.RLock()
_dir: Path | None = None
_memo: dict[str, dict[str, float]] = {}  # language → word → Zipf value; one file per language
_new: dict[str, dict[str, float]] = {}
_atexit = False
COMMON_MARK = "\0common"  # present once the commonest words of the language are in the memo


def use_cache_dir(path: Path | None) -> None:
    global _dir
    with _lock:
        if path != _dir:
            _save()
            _dir = Path(path) if path is not None else None
            _memo.clear()


def zipf_frequency(word: str, language: str) -> float:
    """wordfreq.zipf_frequency, from the memo when it has the word."""
    with _lock:
        memo = _load(language)
        if word in memo:
            return memo[word]
    from wordfreq import zipf_frequency as compute

    value = compute(word, language)
    with _lock:
        memo[word] = _new.setdefault(language, {})[word] = value
        _register_save()
    return value


def prewarm(words: Iterable[str], language: str) -> None:
    """Compute (and save) the words not yet memoised: done beside an index build, not by a question."""
    with _lock:
        memo = _load(language)
        missing = [w for w in set(words) if w not in memo]
    if not missing:
        return
    from wordfreq import zipf_frequency as compute

    values = {w: compute(w, language) for w in missing}
    with _lock:
        memo.update(values)
        _new.setdefault(language, {}).update(values)
        _save()


def prewarm_common() -> None:
    """The commonest words of both languages, once per cache folder (about a second, beside the first
    index build): questions use everyday words beside the corpus vocabulary."""
    for language in ("en", "zh"):
        with _lock:
            if COMMON_MARK in _load(language):
                continue
        from wordfreq import top_n_list

        prewarm(top_n_list(language, COMMON_WORDS) + [COMMON_MARK], language)


def _path(language: str) -> Path | None:
    if _dir is None:
        return None
    try:
        version = metadata.version("wordfreq")
    except metadata.PackageNotFoundError:
        version = "?"
    return _dir / f"zipf-{language}-v{MEMO_FORMAT}-{version}.pickle"


def _load(language: str) -> dict[str, float]:
    if language not in _memo:
        _memo[language] = _read(_path(language))
    return _memo[language]


def _read(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
        return data if isinstance(data, dict) else {}
    except Exception as exc:
        log.warning("ignoring the word-frequency memo %s: %s", path, exc)
        return {}


def _register_save() -> None:
    global _atexit
    if not _atexit:
        atexit.register(_save_quietly)
        _atexit = True


def _save_quietly() -> None:
    try:
        with _lock:
            _save()
    except Exception as exc:  # at exit: never turn a finished answer into a traceback
        log.debug("word-frequency memo not saved: %s", exc)


def _save() -> None:
    """Merge this process's new values into the files (other processes may have added theirs)."""
    for language, new in list(_new.items()):
        path = _path(language)
        if path is None or not new:
            continue
        merged = _read(path)
        if len(merged) > MAX_ENTRIES:  # start over rather than grow without bound
            merged = {}
        merged.update(new)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                pickle.dump(merged, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            new.clear()
        except OSError as exc:
            log.warning("cannot write the word-frequency memo %s: %s", path, exc)
            tmp.unlink(missing_ok=True)
