"""The grounding gate on its own: what an LLM answer may state, given the measures it cites."""
from __future__ import annotations

import pytest

from retrieval.answer.gate import Claim, Gate, normalise, numbers_in, repeated
from retrieval.answer.llm import accept_translation
from retrieval.models import Measure

MEASURE = Measure("plan", "某市2018年科技工作要点", "三(五)", "三、培育创新载体", "(五)引进研发机构。",
                  "按照不超过其研发设备投入额30%的比例,给予最高2000万元的补助。6月底前完成认定。",
                  ("市科技局",))
OTHER = Measure("plan", "某市2018年科技工作要点", "五(五)1", "五、成果转化", "", "全市技术合同成交额达到150亿元。",
                ("市科技局", "市财政局"))
UNITS = ["市科技局", "市财政局", "市经信委", "高新区管委会"]
QUOTE = "按照不超过其研发设备投入额30%的比例,给予最高2000万元的补助。"


def gate(**kw) -> Gate:
    return Gate(UNITS, {}, ["Answer in English, briefly, from the context only."], "The document does not answer "
                                                                                 "this question.", **kw)


@pytest.mark.parametrize("answer", [
    "最高2000万元,由市科技局负责。",
    "Up to 20 million yuan (2000万元), 30% of equipment spending; the Municipal Science and Technology Bureau (市科技局).",
    "By the end of June 2018.",
])
def test_grounded_answers_pass(answer):
    assert gate().check(answer, [Claim(MEASURE, QUOTE)], require_quotes=True)


@pytest.mark.parametrize("answer, claims, reason", [
    ("S1", [Claim(MEASURE, QUOTE)], "context key"),
    ("...", [Claim(MEASURE, QUOTE)], "placeholder"),
    ("由市经信委负责。", [Claim(MEASURE, QUOTE)], "names 市经信委"),
    ("由市财政局负责。", [Claim(MEASURE, QUOTE)], "names 市财政局"),
    ("The Municipal Finance Bureau.", [Claim(MEASURE, QUOTE)], "names 市财政局"),
    ("The Municipal Economy Bureau handles it.", [Claim(MEASURE, QUOTE)], "cited measures do not"),
    ("最高3000万元。", [Claim(MEASURE, QUOTE)], "states 3000"),
    ("Twelve labs.", [Claim(MEASURE, QUOTE)], "states 12"),
    ("By the end of March.", [Claim(MEASURE, QUOTE)], "states March"),
    ("沈阳市最高2000万元。", [Claim(MEASURE, QUOTE)], "names 沈阳"),
    ("最高2000万元。", [Claim(MEASURE, "原文中的一句话")], "quote is not in"),
    ("最高2000万元。", [Claim(MEASURE, "")], "no quote"),
    ("最高2000万元。", [Claim(MEASURE, QUOTE, "Up to 50 million yuan.")], "states 50"),
    ("6月底前完成。", [Claim(MEASURE, QUOTE)], "states 6"),  # in the measure, but not in the quote shown
    ("2000万元", [Claim(MEASURE, QUOTE)], "not in English"),
    ("Up to 20 million yuan.", [Claim(MEASURE, QUOTE, "给予最高2000万元的补助")], "translation is not in English"),
    ("Answer in English, briefly, from the context only.", [Claim(MEASURE, QUOTE)], "echoes the prompt"),
    ("最高2000万元最高2000万元", [Claim(MEASURE, QUOTE)], "repeats"),
    ("The document does not answer this question.", [Claim(MEASURE, QUOTE)], "refusal"),
    ("最高2000万元。", [], "cites nothing"),
])
def test_ungrounded_answers_fail_with_a_reason(answer, claims, reason):
    language = "en" if "English" in reason else "zh"
    result = gate().check(answer, claims, require_quotes=True, language=language)
    assert not result and reason in result.reason


@pytest.mark.parametrize("answer, expects, passes", [
    ("30%.", {"percentage"}, True),
    ("最高2000万元。", {"percentage"}, False),
    ("最高2000万元。", {"figure"}, True),
    ("The document covers this in section 三(五).", {"figure"}, False),
    ("由市科技局负责。", {"unit"}, True),
    ("The Municipal Science and Technology Bureau.", {"unit"}, True),
    ("按照不超过其研发设备投入额30%的比例。", {"unit"}, False),
])
def test_the_answer_must_give_what_the_question_asks_for(answer, expects, passes):
    assert bool(gate().check(answer, [Claim(MEASURE, QUOTE)], require_quotes=True, expects=expects)) == passes


def test_a_unit_is_allowed_when_any_cited_measure_names_it():
    assert gate().check("由市财政局负责。", [Claim(MEASURE, QUOTE), Claim(OTHER, "全市技术合同成交额达到150亿元。")],
                        require_quotes=True)


def test_quotes_match_after_whitespace_and_punctuation_normalisation():
    assert gate().check("最高2000万元。", [Claim(MEASURE, " 给予最高 2000 万元的补助 ")], require_quotes=True)
    assert normalise("“给予， 最高”") == normalise("给予最高")


def test_prose_answers_need_no_quotes_but_their_facts_are_checked():
    assert gate().check("最高2000万元。", [Claim(MEASURE)], require_quotes=False)
    assert not gate().check("最高9000万元。", [Claim(MEASURE)], require_quotes=False)


def test_amounts_are_known_in_english_units():
    found = numbers_in("达到150亿元,最高2000万元")
    assert {"15", "20", "150", "2000", "2e+07", "1.5e+10"} <= found


def test_repetition():
    assert repeated(normalise("The answer is: The answer is: x"))
    assert not repeated(normalise("由市科技局和市卫生计生委负责。"))


@pytest.mark.parametrize("raw, used", [
    ("技术合同 税收优惠", "技术合同 税收优惠"),
    ("技术合同\nSure, here you go", "技术合同"),
    ("Sure! Here are the keywords you asked for: 技术合同", None),
    ("Translate this question about a Chinese government policy", None),
    ("", None),
    ("技术" * 30, None),
])
def test_a_translation_is_used_only_if_short_and_chinese(raw, used):
    assert accept_translation(raw) == used
