"""Page styles met in the eighth and ninth sessions' documents: a plan's 附表, unit lists that say what
their units do, a Word page converted to Markdown, a WeChat article, a policy list laid out as one table, a
work report whose chapters are paragraphs; text from a PDF, a call for comments, a 规划's 章/节, an
interpretation numbered ❶❷, a 公示, a 修订对照表; and the tenth's: a standard's 3.1.2 clauses, an amending
decision before its revised text, a 问题 | 解答 table, a page drawn by its script. Each is written here small,
in its own words."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest.corpus import parse_documents, parse_file
from retrieval.ingest.loaders import load_file
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


# -- page styles of the ninth session --------------------------------------------------------------

def test_pdf_text_broken_after_so_many_characters_is_joined_but_not_across_items(tmp_path):
    """pdftotext keeps the PDF's lines: broken after 24 characters wherever that falls (a digit counts as
    one), page furniture between, and a unit clause closed at the end of a line before the next item."""
    items = [f"{n}.推进第{n}批公共充电站建设。在交通枢纽和商业综合体布局公共充电站，2025年新建公共充电桩{n}000个，"
             f"2026年新建公共充电桩{n}500个。（责任单位：市发展改革委、市住房城乡建设局）" for n in range(1, 9)]
    wrapped = ["某市充电设施建设实施方案", "一、重点任务", "（一）完善公共充电网络"]
    for line in items:  # broken after 24 characters, as the PDF's margin did
        wrapped += [line[i:i + 24] for i in range(0, len(line), 24)]
    pages = [wrapped[i:i + 12] for i in range(0, len(wrapped), 12)]
    text = "".join(f"某市人民政府办公室行政规范性文件\n" + "\n".join(page) + f"\n— {n} —\n\f"
                   for n, page in enumerate(pages, 1))
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    s = by_section(parse_file(tmp_path / "plan.txt"))
    assert list(s) == [f"一(一){n}" for n in range(1, 9)]
    for n in range(1, 9):
        assert f"2025年新建公共充电桩{n}000个，2026年新建公共充电桩{n}500个。" in s[f"一(一){n}"].text
        assert "行政规范性文件" not in s[f"一(一){n}"].text
        assert s[f"一(一){n}"].units == ("市发展改革委", "市住房城乡建设局")


def test_a_title_broken_over_two_lines_is_read_whole():
    text = ("某市人民政府办公室\n关于印发某市加快推进充电基础设施建设三年\n行动实施方案（2025—2027年）的通知\n"
            "一、总体要求\n（一）完善网络。建设公共充电站。\n（二）加快社区建设。推进既有小区改造。\n")
    assert parse_text(text, "x").title == "某市加快推进充电基础设施建设三年行动实施方案（2025—2027年）"


def test_a_call_for_comments_cites_its_notice_its_draft_and_the_drafts_explanation():
    text = ("关于公开征求《某市民宿管理办法（征求意见稿）》意见的通知\n"
            "为规范民宿经营行为，市文化广电和旅游局起草了《某市民宿管理办法（征求意见稿）》，现向社会公开征求意见。"
            "公众可在2025年7月25日前，通过以下方式提出意见建议：\n"
            "电子邮件：将意见发送至ms@example.gov.cn，邮件主题请注明“民宿管理办法意见建议”。\n"
            "某市文化广电和旅游局\n2025年6月25日\n某市民宿管理办法\n（征求意见稿）\n第一章 总则\n"
            "第一条 为规范民宿经营行为，制定本办法。\n第二条 民宿单栋建筑经营用客房不超过14间。\n"
            "关于《某市民宿管理办法（征求意见稿）》的起草说明\n一、起草背景\n截至2024年底，全市共有民宿1268家。\n"
            "二、主要内容\n（一）明确民宿规模。设定了客房不超过14间的上限。\n（二）优化办理程序。办理时间压缩至15个工作日。\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["通知", "第一条", "第二条", "起草说明一", "起草说明二(一)", "起草说明二(二)"]
    assert "2025年7月25日前" in s["通知"].text and "第一条" not in s["通知"].text


def test_a_forwarding_notice_is_no_measure_of_its_own():
    text = ("某市人民政府关于印发某市就业见习管理办法的通知\n各区人民政府，市政府各部门：\n"
            "现将《某市就业见习管理办法》印发给你们，请认真贯彻执行。执行中遇到的问题，请径向市人力资源社会保障局反映。"
            "本办法由市人力资源社会保障局负责解释，各区应结合实际制定配套措施并抓好落实，确保政策落地见效。\n"
            "某市就业见习管理办法\n第一条 为规范就业见习工作，制定本办法。\n第二条 见习期限为3至12个月。\n")
    assert ids(parse_text(text, "x")) == ["第一条", "第二条"]


def test_a_plans_chapters_and_sections_box_and_captioned_table():
    text = ("某市“十五五”综合交通运输发展规划\n第一章 发展基础\n第一节 发展成就\n一、交通网加快成型。累计完成投资1286亿元。\n"
            "二、运输服务稳步提升。港口吞吐量达到8600万吨。\n专栏1 建成的重大项目\n1. 高速铁路：线路长98公里。\n"
            "2. 绕城高速：线路长46公里。\n第二节 发展目标\n一、总体目标。基本建成现代化综合交通运输体系。\n"
            "某市“十五五”综合交通运输发展主要指标表\n序号 | 指标名称 | 2025年 | 2030年 | 属性\n"
            "1 | 高速铁路营业里程（公里） | 186 | 320 | 预期性\n2 | 城市轨道交通运营里程（公里） | 42 | 118 | 预期性\n"
            "注：2025年数据为预计值。\n二、具体目标。高速公路通车里程达到560公里。\n"
            "第二章 重点任务\n第一节 完善铁路网络\n一、加快高速铁路建设。建成沿海高铁。\n二、提升铁路货运能力。建设铁路专用线。\n")
    document = parse_text(text, "x")
    s = by_section(document)
    assert ["第一章第一节一", "第一章第一节二", "第一章第二节一", "第一章第二节二", "第二章第一节一",
            "第二章第一节二"] == [i for i in ids(document) if i.startswith("第")]
    assert "320" in s["主要指标表-1"].text and "560公里" in s["第一章第二节二"].text
    assert "高速铁路营业里程" not in s["第一章第二节一"].text
    assert {"专栏1-1", "专栏1-2"} <= set(s) and "基本建成" not in s["专栏1-2"].text


def test_a_wechat_articles_byline_and_the_document_it_explains_give_issuer_date_and_place():
    text = ("重磅！稳就业“15条”来了\n原创 某阳人社 某阳人社 2025年04月18日 18:26\n"
            "近日，某阳市人民政府办公室印发《某阳市进一步稳就业促增收若干措施》，推出15条举措。\n"
            "一、支持企业稳岗\n（一）稳岗返还。中小微企业按60%返还。\n（二）扩岗补助。每人1500元。\n")
    document = parse_text(text, "x")
    assert (document.issuer, document.date, document.place) == ("某阳人社", "2025-04-18", "某阳市")


def test_an_interpretation_numbered_with_dingbats_under_marked_parts_and_its_boxes():
    text = ("一图读懂丨《某市支持低空经济发展若干措施》\n划重点\n① 支持对象：在本市登记注册的低空经济企业。\n"
            "② 单个企业每年获得的奖补资金累计不超过5000万元。\n"
            "▶ 一、培育市场主体\n❶支持重点企业落户。按设备投资额的10%给予补助。 牵头单位：市工业和信息化局 配合单位：市财政局\n"
            "❷支持适航取证。给予一次性奖励1500万元。 牵头单位：市发展改革委\n"
            "▶ 二、建设基础设施\n❶建设起降设施。每个最高200万元。 牵头单位：市交通运输局\n"
            "温馨提示\n1. 申报时间：每年3月和9月受理。\n2. 政策咨询：拨打12345热线。\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["划重点①", "划重点②", "一1", "一2", "二1", "温馨提示1", "温馨提示2"]
    assert s["一1"].lead_units == ("市工业和信息化局",) and s["一1"].support_units == ("市财政局",)
    assert "牵头单位" not in s["一1"].text and "5000万元" in s["划重点②"].text


def test_a_page_that_opens_with_articles_and_goes_on_as_a_plan():
    text = ("某县农村宅基地管理办法\n一、总则\n第一条 为了加强宅基地管理，制定本办法。\n第 二 条 本办法适用于本县农村村民。\n"
            "二. 宅基地申请\n(一) 申请条件\n1、 本户无宅基地的；\n2. 子女确需分户的；\n（ 二 ） 不予批准的情形\n"
            "1、 不符合村庄规划的；\n三、审批程序\n(一) 村级审查\n1、 向村民小组提出书面申请。\n")
    assert ids(parse_text(text, "x")) == ["第一条", "第二条", "二(一)1", "二(一)2", "二(二)1", "三(一)1"]


def test_a_faq_under_an_interpretation_is_cited_by_its_questions():
    text = ("《某市加装电梯补贴办法》政策解读\n一、出台背景\n为推进加装电梯，制定本办法。\n"
            "二、解读机关及联系方式\n解读机关：某市住房和城乡建设局\n联系电话：0913-3318627\n"
            "问答\n1.问：电梯2024年装好的能申请吗？\n答：不能。\n2.问：补贴付给谁？\n答：付至专用账户。\n")
    assert ids(parse_text(text, "x")) == ["一", "二", "问1", "问2"]


def test_a_publicity_notices_table_is_its_table_and_its_paragraphs_stay():
    text = ("关于2025年度某市技术改造专项资金拟支持项目的公示\n根据有关规定，现将拟支持项目予以公示。\n"
            "2025年度某市技术改造专项资金拟支持项目表\n序号 | 项目名称 | 申报单位 | 拟支持金额（万元）\n"
            "1 | 智能产线改造 | 甲公司 | 300\n2 | 数字车间建设 | 乙公司 | 250\n3 | 节能改造 | 丙公司 | 120\n"
            "公示期为2025年9月15日至9月19日。\n对公示项目有异议的，请在公示期内以书面实名形式反映。\n")
    s = by_section(parse_text(text, "x"))
    assert {"公示表-1", "公示表-2", "公示表-3"} <= set(s) and "250" in s["公示表-2"].text
    assert any("书面实名" in m.text for m in s.values())  # the paragraphs after the table are measures too


def test_a_revised_regulations_comparison_table_is_its_own_part():
    text = ("某市城市供水用水条例\n第一条 为了保障供水，制定本条例。\n第二条 应急供水保障时间不少于十五日。\n"
            "附：《某市城市供水用水条例》修订对照表\n修订前 | 修订后\n"
            "第八条　应急供水保障时间不少于七日。 | 第二条　应急供水保障时间不少于十五日。\n"
            "（无） | 第一条　为了保障供水，制定本条例。\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["第一条", "第二条", "对照表-1", "对照表-2"]
    assert "七日" in s["对照表-1"].text and "七日" not in s["第二条"].text


def test_a_guide_laid_out_as_a_label_value_table_is_read_row_by_row(tmp_path):
    """Its 常见问题 cell holds the page's only 问 lines: the table is still the document, not that cell."""
    rows = "".join(f"<tr><td class='bt'>{label}</td><td class='nr'>{value}</td></tr>" for label, value in [
        ("事项名称", "食品经营许可（新办）"), ("实施主体", "某市市场监督管理局"), ("承诺办结时限", "3个工作日"),
        ("收费标准", "不收费"),
        ("申请材料", "<table><tr><td>序号</td><td>材料名称</td><td>份数</td></tr><tr><td>1</td><td>申请书</td><td>1份</td></tr>"
                     "<tr><td>2</td><td>营业执照</td><td>1份</td></tr></table>"),
        ("常见问题", "<p>问1：只卖预包装食品要办许可吗？答：不需要，办理备案即可。</p><p>问2：证照遗失怎么办？答：可申请补办。</p>"
                     "<p>问3：能否两店一证？答：不可以。</p><p>问4：面积多大？答：不少于15平方米。</p>")])
    (tmp_path / "guide.html").write_text(
        f"<html><body><div class='guide'><h1>食品经营许可办事指南</h1><table class='bszn'>{rows}</table></div></body></html>",
        encoding="utf-8")
    s = by_section(parse_file(tmp_path / "guide.html"))
    assert s["承诺办结时限"].text.endswith("3个工作日") and "不收费" in s["收费标准"].text
    assert "营业执照" in s["申请材料2"].text and any("15平方米" in m.text for m in s.values())


