"""retrieval.ingest.parsing: the Dalian work plan, a regulation in 第X条 form, responsible units, bad text."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest.parsing import NoMeasuresError, normalize_section, parse_text, parse_units

DALIAN = Path(__file__).resolve().parents[1] / "corpus" / "dalian-2018-science-technology-work-plan.txt"
DALIAN_TITLE = "大连计划加大对燃料电池与储能电池技术研发支持"

REGULATION = """\
大连市科技创新促进条例（示例）
（2018年5月1日大连市人民代表大会常务委员会通过）
第一章 总则
第一条 为了促进科技创新，推动经济社会发展，制定本条例。
第二条 本条例适用于本市行政区域内的科技创新及其相关活动。
第三条 市科技行政部门负责下列工作：
（一）制定科技创新规划和年度计划；
（二）组织实施科技计划项目；
（三）推动科技成果转化。
第二章 支持措施
第四条 市人民政府设立科技创新基金，支持原始创新和应用技术研究。（责任单位：市科技局、市财政局）
第五条 本条例自2019年1月1日起施行。
"""


@pytest.fixture(scope="module")
def dalian():
    return parse_text(DALIAN.read_text(encoding="utf-8"), DALIAN.stem, source=str(DALIAN))


def by_section(document):
    return {m.section: m for m in document.measures}


def to_full_width(text: str) -> str:
    """The same plan as many government sites publish it: full-width punctuation, Windows line ends."""
    table = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})
    return text.translate(table).replace("\n", "\r\n")


# -- the Dalian work plan -------------------------------------------------------------------------

def test_dalian_has_51_measures(dalian):
    assert len(dalian.measures) == 51
    assert len({m.section for m in dalian.measures}) == 51, "section ids are unique"
    assert [m.order for m in dalian.measures] == list(range(51))


def test_dalian_title_is_the_headline(dalian):
    assert dalian.title == DALIAN_TITLE
    assert all(m.title == DALIAN_TITLE and m.document == DALIAN.stem for m in dalian.measures)


def test_dalian_starts_mid_document_in_chapter_one(dalian):
    # The scraped text starts inside chapter 一 at subsection (十三).
    first = [m.section for m in dalian.measures[:7]]
    assert first == ["一(十三)1", "一(十三)2", "一(十三)3", "一(十三)4", "一(十四)1", "一(十四)2", "一(十四)3"]
    assert dalian.measures[0].subsection == "(十三)现代服务业。"


@pytest.mark.parametrize(("section", "units"), [
    ("三(四)", ("市科技局", "市卫生计生委")),
    ("六(七)", ()),
    ("四(二)1", ("市科技局", "市财政局")),
    ("二(四)2", ("各区市县政府", "先导区管委会")),
    ("一(十三)4", ("市港口口岸局",)),
    ("五(一)", ("市发展改革委", "市科技局")),
])
def test_dalian_units(dalian, section, units):
    assert by_section(dalian)[section].units == units


def test_dalian_locations(dalian):
    measure = by_section(dalian)["三(四)"]
    assert measure.chapter == "三、培育创新载体"
    assert measure.subsection == "(四)获批的临床医学研究中心享受同级重点实验室的支持政策。"
    assert measure.text == "起草制定市临床医学研究中心建设与管理办法,组织开展临床医学研究中心认定及补助。"
    assert by_section(dalian)["四(二)1"].chapter == "四、强化研发支撑"
    assert dalian.measures[-1].section == "六(七)"


def test_dalian_unit_clauses_are_removed_from_text(dalian):
    assert not any("责任单位" in m.text for m in dalian.measures)
    assert "市科技局" in by_section(dalian)["三(四)"].retrieval_text


def test_dalian_page_trailer_is_not_in_any_measure(dalian):
    trailer = ("责任编辑", "继电保护", "权威发布", "人造太阳", "泛在电力物联网", "2020-", "智能城市")
    for measure in dalian.measures:
        for word in trailer:
            assert word not in measure.retrieval_text, (measure.section, word)
    assert dalian.measures[-1].text.endswith("经济效益等市场评价。")


def test_identical_measures_differ_by_heading(dalian):
    measures = [by_section(dalian)[s] for s in ("四(一)1", "五(一)", "五(二)1")]
    assert len({m.text for m in measures}) == 1
    assert len({m.subsection for m in measures}) == 3
    # The headings are what tells them apart for retrieval.
    assert len({m.content_hash for m in measures}) == 3


def test_dalian_full_width_punctuation_and_crlf(dalian):
    variant = parse_text(to_full_width(DALIAN.read_text(encoding="utf-8")), DALIAN.stem)
    assert [m.section for m in variant.measures] == [m.section for m in dalian.measures]
    assert [m.units for m in variant.measures] == [m.units for m in dalian.measures]
    assert variant.title == DALIAN_TITLE
    assert not any("\r" in m.text or "责任单位" in m.text for m in variant.measures)


def test_parsing_is_deterministic(dalian):
    again = parse_text(DALIAN.read_text(encoding="utf-8"), DALIAN.stem)
    assert [m.id for m in again.measures] == [m.id for m in dalian.measures]
    assert [m.content_hash for m in again.measures] == [m.content_hash for m in dalian.measures]


# -- regulations: 第X章 / 第X条 ---------------------------------------------------------------------

def test_regulation_articles():
    document = parse_text(REGULATION, "regulation")
    assert [m.section for m in document.measures] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert document.title == "大连市科技创新促进条例（示例）"
    sections = by_section(document)
    assert sections["第一条"].chapter == "第一章 总则"
    assert sections["第四条"].chapter == "第二章 支持措施"
    assert sections["第四条"].units == ("市科技局", "市财政局")
    assert "责任单位" not in sections["第四条"].text


def test_regulation_enumeration_stays_inside_its_article():
    sections = by_section(parse_text(REGULATION, "regulation"))
    article = sections["第三条"]
    assert article.text.startswith("市科技行政部门负责下列工作：")
    for item in ("（一）制定科技创新规划和年度计划；", "（二）组织实施科技计划项目；", "（三）推动科技成果转化。"):
        assert item in article.text
    assert not any(item in sections["第四条"].text for item in ("（一）", "（二）"))


def test_regulation_article_numbers_are_normalised():
    text = "某办法\n第 1 条 目的。\n第2条 范围。\n第十二条 施行。\n"
    assert [m.section for m in parse_text(text, "x").measures] == ["第一条", "第二条", "第十二条"]


# -- responsible units ----------------------------------------------------------------------------

PLAN_WITH_ROLES = """\
示例工作方案
一、加强研发
（一）支持研发平台建设。
1.建设重点实验室。（牵头单位：市科技局；配合单位：市财政局）
2.培育创新联盟。
责任单位：市经信委、市发展改革委
"""


def test_lead_and_support_units():
    measure = by_section(parse_text(PLAN_WITH_ROLES, "plan"))["一(一)1"]
    assert measure.units == ("市科技局", "市财政局")
    assert measure.lead_units == ("市科技局",)
    assert measure.support_units == ("市财政局",)
    assert measure.text == "建设重点实验室。"


def test_unit_line_after_the_item():
    measure = by_section(parse_text(PLAN_WITH_ROLES, "plan"))["一(一)2"]
    assert measure.units == ("市经信委", "市发展改革委")
    assert measure.text == "培育创新联盟。"


def test_unit_clause_on_a_heading_only_subsection():
    text = "示例方案\n一、总则\n（一）支持创新平台建设。（责任单位：市科技局）\n（二）支持成果转化。\n"
    sections = by_section(parse_text(text, "plan"))
    assert sections["一(一)"].text == "支持创新平台建设。"
    assert sections["一(一)"].units == ("市科技局",)
    assert sections["一(二)"].units == ()


def test_unit_names_with_their_own_brackets():
    text = "示例方案\n一、总则\n（一）人才。\n1.引进人才。（责任单位：市委组织部（市人才办）、各区（市）县政府）\n"
    measure = by_section(parse_text(text, "plan"))["一(一)1"]
    assert measure.text == "引进人才。"
    assert measure.units == ("市委组织部（市人才办）", "各区（市）县政府")


def test_parse_units_half_width():
    roles = parse_units("牵头单位:市科技局;配合单位:市财政局、市税务局")
    assert roles == {"units": [], "lead": ["市科技局"], "support": ["市财政局", "市税务局"]}


@pytest.mark.parametrize(("typed", "canonical"), [
    ("三（四）", "三(四)"), ("三、(三) 2.", "三(三)2"), (" 第五条 ", "第五条"), ("一(十三)4", "一(十三)4"),
    ("第12条", "第十二条"), ("第１条", "第一条"), ("第101条", "第101条"),
])
def test_normalize_section(typed, canonical):
    assert normalize_section(typed) == canonical


# -- text without measures ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "",
    "   \n\u3000\n",
    "这是一篇新闻报道，没有任何编号的措施。\n记者从市科技局获悉。",
    "Hello\n1. one\n2. two",
    "责任编辑:张三\n一、总则\n(一)这些都在页面尾部之后。",
])
def test_text_without_measures_raises(text):
    with pytest.raises(NoMeasuresError):
        parse_text(text, "news")
