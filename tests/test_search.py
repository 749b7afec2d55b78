"""Hybrid search: Chinese, English, section and unit lookups, and the LangChain retriever."""
from __future__ import annotations

import pytest

from retrieval.search.lc_retriever import PolicyRetriever
from retrieval.search.query import analyse


@pytest.mark.parametrize("question, section", [
    ("临床医学研究中心由哪个部门负责?", "三(四)"),
    ("Which bureau handles clinical research centres?", "三(四)"),
    ("科技创新券管理办法由谁修订?", "四(四)"),
    ("Who is in charge of the innovation voucher scheme?", "四(四)"),
    ("What is the maximum subsidy for an introduced key R&D institution?", "三(五)"),
    ("三(五)", "三(五)"),
    ("四（三）的责任单位", "四(三)"),
])
def test_the_right_measure_comes_first(service, question, section):
    assert service.search(question, 5)[0].measure.section == section


def test_a_named_subsection_brings_its_items(service):
    sections = [h.measure.section for h in service.search("What does section 五(二) say?", 5)]
    assert set(sections[:2]) == {"五(二)1", "五(二)2"}


def test_a_named_unit_brings_its_measures(service):
    hits = service.search("市人社局负责哪些工作?", 5)
    assert all("市人社局" in h.measure.units for h in hits)


def test_english_unit_names_are_recognised(service):
    hits = service.search("What does the Human Resources and Social Security Bureau do?", 5)
    assert all("市人社局" in h.measure.units for h in hits)


def test_search_is_deterministic(service):
    first = [h.measure.id for h in service.search("science and technology innovation work indicators", 5)]
    again = [h.measure.id for h in service.search("science and technology innovation work indicators", 5)]
    assert first == again


def test_signals_are_kept_for_each_hit(service):
    hit = service.search("Which bureau handles clinical research centres?", 1)[0]
    assert {"dense", "bm25_zh", "bm25_en"} <= set(hit.signals)


def test_question_kinds():
    assert analyse("Who drafts the rules?").asks_who
    assert analyse("2018年全市技术合同成交额要达到多少?").asks_amount
    assert analyse("市人社局负责哪些工作?").asks_list
    assert analyse("Give me the gist of 二(一)2.").sections == ("二(一)2",)
    assert analyse("三(五)规定补助30%").sections == ("三(五)",)


def test_langchain_retriever_returns_documents_with_locations(service):
    retriever = PolicyRetriever(searcher=service.searcher, k=3)
    documents = retriever.invoke("临床医学研究中心")
    assert documents[0].metadata["section"] == "三(四)"
    assert documents[0].metadata["units"] == ["市科技局", "市卫生计生委"]
    assert documents[0].page_content.startswith("起草制定市临床医学研究中心")