def test_a_press_conference_transcript_cites_its_statement_and_each_question():
    text = ("某市首发经济若干措施新闻发布会实录\n主持人 许某：各位媒体朋友，大家上午好！近日，市人民政府印发了《若干措施》。"
            + "首发经济是企业发布新产品、开设首店等经济活动的总称。" * 6 + "\n"
            "市商务局局长 沈某：《若干措施》共5个方面20条，对全球首店最高奖励200万元。\n"
            "某市日报记者：请问首店是如何认定的？\n市商务局副局长 王某：首店是品牌在相应区域开设的第一家门店。\n"
            "某市电视台记者：什么时候可以申报？\n市商务局副局长 王某：每年3月和9月各申报一批。\n"
            "某经济报记者：资金由谁来出？\n市财政局副局长 邱某：由市、区两级财政按5∶5分担。\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["发布词", "问1", "问2", "问3"]
    assert "200万元" in s["发布词"].text and "5∶5" in s["问3"].text


def test_a_provinces_own_notice_is_placed_in_the_province():
    text = ("某岚省人民政府关于推动外贸稳规模优结构的通知\n某政发〔2025〕11号\n各市人民政府，省政府各部门：\n"
            "一、稳定外贸主体\n（一）培育经营主体。（省商务厅牵头，省财政厅按职责分工负责）\n（二）扩大出口信用保险。\n")
    assert parse_text(text, "x").place == "某岚省"


def test_a_bilingual_pages_translations_are_quoted_but_not_searched():
    """Searched, each article's English would draw every English question to the bilingual page."""
    text = ("某市外商投资若干措施\n第一条 对跨国公司地区总部给予500万元开办资助。\n"
            "Article 1 Regional headquarters of multinational companies receive a start-up grant of RMB 5 million.\n"
            "第二条 对外资研发中心给予100万元奖励，引进eVTOL项目的另行支持。\n"
            "Article 2 Foreign-funded R&D centres receive a reward of RMB 1 million yuan each.\n")
    first, second = parse_text(text, "x").measures
    assert "Regional headquarters" in first.text  # quoted as the page gives it
    assert "Regional" not in first.embedding_text and "Regional" not in first.retrieval_text
    assert "eVTOL" in second.retrieval_text  # a Latin term inside the Chinese text is the text's own


def test_a_question_page_whose_questions_are_unmarked_headings():
    """<h3> questions ending in ？ over their answers, grouped under <h2> topics: 问1 … in page order."""
    topics = {"招生对象": ["今年哪些孩子可以报名？", "差几天满6周岁能提前入学吗？"],
              "报名方式": ["网上报名在哪里操作？", "报名要提供哪些材料？"], "录取": ["录取结果什么时候能查到？"]}
    text = "某区2025年招生入学政策问答\n为便于家长了解政策，现就有关问题解答如下。\n"
    for topic, questions in topics.items():
        text += topic + "\n" + "".join(f"{q}\n关于“{q[:-1]}”，具体以区教育局公布的安排为准，可拨打咨询电话。\n"
                                        for q in questions)
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["问1", "问2", "问3", "问4", "问5"]
    assert s["问3"].subsection == "网上报名在哪里操作？" and "报名方式" not in s["问2"].text


def test_an_annexs_own_parts_are_inside_it():
    from retrieval.text.sections import in_section

    assert in_section("附件2一", "附件2") and in_section("附件1二(三)", "附件1") and in_section("附件2-3", "附件2")
    assert not in_section("附件21", "附件2")


def test_an_items_parent_is_its_id_without_the_last_part():
    from retrieval.text.sections import parent_section

    assert [parent_section(s) for s in ("四(二)2", "二4(1)", "附件1-15", "申请材料3", "三", "第五条")] == \
        ["四(二)", "二4", "附件1", "申请材料", "三", "第五条"]


STANDARD = "\n".join([
    "某市住宅小区充电场所建设技术导则", "前 言", "本导则共3章，主要技术内容是：总则；术语；规划与配置。",
    "1 总 则", "1.0.1 为规范本市充电场所的建设与管理，制定本导则。", "1.0.2", "本导则适用于本市新建、改建住宅小区。",
    "2 术 语", "2.0.1 充电车棚 charging shed", "设置在室外、采用不燃材料建造的电动自行车停放构筑物。",
    "2.0.2 充电端口 charging port 一个可独立供电并计量的输出接口。",
    "3 规划与配置", "3.1 一般规定", "3.1.1 新建住宅小区应当配建集中停放充电场所。",
    "3.1.2 停车位尺寸应符合下列规定：", "1 单个停车位长度不应小于1.9m；", "2 双侧停车时通道宽度不应小于2.0m。",
    "3.2 配置指标", "3.2.1", "充电端口数量不应少于停车位总数的50%。",
    "条文说明：根据抽样调查，本市平均每户保有0.72辆。", "3.2.2 既有小区补建的充电端口不宜少于总户数的20%。",
    "3.2.3 宿舍类建筑的充电端口不应少于停车位总数的60%。",
    "本导则用词说明", "1 表示很严格，非这样做不可的：正面词采用“必须”。"])


def test_a_standards_clauses_are_cited_by_their_numbers():
    """A 技术导则 numbered like a national standard: clauses 3.1.2 under sections 3.1 and chapters 3; a
    clause's own list and its 条文说明 stay in it; back matter after the last clause is a part of its own."""
    from retrieval.search.query import _named_sections
    from retrieval.text.sections import in_section

    s = by_section(parse_text(STANDARD, "x"))
    assert list(s) == ["1.0.1", "1.0.2", "2.0.1", "2.0.2", "3.1.1", "3.1.2", "3.2.1", "3.2.2", "3.2.3", "本导则用词说明"]
    assert "1.9m" in s["3.1.2"].text and "2.0m" in s["3.1.2"].text and "0.72辆" in s["3.2.1"].text
    assert s["1.0.2"].text.startswith("本导则适用于") and s["3.2.1"].subsection == "3.2 配置指标"
    assert in_section("3.1.2", "3.1") and in_section("3.1.2", "3") and not in_section("3.1.12", "3.1.1")
    assert _named_sections("导则3.1.2条怎么规定？") == ["3.1.2"] and _named_sections("第3.2节讲什么") == ["3.2"]
    assert _named_sections("每户补贴1.5万元吗？") == []  # a figure, not a section


def test_an_amending_decision_and_the_revised_text_after_it():
    """一、将第四条修改为：“…” items (a quotation of two paragraphs is one item), then the whole revised
    text's articles: both are cited."""
    text = "\n".join([
        "某市人民政府关于修改《某市公共汽车客运管理办法》的决定", "市人民政府决定对《某市公共汽车客运管理办法》作如下修改：",
        "一、将第四条修改为：“市交通运输局是本市城市公共汽车客运的主管部门，负责全市的监督管理工作。",
        "“县（市、区）交通运输主管部门按照规定的职责，负责本辖区城市公共汽车客运的监督管理工作。”",
        "二、删去第十二条。", "三、将第十六条第一款中的“期满前三个月”修改为“期满前六个月”。", "本决定自2025年5月1日起施行。",
        "某市公共汽车客运管理办法", "第一章 总 则", "第一条 为了规范城市公共汽车客运活动，制定本办法。",
        "第二条 本办法适用于本市行政区域内的城市公共汽车客运。", "第三条 市交通运输局是本市城市公共汽车客运的主管部门。"])
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["一", "二", "三", "第一条", "第二条", "第三条"]
    assert "县（市、区）交通运输主管部门" in s["一"].text


def test_a_question_page_laid_out_as_a_question_and_answer_table(tmp_path):
    """问题 | 解答, one question per row, long answers listing （一）（二）: each row is 问n."""
    rows = "".join(f"<tr><td>{n}．第{n}类登记需要多长时间办结？</td><td>一般在{n}个工作日内办结。<br>"
                   f"（一）材料齐全的，当场受理；<br>（二）需要公告的，公告期不计入时限。</td></tr>" for n in range(1, 7))
    page = ("<html><head><title>某市人民政府</title></head><body><div class='nav'>首页 政务公开</div>"
            "<h1>某市不动产登记政策问答</h1><div id='zoom'><p>为方便群众了解政策，现将常见问题解答如下。</p>"
            f"<table><tr><th>问题</th><th>解答</th></tr>{rows}</table></div></body></html>")
    (tmp_path / "qa.html").write_text(page, encoding="utf-8")
    s = by_section(parse_file(tmp_path / "qa.html"))
    assert list(s) == [f"问{n}" for n in range(1, 7)]
    assert "3个工作日" in s["问3"].text and "公告期不计入时限" in s["问3"].text


def test_a_scripted_pages_title_number_and_date_come_from_its_script(tmp_path):
    """An empty <div id="app"> and the article in window.__INITIAL_STATE__: the page's <title> is only the
    site's name, so the article's own title, 文号 and 成文日期 are read beside its content."""
    import json

    body = "".join(f"<p>{n}、第{n}项任务。到2025年底，全市新增普惠托位{n}000个，每个托位补助5000元。"
                   f"（责任单位：市卫生健康委）</p>" for n in "一二三四五六七八九")
    state = {"site": {"name": "某市人民政府"},
             "article": {"title": "某市人民政府办公室关于印发某市托育服务实施方案的通知", "docNo": "某政办发〔2025〕23号",
                         "issuer": "某市人民政府办公室", "writtenDate": "2025-05-20", "pubDate": "2025-05-26 09:30:00",
                         "content": body},
             "related": [{"title": "某市卫生健康委员会关于开展托育机构认定工作的通知", "pubDate": "2025-06-10"}]}
    data = json.dumps(state, ensure_ascii=False).replace("<", "\\u003C").replace(">", "\\u003E")
    page = (f"<html><head><title>某市人民政府</title></head><body><div id='app'>加载中…</div>"
            f"<script>window.__INITIAL_STATE__={data}</script></body></html>")
    (tmp_path / "scripted.html").write_text(page, encoding="utf-8")
    document = parse_file(tmp_path / "scripted.html")
    assert document.doc_number == "某政办发〔2025〕23号" and document.date == "2025-05-20"
    assert "托育服务" in document.title and document.title != "某市人民政府"
    assert ids(document)[:2] == ["一", "二"]


def test_a_plan_whose_numbers_are_drawn_by_nested_lists(tmp_path):
    """一、 chapters as an <ol> drawn in Chinese numerals, （一） subsections as <ol>s numbered by CSS
    counters: the numbers a reader sees become the ids; a 责任单位 line closing a subsection's items
    serves each of them."""
    def section(items: list[str], units: str) -> str:
        return ("<li><p><strong>完善服务网络。</strong></p>" + "".join(f"<p>{n}. {t}</p>" for n, t in enumerate(items, 1))
                + f"<p>责任单位：{units}</p></li>")
    page = ("<html><head><style>ol.sec{list-style:none;counter-reset:s} ol.sec>li>p:first-child::before"
            "{content:'（' counter(s, cjk-ideographic) '）'}</style></head><body><div class='nav'>首页</div>"
            "<h1>某市银发经济实施方案</h1><div id='zoom'><p>为积极应对人口老龄化，制定本方案。</p>"
            "<ol style='list-style-type:cjk-ideographic'>"
            "<li><span>扩大服务供给</span><ol class='sec'>"
            + section(["新建老年助餐点260个，每餐补贴2元。", "为失能老年人送餐上门，每单补贴3元。"], "市民政局、市财政局")
            + section(["建设区域养老服务中心，街道全覆盖。", "新建家庭养老床位1500张。"], "市民政局、市卫生健康委")
            + "</ol></li><li><span>培育经营主体</span><ol class='sec'>"
            + section(["首批入库企业不少于100家。", "新认定龙头企业奖励50万元。"], "市发展改革委")
            + "</ol></li></ol></div></body></html>")
    (tmp_path / "plan.html").write_text(page, encoding="utf-8")
    s = by_section(parse_file(tmp_path / "plan.html"))
    assert list(s) == ["一(一)1", "一(一)2", "一(二)1", "一(二)2", "二(一)1", "二(一)2"]
    assert s["一(一)1"].units == ("市民政局", "市财政局") and s["一(二)1"].units == ("市民政局", "市卫生健康委")


def test_a_unit_line_after_one_item_among_others_with_their_own_stays_that_items():
    text = ("某市方案\n一、任务\n（一）推进节水。\n1.改造管网20公里。\n责任单位：市水务局\n2.推广节水器具。\n"
            "责任单位：市住房城乡建设局\n（二）加强宣传。开展节水宣传周活动。\n")
    s = by_section(parse_text(text, "x"))
    assert s["一(一)1"].units == ("市水务局",) and s["一(一)2"].units == ("市住房城乡建设局",)


def test_a_feishu_export_numbers_its_items_inside_bold_bullets(tmp_path):
    (tmp_path / "points.md").write_text(
        "# 某县2025年农业农村工作要点\n\n## 一、稳定粮食生产\n\n### （一）稳定播种面积\n\n"
        "- **1. 压实粮食生产责任。**播种面积62.5万亩。\n- **2. 落实种粮补贴。**每亩105元。\n\n"
        "> 💡 提示：各牵头单位每季度报送进展。\n", encoding="utf-8")
    s = by_section(parse_file(tmp_path / "points.md"))
    assert list(s)[:2] == ["一(一)1", "一(一)2"] and "每亩105元" in s["一(一)2"].text


def test_a_lists_point_named_di_n_xiang_is_its_number():
    from retrieval.evaluation import _right
    from retrieval.text.sections import normalize_section

    assert normalize_section("第5项") == "5" and normalize_section("第十二条") == "第十二条"
    assert _right("list", "5", {"doc": "list"}, ["第5项"])


@pytest.mark.parametrize("section, number", [
    ("二", 2), ("(二)", 2), ("第二条", 2), ("2", 2), ("第二部分", 2), ("第十二条", 12), ("(12)", 12),
    ("三(二)", None), ("问2", None), ("附件2", None), ("二(二)1", None),
])
def test_a_lone_numeral_is_one_number_at_any_level(section, number):
    from retrieval.text.sections import lone_numeral

    assert lone_numeral(section) == number


def test_a_local_standards_two_level_clauses_terms_and_appendix():
    """A 地方标准: terms "2.1" over their definitions and "4.1 …" sentences are clauses of their own; a
    section heading over clauses is not; a 规范性附录's clauses A.0.1 are inside 附录A."""
    from retrieval.search.query import _named_sections
    from retrieval.text.sections import in_section

    text = "\n".join([
        "养老机构认知障碍照护服务规范", "1 范围", "本文件规定了照护服务的基本要求。", "2 术语和定义", "2.1",
        "认知障碍 cognitive impairment", "记忆、语言等认知功能受损的状态。", "3 基本要求", "3.1 机构要求",
        "3.1.1 养老机构应依法办理备案。", "3.1.2 照护专区床位数不应少于10张。", "3.1.3 应与医疗机构签订合作协议。",
        "3.2 人员要求", "3.2.1 护理员与老年人配比不应低于1:3。", "3.2.2 专区负责人应从业5年以上。",
        "3.2.3 护理员每年培训不少于40学时。", "3.2.4 每50名老年人至少配备1名医师。",
        "3.2.5 每个专区至少配备1名社会工作者。", "4 评价与改进", "4.1 养老机构应每年至少开展1次自我评价。",
        "4.2 满意度应不低于90%。", "附录A", "（规范性）", "认知功能筛查与照护等级评定",
        "A.0.1 评定应由不少于2名评定人员实施。", "A.0.2 照护等级每6个月复评1次。", "参 考 文 献", "[1] 《养老机构管理办法》"])
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["1", "2.1", "3.1.1", "3.1.2", "3.1.3", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "4.1", "4.2",
                       "A.0.1", "A.0.2", "参考文献"]
    assert "记忆、语言" in s["2.1"].text and in_section("A.0.2", "附录A") and not in_section("3.1.1", "附录A")
    assert _named_sections("附录A怎么规定的？") == ["附录A"] and _named_sections("按A.0.2复评吗") == ["A.0.2"]


def test_notes_gathered_at_the_end_are_cited_by_their_marks():
    text = ("某市促进人工智能产业发展若干措施\n一、强化算力支撑\n（一）发放算力券①。每年发放算力券5000万元。\n"
            "（二）建设绿色数据中心。新建数据中心PUE②不高于1.25。\n二、附则\n（一）本措施自2025年9月1日起施行。\n"
            "注：①算力券：指用于抵扣算力服务费用的电子凭证。\n②PUE：即电能利用效率。\n")
    s = by_section(parse_text(text, "x"))
    assert list(s) == ["一(一)", "一(二)", "二(一)", "注①", "注②"]
    assert s["注②"].text == "PUE：即电能利用效率。" and "电子凭证" not in s["二(一)"].text


def test_a_numbered_guides_steps_and_its_own_common_questions(tmp_path):
    """第一步 / 第二步 under 办理流程 are its items; "问：" questions in the guide's 常见问题 part are 问1, 问2."""
    (tmp_path / "guide.md").write_text(
        "# 建筑垃圾处置核准办事指南\n\n## 一、事项名称\n\n城市建筑垃圾处置核准。\n\n## 二、办理流程\n\n### 办理流程\n\n"
        "第一步：申请。在线填写申请表。\n\n第二步：受理。当场受理。\n\n第三步：决定。5个工作日内作出决定。\n\n"
        "## 三、常见问题\n\n**问：核准证的有效期是多久？**\n\n与施工合同工期一致，最长不超过2年。\n\n"
        "**问：办理要交费吗？**\n\n不收取任何费用。\n", encoding="utf-8")
    s = by_section(parse_file(tmp_path / "guide.md"))
    assert ["办理流程1", "办理流程2", "办理流程3"] == [k for k in s if k.startswith("办理流程")]
    assert s["问1"].subsection == "核准证的有效期是多久？" and "2年" in s["问1"].text and "不收取" in s["问2"].text


def test_ocr_text_reads_its_dash_and_letter_numerals():
    """A scanned PDF's OCR: 一 read as a dash ("—、", "(—)") and a first item's 1. as the letter l."""
    text = ("某市退役军人就业创业扶持实施细则\n—、适用范围\n(—)本细则适用于本市接收安置的退役军人。\n（二）被开除军籍的不适用。\n"
            "二、就业扶持\n（一）适应性培训\nl.退役军人报到后3个月内参加适应性培训。\n2.培训期间每人每天补贴60元。\n")
    assert ids(parse_text(text, "x")) == ["一(一)", "一(二)", "二(一)1", "二(一)2"]


def test_a_markdown_files_red_head_issuer_is_not_its_title(tmp_path):
    (tmp_path / "measures.md").write_text(
        "# **某市住房和城乡建设局**\n# **某市财政局**\n\n**某住建规〔2025〕3号**\n\n"
        "#### **关于印发《某市历史建筑保护修缮补助资金管理办法》的通知**\n\n现将办法印发给你们。\n\n"
        "## **某市历史建筑保护修缮补助资金管理办法**\n\n**第一条** 为加强历史建筑保护，制定本办法。\n\n"
        "**第二条** 补助资金按修缮费用的50%给予补助。\n", encoding="utf-8")
    assert parse_file(tmp_path / "measures.md").title == "某市历史建筑保护修缮补助资金管理办法"


def test_a_unit_name_with_a_bracketed_list_or_a_scope_note_stays_one_name():
    from retrieval.ingest.unit_tags import parse_units

    assert parse_units("责任单位：市交通运输局、各县（市、区）人民政府")["units"] == ["市交通运输局", "各县（市、区）人民政府"]
    assert parse_units("责任单位：市民政局，各区县人民政府（开发区管委会，下同）")["units"] == ["市民政局", "各区县人民政府"]


PDF_FIXTURE = Path(__file__).parent / "fixtures" / "sample-measures.pdf"


def test_pdf_paragraphs_are_joined_by_the_page_layout():
    """A PDF exported from a word processor (tests/fixtures/sample-measures.pdf, made by LibreOffice):
    justified lines holding digits reach the margin at different character counts; the layout still
    says each goes on, and the gap the word processor sets between Chinese and digits is no space."""
    lines = load_file(PDF_FIXTURE).text.splitlines()
    item = next(line for line in lines if line.startswith("（一）对首次"))
    assert "给予一次性奖励20万元。" in item and item.endswith("（责任单位：示例市工业和信息化局、示例市财政局）")
    # The 专栏 box's lines reach the box's edge, not the page's margin: they are joined by the box.
    assert "1. 海上风电基地工程。建设示例海上风电场二期，装机容量100万千瓦，配套建设500千伏海上升压站和送出工程。" in lines
    measures = parse_documents(PDF_FIXTURE)[0].measures
    assert [m.section for m in measures[:2]] == ["一(一)", "一(二)"]
    assert "专栏1-1" in [m.section for m in measures]
    assert measures[0].units == ("示例市工业和信息化局", "示例市财政局")
    assert "最高不超过1000万元" in measures[1].text


def test_pdf_ruled_table_over_page_breaks_is_read_as_rows():
    """The table runs over two page breaks with its header repeated on each page: one header, 24 rows,
    each cell whole (a cell's wrapped lines joined), as a Word table's rows are written."""
    lines = load_file(PDF_FIXTURE).text.splitlines()
    rows = [line for line in lines if " | " in line]
    assert rows[0] == "序号 | 机具品目 | 分档 | 补贴额（元）"
    assert rows.count(rows[0]) == 1
    assert [r.split(" | ")[0] for r in rows[1:]] == [str(n) for n in range(1, 25)]
    assert "19 | 示例机具19号 | 功率4千瓦及以上（丘陵山区适用） | 2900" in rows


def test_pdf_without_pdfplumber_still_reads_its_text(monkeypatch):
    """The layout is a refinement: without pdfplumber the plain extraction serves (lines joined later)."""
    import builtins

    real_import = builtins.__import__

    def no_pdfplumber(name, *args, **kwargs):
        if name == "pdfplumber":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pdfplumber)
    text = load_file(PDF_FIXTURE).text
    assert "示例机具19号" in text and "给予一次性奖励20万元" in text.replace("\n", "")


