"""Ingest, content-hash caching, diff reports, broken files, and reloads under concurrent searches."""
from __future__ import annotations

import threading

import pytest

from retrieval.index.versions import IngestError
from tests.conftest import DALIAN


def test_first_ingest_embeds_everything_and_second_embeds_nothing(fresh_service):
    report = fresh_service.reload()
    assert report.embedded == 0  # the fixture already built it once
    doc = report.documents[0]
    assert doc.measures == 51 and not (doc.added or doc.changed or doc.removed)
    assert report.version == fresh_service.index.snapshot().version.version


def test_editing_one_measure_reembeds_and_reports_only_it(fresh_service):
    path = fresh_service.settings.corpus_dir / DALIAN.name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("修订完善科技创新券管理办法并组织实施。", "修订完善科技创新券管理办法并组织实施,扩大使用范围。"),
                    encoding="utf-8")
    before = fresh_service.index.snapshot().version.version
    report = fresh_service.reload()
    assert report.embedded == 1
    assert report.documents[0].changed == ("四(四)",)
    assert report.documents[0].added == () and report.documents[0].removed == ()
    assert report.version == before + 1
    assert "扩大使用范围" in fresh_service.section("四(四)")[0].text


def test_added_and_removed_documents_are_reported(fresh_service):
    corpus = fresh_service.settings.corpus_dir
    (corpus / "regulation.txt").write_text("某市科技条例\n第一章 总则\n第一条 为了促进创新,制定本条例。\n"
                                           "第二条 市科技局负责本条例的实施。\n", encoding="utf-8")
    report = fresh_service.reload()
    new = next(d for d in report.documents if d.document == "regulation")
    assert new.added == ("第一条", "第二条")
    (corpus / "regulation.txt").unlink()
    report = fresh_service.reload()
    gone = next(d for d in report.documents if d.document == "regulation")
    assert gone.removed == ("第一条", "第二条")


def test_broken_files_are_reported_by_name_and_the_rest_is_indexed(fresh_service):
    corpus = fresh_service.settings.corpus_dir
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (corpus / "empty.md").write_text("", encoding="utf-8")
    (corpus / "notes.txt").write_text("这只是一段没有任何编号结构的说明文字。\n", encoding="utf-8")
    (corpus / "broken.docx").write_bytes(b"not a zip")
    report = fresh_service.reload()
    errors = {d.document: d.error for d in report.documents if d.error}
    assert set(errors) == {"junk", "empty", "notes", "broken"}
    assert all(name in errors[name] for name in errors)  # each error names its file
    assert report.measures == 51


def test_a_corpus_with_nothing_usable_keeps_the_old_version_serving(fresh_service):
    corpus = fresh_service.settings.corpus_dir
    serving = fresh_service.index.snapshot().version
    (corpus / DALIAN.name).write_text("没有措施。", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        fresh_service.reload()
    assert "left as it was" in str(caught.value)
    assert fresh_service.index.snapshot().version == serving
    assert len(fresh_service.measures()) == 51


def test_reload_while_searching_never_fails_or_sees_a_partial_index(fresh_service):
    path = fresh_service.settings.corpus_dir / DALIAN.name
    original = path.read_text(encoding="utf-8")
    errors: list[BaseException] = []
    sizes: set[int] = set()
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                hits = fresh_service.search("临床医学研究中心", 3)
                sizes.add(len(fresh_service.index.snapshot().measures))
                assert hits and hits[0].measure.section == "三(四)"
            except BaseException as exc:  # any failure is what this test looks for
                errors.append(exc)
                return

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for round_ in range(4):
        # Alternate between two corpus versions so each reload really switches collections.
        path.write_text(original if round_ % 2 else original.replace("并组织实施。", f"并组织实施{round_}。"),
                        encoding="utf-8")
        fresh_service.reload()
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert sizes == {51}


def test_another_process_switch_is_picked_up(fresh_service, embedder):
    """Two services on one data folder (like two bot instances): a reload by one reaches the other."""
    from retrieval.service import build_service

    settings = fresh_service.settings.model_copy(
        update={"index": fresh_service.settings.index.model_copy(update={"refresh_seconds": 0})})
    other = build_service(settings, embedder=embedder, llm=None)
    assert other.index.snapshot().version == fresh_service.index.snapshot().version
    path = fresh_service.settings.corpus_dir / DALIAN.name
    path.write_text(path.read_text(encoding="utf-8").replace("并组织实施。", "并组织实施(修订)。"), encoding="utf-8")
    report = fresh_service.reload()
    assert other.index.snapshot().version.version == report.version
    assert "(修订)" in other.section("四(四)")[0].text
