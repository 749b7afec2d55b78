"""Killing ``policybot ingest`` half-way: run the CLI as a subprocess over a corpus made big with
synthetic plans, watch the data folder from outside until the phase to interrupt has begun (vectors
stored, or a new Chroma collection being filled), SIGKILL it, and check what a restart serves."""
from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Callable

from .chroma_server import wait_until
from .harness import DALIAN_NAME, MEASURES, ROOT, cached_vectors, policybot_command, seed_cache

QUESTION = "临床医学研究中心由哪个部门负责?"


def policybot(corpus: Path, data: Path, *args: str, config: Path | None = None,
              timeout: float = 180.0) -> subprocess.CompletedProcess:
    where = ["--config", str(config)] if config else []
    done = subprocess.run(policybot_command(*where, "--corpus", str(corpus), "--data", str(data), *args),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"policybot {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done


def first_version(corpus: Path, data: Path, source_data: Path) -> int:
    """A corpus of the Dalian plan indexed by the CLI as version 1 (vectors from ``source_data``'s cache)."""
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "corpus" / DALIAN_NAME, corpus / DALIAN_NAME)
    seed_cache(source_data, data)
    return json.loads(policybot(corpus, data, "ingest", "--json").stdout)["version"]


def lock_is_free(data: Path) -> bool:
    with open(data / "ingest.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def chroma_rows(data: Path, collection: str) -> int:
    """Records already written to a collection of the persistent index (-1: no such collection yet)."""
    path = data / "chroma" / "chroma.sqlite3"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            if not db.execute("SELECT 1 FROM collections WHERE name = ?", (collection,)).fetchone():
                return -1
            return db.execute("SELECT count(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
                              "JOIN collections c ON s.collection = c.id WHERE c.name = ?",
                              (collection,)).fetchone()[0]
    except sqlite3.Error:
        return -1


def embedding_started(data: Path) -> Callable[[], bool]:
    """True once the ingest has stored its first batch of new vectors."""
    before = cached_vectors(data)
    return lambda: cached_vectors(data) > before


def writing_started(data: Path, version: int = 2) -> Callable[[], bool]:
    """True once the ingest has written records into the new version's collection."""
    return lambda: chroma_rows(data, f"policybot-v{version}") > 0


def kill_when(corpus: Path, data: Path, ready: Callable[[], bool], *, config: Path | None = None,
              timeout: float = 180.0) -> float:
    """Start ``policybot ingest``, SIGKILL it as soon as ``ready()``; seconds it ran. Raises if the
    ingest ended by itself first (then it was not killed half-way)."""
    where = ["--config", str(config)] if config else []
    started = time.monotonic()
    proc = subprocess.Popen(policybot_command(*where, "--corpus", str(corpus), "--data", str(data), "ingest"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: ready() or proc.poll() is not None, timeout, "the ingest never reached the phase",
                   interval=0.02)
        if proc.poll() is not None:
            raise RuntimeError(f"the ingest ended (exit {proc.returncode}) before it could be killed")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    return time.monotonic() - started


def served_after_restart(corpus: Path, data: Path) -> tuple[int, str]:
    """What new processes serve: (measures listed, section cited for the clinical-centre question)."""
    measures = json.loads(policybot(corpus, data, "measures", "--json").stdout)
    answer = json.loads(policybot(corpus, data, "ask", QUESTION, "--json").stdout)
    cited = answer["citations"][0]["section"] if answer["answerable"] and answer["citations"] else ""
    return len(measures), cited


EXPECTED = (MEASURES, "三(四)")