def test_official_documents_back_matter_is_not_text():
    """A 公文's note under its signature ("（此件公开发布）") and its 版记 (抄送, 印发) end no measure; a
    district bureau signing (舸渡区市场监督管理局) places the document in the district, not a city 舸渡区市."""
    text = ("舸渡区关于支持质量提升的若干措施\n一、支持标准化\n（一）主导制定国家标准的，每项资助30万元。\n"
            "（二）本措施自2025年5月1日起施行。\n舸渡区市场监督管理局\n2025年3月20日\n（此件公开发布）\n"
            "抄送：区委各部门，区人大常委会办公室。\n舸渡区市场监督管理局办公室　　2025年3月20日印发\n")
    document = parse_text(text, "gedu")
    assert document.measures[-1].text == "本措施自2025年5月1日起施行。"
    assert document.place == "舸渡区"
    assert document.issuer == "舸渡区市场监督管理局"


def test_a_files_own_title_serves_only_when_the_text_gives_none():
    """A PDF's or Word file's title property is often a word processor's default or a stale template's:
    it names the document only when the text has no title line (a guide that opens with its table)."""
    from retrieval.ingest.loaders import file_title

    assert file_title("Microsoft Word - 附件1.doc") == "" and file_title("无标题") == "" and file_title("附件2") == ""
    assert file_title("缑岗市灵活就业人员社会保险补贴申领办事指南") == "缑岗市灵活就业人员社会保险补贴申领办事指南"
    guide = ("事项名称 | 灵活就业人员社会保险补贴申领\n办理时限 | 20个工作日\n收费标准 | 不收费\n"
             "申请材料\n1.申请表；\n2.居民身份证。\n办理流程\n1.申请；\n2.审核。\n")
    meta = {"file_title": "缑岗市灵活就业人员社会保险补贴申领办事指南"}
    assert parse_text(guide, "guide", page_meta=meta).title == meta["file_title"]
    plan = "示例市促进就业若干措施\n一、稳岗\n（一）对不裁员企业返还失业保险费。\n（二）对吸纳就业给予补贴。\n"
    assert parse_text(plan, "plan", page_meta={"file_title": "某某模板文件标题示例"}).title == "示例市促进就业若干措施"


