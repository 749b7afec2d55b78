"""Text laid out on printed pages (a PDF's text, a bulletin saved as .txt) and pages laid out with
tables: what a reader sees as one paragraph is one paragraph, and page furniture is no text."""
from __future__ import annotations

from retrieval.ingest.html import html_text
from retrieval.ingest.pages import columns, margin, unwrap
from retrieval.ingest.parsing import parse_text

HEAD = "某某市人民代表大会常务委员会公报  2025年第5号"


def _wrapped(paragraphs: list[str], width: int = 30) -> list[str]:
    """Paragraphs broken every ``width`` characters, as a PDF's text comes out."""
    lines = []
    for paragraph in paragraphs:
        lines += [paragraph[i:i + width] for i in range(0, len(paragraph), width)]
    return lines


ARTICLES = [
    "第一条　为了加强电动自行车安全管理，预防和减少道路交通事故和火灾事故，保障人身和财产安全，维护公共秩序，制定本条例。",
    "第二条　本市行政区域内电动自行车的生产、销售、维修、登记、通行、停放、充电、回收及其监督管理活动，适用本条例。",
    "第三条　已登记的电动自行车所有权发生转移的，所有人应当自情形发生之日起三十日内申请办理转移登记，逾期不办理的依法处理。",
    "第四条　违反本条例第二条规定，驾驶未注册登记的电动自行车上道路行驶的，由公安机关交通管理部门责令改正，处五十元罚款。",
    "第五条　电动自行车停放场所和充电设施的建设资金，由区人民政府统筹安排，鼓励社会资本参与建设和运营，具体办法另行制定。",
    "第六条　电动自行车销售者应当查验产品合格证明，建立进货查验记录制度，如实记录产品名称、规格、数量和供货者信息，记录保存期限不得少于二年。",
    "第七条　住宅小区的物业服务人应当对电动自行车停放、充电秩序进行管理，发现违规停放、充电的，应当予以劝阻，劝阻无效的，及时报告有关部门。",
]


def test_lines_broken_at_the_margin_are_joined_and_paragraph_ends_are_kept():
    lines = _wrapped(ARTICLES)
    assert margin(lines) == columns(lines[0])
    joined = unwrap(lines)
    assert joined == ARTICLES


def test_paragraph_text_is_not_unwrapped():
    paragraphs = ["一、总体要求", "坚持问题导向，聚焦企业关切。", "二、主要任务", "（一）优化审批服务，压缩办理时限到3个工作日"]
    assert unwrap(paragraphs) == paragraphs


def test_a_regulation_from_printed_pages_reads_as_its_articles():
    pages = []
    lines = _wrapped(ARTICLES)
    for page, start in enumerate(range(0, len(lines), 4), start=1):
        pages += [HEAD, "地方性法规"] + lines[start:start + 4] + [f"— {page} —"]
    document = parse_text("某某市电动自行车安全管理条例\n" + "\n".join(pages), "ebike")
    texts = {m.section: m.text for m in document.measures}
    assert list(texts) == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条"]
    # Words and figures broken at the margin are whole again; running heads are gone.
    assert "停放" in texts["第二条"] and "三十日" in texts["第三条"]
    assert not any("地方性法规" in t or "公报" in t for t in texts.values())
    # The reference to 第二条 inside 第四条 starts no article of its own.
    assert texts["第四条"].startswith("违反本条例第二条规定")


