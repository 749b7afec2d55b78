"""jieba's dictionary looked up word by word from SQLite, for processes that segment only a question.

Loading jieba's prefix dictionary (500,000 entries) costs about half a second of every cold
`policybot ask` in Chinese, to segment one sentence that looks up a few hundred of them. A copy of
the dictionary (exactly jieba's own entries and total, written the first time jieba loads it fully)
is kept in ``data_dir/cache``; a process that only asks questions reads entries from it on demand.
Segmentation is the same: jieba reads the same entries either way. Whole-corpus segmentation (a
lexical-index build) switches to the full in-memory dictionary (``textnorm.use_full_dictionary``).
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import sqlite3
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 2  # 2: also the part-of-speech tags jieba.posseg reads from the same dictionary
_dir: Path | None = None


def use_cache_dir(path: Path | None) -> None:
    global _dir
    _dir = Path(path) if path is not None else None


class LazyFreq:
    """The mapping jieba's Tokenizer calls ``FREQ``: ``in``, ``[]``, ``get`` and ``[]=`` (user words)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._memo: dict[str, int | None] = {}

    def _lookup(self, word: str) -> int | None:
        try:
            return self._memo[word]
        except KeyError:
            pass
        with self._lock:
            row = self._db.execute("SELECT freq FROM freq WHERE word = ?", (word,)).fetchone()
        value = self._memo[word] = row[0] if row else None
        return value

    def __contains__(self, word: str) -> bool:
        return self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def get(self, word: str, default=None):
        value = self._lookup(word)
        return default if value is None else value

    def __setitem__(self, word: str, freq: int) -> None:
        self._memo[word] = freq


class LazyTags(LazyFreq):
    """``jieba.posseg``'s word → part-of-speech table, read the same way (its load takes a quarter second)."""

    def _lookup(self, word: str):
        try:
            return self._memo[word]
        except KeyError:
            pass
        with self._lock:
            row = self._db.execute("SELECT tag FROM tag WHERE word = ?", (word,)).fetchone()
        value = self._memo[word] = row[0] if row else None
        return value

    def update(self, other) -> None:
        self._memo.update(other)


def _path(jieba) -> Path | None:
    if _dir is None or jieba.dt.dictionary != jieba.DEFAULT_DICT:
        return None  # a custom dictionary is loaded the usual way
    return _dir / f"jieba-dict-v{FORMAT}-{getattr(jieba, '__version__', '0')}.sqlite"


def install_lazy(jieba) -> bool:
    """Point jieba's default tokenizer at the on-disk dictionary, if there is one; False otherwise."""
    path = _path(jieba)
    if path is None or not path.exists() or jieba.dt.initialized:
        return False
    try:
        freq = LazyFreq(path)
        total = freq._db.execute("SELECT total FROM meta").fetchone()[0]
    except (sqlite3.Error, TypeError) as exc:
        log.warning("loading jieba's dictionary in full: %s", exc)
        return False
    jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = freq, total, True
    _install_lazy_tags(jieba, path)
    return True


def _install_lazy_tags(jieba, path: Path) -> None:
    """Import jieba.posseg with an empty dictionary stream (its constructor reads every tag), then hand it
    the on-disk table. Done only if nothing imported posseg yet, with the dictionary read in full."""
    if "jieba.posseg" in sys.modules:
        return
    jieba.dt.get_dict_file = lambda: io.BytesIO(b"")
    try:
        import jieba.posseg as posseg
    finally:
        del jieba.dt.get_dict_file  # the instance attribute goes; the class's method is back
    posseg.dt.word_tag_tab = LazyTags(path)


def _word_tags(tokenizer):
    """(word, tag) as jieba.posseg's load_word_tag reads them from the dictionary file."""
    handle = tokenizer.get_dict_file()
    try:
        for line in handle:
            line = line.strip().decode("utf-8")
            if line:
                word, _, tag = line.split(" ")
                yield word, tag
    finally:
        handle.close()


def save(jieba, pristine: bool = True) -> None:
    """Write jieba's dictionary for later processes, once per cache folder. ``pristine``: the default
    tokenizer has no user words yet; otherwise a clean copy is loaded (jieba's own cache, half a second)."""
    path = _path(jieba)
    if path is None or path.exists():
        return
    source = jieba.dt if pristine and isinstance(jieba.dt.FREQ, dict) else jieba.Tokenizer()
    source.check_initialized()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(tmp)) as db, db:
            db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (total INTEGER)")
            db.executemany("INSERT INTO freq VALUES (?, ?)", source.FREQ.items())
            db.execute("INSERT INTO meta VALUES (?)", (source.total,))
            db.execute("CREATE TABLE tag (word TEXT PRIMARY KEY, tag TEXT) WITHOUT ROWID")
            db.executemany("INSERT OR REPLACE INTO tag VALUES (?, ?)", _word_tags(source))
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("cannot write %s: %s", path, exc)
        tmp.unlink(missing_ok=True)