def test_pdf_guide_table_of_labels_reads_as_the_html_guide_does():
    """A 办事指南 printed as one label | value table: a one-line value beside its label, a numbered list
    under it a line per item (申请材料2), its wrapped lines joined, a row the page break cut joined again."""
    from retrieval.ingest.pdf_layout import PrintedLine, _merged_tables, _rendered

    first = PrintedLine("", 0, 0, 0, 0, rows=[("事项名称", "灵活就业社保补贴申领"), ("办理时限", "20个工作\n日"),
                                          ("申请材料", "1.申请表（原件1\n份）；\n2.居民身份证；")])
    head = PrintedLine("某市政务服务事项办事指南", 0, 0, 12, 1)
    second = PrintedLine("", 0, 0, 0, 1, rows=[("", "3.社会保障卡。"), ("收费标准", "不收费。")])
    (table,) = _merged_tables([first, head, second])
    assert _rendered(table.rows) == ["事项名称 | 灵活就业社保补贴申领", "办理时限 | 20个工作日", "申请材料",
                                     "1.申请表（原件1份）；", "2.居民身份证；", "3.社会保障卡。", "收费标准 | 不收费。"]


def test_plan_preface_and_an_indicator_table_without_numbers():
    """A 规划's 前言 before its first chapter is a measure of its own; a captioned table whose rows carry
    no 序号 (指标 | 单位 | 2024年 | 2030年) has its rows counted in order (表1-2), not run into the text."""
    text = ("示例市“十五五”海洋经济发展规划\n示例市发展和改革委员会\n前 言\n"
            "海洋是示例市高质量发展的战略要地。本规划是指导全市“十五五”时期海洋经济发展的专项规划，规划期为2026—2030年。\n"
            "第一章 发展基础\n第一节 发展成效\n一、综合实力提升\n2024年全市海洋生产总值达到1286亿元。\n"
            "表1 示例市海洋经济发展主要指标\n指标 | 单位 | 2024年 | 2030年\n海洋生产总值 | 亿元 | 1286 | 1900\n"
            "港口货物吞吐量 | 亿吨 | 1.62 | 2.1\n集装箱吞吐量 | 万标准箱 | 286 | 400\n"
            "第二章 发展任务\n第一节 产业体系\n一、海洋渔业\n推进深远海养殖。（牵头单位：市海洋发展局）\n")
    measures = {m.section: m for m in parse_text(text, "plan").measures}
    assert measures["前言"].text.startswith("海洋是示例市") and "2026—2030年" in measures["前言"].text
    assert "港口货物吞吐量" in measures["表1-2"].text
    assert "吞吐量" not in measures["第一章第一节一"].text