def test_a_page_laid_out_in_a_table_keeps_its_paragraphs():
    body = "".join(f"<p>{line}</p>" for line in [
        "各有关企业：", "一、支持方向", "（一）梯度培育奖励", "1.支持对象。首次认定为专精特新企业的本市企业。",
        "2.支持标准。给予一次性奖励20万元。", "（二）技术改造项目补助", "1.支持对象。设备投资不低于300万元的项目。",
        "2.支持标准。按设备投资额的10%给予补助，最高不超过300万元。", "二、申报程序", "（一）企业申报。于5月30日前在线填报。",
        "（二）区级初审。各区于6月13日前报送初审意见。"])
    page = f"""<html><body><table width=1000><tr><td>导航</td></tr><tr><td class="bt_content">
        <table><tr><td><font size=4>关于组织申报2025年度专项资金项目的通知</font></td></tr>
        <tr><td class="content">{body}</td></tr></table></td></tr></table></body></html>"""
    text, _ = html_text(page)
    assert "1.支持对象。首次认定为专精特新企业的本市企业。" in text.splitlines()
    sections = [m.section for m in parse_text(text, "call").measures]
    assert sections[:4] == ["一(一)1", "一(一)2", "一(二)1", "一(二)2"]


def test_a_data_table_still_reads_row_by_row():
    page = """<html><body><h1>补贴标准</h1><table><tr><th>类别</th><th>标准</th></tr>
        <tr><td>博士</td><td>每月3000元</td></tr><tr><td>硕士</td><td>每月2000元</td></tr></table></body></html>"""
    text, _ = html_text(page)
    assert "博士 | 每月3000元" in text.splitlines()


def test_a_promulgation_sentence_is_not_the_title():
    text = "\n".join(["某某市人民代表大会常务委员会", "公　　告", "《某某市电动自行车安全管理条例》已由市人民代表大会常务委员会通过，现予公布。",
                      "某某市电动自行车安全管理条例", *ARTICLES])
    assert parse_text(text, "ebike").title == "某某市电动自行车安全管理条例"


def test_the_years_a_plan_covers_stay_in_its_title():
    text = "\n".join(["某某市人民政府办公室关于印发某某市提振消费专项行动方案（2025—2026年）的通知",
                      "一、总体要求", "（一）扩大消费。发放消费券1亿元。", "（二）提升服务。新建社区便民网点50个。"])
    assert parse_text(text, "plan").title == "某某市提振消费专项行动方案（2025—2026年）"


def test_a_value_listed_with_line_breaks_stays_in_its_row():
    """A guide's 申请材料 cell with a dozen <br>-separated items is a value, not the page's layout."""
    items = "<br>".join(f"{i}.材料{i}" for i in range(1, 13))
    page = f"""<html><body><h1>办事指南</h1><table><tr><td>申请材料</td><td>{items}</td></tr>
        <tr><td>办理时限</td><td>5个工作日</td></tr></table></body></html>"""
    lines = html_text(page)[0].splitlines()
    assert "办理时限 | 5个工作日" in lines and lines[1].startswith("申请材料 | 1.材料1 2.材料2")


def test_full_width_digits_and_indents_count_as_printed():
    """A PDF's text with full-width digits (５００元) and paragraphs indented by two full-width spaces: the
    margin is where the printed line ended, so a line ending in "５００" before "元" on the next, and a
    first line shortened by its indent, still join (a figure broken apart is no figure)."""
    articles = [f"第{n}条　个人缴费标准设为每年２００元、３００元、５００元、８００元、１０００元、１５００元、２０００元、"
                "３０００元、４０００元、５０００元、６０００元１１个档次，参保人员自主选择档次缴费，多缴多得，每年可以调整"
                "一次缴费档次，具体办法由市人力资源和社会保障局会同市财政局另行制定。" for n in "一二三四"]
    lines = ["楮墅市城乡居民基本养老保险实施细则"]
    for article in articles:  # printed 56 columns wide, the first line after a two-space indent
        line, width = "　　", 4
        for ch in article:
            if width + columns(ch) > 56:
                lines.append(line)
                line, width = "", 0
            line, width = line + ch, width + columns(ch)
        lines.append(line)
    measures = parse_text("\n".join(lines), "x").measures
    assert [m.section for m in measures] == ["第一条", "第二条", "第三条", "第四条"]
    assert all("\n" not in m.text and "500元、800元" in m.text for m in measures)
