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
COMMON_WORDS = 30000  # per language, computed with the index: covers nearly every question word
MAX_ENTRIES = 500_000

_lock = threading.RLock()
_dir: Path | None = None
_memo: dict[tuple[str, str], float] | None = None
_new: dict[tuple[str, str], float] = {}
_common_done: set[str] = set()
_atexit = False


def use_cache_dir(path: Path | None) -> None:
    global _dir, _memo
    with _lock:
        if path != _dir:
            _save()
            _dir, _memo = (Path(path) if path is not None else None), None


def zipf_frequency(word: str, language: str) -> float:
    """wordfreq.zipf_frequency, from the memo when it has the word."""
    key = (language, word)
    with _lock:
        memo = _load()
        if key in memo:
            return memo[key]
    from wordfreq import zipf_frequency as compute

    value = compute(word, language)
    with _lock:
        memo[key] = _new[key] = value
        _register_save()
    return value


def prewarm(words: Iterable[str], language: str) -> None:
    """Compute (and save) the words not yet memoised: done beside an index build, not by a question."""
    with _lock:
        memo = _load()
        missing = [w for w in set(words) if (language, w) not in memo]
    if not missing:
        return
    from wordfreq import zipf_frequency as compute

    values = {(language, w): compute(w, language) for w in missing}
    with _lock:
        memo.update(values)
        _new.update(values)
        _save()


def prewarm_common() -> None:
    """The commonest words of both languages, once per cache folder."""
    for language in ("en", "zh"):
        marker = ("#common", language)
        with _lock:
            if marker in _load() or language in _common_done:
                continue
            _common_done.add(language)
        from wordfreq import top_n_list

        prewarm(top_n_list(language, COMMON_WORDS), language)
        with _lock:
            _memo[marker] = _new[marker] = 1.0
            _save()


def _path() -> Path | None:
    if _dir is None:
        return None
    try:
        version = metadata.version("wordfreq")
    except metadata.PackageNotFoundError:
        version = "?"
    return _dir / f"zipf-v{MEMO_FORMAT}-{version}.pickle"


def _load() -> dict[tuple[str, str], float]:
    global _memo
    if _memo is None:
        _memo = _read(_path())
    return _memo


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
    """Merge this process's new values into the file (other processes may have added theirs)."""
    path = _path()
    if path is None or not _new:
        return
    merged = _read(path)
    if len(merged) > MAX_ENTRIES:  # start over rather than grow without bound
        merged = {}
    merged.update(_new)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(merged, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _new.clear()
    except OSError as exc:
        log.warning("cannot write the word-frequency memo %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
