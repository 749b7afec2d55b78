"""Page styles met in the eighth session's documents: a plan's 附表, unit lists that say what their units
do, a Word page converted to Markdown, a WeChat article, a policy list laid out as one table and a work
report whose chapters are paragraphs. Each is written here small, in its own words."""
from __future__ import annotations

from retrieval.ingest.corpus import parse_file
from retrieval.ingest.parsing import parse_text


def ids(document) -> list[str]:
    return [m.section for m in document.measures]


def by_section(document):
    return {m.section: m for m in document.measures}


def test_a_plans_task_table_headed_fubiao_is_an_annex_with_its_units():
    text = ("某市节水行动方案\n一、重点任务\n（一）推进工业节水。开展节水改造。\n（二）推进农业节水。推广喷灌。\n"
            "附表\n重点任务分工表\n序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限\n"
            "1 | 完成工业节水改造 | 市工信局 | 市水务局 | 2025年底前\n2 | 推广高效节水灌溉 | 市农业农村局 | 市水务局 | 2026年底前\n")
    document = parse_text(text, "x")
    assert ids(document) == ["一(一)", "一(二)", "附表-1", "附表-2"]
    assert by_section(document)["附表-2"].lead_units == ("市农业农村局",)


def test_a_unit_list_that_ends_with_what_its_units_do_and_names_its_lead():
    text = ("某市方案\n一、任务\n（一）严格项目准入。落实分区管控。（责任单位：市发展改革委、市生态环境局、各区（县）人民政府按职责分工负责）\n"
            "（二）开展细胞建设。分批创建。（责任单位：市生态环境局牵头，市教育局、市商务局等按职责分工负责）\n")
    s = by_section(parse_text(text, "x"))
    assert s["一(一)"].units == ("市发展改革委", "市生态环境局", "各区（县）人民政府")
    assert s["一(二)"].lead_units == ("市生态环境局",)
    assert "市商务局" in s["一(二)"].units


def test_markdown_from_word_keeps_its_title_and_puts_footnotes_where_they_point(tmp_path):
    (tmp_path / "rules.md").write_text(
        "**某市住宅维修资金管理暂行办法**\n\n# 第一章 总则\n\n## 第一条\n\n为了加强管理，制定本办法。\n\n"
        "**第二条** 业主按建筑面积交存维修资金[^1]。\n\n[^1]: 建筑面积以不动产登记簿记载为准。\n", encoding="utf-8")
    document = parse_file(tmp_path / "rules.md")
    assert document.title == "某市住宅维修资金管理暂行办法"
    assert ids(document) == ["第一条", "第二条"]
    assert "建筑面积以不动产登记簿记载为准" in by_section(document)["第二条"].text
    assert "[^1]" not in "".join(m.text for m in document.measures)


WECHAT = """<html><body><div id="js_content">
<section><span>01</span></section><section><strong>支持企业稳岗</strong></section>
<section><span>1.</span></section><section><strong>稳岗返还</strong></section>
<p>未裁员的参保企业可享受失业保险稳岗返还，中小微企业按60%返还。</p>
<p>🏢责任单位：市人社局、市财政局</p>
<section><span>2.</span></section><section><strong>扩岗补助</strong></section>
<p>招用离校2年内未就业高校毕业生的，按每人1500元给予一次性扩岗补助。</p>
<p>🏢责任单位：市人社局</p>
<section><span>02</span></section><section><strong>鼓励创业</strong></section>
<section><span>3.</span></section><section><strong>创业补贴</strong></section>
<p>首次创办小微企业并正常运营6个月以上的，给予一次性创业补贴5000元。</p>
<p>🏢责任单位：市人社局、市财政局</p>
<p>▌申领须知</p>
<p>1.以上补贴均可在线申请。</p><p>2.补贴资金原则上在15个工作日内拨付到位。</p>
</div></body></html>"""


def test_a_wechat_article_of_measures_numbered_on_across_its_parts(tmp_path):
    (tmp_path / "wechat.html").write_text(WECHAT, encoding="utf-8")
    document = parse_file(tmp_path / "wechat.html")
    assert ids(document) == ["1", "2", "3", "申领须知1", "申领须知2"]
    s = by_section(document)
    assert s["1"].units == ("市人社局", "市财政局")
    assert s["2"].text.startswith("扩岗补助")
    assert s["3"].chapter.endswith("鼓励创业")


def test_a_policy_list_laid_out_as_one_table_cites_its_rows(tmp_path):
    rows = "".join(f"<tr><td>{n}</td><td>类{n}</td><td>事项{n}</td><td>对企业给予补助{n}0万元。</td><td>市局{n}</td></tr>"
                   for n in (1, 2))
    more = "".join(f"<tr><td>{n}</td><td>类{n}</td><td>事项{n}</td><td>对企业给予奖励{n}万元。</td><td>市商务局</td></tr>"
                   for n in (3, 4))
    page = ("<html><head><title>某市惠企政策清单</title></head><body><h1>某市惠企政策清单</h1><table>"
            "<tr><th>序号</th><th>类别</th><th>政策事项</th><th>政策内容</th><th>责任单位</th></tr>"
            f"<tr><td colspan='5'>一、财政金融类</td></tr>{rows}<tr><td colspan='5'>二、商贸类</td></tr>{more}"
            "</table></body></html>")
    (tmp_path / "list.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "list.html")
    assert ids(document) == ["1", "2", "3", "4"]
    assert "奖励4万元" in by_section(document)["4"].text


def test_a_work_reports_chapters_of_paragraphs_are_cited_by_place():
    text = ("某区2025年政府工作报告\n来源：某区人民政府办公室　　发布日期：2025-01-13　　字号：大 中 小\n"
            "一、坚持创新驱动\n聚焦先进制造，做强实体经济。全年实施亿元以上工业项目60个，完成工业投资150亿元，规上工业总产值突破1800亿元。\n"
            "聚焦科技创新，增强内生动力。新增高新技术企业80家、科技型中小企业300家，研发投入强度提高到3.1%以上。\n"
            "二、坚持民生为大\n稳定和扩大就业。城镇新增就业1.2万人，开发公益性岗位500个，帮扶困难人员就业1000人以上。\n"
            "办好民生实事。新增养老床位600张，改造老旧小区40个，新建改扩建中小学和幼儿园8所。\n")
    document = parse_text(text, "x")
    assert ids(document) == ["一1", "一2", "二1", "二2"]
    assert (document.issuer, document.date) == ("某区人民政府办公室", "2025-01-13")
