"""What a new process reuses from disk (issue 11): the serving version without Chroma, the lexical index,
jieba's dictionary word by word; with the same answers as a process that built everything itself."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DALIAN, ROOT

QUESTION = "临床医学研究中心由哪个部门负责?"
PROBE = """
import json, sys
from retrieval.config import load_settings
from retrieval.service import build_service
settings = load_settings(sys.argv[1], corpus_dir=sys.argv[2], data_dir=sys.argv[3])
svc = build_service(settings, llm=None)
answer = svc.ask(sys.argv[4], use_llm=False)
import jieba
import jieba.posseg
print(json.dumps({"chromadb": "chromadb" in sys.modules, "jieba_freq": type(jieba.dt.FREQ).__name__,
                  "pos_tags": type(jieba.posseg.dt.word_tag_tab).__name__,
                  "version": svc.index.snapshot().version.version, "cited": [c.section for c in answer.citations],
                  "text": answer.text, "section_text": svc.section("四(四)")[0].text}, ensure_ascii=False))
"""


def probe(settings, question: str = QUESTION) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "config.yaml"), str(settings.corpus_dir),
                           str(settings.data_dir), question], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_process_answers_from_disk_caches_as_the_building_process_did(fresh_service):
    fresh_service.search("warm")  # builds (and writes) the lexical cache of this version
    seen = probe(fresh_service.settings)
    here = fresh_service.ask(QUESTION, use_llm=False)
    assert seen["chromadb"] is False  # the serving version came from data_dir/cache/serving.pickle
    assert seen["jieba_freq"] == "LazyFreq" and seen["pos_tags"] == "LazyTags"  # no whole dictionary for one question
    assert seen["cited"] == [c.section for c in here.citations] and seen["text"] == here.text


def test_a_new_process_serves_the_version_a_reload_switched_to(fresh_service):
    assert probe(fresh_service.settings)["version"] == 1
    path = fresh_service.settings.corpus_dir / DALIAN.name
    path.write_text(path.read_text(encoding="utf-8").replace("并组织实施。", "并组织实施(修订)。"), encoding="utf-8")
    report = fresh_service.reload()
    seen = probe(fresh_service.settings)
    assert seen["version"] == report.version == 2 and "(修订)" in seen["section_text"]


SWITCH = """
import json, sys
from pathlib import Path
from retrieval.text import jiebadict, textnorm
jiebadict.use_cache_dir(Path(sys.argv[1]))
texts = [l for l in Path(sys.argv[2]).read_text(encoding="utf-8").splitlines() if l.strip()]
textnorm.add_words({"市科技局", "高新区管委会"})
lookups = [textnorm.zh_tokens(t) for t in texts]
import jieba, jieba.posseg
kind, tags = type(jieba.dt.FREQ).__name__, [[tuple(p) for p in jieba.posseg.lcut(t)] for t in texts[:40]]
textnorm.zh_tokens.cache_clear()
textnorm.use_full_dictionary()
print(json.dumps({"kind": kind, "same": lookups == [textnorm.zh_tokens(t) for t in texts],
                  "same_tags": tags == [[tuple(p) for p in jieba.posseg.lcut(t)] for t in texts[:40]]}))
"""


def test_jieba_word_by_word_segments_exactly_as_the_full_dictionary(tmp_path):
    def run() -> dict:
        done = subprocess.run([sys.executable, "-c", SWITCH, str(tmp_path), str(DALIAN)], capture_output=True,
                              text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert run()["kind"] == "dict"  # the first process loads it in full and writes the copy
    second = run()
    assert second == {"kind": "LazyFreq", "same": True, "same_tags": True}


def test_a_document_with_a_place_is_served_without_chroma_too(tmp_path, embedder, service):
    # The place travels with each measure's indexed words but not with its vector: the serving cache
    # must look the vectors up by what was embedded (it did not, and such corpora imported Chroma).
    import shutil

    from retrieval.service import build_service
    from tests.conftest import make_settings, seed_cache

    settings = make_settings(tmp_path)
    shutil.copy(DALIAN.with_name(DALIAN.stem + ".meta.yaml"), settings.corpus_dir)
    seed_cache(service.settings.data_dir, settings.data_dir)
    svc = build_service(settings, embedder=embedder, llm=None)
    svc.index.snapshot()
    assert svc.index.snapshot().measures[0].place
    assert probe(settings)["chromadb"] is False


def test_the_building_process_searches_its_vectors_exactly_as_a_new_process_does(fresh_service):
    """The process that ingested serves from Chroma; its dense scores are the exact ones snapcache gives a
    new process (Chroma's HNSW graph, rebuilt by every ingest, may return another top 30)."""
    from retrieval.index import snapcache

    index = fresh_service.index
    snapshot = index.snapshot()
    assert not isinstance(snapshot.collection, snapcache.LocalCollection)  # this process built it
    serving = snapcache.read(fresh_service.settings.data_dir)
    exact = snapcache.LocalCollection([m.id for m in serving.measures], serving.vectors)
    vector = index.embed_query(QUESTION)
    got = index.dense(snapshot, vector, 30)
    want = exact.query([vector.tolist()], 30)
    assert [m.id for m, _ in got] == want["ids"][0]
    assert [score for _, score in got] == [1.0 - d for d in want["distances"][0]]


def test_an_index_embedded_from_older_text_is_embedded_again_when_served(fresh_service):
    """After an upgrade that changes what is embedded (a measure's own city now reads 本市), an index built
    before it has vectors of the old text and no snapcache of this format: a new process embeds those
    measures again and answers as one that ingested anew."""
    import contextlib
    import pickle
    import sqlite3

    from retrieval.index import snapcache

    here = fresh_service.ask(QUESTION, use_llm=False)
    data_dir = fresh_service.settings.data_dir
    named = [m for m in fresh_service.index.snapshot().measures if "大连" in m.embedding_text or m.place]
    with contextlib.closing(sqlite3.connect(data_dir / "embeddings.sqlite")) as db, db:
        db.executemany("DELETE FROM vectors WHERE hash = ?", [(m.embedding_hash,) for m in named])
    with open(snapcache.path(data_dir), "rb") as handle:
        serving = pickle.load(handle)
    serving.format -= 1  # as an older release wrote it
    with open(snapcache.path(data_dir), "wb") as handle:
        pickle.dump(serving, handle)
    assert snapcache.read(data_dir) is None
    seen = probe(fresh_service.settings)
    assert seen["cited"] == [c.section for c in here.citations] and seen["text"] == here.text
    assert snapcache.read(data_dir) is not None  # and the new process left a snapcache of this format