def test_title_broken_after_guan_yu_is_joined_even_if_its_second_line_starts_like_a_place():
    """"…关于开展2025年度市级夜间经济" / "集聚区认定…的通知": 集聚区 is no place; the title is both lines."""
    text = ("峣泷市商务局文件\n峣商务发〔2025〕58号\n峣泷市商务局关于开展2025年度市级夜间经济\n"
            "集聚区认定和奖补资金申报工作的通知\n各区商务主管部门：\n一、申报类型\n（一）示范街区。\n（二）特色街区。\n")
    assert parse_text(text, "notice").title == "峣泷市商务局关于开展2025年度市级夜间经济集聚区认定和奖补资金申报工作的通知"


def test_policy_list_first_row_enumerating_its_support_is_still_row_1():
    """"1. 高企奖励：1.首次认定的…； 2.重新认定的…" (a policy list's row whose cell lists its cases) is row 1;
    a line "1.死亡的；2.失踪的；" with no title before its list stays one paragraph's enumeration."""
    from retrieval.ingest.blocks import item_match

    text = ("示例区惠企政策清单\n序号 | 政策名称 | 支持内容 | 责任单位\n一、科技创新（2项）\n"
            "1 | 高企奖励 | 1.首次认定的，奖励20万元； 2.重新认定的，奖励10万元。 | 区科技局\n2 | 研发补助 | 补助10% | 区科技局\n"
            "二、先进制造（1项）\n3 | 技改补助 | 补助8% | 区工信局\n")
    assert [m.section for m in parse_text(text, "list").measures] == ["1", "2", "3"]
    assert item_match("1.死亡的；2.失踪的；3.被宣告死亡的。", 1) is None


