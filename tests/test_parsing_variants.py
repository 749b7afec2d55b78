"""Numbering and unit-tag variants of real documents: fixtures written by another author with their
expected ids (tests/fixtures/EXPECTED.md), and small documents for each variant."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest.corpus import parse_file, scan_corpus
from retrieval.ingest.parsing import parse_text
from retrieval.ingest.unit_tags import parse_units

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def by_section(document):
    return {m.section: m for m in document.measures}


def test_linjiang_ids_and_units():
    document = parse_file(FIXTURES / "linjiang-employment-measures-2025.txt")
    ids = [m.section for m in document.measures]
    assert ids == ["一(一)1", "一(一)2", "一(一)3", "一(二)1", "一(二)2", "一(二)3", "二(一)1", "二(一)2", "二(一)3",
                   "二(二)4", "二(二)5", "二(二)6", "三1", "三2", "三3", "三4", "三5", "四(一)1", "四(一)2", "四(一)3",
                   "四(二)1", "四(二)2", "四(二)3", "五(一)1", "五(一)2", "五(二)1", "五(二)2", "六(一)", "六(二)",
                   "六(三)", "附件-1", "附件-2", "附件-3", "附件-4"]
    s = by_section(document)
    assert s["一(一)1"].lead_units == ("市人力资源社会保障局",)
    assert s["一(一)1"].support_units == ("市财政局", "市税务局", "各区政府")
    assert s["一(二)2"].lead_units == ("市人力资源社会保障局",)  # 主责单位 / 协办单位
    assert s["一(二)2"].support_units == ("市教育局", "团市委", "市财政局")
    assert s["二(二)5"].text.startswith("100家重点企业")
    assert "①" in s["三2"].text and s["三2"].lead_units == ("中国人民银行临江市分行", "市财政局")
    assert s["三4"].lead_units == ("市人力资源社会保障局",)  # from the annex task table
    assert s["五(二)2"].support_units == ("市人力资源社会保障局", "市财政局", "各区政府")
    assert s["四(二)3"].lead_units == ("市市场监管局",) and s["四(二)3"].support_units == ("各区人民政府",)
    assert "二是" in s["四(一)2"].text
    assert document.title == "临江市促进高校毕业生就业创业若干措施"
    assert document.doc_number == "临人社规〔2025〕3号" and document.date == "2025-03-18"
    assert document.place == "临江市"


def test_donghu_regulation_with_sections_and_prose_units():
    document = parse_file(FIXTURES / "donghu-elderly-care-regulation-2024.txt")
    from retrieval.ingest.parsing import int_to_cn

    assert [m.section for m in document.measures] == [f"第{int_to_cn(i)}条" for i in range(1, 34)]
    s = by_section(document)
    assert "第一节" in s["第七条"].chapter and "第二章" in s["第七条"].chapter
    assert "第十六条第一项" in s["第十七条"].text
    assert "区卫生健康局" in s["第十条"].units and s["第十条"].units_inferred
    # The responsibilities EXPECTED.md lists for the prose of this regulation.
    assert s["第四条"].units == ("区民政局", "区卫生健康局", "区财政局", "区市场监管局", "区住房城乡建设局")
    assert s["第五条"].lead_units == ("街道办事处",) and s["第五条"].support_units == ("社区居民委员会",)
    assert s["第十一条"].units == ("区民政局",) and s["第十九条"].units == ("区财政局",)
    assert s["第十二条"].units == ("区自然资源和规划分局", "街道办事处")
    assert s["第十五条"].lead_units == ("区民政局",) and s["第十五条"].support_units == ("区住房城乡建设局", "区残联")
    assert s["第二十七条"].units == ("区民政局", "区财政局")
    assert document.place == "临江市东湖区"
    assert "东湖区" in s["第三条"].retrieval_text


@pytest.mark.parametrize(("clause", "lead", "support"), [
    ("牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局、各区、县级市",
     ["市发展改革委"], ["市委组织部", "市人力资源和社会保障局", "各区、县级市"]),  # "各区" alone names no body
    ("牵头单位:市科技局,配合单位:市财政局", ["市科技局"], ["市财政局"]),
    ("主责单位：市教育局；协办单位：团市委", ["市教育局"], ["团市委"]),
    ("牵头单位 市科技局 配合单位 市财政局", ["市科技局"], ["市财政局"]),
])
def test_lead_and_partner_separators(clause, lead, support):
    roles = parse_units(clause)
    assert roles["lead"] == lead and roles["support"] == support


def test_a_note_that_the_first_unit_leads_is_no_list_of_its_own():
    # Its role word 牵头单位 once started a list: lead "下同", and "…管委会。列第一位者为" a unit.
    roles = parse_units("责任单位：市商务局、市财政局，各区人民政府、新区管委会。列第一位者为牵头单位，下同")
    assert roles == {"lead": ["市商务局"], "units": ["市财政局", "各区人民政府", "新区管委会"], "support": []}
    roles = parse_units("责任单位：市发展改革委（市能源局）、市自然资源和规划局。排在第一位的为牵头单位")
    assert roles["lead"] == ["市发展改革委（市能源局）"] and roles["units"] == ["市自然资源和规划局"]


def test_item_number_followed_by_digits_and_inline_enumeration():
    text = "方案\n一、人才\n（一）项目\n10.引进团队。\n11.121人才梯队项目。\n（二）停止发放。有下列情形之一的：\n1.死亡的；2.失踪的。\n"
    s = by_section(parse_text(text, "x"))
    assert s["一(一)11"].text == "121人才梯队项目。"
    assert "2.失踪的" in s["一(二)"].text and "一(二)1" not in s


def test_a_first_item_opening_with_a_number_is_told_from_a_decimal_by_the_second():
    text = ("方案\n一、标准\n（一）助餐补贴\n1.60岁以上老人每餐补贴2元。\n2.80岁以上老人每餐补贴5元。\n"
            "（二）资金\n1.5亿元资金用于建设。\n加强领导。\n")
    s = by_section(parse_text(text, "x"))
    assert s["一(一)1"].text == "60岁以上老人每餐补贴2元。" and s["一(一)2"].text == "80岁以上老人每餐补贴5元。"
    assert s["一(二)"].text.startswith("1.5亿元")  # no second item: a decimal


def test_regulation_parts_digits_and_spaces():
    text = "条例\n第一编 总则\n第一章 一般规定\n第1条\xa0\xa0目的。\n第２条 范围。\n第二节 细则\n第3条　施行。\n"
    document = parse_text(text, "x")
    assert [m.section for m in document.measures] == ["第一条", "第二条", "第三条"]
    assert document.measures[2].chapter == "第一编 总则 第一章 一般规定 第二节 细则"


def test_circled_items_and_label_lists():
    text = "指南\n一、办理\n①准备材料。\n②提交申请。\n二、步骤\n1.登录。\n2.填写。\n注意事项：\n1.如实填写。\n2.按时办理。\n"
    ids = [m.section for m in parse_text(text, "x").measures]
    assert ids == ["一①", "一②", "二1", "二2", "注意事项1", "注意事项2"]


def test_same_document_pasted_many_times_is_indexed_once_with_a_warning():
    one = "方案\n一、总则\n（一）支持研发。\n（二）支持人才。\n" + "说明文字。" * 200 + "\n"
    document = parse_text(one * 50, "x")
    assert [m.section for m in document.measures] == ["一(一)", "一(二)"] or len(document.measures) <= 3
    assert document.warnings


def test_sidecar_overrides_and_is_not_a_document(tmp_path):
    (tmp_path / "plan.txt").write_text("新闻标题\n一、总则\n（一）支持研发。\n", encoding="utf-8")
    (tmp_path / "plan.meta.yaml").write_text("title: 某市2020年科技工作要点\nplace: 某市\n", encoding="utf-8")
    scan = scan_corpus(tmp_path)
    assert not scan.failures
    [document] = scan.documents
    assert document.title == "某市2020年科技工作要点" and document.measures[0].place == "某市"


def test_bad_sidecar_is_a_warning_not_a_failure(tmp_path):
    (tmp_path / "plan.txt").write_text("标题\n一、总则\n（一）支持研发。\n", encoding="utf-8")
    (tmp_path / "plan.meta.yaml").write_text("colour: red\n", encoding="utf-8")
    [document] = scan_corpus(tmp_path).documents
    assert any("colour" in w for w in document.warnings)


def test_hidden_copy_and_body_hidden_until_script(tmp_path):
    page = ("<html><body style='visibility:hidden'><div class='content'><h1>某办法</h1>"
            "<p>第一条 目的。</p><p>第二条 范围。</p><p>第三条 施行。</p></div>"
            "<div style='display:none'><p>第一条 目的。</p><p>第二条 范围。</p></div></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "page.html")
    assert [m.section for m in document.measures] == ["第一条", "第二条", "第三条"]


def test_a_notice_numbered_only_with_digits():
    text = ("关于做好某事的通知\n各单位：\n1.请于5月1日前报送材料，逾期不予受理。\n2.材料包括申请表和身份证复印件。\n"
            "3.联系电话：12345。\n")
    assert [m.section for m in parse_text(text, "x").measures] == ["1", "2", "3"]


def test_prose_without_numbering_is_indexed_by_paragraph_with_inferred_ids():
    text = "某市发布新政策\n" + "\n".join([
        "这是一段较长的正文内容，介绍了政策的背景、目的和主要内容，供读者参考。",
        "第二段正文说明申请条件和办理流程，需要携带身份证件到窗口办理。",
        "第三段正文说明补贴标准为每人每月500元，按月发放到个人账户。"])
    document = parse_text(text, "x")
    assert [m.section for m in document.measures] == ["段1", "段2", "段3"]
    assert all(m.section_inferred for m in document.measures) and document.warnings


def test_page_numbers_are_not_text():
    text = "某办法\n第一条 目的。\n- 2 -\n第二条 范围。\n第 3 页 共 9 页\n第三条 施行。\n"
    assert [m.text for m in parse_text(text, "x").measures] == ["目的。", "范围。", "施行。"]


def test_a_question_naming_the_place_finds_that_documents_measures(tmp_path, embedder):
    """Two districts publish the same wording (本区…); only the place tells them apart."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for district, amount in (("东湖区", 500), ("西岭区", 800)):
        (corpus / f"{district}.txt").write_text(
            f"临江市{district}民政局关于印发养老服务补贴办法的通知\n"
            f"一、补贴标准\n（一）本区居家养老服务补贴标准为每人每月{amount}元。\n"
            f"（二）本区高龄津贴按月发放。\n", encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    assert {d.place for d in scan_corpus(corpus).documents} == {"临江市东湖区", "临江市西岭区"}
    for district in ("东湖区", "西岭区"):
        hits = service.search(f"{district}居家养老服务补贴标准是多少", 2)
        assert hits[0].measure.document == district and hits[0].measure.section == "一(一)"


def test_half_bracket_items_and_a_title_that_is_only_the_doc_number():
    text = "穗人社规字〔2019〕6号\n某某补贴办法\n一、标准\n1）每人每月500元。\n2）按月发放。\n"
    document = parse_text(text, "x")
    assert [m.section for m in document.measures] == ["一1", "一2"]
    assert document.title == "某某补贴办法" and document.doc_number == "穗人社规字〔2019〕6号"
    page = parse_text(text, "x", page_meta={"title": "穗人社规字〔2019〕6号"})
    assert page.title == "某某补贴办法"


def test_the_seed_with_its_sidecar():
    from tests.conftest import DALIAN

    document = parse_file(DALIAN)
    assert len(document.measures) == 51 and len({m.section for m in document.measures}) == 51
    assert document.title == "大连市2018年科技工作要点" and document.place == "大连市"
    assert all(m.title == document.title for m in document.measures)
    assert by_section(document)["三(四)"].units == ("市科技局", "市卫生计生委")


def test_an_annex_list_mid_document_does_not_swallow_the_rest():
    text = ("方案\n一、任务\n（一）做好申报。\n附件：1.申报表\n2.汇总表\n二、保障\n（一）加强领导。\n"
            "附件1\n申报表\n姓名 | 单位\n")
    ids = [m.section for m in parse_text(text, "x").measures]
    assert ids == ["一(一)", "二(一)", "附件1"]


def test_attachment_download_links_are_not_text():
    text = "方案\n一、任务\n（一）做好申报。\n附件：\n附件1.docx\n附件2.pdf\n附件1-2下载：《申报表》\n"
    [measure] = parse_text(text, "x").measures
    assert measure.text == "做好申报。"


def test_a_saved_district_page_with_every_trap():
    """A page as saved from a district site: the body hidden until a script runs, an ASP.NET form around
    everything, navigation, a hidden second copy, a notice around the plan, numbering that runs on,
    a rowspan task table as annex, and page fields (转载 title, vague source)."""
    document = parse_file(FIXTURES / "sample-district-plan.html")
    assert [m.section for m in document.measures] == ["一", "二(一)1", "二(一)2", "二(二)3", "二(二)4", "三(一)",
                                                      "附件1-1"]
    s = by_section(document)
    assert s["二(二)4"].text == "11.5万元以下贷款免担保。"
    assert s["二(一)2"].lead_units == ("区人力资源社会保障局", "区民政局")  # from the task table's two rows
    assert s["二(一)2"].support_units == ("各街道办事处",)
    assert s["二(二)3"].lead_units == ("区财政局",)
    assert document.meta_dict() == {"title": "西岭区促进就业工作方案", "doc_number": "西府办〔2025〕7号",
                                     "issuer": "临江市西岭区人民政府办公室", "date": "2025-03-28",
                                     "place": "临江市西岭区"}
    assert not any("首页" in m.text or "版权" in m.text for m in document.measures)


def test_a_sidecar_without_its_document_is_reported(tmp_path):
    (tmp_path / "plan.txt").write_text("标题\n一、总则\n（一）支持研发。\n", encoding="utf-8")
    (tmp_path / "plam.meta.yaml").write_text("title: 某方案\n", encoding="utf-8")
    scan = scan_corpus(tmp_path)
    assert len(scan.documents) == 1
    [failure] = scan.failures
    assert "plam.meta.yaml" in failure.error and "no document beside it" in failure.error


def test_units_inferred_from_prose_ignore_quoted_words():
    text = "某规定\n第一条 本规定由市民政局负责解释。\n第二条 不得回答“由市教育局负责”。\n"
    s = by_section(parse_text(text, "x"))
    assert s["第一条"].units == ("市民政局",) and s["第一条"].units_inferred
    assert s["第二条"].units == ()


def test_a_regulations_generic_department_in_charge_is_its_unit():
    text = ("某办法\n第三条 市医疗保障行政部门主管本市长护险工作，负责组织实施本办法。\n"
            "第四条 市民政部门负责本市老年人优待工作。\n第五条 各有关部门应当按照职责负责相关工作。\n"
            "第六条 单位应当报其主管部门负责审核。\n")
    s = by_section(parse_text(text, "x"))
    assert s["第三条"].units == ("市医疗保障行政部门",) and s["第三条"].units_inferred
    assert s["第四条"].units == ("市民政部门",)
    assert s["第五条"].units == () and s["第六条"].units == ()  # nobody in particular


def test_a_part_headed_as_the_division_of_duties_names_its_units_in_prose():
    """"五、责任分工" in a plan without unit clauses says who does what in its sentences; a unit that
    "牵头做好" a task leads it. Other parts' prose assigns nothing."""
    text = ("某实施办法\n一、补贴对象\n区民政部门负责受理的申请须符合以下条件。\n"
            "二、责任分工\n市民政部门牵头会同市财政部门拟订制度。区民政部门牵头做好发放管理工作，负责申请的审定。\n"
            "三、附则\n本办法自印发之日起实施。\n")
    s = by_section(parse_text(text, "x"))
    assert s["二"].units == ("市民政部门", "区民政部门") and s["二"].units_inferred
    assert s["一"].units == () and s["三"].units == ()


def test_a_question_and_answer_page_cites_each_question():
    text = ("灵活就业人员参保热点问答\n问：灵活就业人员可以参加哪些社会保险？\n答：可以参加企业职工基本养老保险。\n"
            "问：缴费基数怎么选？\n答：可在月平均工资的60%至300%之间自主选择。\n【问】怎么缴费？\n【答】通过银行代扣缴纳。\n")
    document = parse_text(text, "x")
    assert [m.section for m in document.measures] == ["问1", "问2", "问3"]
    second = document.measures[1]
    assert second.subsection == "缴费基数怎么选？" and second.text == "可在月平均工资的60%至300%之间自主选择。"
    assert all(m.section_inferred for m in document.measures)


def test_a_service_guide_is_cited_by_its_headings():
    text = ("社会保障卡申领指南\n办理对象\n在本市参加社会保险的人员。\n申请材料\n1.居民身份证原件；\n2.近期免冠照片一张。\n"
            "办理流程：\n1.到银行网点提交材料；\n2.银行受理后制卡。\n【办理时限】\n制卡需10个工作日。\n咨询电话\n12333\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["办理对象", "申请材料1", "申请材料2", "办理流程1", "办理流程2", "办理时限", "咨询电话"]
    assert s["申请材料2"].text == "近期免冠照片一张。" and s["申请材料2"].subsection == "申请材料"
    assert s["办理时限"].text == "制卡需10个工作日。"


def test_a_guide_written_as_a_two_column_table():
    text = ("居住证办事指南\n事项名称 | 居住证申领\n办理对象 | 在本市居住半年以上的人员\n办理时限 | 15个工作日\n"
            "收费标准 | 不收费\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["事项名称", "办理对象", "办理时限", "收费标准"] and s["办理时限"].text == "15个工作日"


def test_a_notice_with_a_salutation_and_one_list_stays_a_plan():
    text = ("关于做好某事的通知\n各区人民政府：\n现将有关事项通知如下：\n1.请于5月1日前报送材料。\n2.材料包括申请表。\n"
            "3.联系电话：12345。\n附件：\n申请表\n")
    assert [m.section for m in parse_text(text, "x").measures][:3] == ["1", "2", "3"]


def test_a_page_that_is_only_a_table_cites_its_rows_with_the_header():
    text = ("2025年最低工资标准\n序号 | 地区 | 月最低工资标准（元）\n1 | 甲市 | 2500\n2 | 乙市 | 2300\n3 | 丙县 | 2000\n")
    document = parse_text(text, "x")
    assert [m.section for m in document.measures] == ["段1", "段2", "段3"]
    assert document.measures[0].subsection == "序号 | 地区 | 月最低工资标准（元）"
    assert document.measures[2].text == "3 | 丙县 | 2000"


@pytest.mark.parametrize("text", [
    "热点问答\n问题一：失业金怎么领？\n答：线上申请。\n问题二：领多久？\n答：最长24个月。\n",
    "热点问答\n【问题1】失业金怎么领？\n【答】线上申请。\n【问题2】领多久？\n【答】最长24个月。\n",
    "热点问答\n失业金怎么领？\n答：线上申请。\n领多久？\n答：最长24个月。\n",
])
def test_question_and_answer_pages_in_other_markings(text):
    document = parse_text(text, "x")
    assert [(m.section, m.subsection, m.text) for m in document.measures] == [
        ("问1", "失业金怎么领？", "线上申请。"), ("问2", "领多久？", "最长24个月。")]


def test_questions_printed_as_q1_are_cited_as_printed():
    document = parse_text("热点问答\nQ1: 失业金怎么领？\nA: 线上申请。\nQ2: 领多久？\nA: 最长24个月。\n", "x")
    assert [(m.section, m.subsection, m.text) for m in document.measures] == [
        ("Q1", "失业金怎么领？", "线上申请。"), ("Q2", "领多久？", "最长24个月。")]


def test_folded_answers_of_a_question_page_are_text_and_a_hidden_copy_is_not(tmp_path):
    answer1 = "失业人员可以通过政务服务网或者社保经办窗口申请失业保险金，提交身份证件和解除劳动合同证明。"
    answer2 = "失业保险金按月发放，标准为本市最低工资标准的百分之九十，最长领取二十四个月。"
    page = ("<html><body><div class='content'><h1>失业保险常见问题</h1>"
            f"<p>问：怎么申请失业保险金？</p><div class='answer' style='display:none'><p>答：{answer1}</p></div>"
            f"<p>问：每月能领多少？</p><div class='answer' style='display: none'><p>答：{answer2}</p></div></div>"
            f"<div class='mobile' style='display:none'><p>问：怎么申请失业保险金？</p><p>答：{answer1}</p></div>"
            "<div style='display:none'>您对本页是否满意？非常满意 满意</div></body></html>")
    (tmp_path / "faq.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "faq.html")
    assert [(m.section, m.text) for m in document.measures] == [("问1", answer1), ("问2", answer2)]


# -- layouts no numbering scheme above reads: every page that says something gives measures ------

_LEAD = "为进一步做好就业工作，结合本市实际，制定本措施。\n"
_THREE = ["对吸纳就业的企业给予补贴，每人1000元。", "对创业者给予担保贷款，最高30万元。", "对培训机构给予奖励，最高50万元。"]


@pytest.mark.parametrize("marks", [("①", "②", "③"), ("一是", "二是", "三是"), ("第一，", "第二，", "第三，"),
                                   ("（1）", "（2）", "（3）"), ("● ", "● ", "● ")])
def test_a_list_numbered_in_any_style_is_the_measures(marks):
    doc = parse_text(_LEAD + "\n".join(m + t for m, t in zip(marks, _THREE)), "list")
    assert [m.section for m in doc.measures] == ["1", "2", "3"]
    assert doc.measures[1].text == _THREE[1]


def test_items_with_their_own_enumeration_keep_it():
    text = _LEAD + "1.吸纳就业补贴\n（1）每人1000元。\n（2）小微企业再加500元。\n2.创业担保贷款\n（1）最高30万元。"
    doc = parse_text(text, "nested")
    assert [m.section for m in doc.measures] == ["1", "2"]
    assert "小微企业再加500元" in doc.measures[0].text


def test_chapter_lines_that_are_statements_are_measures():
    text = ("关于做好就业工作的通知\n各区人社局：\n现就有关事项通知如下：\n一、" + _THREE[0] + "\n二、" + _THREE[1]
            + "\n三、总体要求\n（一）具体办法另行制定。\n四、本通知自2024年1月1日起施行。")
    doc = parse_text(text, "notice")
    assert [m.section for m in doc.measures] == ["一", "二", "三(一)", "四"]
    assert doc.measures[3].text == "本通知自2024年1月1日起施行。"


def test_a_statement_chapter_keeps_its_words_when_lines_follow_it():
    text = ("关于做好就业工作的通知\n一、" + _THREE[0] + "\n二、" + _THREE[1] + "\n三、本通知自2025年5月1日起施行，有效期2年。"
            "\n石港市人力资源和社会保障局\n2025年4月18日\n（此件公开发布）\n咨询电话：12333")
    last = parse_text(text, "notice").measures[-1]
    assert last.section == "三" and last.text.startswith("本通知自2025年5月1日起施行，有效期2年。")
    assert "咨询电话：12333" in last.text


def test_a_bare_chapter_title_is_no_measure():
    doc = parse_text(_LEAD + "一、总体要求\n二、主要任务\n（一）" + _THREE[0], "titles")
    assert [m.section for m in doc.measures] == ["二(一)"]


def test_fragments_without_numbering_or_paragraphs_are_cited_as_runs_of_sentences():
    text = "补贴标准\n每人每月500元\n申请对象\n本市户籍失业人员\n办理地点\n各区人社局服务大厅\n咨询电话 12333"
    doc = parse_text(text, "fragments")
    assert [m.section for m in doc.measures] == ["段1"]
    assert "每人每月500元" in doc.measures[0].text and doc.measures[0].section_inferred
    assert "runs of sentences" in doc.warnings[0]


def test_a_prose_page_in_an_old_table_layout_is_read_from_where_its_sentences_are(tmp_path):
    page = ("<html><head><title>关于就业补贴的说明_某市人民政府</title></head><body><table>"
            "<tr><td><a href=/>首页</a> | <a>机构</a> | <a>政务公开</a></td></tr>"
            "<tr><td><table><tr><td><p>热点新闻</p><p>通知公告</p></td><td><table>"
            "<tr><td><p>今年继续实施就业补贴政策。对吸纳就业的企业给予补贴，每人1000元。</p>"
            "<p>创业者可申请担保贷款，最高30万元，财政给予贴息支持。</p>"
            "<p>此外，培训机构将获得奖励，最高50万元。政策将于7月1日起施行。</p></td></tr>"
            "</table></td></tr></table></td></tr>"
            "<tr><td>版权所有：某市人民政府 备案号：000号 联系我们 网站地图</td></tr></table></body></html>")
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "news.html")
    text = "".join(m.text for m in document.measures)
    assert "每人1000元" in text and "最高30万元" in text and "7月1日起施行" in text
    assert document.title == "关于就业补贴的说明"
    assert not any("首页" in m.text or "版权" in m.text or "热点" in m.text for m in document.measures)


def test_parts_above_chapters_keep_ids_apart_when_chapters_restart():
    text = ("某市就业工作实施细则\n第一章 总则\n一、为了促进就业，制定本细则。\n二、本细则适用于本市。\n第二章 补贴\n"
            "一、对吸纳就业的企业给予补贴，每人1000元。\n二、对创业者给予担保贷款。\n（一）贷款期限3年。\n（二）财政贴息50%。")
    doc = parse_text(text, "parts")
    assert [m.section for m in doc.measures] == ["第一章一", "第一章二", "第二章一", "第二章二(一)", "第二章二(二)"]
    assert doc.measures[1].text == "本细则适用于本市。"  # the next part's heading is not its text
    assert doc.measures[2].chapter.startswith("第二章 补贴")


def test_a_part_without_restarting_chapters_adds_nothing_to_ids():
    text = ("某市方案\n第一部分 总体要求\n坚持就业优先，稳定就业大局。\n第二部分 主要任务\n一、扩大就业\n"
            "（一）对吸纳就业的企业给予补贴，每人1000元。\n二、稳定岗位\n（一）对创业者给予担保贷款。")
    doc = parse_text(text, "parts")
    assert [m.section for m in doc.measures] == ["第一部分", "一(一)", "二(一)"]


@pytest.mark.parametrize("title, place", [
    ("一图读懂｜《北塘县高龄津贴和居家养老服务补贴实施办法》政策要点", "北塘县"),
    ("东湖区社区居家养老服务管理办法", "东湖区"),
    ("2026年广州市天河区幼儿园招生工作方案", "广州市天河区"),
    ("关于加强园区管理的通知", ""),
    # "2025年度市级" is a year's city-level programme: no place 度市.
    ("关于组织开展2025年度市级示范家庭农场认定和奖补资金申报工作的通知", ""),
])
def test_a_county_or_district_is_the_place_of_its_own_document(title, place):
    from retrieval.ingest.metadata import find_place

    assert find_place(title) == place


TABBED_GUIDE = """<html><head><meta charset="utf-8"><title>石港市政务服务网</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/bs">办事服务</a></div>
<h2>高龄津贴申领</h2>
<ul class="tabs"><li>基本信息</li><li>受理条件</li><li>申请材料</li><li>常见问题</li></ul>
<div class="tab-content">
<div class="panel" style="display:block"><table>
<tr><th>事项名称</th><td>高龄津贴申领</td><th>事项类型</th><td>公共服务</td></tr>
<tr><th>实施主体</th><td>石港市各区民政局</td><th>承诺时限</th><td>10个工作日</td></tr>
</table><p>温馨提示：本事项已实现全程网办，申请人无需到现场提交纸质材料。</p></div>
<div class="panel" style="display:none"><div class="block-title">受理条件</div>
<p>同时符合下列条件的老年人，可以申请高龄津贴：</p><p>1. 具有本市户籍；</p><p>2. 年满80周岁。</p></div>
<div class="panel" style="display:none"><div class="block-title">申请材料</div><table>
<tr><th>序号</th><th>材料名称</th><th>要求</th></tr>
<tr><td>1</td><td>居民身份证</td><td>原件核验</td></tr>
<tr><td>2</td><td>社会保障卡</td><td>已激活金融功能</td></tr></table></div>
<div class="panel" style="display:none"><div class="block-title">常见问题</div>
<p>问：津贴多久发一次？</p><p>答：按月发放，每月10日前发放至社会保障卡。</p>
<p>问：户籍迁出本市后还能领吗？</p><p>答：不能，自迁出次月起停发。</p></div>
</div></body></html>"""


def test_a_service_guide_in_hidden_tabs_is_read_whole(tmp_path):
    """Every tab but the first is display:none, and the 常见问题 tab holds all the "问：" lines: the guide is
    still read whole, its label/value rows cited by label, numbered rows and items by number."""
    path = tmp_path / "shigang-guide.html"
    path.write_text(TABBED_GUIDE, encoding="utf-8")
    document = parse_file(path)
    s = by_section(document)
    assert ["事项名称", "事项类型", "实施主体", "承诺时限", "温馨提示", "受理条件", "受理条件1", "受理条件2",
            "申请材料", "申请材料1", "申请材料2", "问1", "问2"] == list(s)
    assert s["承诺时限"].text == "10个工作日" and s["申请材料2"].text.startswith("社会保障卡")
    assert s["问2"].subsection == "户籍迁出本市后还能领吗？" and "停发" in s["问2"].text
    assert document.title == "高龄津贴申领" and document.place == "石港市" and document.issuer == "石港市各区民政局"


def test_the_information_table_above_a_regulation_gives_its_number(tmp_path):
    page = ("<html><body><table class='xxgk'><tr><td>索引号：</td><td>1135/2025-00381</td><td>文号：</td><td>石府规〔2025〕3号</td></tr>"
            "<tr><td>发布机构：</td><td>石港市人民政府</td><td>成文日期：</td><td>2025-08-28</td></tr></table>"
            "<div class='content'><h1>石港市高龄津贴管理办法</h1><p>第一条 为做好高龄津贴发放工作，制定本办法。</p>"
            "<p>第二条 本办法适用于本市户籍老年人。</p><p>第三条 本办法自2025年10月1日起施行。</p></div></body></html>")
    path = tmp_path / "shigang-measures.html"
    path.write_text(page, encoding="utf-8")
    document = parse_file(path)
    assert document.doc_number == "石府规〔2025〕3号" and document.issuer == "石港市人民政府"
    assert [m.section for m in document.measures] == ["第一条", "第二条", "第三条"]


def test_a_standards_table_writes_each_figure_with_the_unit_its_header_names():
    text = ("石港市人才安居补贴实施细则\n第一条 补贴标准按照附件执行。\n第二条 本细则自2025年7月1日起施行。\n"
            "附件\n石港市人才安居补贴标准表\n序号 | 人才类别 | 购房补贴（万元） | 租房补贴（元/月） | 最长期限（月）\n"
            "1 | A类 | 200 | 10000 | 60\n2 | B类 | — | 6000 | 36\n注：重点企业人才的租房补贴上浮20%。\n")
    s = {m.section: m for m in parse_text(text, "x").measures}
    assert list(s) == ["第一条", "第二条", "附件", "附件-1", "附件-2"]
    assert s["附件-1"].text == "1 | A类 | 购房补贴200万元 | 租房补贴10000元/月 | 最长期限60个月"
    assert "—" in s["附件-2"].text and "租房补贴6000元/月" in s["附件-2"].text
    assert s["附件"].text == "注：重点企业人才的租房补贴上浮20%。"  # the table's note, not its last row's


def test_an_official_accounts_post_is_titled_by_the_notice_it_carries(tmp_path):
    page = ("<html><body><h1 class='rich_media_title'>最高补贴1.5万元！石港市以旧换新活动4月10日启动</h1>"
            "<div id='js_content'><section>近日，两部门联合印发通知。通知全文如下：</section>"
            "<section>石港市商务局 石港市财政局</section><section>关于开展2025年汽车以旧换新补贴活动的通知</section>"
            "<section>一、活动时间</section><section>2025年4月10日至12月31日。</section>"
            "<section>二、补贴标准</section><section>每辆补贴8000元。</section>"
            "<section>三、申请方式</section><section>通过小程序申请。</section></div></body></html>")
    path = tmp_path / "post.html"
    path.write_text(page, encoding="utf-8")
    document = parse_file(path)
    assert document.title == "石港市商务局 石港市财政局关于开展2025年汽车以旧换新补贴活动的通知"
    assert [m.section for m in document.measures] == ["一", "二", "三"]


def test_an_english_question_names_a_district_the_dictionary_lacks_by_its_pinyin(tmp_path, embedder):
    """璟湖 and 棠浦 are in no dictionary: English writes them Jinghu and Tangpu."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for district, amount in (("璟湖区", 500), ("棠浦区", 800)):
        (corpus / f"{district}.txt").write_text(
            f"楠州市{district}民政局关于印发养老服务补贴办法的通知\n"
            f"一、补贴标准\n（一）本区居家养老服务补贴标准为每人每月{amount}元。\n"
            f"（二）本区高龄津贴按月发放。\n", encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    for district, english in (("璟湖区", "Jinghu"), ("棠浦区", "Tangpu")):
        hits = service.search(f"How much is the home-care service subsidy in {english} District?", 2)
        assert hits[0].measure.document == district and hits[0].measure.section == "一(一)"


def test_a_place_whose_character_has_several_readings_is_named_by_any_of_them(tmp_path, embedder):
    """苕 reads shao or tiao; pypinyin's commoner reading spells 苕阳 "Shaoyang", its people "Tiaoyang"."""
    from retrieval.search.documents import pinyin_names
    from retrieval.service import build_service
    from tests.conftest import make_settings

    assert pinyin_names("苕阳") == ("shaoyang", "tiaoyang") and pinyin_names("棠浦") == ("tangpu",)
    assert pinyin_names("苕阳市") == ()  # a full name: English reads its short one and adds "City"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for city, unit in (("苕阳市", "市人社局"), ("棠浦市", "市教育局")):
        (corpus / f"{city}.txt").write_text(
            f"{city}青年就业见习实施办法\n一、见习对象\n（一）离校两年内未就业高校毕业生可参加就业见习。\n"
            f"二、组织实施\n（一）就业见习工作由{unit}负责组织实施。\n", encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    for city, english in (("苕阳市", "Tiaoyang"), ("苕阳市", "Shaoyang"), ("棠浦市", "Tangpu")):
        hits = service.search(f"Who organises the youth internship programme in {english}?", 2)
        assert hits[0].measure.document == city and hits[0].measure.section == "二(一)"


def test_questions_and_answers_in_a_two_column_table(tmp_path):
    rows = "".join(f"<tr><td><p><strong>{i}.{q}</strong></p></td><td><p>{a}</p></td></tr>" for i, (q, a) in enumerate((
        ("企业开办需要多长时间？", "企业开办全流程压缩至1个工作日内办结。"),
        ("开办企业需要交哪些费用？", "新设立企业的首套印章由财政免费提供。"),
        ("企业注销有什么便利措施？", "简易注销公示期为20日。")), 1))
    page = ("<html><head><title>《石港市优化营商环境若干措施》政策问答_政策问答_石港市人民政府门户网站</title></head><body>"
            "<div class='content'><h1>《石港市优化营商环境若干措施》政策问答</h1><p>现就热点问题解答如下。</p>"
            f"<table><tr><td><strong>问题</strong></td><td><strong>解答</strong></td></tr>{rows}</table></div></body></html>")
    path = tmp_path / "qa.html"
    path.write_text(page, encoding="utf-8")
    document = parse_file(path)
    s = {m.section: m for m in document.measures}
    assert list(s) == ["问1", "问2", "问3"]
    assert s["问1"].subsection == "企业开办需要多长时间？" and s["问1"].text == "企业开办全流程压缩至1个工作日内办结。"
    assert document.title == "《石港市优化营商环境若干措施》政策问答"  # a page about the measures, brackets whole


def test_a_unit_line_under_several_items_serves_each_of_them():
    """"以上任务责任单位：…" after items 8–10 is every one's; a lead noted per item ("（第12项）") is that
    item's only; a note of which part a unit handles ("（充电设施）") is not part of its name."""
    text = "\n".join([
        "芷汀市提振消费专项行动方案", "一、主要任务", "（一）培育文旅消费",
        "1.丰富文旅消费供给。发放文旅消费券2000万元。", "2.发展演出经济。每场最高奖励30万元。",
        "以上任务责任单位：市文化广电旅游局、市体育局，各区政府",
        "（二）扩大服务消费", "3.发展养老服务消费。每人每月300元。（责任单位：市民政局）",
        "4.支持普惠托育服务。每人每月400元运营补助。", "5.扩大家政服务消费。每人每年1000元社会保险补贴。",
        "牵头单位：市卫生健康委（第4项）、市商务局（第5项）；配合单位：市财政局",
        "6.推动绿色消费。新建公共充电桩2000个。", "牵头单位：市发展改革委（充电设施）、市商务局（绿色商场）"])
    units = {m.section: m.units for m in parse_text(text, "plan").measures}
    assert units["一(一)1"] == units["一(一)2"] == ("市文化广电旅游局", "市体育局", "各区政府")
    assert units["一(二)3"] == ("市民政局",)
    assert units["一(二)4"] == ("市卫生健康委", "市财政局")
    assert units["一(二)5"] == ("市商务局", "市财政局")
    assert units["一(二)6"] == ("市发展改革委", "市商务局")


def test_units_a_regulation_names_in_its_sentences():
    """The body in charge ("X是…主管部门"), a short name the text defines, a list's markers, 会 inside a
    name (社会保障局) and the bodies of every district (各区…部门) are all read."""
    from retrieval.ingest.unit_tags import units_in_prose

    text = ("市卫生健康委员会（以下简称市卫生健康委）是本市育儿补贴工作的主管部门，负责统筹协调。\n"
            "（一）市人力资源和社会保障局（以下简称市人社局）负责人才类别认定；\n"
            "（二）市财政局负责资金拨付；\n"
            "各区卫生健康部门负责本辖区补贴的审核和发放；各有关部门按照职责做好相关工作。")
    assert units_in_prose(text)["units"] == ["市卫生健康委员会", "市人力资源和社会保障局", "市财政局", "各区卫生健康部门"]


@pytest.mark.parametrize(("text", "units"), [
    ("买卖、伪造优待凭证的，由公安机关依照《治安管理处罚法》有关规定予以处罚。", ["公安机关"]),
    ("经劝阻拒不改正的，由消防救援机构责令改正，处五百元以上罚款。", ["消防救援机构"]),
    ("冒用他人凭证的，由老龄工作机构停止其享受优待。", ["老龄工作机构"]),
    ("由公安机关交通管理部门处二十元罚款。", ["公安机关交通管理部门"]),  # the whole name, not its 公安机关
    ("费用由定点医疗机构先行垫付。", []),  # a 医疗机构 serves; it is no body in charge
    ("由有权机关依法处理。", []),  # nobody in particular
])
def test_authorities_a_regulations_penalty_names(text, units):
    """Who enforces a penalty article is its answer to "which authority penalises…": 公安机关, 消防救援机构."""
    from retrieval.ingest.unit_tags import units_in_prose

    assert units_in_prose(text)["units"] == units


def test_units_written_as_verbs_under_a_heading_serve_its_items():
    """"（市公安局牵头，市发展改革委、市住房城乡建设局配合）" under a subsection's heading is the lead and the
    partners of each item below it that names none; the same clause after an item is that item's. A
    parenthesis that names no body (（含技工院校）) stays in the text."""
    text = "\n".join([
        "檀溆市人民政府关于深入推进农业转移人口市民化的实施意见", "一、全面放开城镇落户限制",
        "（一）实行城镇落户“零门槛”。", "（市公安局牵头，市发展改革委、市住房城乡建设局配合）",
        "1. 全面取消落户限制。有落户意愿的人员均可落户。", "2. 放开亲属投靠。职业院校（含技工院校）毕业生可以落户。",
        "3. 推行一站式办理。3个工作日内办结。（市数据局负责）",
        "（二）推进改革。全面推进户籍制度改革。（国家发展改革委牵头，财政部等按职责分工负责）"])
    s = by_section(parse_text(text, "plan"))
    assert s["一(一)1"].lead_units == s["一(一)2"].lead_units == ("市公安局",)
    assert s["一(一)1"].support_units == ("市发展改革委", "市住房城乡建设局")
    assert "（含技工院校）" in s["一(一)2"].text
    assert s["一(一)3"].units == ("市数据局",) and "市数据局负责" not in s["一(一)3"].text
    assert s["一(二)"].lead_units == ("国家发展改革委",) and s["一(二)"].units == ("国家发展改革委", "财政部")


def test_a_plan_laid_out_as_one_task_table():
    """序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限, its parts as rows spanning the table and its
    numbers running on across them: row 3 under 三、 is 三3, with its units and deadline."""
    text = "\n".join([
        "芦湫市2025年生活垃圾分类工作方案", "一、总体要求", "（一）工作目标。到2025年底，分类覆盖率保持100%。",
        "序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限",
        "二、健全分类投放体系",
        "1 | 优化投放点位设置 | 每300户至500户设置1个分类投放点。 | 市城市管理局 | 各区人民政府 | 2025年9月底前",
        "2 | 推行定时定点投放 | 每个小区至少保留1处误时投放点。 | 各区人民政府 | 市城市管理局、市住房和城乡建设局 | 2025年12月底前",
        "三、完善分类收运体系",
        "3 | 配齐分类运输车辆 | 新增厨余垃圾运输车45辆。 | 市城市管理局 | 市财政局 | 2025年10月底前",
        "七、保障措施", "（一）加强组织领导。市领导小组统筹推进全市工作。"])
    s = by_section(parse_text(text, "plan"))
    assert [m for m in s] == ["一(一)", "二1", "二2", "三3", "七(一)"]
    assert s["二2"].lead_units == ("各区人民政府",)
    assert s["二2"].support_units == ("市城市管理局", "市住房和城乡建设局")
    assert s["三3"].text == "配齐分类运输车辆：新增厨余垃圾运输车45辆。\n完成时限：2025年10月底前"


def test_a_question_page_grouped_under_chapter_headings():
    """"1. 问：…" numbered on through 一、申请条件 / 二、补贴标准, answers listing （一）（二）: each question is
    问N, under its group; a guide whose last part (四、常见问题) holds the questions keeps its parts."""
    questions = ["1. 问：什么是医疗救助？", "答：医疗救助是对困难群众的医疗费用帮助。",
                 "2. 问：主要有哪些变化？", "答：扩大了救助范围。", "一、救助对象",
                 "3. 问：哪些人可以享受医疗救助？", "答：下列人员可以享受：", "（一）特困人员；", "（二）低保对象。",
                 "4. 问：低保边缘家庭怎么认定？", "答：由民政部门认定。", "二、救助标准",
                 "5. 问：住院救助比例是多少？", "答：特困人员救助比例90%。",
                 "6. 问：年度限额是多少？", "答：年度救助限额6万元。"]
    s = by_section(parse_text("\n".join(["榆埭市医疗救助政策热点问答", *questions]), "qa"))
    assert list(s) == ["问1", "问2", "问3", "问4", "问5", "问6"]
    assert s["问3"].chapter == "一、救助对象" and "（二）低保对象。" in s["问3"].text
    assert "二、救助标准" not in s["问4"].text
    guide = ["困难残疾人生活补贴申领", "一、受理条件", "具有本市户籍的困难残疾人。", "二、申请材料", "1. 身份证。",
             "2. 残疾人证。", "三、常见问题", "问：补贴什么时候发？", "答：每月15日前。", "问：能代办吗？", "答：可以。",
             "问：要交费吗？", "答：不收费。", "问：多久办完？", "答：20个工作日。", "问：在哪里办？", "答：街道。"]
    ids = [m.section for m in parse_text("\n".join(guide), "guide").measures]
    assert ids[:3] == ["一", "二1", "二2"]


def test_a_tables_total_is_the_annexs_own_not_its_last_rows():
    """合计 under the last row sums the table: cited as the annex, with the unit its column names."""
    text = ("石港区节能奖补申报通知\n一、申报对象\n（一）工业企业。在本区注册的工业企业可以申报。\n"
            "附件3\n2024年度奖补项目名单\n序号 | 企业名称 | 项目类别 | 奖补金额（万元）\n"
            "1 | 石港恒昌纺织有限公司 | 节能技术改造 | 50.40\n2 | 石港宏远铸造有限公司 | 设备更新 | 28.30\n合计 | 78.70\n")
    s = {m.section: m for m in parse_text(text, "x").measures}
    assert list(s) == ["一(一)", "附件3", "附件3-1", "附件3-2"]
    assert s["附件3"].text.endswith("合计 | 奖补金额78.70万元")
    assert "合计" not in s["附件3-2"].text


def test_a_local_regulations_adoption_note_names_its_issuer():
    """"（2025年4月28日蘅皋市第十七届人民代表大会常务委员会第二十六次会议通过" under the title: the city's
    congress standing committee made it, not the province that approved it on the next line."""
    text = "\n".join(["蘅皋市物业管理条例", "（2025年4月28日蘅皋市第十七届人民代表大会常务委员会第二十六次会议通过",
                      "2025年7月30日澄湘省第十四届人民代表大会常务委员会第十九次会议批准）", "第一章 总则",
                      "第一条 为了规范物业管理活动，制定本条例。", "第二条 本条例适用于本市行政区域内的物业管理活动。"])
    document = parse_text(text, "henggao")
    assert document.issuer == "蘅皋市人民代表大会常务委员会" and document.date == "2025-04-28"


def test_a_page_whose_body_is_only_in_a_script(tmp_path):
    """The article as JSON-escaped HTML in ``var pageData = {...}``, drawn into an empty div by JavaScript:
    read as a browser would show it."""
    import json

    body = "".join(f"<p>第{n}条 停车场管理单位应当公示收费标准，每小时不超过{n}元，违者处以罚款。</p>"
                   for n in ("一", "二", "三", "四", "五", "六", "七", "八"))
    data = json.dumps({"title": "蕖湄市机动车停车场建设和管理办法", "content": body}).replace("<", "\\u003c")
    page = (f"<html><head><title>蕖湄市人民政府</title><script>var pageData = {data};</script></head>"
            "<body><div class='nav'>首页 政务公开</div><div id='zoom'></div><div class='foot'>主办单位：蕖湄市人民政府</div>"
            "</body></html>")
    path = tmp_path / "qumei-parking.html"
    path.write_text(page, encoding="utf-8")
    document = parse_file(path)
    assert [m.section for m in document.measures][:3] == ["第一条", "第二条", "第三条"]
    assert "每小时不超过三元" in by_section(document)["第三条"].text


def test_a_regulation_saved_as_several_pages_in_one_file(tmp_path):
    """Three pages of one regulation saved one after another: every article is read once, without the
    pages' repeated header, title and pager."""
    def page(number: int, articles: str) -> str:
        return ("<html><body><div class='head'>蔚岑人大网 首页</div><h1>蔚岑市城市绿化条例</h1>"
                f"<div id='zoom'>{articles}</div><div class='pager'>第{number}页 共2页 上一页 下一页</div>"
                "<div class='foot'>主办：蔚岑市人大常委会办公厅</div></body></html>\n")
    first = "".join(f"<p>第{n}条 城市绿化应当遵循规划先行的原则。</p>" for n in ("一", "二", "三"))
    second = "<p>第四条 公园绿地每处不少于一千平方米。</p><p>第五条 违反本条例的，处以罚款。</p>"
    path = tmp_path / "weicen-greening.html"
    path.write_text(page(1, first) + page(2, second), encoding="utf-8")
    document = parse_file(path)
    assert [m.section for m in document.measures] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert "第2页" not in by_section(document)["第三条"].text


def test_an_annex_that_is_a_document_of_its_own():
    """A 决定 publishing its 实施细则 as 附件: the annex's articles are measures, cited as it numbers them
    (第三条), and full-width digits read as digits; an annex numbered like the main text keeps its label."""
    text = "\n".join([
        "楮墅市人民政府关于施行《楮墅市城乡居民基本养老保险实施细则》的决定", "一、《细则》自2025年7月1日起施行。",
        "二、原办法同时废止。", "附件", "楮墅市城乡居民基本养老保险实施细则", "第一章 总则",
        "第一条 为建立城乡居民基本养老保险制度，制定本细则。", "第二条 年满１６周岁的居民可以参保。",
        "第 三 条 缴费档次为每年２００元至５０００元。"])
    s = by_section(parse_text(text, "chushu"))
    assert list(s) == ["一", "二", "第一条", "第二条", "第三条"]
    assert s["第三条"].chapter.startswith("附件 楮墅市城乡居民基本养老保险实施细则")
    guide = "\n".join([
        "菰浦市关于组织申报2025年度文化和旅游专项资金的通知", "一、申报时间为2025年5月31日前。", "二、联系人：周工。",
        "附件1", "申报指南", "一、支持方向", "（一）文旅融合项目。最高补助100万元。", "（二）夜间文旅消费。最高补助50万元。",
        "二、申报条件", "（一）在本市注册满1年。"])
    assert [m.section for m in parse_text(guide, "gupu").measures] == [
        "一", "二", "附件1一(一)", "附件1一(二)", "附件1二(一)"]


def test_boxes_beside_a_plans_text_are_measures_of_their_own():
    """专栏1 and its projects (numbered on one line) are 专栏1-1, 专栏1-2, not the end of the （一） above."""
    text = "\n".join([
        "筼沚市城市更新行动实施方案（2025—2027年）", "一、推进居住环境更新",
        "（一）实施老旧小区改造。一是明确改造范围；二是完善配套设施。（牵头单位：市住房和城乡建设局）",
        "专栏1 城镇老旧小区改造重点工程",
        "1．2025年改造老旧小区138个，涉及居民1.9万户。 2．2026年改造老旧小区150个。",
        "（二）推进城中村改造。坚持先安置后拆迁。（牵头单位：市住房和城乡建设局）"])
    s = by_section(parse_text(text, "yunzhi"))
    assert list(s) == ["一(一)", "一(二)", "专栏1-1", "专栏1-2"]
    assert s["专栏1-1"].text == "2025年改造老旧小区138个，涉及居民1.9万户。"
    assert "专栏" not in s["一(一)"].text and "专栏1" in s["专栏1-1"].chapter


def test_a_page_of_numbered_keyword_blocks():
    """一图读懂: 关键词1 … 关键词3 with bullets and a 政策原文 line each, then steps ① ② under a heading."""
    text = "\n".join([
        "一图读懂｜琮阳市支持居民合理住房消费若干措施", "近日印发《若干措施》，共16条。",
        "关键词1：购房补贴", "● 按购房合同总价的1%给予补贴，单套最高3万元；", "政策原文：第一条",
        "关键词2：多孩家庭", "● 二孩家庭每套再增加1万元；", "政策原文：第二条",
        "关键词3：青年人才", "● 博士6万元；", "政策原文：第三条",
        "—— 补贴申领流程 ——", "① 网签备案：完成网签备案。", "② 提交申请：通过APP在线申请。"])
    s = by_section(parse_text(text, "congyang"))
    assert list(s) == ["关键词1", "关键词2", "关键词3", "①", "②"]
    assert "单套最高3万元" in s["关键词1"].text and s["②"].chapter == "补贴申领流程"
    assert s["关键词3"].text.endswith("政策原文：第三条")  # which article of the measures it explains


def test_a_red_headed_document_is_titled_by_its_title_line_not_its_masthead():
    """"楮墅市人民政府文件" heads the page; a hard-wrapped text runs the title on into its addressees."""
    text = ("　　　　楮墅市人民政府文件\n　　　　楮政规〔2025〕3号\n　　楮墅市人民政府\n"
            "　　关于施行《楮墅市城乡居民基本养老保险实施细则》的决定各区、县人民政府，市政府各部门、各直属机构：\n"
            "　　为完善城乡居民基本养老保险制度，市人民政府决定：\n"
            "　　一、《细则》自2025年7月1日起施行，有效期5年。\n　　二、原办法同时废止。\n")
    doc = parse_text(text, "decision")
    assert doc.title == "关于施行《楮墅市城乡居民基本养老保险实施细则》的决定" and doc.place == "楮墅市"
    assert [m.section for m in doc.measures] == ["一", "二"]


def test_a_page_title_loses_its_column_and_site_after_bare_hyphens(tmp_path):
    """"…的通告-通知公告-柘湾区人民政府门户网站": the site's name follows a hyphen without spaces, as a
    year range's does not ("2025-2027年")."""
    for title, expected in (("关于提高社会救助标准的通告-通知公告-岑宁市柘湾区人民政府门户网站", "关于提高社会救助标准的通告"),
                            ("食品经营许可办事指南-薷峪市市场监督管理局-葳原省政务服务网薷峪市站点", "食品经营许可办事指南"),
                            ("萩垄市充电设施建设行动方案（2025-2027年）", "萩垄市充电设施建设行动方案（2025-2027年）")):
        page = (f"<html><head><title>{title}</title></head><body><div class='content'>"
                "<p>一、补助标准</p><p>每人每月补助500元。</p><p>二、申请方式</p><p>网上申请。</p></div></body></html>")
        path = tmp_path / "page.html"
        path.write_text(page, encoding="utf-8")
        assert parse_file(path).title == expected


def test_a_titled_subsection_line_keeps_its_paragraph_in_its_text():
    text = ("示例市居民补贴发放办法\n"
            "一、发放管理\n"
            "（一）补贴发放。补贴实行按月发放，发放时间为每月25日前；新申请的于审定合格后次月开始发放。\n"
            "各服务机构由同级民政部门牵头，将补贴资金转账存入对象账户。\n"
            "（二）其他参保人员：个人缴费标准为每人549元，财政补助标准为每人820元。\n"
            "国家、省、市有新规定的，从其规定。\n"
            "（三）资格复核。区民政部门每年组织一次资格复核。\n"
            "（四）加强政策宣传，营造良好氛围。\n"
            "各区要利用多种渠道宣传补贴政策。\n")
    s = by_section(parse_text(text, "subsidy"))
    assert s["一(一)"].subsection == "（一）补贴发放。"
    assert s["一(一)"].text.startswith("补贴实行按月发放，发放时间为每月25日前")
    assert s["一(一)"].text.endswith("转账存入对象账户。")
    assert s["一(二)"].subsection == "（二）其他参保人员："
    assert "549元" in s["一(二)"].text and "从其规定" in s["一(二)"].text
    # A titled line with nothing under it is its own text, heading and all, as before.
    assert s["一(三)"].text == "资格复核。区民政部门每年组织一次资格复核。"
    # A heading that is a sentence with no short title stays the heading.
    assert s["一(四)"].subsection == "（四）加强政策宣传，营造良好氛围。"
    assert s["一(四)"].text == "各区要利用多种渠道宣传补贴政策。"


def test_a_titled_subsection_line_with_its_unit_clause_keeps_its_units():
    text = ("示例市落户实施方案\n"
            "二、主要任务\n"
            "（一）建立居住地登记户口制度。（市公安局牵头，市统计局配合）\n"
            "在城区连续居住并持有居住证满1年的人员，可以在经常居住地登记常住户口。\n"
            "（二）完善用地保障机制。（市自然资源局牵头）\n"
            "每年将不少于15%的新增建设用地计划指标分配至各区。\n")
    s = by_section(parse_text(text, "hukou"))
    assert s["二(一)"].lead_units == ("市公安局",) and s["二(一)"].support_units == ("市统计局",)
    assert s["二(一)"].text.startswith("在城区连续居住")
    assert s["二(二)"].units == ("市自然资源局",)
