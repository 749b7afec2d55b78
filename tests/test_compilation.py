"""A 政策汇编 (one page compiling several policies, each numbered from 第一条 again) is read as one document
per policy: its own title, 文号, issuer and date, its ids apart from the others', cited by its own title."""
from __future__ import annotations

import shutil
from pathlib import Path

from retrieval.ingest.compilation import split_policies
from retrieval.ingest.corpus import parse_documents, scan_corpus
from retrieval.models import file_name_of
from tests.conftest import make_settings

SEED = Path(__file__).resolve().parents[1] / "corpus" / "dalian-2018-science-technology-work-plan.txt"

COMPILATION = """某市青年就业政策汇编（2025年版）
为方便查阅，现将现行有效的政策汇编如下。
目  录
某市高校毕业生生活补贴实施细则（某人社规〔2025〕2号）
某市就业见习管理办法（某人社规〔2025〕5号）
某市高校毕业生生活补贴实施细则
某人社规〔2025〕2号
某市人力资源和社会保障局 某市财政局 2025年2月20日印发
第一条 为吸引高校毕业生来某市就业，制定本细则。
第二条 生活补贴标准为本科毕业生每人每月800元。
第三条 生活补贴享受期限最长不超过36个月。
某市就业见习管理办法
某人社规〔2025〕5号
某市人力资源和社会保障局 2025年4月8日印发
第一条 为规范就业见习工作，制定本办法。
第二条 见习期限为3至12个月。
第三条 见习补贴标准为每人每月1500元，由区人力资源社会保障局审核发放。
"""


def test_a_compilation_is_one_document_per_policy_with_its_own_metadata(tmp_path):
    (tmp_path / "youth-policies.txt").write_text(COMPILATION, encoding="utf-8")
    first, second = parse_documents(tmp_path / "youth-policies.txt")
    assert (first.name, second.name) == ("youth-policies#1", "youth-policies#2")
    assert [m.section for m in first.measures] == [m.section for m in second.measures] == ["第一条", "第二条", "第三条"]
    assert first.title == "某市高校毕业生生活补贴实施细则" and second.title == "某市就业见习管理办法"
    assert (first.doc_number, second.doc_number) == ("某人社规〔2025〕2号", "某人社规〔2025〕5号")
    assert first.issuer == "某市人力资源和社会保障局、某市财政局" and first.date == "2025-02-20"
    assert second.date == "2025-04-08"
    assert "1500元" in second.measures[2].text and "见习" not in "".join(m.text for m in first.measures)
    assert {file_name_of(d.name) for d in (first, second)} == {"youth-policies"}


def test_a_notice_carrying_one_policy_and_a_table_of_contents_are_not_compilations():
    notice = ("某市人民政府关于印发某市就业见习管理办法的通知\n某府规〔2025〕3号\n各区人民政府：\n现将《某市就业见习管理办法》印发给你们。\n"
              "某市就业见习管理办法\n第一条 为规范就业见习工作，制定本办法。\n第二条 见习期限为3至12个月。\n")
    assert split_policies(notice) == [notice]
    contents_only = COMPILATION.split("某市高校毕业生生活补贴实施细则\n某人社规")[0]
    assert split_policies(contents_only) == [contents_only]
    annexed = notice + "附件\n某市见习基地认定办法\n某人社规〔2025〕6号\n第一条 见习基地实行认定管理。\n第二条 认定结果向社会公布。\n"
    assert split_policies(annexed) == [annexed]


def test_a_compilations_policies_are_cited_by_their_own_titles_and_served_by_its_file_name(tmp_path, embedder):
    from retrieval.service import build_service

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "youth-policies.txt").write_text(COMPILATION, encoding="utf-8")
    shutil.copy(SEED, corpus / SEED.name)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    report = service.reload()
    assert {d.document for d in report.documents} >= {"youth-policies#1", "youth-policies#2"}

    answer = service.ask("某市就业见习管理办法规定的见习补贴标准是多少？")
    assert answer.answerable
    cited = answer.citations[0]
    assert (cited.document, cited.section) == ("youth-policies#2", "第三条")
    assert "就业见习管理办法" in cited.title and "1500" in answer.text
    # The file's name stands for all its policies; each policy's own name for itself.
    assert len(service.measures(document="youth-policies")) == 6
    assert [m.title for m in service.section("第二条", document="youth-policies#1")] == ["某市高校毕业生生活补贴实施细则"]

    # A broken replacement of the file keeps every policy it held serving.
    (corpus / "youth-policies.txt").write_bytes(b"\x00\x01 not a document")
    report = service.reload()
    failed = next(d for d in report.documents if d.error)
    assert failed.kept_previous and failed.measures == 6
    assert len(service.measures(document="youth-policies")) == 6


def test_the_corpus_scan_names_each_policy_after_its_file(tmp_path):
    (tmp_path / "a#b.txt").write_text(COMPILATION, encoding="utf-8")
    scan = scan_corpus(tmp_path)
    assert [d.name for d in scan.documents] == ["a_b#1", "a_b#2"]  # the file's own "#" is no part mark