def test_page_printed_from_the_browser_is_titled_by_its_information_table_not_its_print_header():
    """A browser prints its time and the page's <title> above, the address and "1/5" below, and the site's
    breadcrumb; the document's title is the information table's 标题 (or its own heading)."""
    from retrieval.ingest.metadata import choose_title

    prelude = ["您当前的位置：首页 > 政务公开 > 通知公告", "索 引 号： | 1136/2025-00318 | 主题分类： | 就业",
               "标 题： | 关于做好2025年度青年就业见习工作的通知 | 有 效 性： | 有效", "关于做好2025年度青年就业见习工作的通知"]
    assert choose_title(prelude, "", "notice") == "关于做好2025年度青年就业见习工作的通知"
    assert choose_title(prelude[:1] + prelude[3:], "", "notice") == "关于做好2025年度青年就业见习工作的通知"
    from retrieval.ingest.pdf_layout import _BROWSER_PRINT_RE

    assert _BROWSER_PRINT_RE.search("2025/6/20 10:27关于做好2025年度青年就业见习工作的通知_通知公告_鹈圩市人社局")
    assert _BROWSER_PRINT_RE.search("https://rsj.example.gov.cn/zwgk/t20250616_1182034.html 1/5")
    assert not _BROWSER_PRINT_RE.search("鹈圩市2025年青年就业见习工作方案")


