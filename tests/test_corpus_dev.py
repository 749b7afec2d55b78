"""The development corpus (../shared/corpus-dev/): every file parses with the ids written down by reading it.

The expected ids below were written from the documents themselves (their visible text), not from
the parser's output. A file missing from a checkout skips its test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest.corpus import parse_file

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus-dev"
if not DEV.is_dir():
    DEV = Path("/work/shared/corpus-dev")


def articles(n: int) -> list[str]:
    from retrieval.ingest.parsing import int_to_cn

    return [f"第{int_to_cn(i)}条" for i in range(1, n + 1)]


def items(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


def subs(chapter: str, n: int) -> list[str]:
    from retrieval.ingest.parsing import int_to_cn

    return [f"{chapter}({int_to_cn(i)})" for i in range(1, n + 1)]


EXPECTED = {
    "cn-market-entity-registration-2021.html": articles(55),
    "gz-public-rental-housing-2024.html": articles(54),
    "gz-long-term-care-insurance-2024.html": articles(32),
    "gz-elderly-preferential-treatment-2021.html": articles(19),
    # 一; 二(一)1–4, 二(二)1–8, 二(三)1–5, 二(四)1–4; 三(一)–(三); 附件1 indicators 1–19; 附件2 task rows 1–24.
    "gz-family-doctor-plan-2023.html": ["一", *items("二(一)", 4), *items("二(二)", 8), *items("二(三)", 5),
                                        *items("二(四)", 4), *subs("三", 3), *items("附件1-", 19),
                                        *items("附件2-", 24)],
    # 二 and 三 open with a paragraph of their own; 七(三)'s "1.…；2.…" is one paragraph, not items.
    "gz-disability-two-subsidies-2022.html": [*items("一(一)", 2), *items("一(二)", 2), "二", *subs("二", 9), "三",
                                              *subs("四", 3), "五", "六(一)", *items("六(二)", 3), "六(三)", "六(四)",
                                              *subs("七", 5), *subs("八", 3), "九"],
    # 一's lead-in sentence before its list is kept as 一; 五 holds the channel table.
    "gz-resident-medical-insurance-2026.html": ["一", *subs("一", 6), *subs("二", 2), "三", *subs("四", 4), "五",
                                                "六", *subs("七", 4)],
    "gz-social-assistance-standards-2025.html": [*subs("一", 5), *subs("二", 3)],
    "th-kindergarten-admission-2026.html": [*subs("一", 3), "二", *subs("三", 4), "四(一)", *items("四(二)", 3),
                                            *items("四(三)", 2), *items("四(四)", 2), "四(五)", "四(六)", "四(七)",
                                            *subs("五", 5)],
    # Steps 1.–6. under 二, then an unnumbered 注意事项: with its own 1.–3.
    # 二4 "完成《信息采集表》上传。" has sub-items （1）（2） of its own.
    "gz-maternity-allowance-2025.md": ["一", *items("二", 3), "二4(1)", "二4(2)", "二5", "二6", *items("注意事项", 3)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_dev_ids(name):
    path = DEV / name
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    document = parse_file(path)
    assert [m.section for m in document.measures] == EXPECTED[name]
    assert not document.warnings


def _doc(name):
    path = DEV / name
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    return parse_file(path)


def test_task_table_units_attach_to_the_measures_they_name():
    sections = {m.section: m for m in _doc("gz-family-doctor-plan-2023.html").measures}
    # Row 10 优化转诊服务 = 二(二)6: 牵头 市卫生健康委、各区政府, 配合 市医保局.
    assert sections["二(二)6"].lead_units == ("市卫生健康委", "各区政府")
    assert sections["二(二)6"].support_units == ("市医保局",)
    assert sections["二(二)6"].units == ("市卫生健康委", "各区政府", "市医保局")
    assert sections["附件2-10"].lead_units == ("市卫生健康委", "各区政府")
    assert "2023年达到80%" in sections["附件1-1"].text


def test_hidden_duplicate_is_not_indexed_twice():
    document = _doc("gz-social-assistance-standards-2025.html")
    assert sum("1309元" in m.text for m in document.measures) == 1


def test_page_metadata():
    document = _doc("th-kindergarten-admission-2026.html")
    assert document.title == "2026年广州市天河区幼儿园招生工作方案"
    assert document.place == "广州市天河区" and document.date == "2026-04-20"
    assert all(m.place == "广州市天河区" for m in document.measures)
    first = document.measures[0]
    assert first.retrieval_text.endswith("\n广州市天河区")
    assert not first.embedding_text.endswith("广州市天河区")  # the same words on every measure blur them
    assert "《" not in first.content_text  # what is quoted stays the document's own text
    rental = _doc("gz-public-rental-housing-2024.html")
    assert rental.doc_number == "穗府办规〔2024〕13号"
    assert _doc("cn-market-entity-registration-2021.html").place == "全国"


def test_table_rows_are_lines_with_cells():
    five = {m.section: m for m in _doc("gz-resident-medical-insurance-2026.html").measures}["五"]
    assert "2 | 大中专学生" in five.text
    assert "413元" in {m.section: m for m in _doc("gz-resident-medical-insurance-2026.html").measures}["二(一)"].text


# (title, 文号, a name in the issuer, date, place), from SOURCES.md and the pages themselves.
METADATA = {
    "cn-market-entity-registration-2021.html": ("中华人民共和国市场主体登记管理条例", "中华人民共和国国务院令第746号",
                                                "国务院", "2021-07-27", "全国"),
    "gz-disability-two-subsidies-2022.html": ("广州市困难残疾人生活补贴和重度残疾人护理补贴实施办法", "", "广州市民政局",
                                              "2022-11-16", "广州市"),
    "gz-elderly-preferential-treatment-2021.html": ("广州市老年人优待办法", "广州市人民政府令第179号", "广州市人民政府",
                                                    "2021-01-29", "广州市"),
    "gz-family-doctor-plan-2023.html": ("推进广州市家庭医生签约服务高质量发展实施方案", "穗卫函〔2023〕1930号",
                                        "广州市医疗保障局", "2023-10-19", "广州市"),
    "gz-long-term-care-insurance-2024.html": ("广州市长期护理保险试行办法", "穗医保规字〔2024〕1号", "广州市民政局",
                                              "2024-01-03", "广州市"),
    "gz-maternity-allowance-2025.md": ("本月起，这笔钱直接发放至个人！", "", "广州市医疗保障局", "2025-12-03", "广州市"),
    "gz-public-rental-housing-2024.html": ("广州市公共租赁住房管理办法", "穗府办规〔2024〕13号", "广州市人民政府办公厅",
                                           "2024-07-26", "广州市"),
    "gz-resident-medical-insurance-2026.html": (
        "广州市医疗保险服务中心关于开展2026年度广州市城乡居民基本医疗保险集中参保缴费工作的通告", "",
        "广州市医疗保险服务中心", "2025-10-14", "广州市"),
    "gz-social-assistance-standards-2025.html": (
        "广州市民政局 广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知", "穗民规字〔2025〕2号",
        "广州市财政局", "2025-05-30", "广州市"),
    "th-kindergarten-admission-2026.html": ("2026年广州市天河区幼儿园招生工作方案", "", "广州市天河区教育局",
                                            "2026-04-20", "广州市天河区"),
}


@pytest.mark.parametrize("name", sorted(METADATA))
def test_corpus_dev_metadata(name):
    title, doc_number, issuer, date, place = METADATA[name]
    document = _doc(name)
    assert (document.title, document.doc_number, document.date, document.place) == (title, doc_number, date, place)
    assert issuer in document.issuer.split("、")
    assert document.measures[0].doc_number == doc_number and document.measures[-1].place == place
