"""retrieval.text.abbreviations: short forms readers write for the terms documents spell out."""
from __future__ import annotations

import pytest

from retrieval.text.abbreviations import Abbreviations

VOCABULARY = ["公共租赁住房", "人力资源社会保障局", "老年人优待凭证", "优待凭证", "市场监督管理局", "医疗保障局",
              "残疾人证", "公共服务", "住房保障部门", "产前检查", "医疗保险"]


@pytest.mark.parametrize("short, full", [
    ("公租房", "公共租赁住房"),
    ("人社局", "人力资源社会保障局"),
    ("优待证", "优待凭证"),
    ("市场监管局", "市场监督管理局"),
    ("医保局", "医疗保障局"),
    ("残疾证", "残疾人证"),
    ("产检", "产前检查"),  # two characters: the first of each word of a four-character term
    ("医保", "医疗保险"),
])
def test_a_short_form_finds_the_term_it_abbreviates(short, full):
    assert full in Abbreviations(VOCABULARY).expand(short)


@pytest.mark.parametrize("word", ["公司", "低保", "房租", "住房"])
def test_two_characters_or_other_ends_expand_to_nothing(word):
    assert Abbreviations(VOCABULARY).expand(word) == []


def test_a_question_with_the_short_form_finds_the_measure(tmp_path):
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "documents"
    corpus.mkdir()
    (corpus / "rental.txt").write_text(
        "某市公共租赁住房管理办法\n第一条 为规范公共租赁住房管理，制定本办法。\n"
        "第二条 申请公共租赁住房应当具有本市城镇户籍，家庭收入符合规定标准。\n"
        "第三条 老年人凭老年人优待凭证免费乘坐公共汽车。\n", encoding="utf-8")
    settings = make_settings(tmp_path, corpus)
    service = build_service(settings, llm=None)
    service.reload()
    assert service.search("申请公租房要什么户籍？", 1)[0].measure.section == "第二条"