def test_a_guide_labels_list_keeps_its_label_under_a_lead_in_line():
    """受理条件 / "申请人须同时符合下列条件：" / 1.… 2.…: the items are 受理条件1, 受理条件2; the lead-in
    introduces the label's list and names no part of its own."""
    text = ("示例市灵活就业社保补贴申领办事指南\n事项名称 | 灵活就业社保补贴申领\n办理时限 | 20个工作日\n受理条件\n"
            "申请人须同时符合下列条件：\n1.具有本市户籍；\n2.属于就业困难人员；\n申请材料\n1.申请表；\n2.居民身份证。\n")
    sections = [m.section for m in parse_text(text, "guide").measures]
    assert "受理条件1" in sections and "受理条件2" in sections and "申请材料2" in sections
    assert not any(s.startswith("申请人须") for s in sections)


def test_a_guides_information_table_above_its_numbered_parts_is_cited_by_label(tmp_path):
    page = ("<html><body><ul class='nav'><li>首页</li><li>机构概况</li><li>政务公开</li><li>办事服务</li></ul>"
            "<table><tr><td>索引号</td><td>000123/2025-00017</td><td>发布机构</td><td>示例市民政局</td></tr>"
            "<tr><td>成文日期</td><td>2025-04-15</td><td>文号</td><td>无</td></tr></table>"
            "<h1>困难群众临时救助申领</h1><table>"
            "<tr><td>事项名称</td><td colspan='3'>困难群众临时救助申领</td></tr>"
            "<tr><td>实施主体</td><td>示例市各区民政局</td><td>服务对象</td><td>自然人</td></tr>"
            "<tr><td>办理时限</td><td>15个工作日（不含补正材料时间）</td><td>收费标准</td><td>不收费</td></tr>"
            "<tr><td>咨询电话</td><td colspan='3'>区民政局社会救助科 0000-6123301；便民热线 12345</td></tr></table>"
            "<h3>一、受理条件</h3><p>1. 本市户籍居民。</p><p>2. 因突发事件导致基本生活陷入困境。</p>"
            "<h3>二、办理流程</h3><p>1. 申请：向街道便民服务中心提出申请。</p><p>2. 审批：区民政局5个工作日内审批。</p>"
            "</body></html>")
    (tmp_path / "guide.html").write_text(page, encoding="utf-8")
    s = by_section(parse_file(tmp_path / "guide.html"))
    assert s["办理时限"].text.startswith("15个工作日")
    assert s["收费标准"].text == "不收费"
    assert "0000-6123301" in s["咨询电话"].text
    assert s["一1"].text == "本市户籍居民。" and "5个工作日" in s["二2"].text
    # The page's disclosure table and its menu describe the page: no measures of their own.
    assert not {"索引号", "发布机构", "成文日期", "首页", "政务公开"} & set(s)
    assert "事项名称" not in s  # the page's title again, under a label


def test_a_tables_header_row_above_numbered_parts_is_no_information_table():
    text = ("示例区农业补贴标准一览表\n"
            "序号 | 补贴类别 | 补贴项目 | 补贴对象 | 市级 | 区级\n"
            "一、耕地地力保护补贴\n（一）补贴对象为承包耕地的农户，每亩补贴120元。\n"
            "二、农机购置补贴\n（一）补贴对象为购置农机的农户，按目录定额补贴。\n")
    s = by_section(parse_text(text, "subsidies"))
    assert set(s) == {"一(一)", "二(一)"}
