"""Questions about a document itself (who issued it, when, its number) are answered from its metadata,
and only when the question points at that document, not at one its text mentions."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def two(tmp_path_factory, embedder):
    from retrieval.service import build_service
    from tests.conftest import make_settings

    tmp = tmp_path_factory.mktemp("facts")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("linjiang-employment-measures-2025.txt", "donghu-elderly-care-regulation-2024.txt"):
        shutil.copy(FIXTURES / name, corpus / name)
    # A notice whose page gives no document number.
    (corpus / "beishan-notice.txt").write_text(
        "北山市民政局关于做好2025年高龄津贴发放工作的通知\n北山市民政局\n2025年3月1日\n"
        "一、发放对象\n年满80周岁的本市户籍老年人。\n二、发放标准\n80至89周岁每人每月100元，90周岁以上每人每月300元。\n",
        encoding="utf-8")
    service = build_service(make_settings(tmp, corpus=corpus), embedder=embedder, llm=None)
    service.index.snapshot()
    return service


@pytest.mark.parametrize("question, expected", [
    ("《临江市东湖区社区居家养老服务管理办法》的文号是什么？", ["东政规〔2024〕4号", "临江市东湖区人民政府"]),
    ("东湖区社区居家养老服务管理办法是哪个部门发布的？", ["临江市东湖区人民政府", "2024年12月10日"]),
    ("临江市促进高校毕业生就业创业若干措施是什么时候印发的？", ["2025年3月18日", "临人社规〔2025〕3号"]),
    ("When were the Linjiang graduate employment measures issued?", ["2025-03-18"]),
])
def test_the_documents_own_facts_come_from_its_metadata(two, question, expected):
    answer = two.ask(question)
    assert answer.answerable and answer.citations == ()
    assert all(e in answer.text for e in expected), answer.text


def test_a_fact_the_page_does_not_give_is_said_to_be_missing(two):
    answer = two.ask("北山市高龄津贴发放工作的通知的文号是多少？")
    assert not answer.answerable and "没有写明文号" in answer.text and "北山市民政局" in answer.text


@pytest.mark.parametrize("question", [
    "用人单位什么时候发布招聘信息？",  # 发布 of something else, no document named
    "The employment measures mention a provincial notice; what is its document number?",
])
def test_questions_about_other_things_are_searched_as_usual(two, question):
    answer = two.ask(question)
    assert not answer.text.startswith("《")


def test_this_document_may_be_named_by_its_kind_with_words_between(two):
    """"这个工作要点", "该实施办法": the pointer and the kind of document need not stand side by side."""
    from retrieval.search.query import analyse

    info = analyse("该管理办法是什么时候发布的？")
    assert info.document_fact == "date" and info.this_document
    answer = two.ask("这个高龄津贴发放通知的文号是多少？")
    assert not answer.answerable and answer.text.startswith("《北山市民政局关于做好2025年高龄津贴发放工作的通知》")
