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


def test_articles_numbered_only_by_the_browser_are_counted_on_across_chapters(tmp_path):
    page = ("<html><body><div class='article'><h2>某市公租房管理办法</h2>"
            "<h3>第一章 总则</h3><ol><li>为规范管理，制定本办法。</li><li>本办法适用于市区。</li></ol>"
            "<h3>第二章 申请</h3><ol start='3'><li><p>申请人应当符合下列条件：</p>"
            "<ol><li>具有本市户籍；</li><li>家庭人均收入低于标准。</li></ol></li>"
            "<li>依照本办法第三条申请的，街道应当在10个工作日内初审。</li></ol>"
            "<h3>办理流程</h3><ol class='steps'><li>1. 申请。网上提交。</li><li>2. 受理。当场受理。</li></ol>"
            "</div></body></html>")
    (tmp_path / "measures.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "measures.html")
    assert ids(document)[:4] == ["第一条", "第二条", "第三条", "第四条"]
    assert "具有本市户籍" in by_section(document)["第三条"].text  # the inner list stays in its article
    assert "1. 1." not in "".join(m.text for m in document.measures)  # numbers written already are not doubled


def test_a_guide_in_definition_lists_cites_its_terms(tmp_path):
    page = ("<html><body><div class='guide'><h1>创业担保贷款办事指南</h1><dl>"
            "<dt>事项类型</dt><dd>公共服务</dd><dt>实施主体</dt><dd>市就业服务中心</dd>"
            "<dt>服务对象</dt><dd>自然人、小微企业</dd><dt>受理条件</dt><dd>在本市登记注册并实际经营。</dd>"
            "<dt>办理时限</dt><dd>承诺办结时限：15个工作日。</dd><dt>收费标准</dt><dd>不收费。</dd>"
            "<dt>申请材料</dt><dd><p>1. 居民身份证；</p><p>2. 营业执照；</p><p>3. 贷款申请书。</p></dd>"
            "<dt>办理流程</dt><dd><p>1. 网上申请。</p><p>2. 担保审核。</p></dd>"
            "<dt>咨询电话</dt><dd>0000-62178321</dd></dl>"
            "<dl class='faq'><dt>问：外地户籍可以申请吗？</dt><dd>答：可以，不限户籍。</dd></dl></div></body></html>")
    (tmp_path / "guide.html").write_text(page, encoding="utf-8")
    s = by_section(parse_file(tmp_path / "guide.html"))
    assert s["事项类型"].text == "公共服务"
    assert "15个工作日" in s["办理时限"].text
    assert s["申请材料2"].text.startswith("营业执照")
    assert any(m.subsection == "外地户籍可以申请吗？" for m in s.values())


def test_a_regulation_announced_by_its_congress_is_titled_by_itself():
    text = ("某市人民代表大会常务委员会公告\n（第31号）\n《某市燃气管理条例》已由某市人民代表大会常务委员会通过，现予公布。\n"
            "某市燃气管理条例\n第1章 总则\n第1条 为了加强燃气管理，制定本条例。\n第2条 本条例适用于本市。\n")
    document = parse_text(text, "x")
    assert document.title == "某市燃气管理条例"
    assert ids(document) == ["第一条", "第二条"]
