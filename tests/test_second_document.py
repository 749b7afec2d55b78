"""The text utilities, search and answering on a document that is not the seed (a fictional city's
employment measures in tests/fixtures): lexical, bridge, answerability, units, support and textnorm."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.search.query import analyse
from retrieval.search.support import tag_measure
from retrieval.text.textnorm import detect_language, zh_tokens
from retrieval.text.units import UnitMatcher, english_name

FIXTURE = Path(__file__).parent / "fixtures" / "linjiang-employment-measures-2025.txt"


@pytest.fixture(scope="module")
def second(tmp_path_factory, embedder):
    from retrieval.service import build_service
    from tests.conftest import make_settings

    tmp = tmp_path_factory.mktemp("second")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    service = build_service(make_settings(tmp, corpus=corpus), embedder=embedder, llm=None)
    service.index.snapshot()
    return service


def test_textnorm_segments_the_documents_words():
    tokens = zh_tokens("一次性扩岗补助按每招用1人1500元的标准给予")
    assert "扩岗" in tokens and "补助" in tokens and "1500" in tokens
    assert detect_language("How much is the job-expansion subsidy?") == "en"


def test_english_words_lose_their_clitics():
    """"What's" is the stopword "what" (it was a content word, bridged to 怎么办); a possessive is its noun."""
    from retrieval.text.textnorm import en_words

    assert en_words("What's the company's subsidy? I'm told it doesn't cover the employer’s fees.") == \
        ["company", "subsidy", "told", "cover", "employer", "fees"]


def test_units_are_found_by_chinese_and_english_name():
    matcher = UnitMatcher({"市人力资源社会保障局", "市财政局", "市税务局"}, {})
    assert matcher.find("市财政局负责哪些措施?") == ["市财政局"]
    assert "市人力资源社会保障局" in matcher.find("What is the Municipal Human Resources and Social Security Bureau doing?")
    assert english_name("市税务局") == "Municipal Taxation Bureau"


def test_lexical_search_finds_the_measure_by_its_own_words(second):
    top = second.search("一次性扩岗补助每人多少", 3)[0].measure
    assert top.section == "一(一)1"


def test_bridge_carries_an_english_question_to_the_chinese_measure(second):
    hits = second.search("How much is the one-off job expansion subsidy per graduate hired?", 5)
    assert "一(一)1" in [h.measure.section for h in hits[:3]]


def test_lead_and_partner_units_are_answered_apart(second):
    answer = second.ask("一次性扩岗补助由哪个部门牵头?")
    assert answer.answerable and answer.citations[0].section == "一(一)1"
    assert answer.citations[0].lead_units == ("市人力资源社会保障局",)
    assert "市财政局" in answer.citations[0].partner_units
    assert "牵头" in answer.text and "配合" in answer.text


def test_answerability_refuses_what_the_document_does_not_say(second):
    assert not second.ask("临江市最低工资标准是多少?").answerable
    assert not second.ask("How much does the city pay towards buying an electric car?").answerable


def test_a_figure_question_is_answered_with_the_figure_in_both_languages(second):
    zh = second.ask("一次性扩岗补助每招用1人补多少钱?")
    assert zh.answerable and "1500元" in zh.text
    en = second.ask("How much is the one-off job expansion subsidy for each graduate hired?")
    assert en.answerable and "1500" in en.text


def test_support_tags_name_the_kind_and_the_figure(second):
    measure = next(m for m in second.measures() if m.section == "一(一)1")
    item = tag_measure(measure)
    assert item is not None and "subsidy" in item.kinds
    assert any("1500" in f for f in item.figures)


@pytest.mark.parametrize("question", ["有哪些补贴？", "有什么优惠政策？", "What subsidies are there?"])
def test_a_general_question_for_support_lists_the_measures_that_offer_it(second, question):
    """"有哪些补贴?" names no topic and no unit: the options, not the one measure that writes 补贴 most."""
    answer = second.ask(question)
    assert answer.answerable and len(answer.citations) >= 3
    by_id = {(m.document, m.section): m for m in second.measures()}
    assert all(tag_measure(by_id[(c.document, c.section)]) is not None for c in answer.citations)


def test_a_list_asked_of_a_unit_stays_that_units_list(second):
    answer = second.ask("市人力资源社会保障局有哪些扶持工作？")
    assert answer.citations and all("市人力资源社会保障局" in c.units for c in answer.citations)


def test_question_kinds_on_this_documents_questions():
    assert analyse("社会保险补贴最长补贴多久?").wanted == "duration"
    assert analyse("每家企业最多补助多少人?").wanted == "count"


def test_the_bridge_reads_a_stem_the_stemmer_wrote_longer():
    from retrieval.text.bridge import Bridge
    from retrieval.text.textnorm import en_stem

    bridge = Bridge(["期满", "申请"])
    assert "期满" in bridge.to_chinese([en_stem("expiry")])  # expiri → expir ("to expire")


@pytest.mark.parametrize("question, missing", [
    ("I gave birth on 20 November 2025. Do I still upload the paper form?", None),
    ("Can I apply on a Monday in May, or only in March?", None),
    ("Can Chinese citizens abroad apply over the Internet?", None),
    ("Does the allowance also apply in Shenyang?", "Shenyang"),
    # Two districts romanise as Huangpu (黄埔 in Guangzhou, 黄浦 in Shanghai): either one is mentioned.
    ("What is the support standard in Huangpu District?", None),
    ("What is the support standard in Tianhe District?", "Tianhe"),
    # The dictionary's Jinghu is 镜湖 (in Wuhu); the text's is 璟湖区, which its pinyin names.
    ("What is the support standard in Jinghu District?", None),
])
def test_only_place_names_are_places(question, missing):
    from retrieval.answer.answerability import _missing_place

    assert _missing_place(question, "en", "生育津贴 11月30日前 广州市 黄埔区 璟湖区 互联网") == missing


@pytest.mark.parametrize("question, missing", [
    ("沈阳市的补贴标准是多少？", "沈阳市"),
    ("深圳的人才补贴有多少?", "深圳"),
    # jieba tags these as places; they are a verb ("to set off") and "to return to one's country".
    ("骑还没上牌的电动车上路被查到，罚多少钱？", None),
    ("留学回国人员来创业，有没有启动资金？", None),
])
def test_only_place_names_are_places_in_chinese(question, missing):
    from retrieval.answer.answerability import _missing_place

    assert _missing_place(question, "zh", "生育津贴 广州市 黄埔区 电动自行车") == missing


def test_coverage_ignores_asking_words_and_credits_the_parts_of_compounds(second):
    """"多长时间", "几个" and "我们" are how a question asks, not what about; a compound the measure
    lacks (见习补贴标准) is covered in part by the pieces it has."""
    from retrieval.answer.answerability import coverage

    def covered(question, section):
        result = second.answerer.retrieve(question)
        doc = result.prepared.position[next(m.id for m in second.measures() if m.section == section)]
        return coverage(result.prepared.lex, result.prepared.terms, doc)

    plain = covered("就业见习补贴期限", "二(一)2")
    assert plain == pytest.approx(1.0)
    assert covered("我们单位想问一下，就业见习补贴期限最长是多长时间？", "二(一)2") == pytest.approx(1.0)
    partly = covered("见习补贴标准制", "二(一)2")
    assert 0.0 < partly < 1.0


def test_a_named_article_leads_though_the_question_describes_its_document(tmp_path, embedder):
    """"Article 32 of the elderly care measures": the other words match every measure of the document,
    the short article named (本办法由区民政局负责解释) hardly any; it comes first all the same."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (FIXTURE.name, "donghu-elderly-care-regulation-2024.txt"):
        shutil.copy(FIXTURE.parent / name, corpus / name)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    for question in ("What does Article 32 of the Donghu community home-based elderly care service measures say?",
                     "东湖区社区居家养老服务管理办法第三十二条是怎么规定的？"):
        top = service.search(question, 3)[0].measure
        assert (top.document, top.section) == ("donghu-elderly-care-regulation-2024", "第三十二条")


def test_a_city_bridges_to_itself_not_to_its_districts():
    """CC-CEDICT glosses 天河区 "Tianhe District of Guangzhou City, Guangdong": where it lies is no
    translation of it, and "Guangzhou" must not bring every district of the city into a question."""
    from retrieval.text.bridge import Bridge

    bridge = Bridge(["广州", "天河区", "海珠区"])
    assert set(bridge.to_chinese(["guangzhou"])) == {"广州"}
    assert "天河区" in bridge.to_chinese(["tianh"])


def test_among_equal_senses_the_bridge_takes_the_words_the_corpus_writes():
    """Ten words are glossed just "to pay": a text that writes 缴纳 and 标准 is reached by "pay" and
    "standard", not only 交钱 and 规格, which no measure uses."""
    from retrieval.text.bridge import Bridge

    words = ["交纳", "交钱", "付费", "支付", "有偿", "给付", "缴付", "缴纳", "赔付", "标准化", "规范化", "规格", "规范性", "标准"]
    bridge = Bridge(words, usage={"缴纳": 140, "支付": 180, "标准": 700, "标准化": 30})
    assert "缴纳" in bridge.to_chinese(["pay"], per_word=4)
    assert "标准" in bridge.to_chinese(["standard"], per_word=2)


def test_the_parts_of_a_gloss_around_a_semicolon_are_senses_of_their_own():
    """资金 is glossed "funds; capital": a whole "fund", as 基金 is, and no phrase "fund capital"."""
    from retrieval.text.bridge import Bridge, senses

    assert list(senses(["funds; capital", "floor (of a building; storey); story"])) == [
        (0, "funds"), (0, "capital"), (1, "floor (of a building; storey)"), (1, "story")]
    terms = Bridge(["资金", "基金", "款项"]).to_chinese(["fund"])
    assert terms["资金"] == terms["基金"] == 1.0


def test_a_glossary_phrase_is_one_term():
    """"come into force" is 施行, not 来 + 部队."""
    from retrieval.text.bridge import Bridge
    from retrieval.text.textnorm import en_stem, en_words

    bridge = Bridge(["施行", "部队", "力量", "未来"], {"come into force": "施行"}, corpus_text="本办法自2025年1月1日起施行。")
    terms = bridge.to_chinese([en_stem(w) for w in en_words("When did the measures come into force?")])
    assert terms.get("施行", 0) >= 1.0 and not {"部队", "力量", "未来"} & set(terms)


def test_a_short_label_measure_is_covered_by_its_documents_title(tmp_path, embedder):
    """"承诺时限 | 10个工作日" never names the service; a question about that service's time limit is
    covered by the title the measure borrows, and is answered."""
    from retrieval.answer.answerability import coverage
    from retrieval.service import build_service
    from tests.conftest import make_settings
    from tests.test_parsing_variants import TABBED_GUIDE

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "shigang-guide.html").write_text(TABBED_GUIDE, encoding="utf-8")
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    result = service.answerer.retrieve("高龄津贴申领的承诺时限是多少")
    doc = result.prepared.position[next(m.id for m in service.measures() if m.section == "承诺时限")]
    assert coverage(result.prepared.lex, result.prepared.terms, doc) == pytest.approx(1.0)


def test_a_guides_part_named_by_its_label_comes_first(tmp_path, embedder):
    """"实施主体是哪个部门?" names the guide's part 实施主体, whose text (石港市各区民政局) shares no word with
    the rest of the question; a regulation on the same allowance sits beside it."""
    from retrieval.service import build_service
    from tests.conftest import make_settings
    from tests.test_parsing_variants import TABBED_GUIDE

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "shigang-guide.html").write_text(TABBED_GUIDE, encoding="utf-8")
    for name in (FIXTURE.name, "donghu-elderly-care-regulation-2024.txt"):
        shutil.copy(FIXTURE.parent / name, corpus / name)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    assert service.search("高龄津贴的实施主体是哪个部门？", 3)[0].measure.section == "实施主体"
    assert service.search("申领高龄津贴要带哪些申请材料？", 3)[0].measure.section == "申请材料"


def test_a_year_the_question_names_picks_that_years_document():
    from retrieval.models import Measure
    from retrieval.search.documents import document_infos, named_documents

    measures = tuple(Measure(document=name, title=title, section="一", chapter="", subsection="", text=text, place="石港市")
                     for name, title, text in (
                         ("plan-2018", "石港市2018年科技工作要点", "2018年发布重点产业紧缺人才目录。"),
                         ("plan-2025", "石港市人才安居补贴实施细则", "2025年7月1日起施行。"),
                         ("plan-2025b", "石港市以旧换新补贴活动的通知", "2025年4月10日启动。")))
    infos = document_infos(measures)
    assert infos["plan-2018"].years == ("2018",) and infos["plan-2025"].years == ("2025",)
    assert named_documents("Who publishes the 2018 catalogue of talent shortages?", infos, {}) == ("plan-2018",)
    assert named_documents("2025年的补贴有哪些？", infos, {}) == ("plan-2025", "plan-2025b")
    assert named_documents("石港市有哪些补贴？", infos, {}) == ()  # every document's place: none named
    # A year in the asker's own story names no document.
    assert named_documents("Our cloud spending in 2025 was only 15,000 yuan. Can we still claim?", infos, {}) == ()
    assert named_documents("我们公司是2025年8月注册成立的，能申报吗？", infos, {}) == ()


def test_a_documents_place_is_one_word_for_the_segmenter_and_no_search_word():
    """An unknown place glued to its neighbour ("在琅屿", "棠浦有") matched nothing; named, the place picks
    the document and is not a word to rank its measures by (the ones repeating it would lead)."""
    from retrieval.config import RetrievalSettings
    from retrieval.models import Measure
    from retrieval.search.hybrid import segmenter_words
    from retrieval.text.textnorm import add_words, zh_tokens

    measures = (Measure(document="d", title="琅屿市人才安居补贴实施细则", section="第一条", chapter="", subsection="",
                        text="人才安居补贴。", place="琅屿市"),)
    words = segmenter_words(measures, RetrievalSettings())
    assert {"琅屿市", "琅屿"} <= words
    add_words(words)
    assert "琅屿" in zh_tokens("我在琅屿一家企业上班")


def test_an_item_numbered_on_across_subsections_is_named_by_its_number(tmp_path, embedder):
    """A work plan numbers its items on (一(一) has 1–2, 一(二) 3–4 …): "item 4 of the Shigang work points"
    is 一(二)4, in the document the question names, and so is its "第4条", as flatly numbered measures
    cite themselves. Its annex (附件1, with a note of its own) numbers nothing of the text."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "shigang-points.txt").write_text(
        "石港市2025年工作要点\n一、发展经济\n（一）工业\n1.新增规上企业20家。\n2.技术改造投资增长10%。\n"
        "（二）商贸\n3.举办消费季活动50场。\n4.建设夜间经济街区2个。\n二、民生\n（一）教育\n5.新增学位3000个。\n"
        "6.改造薄弱学校8所。\n附件1\n重点项目表\n序号 | 项目\n1 | 石港大道\n2 | 石港公园\n注：项目以立项为准。\n",
        encoding="utf-8")
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    assert service.search("What does item 4 of the Shigang work points say?", 3)[0].measure.section == "一(二)4"
    assert service.search("What does item 1 of the Shigang work points say?", 3)[0].measure.section == "一(一)1"
    assert service.search("石港工作要点第6条讲的是什么？", 3)[0].measure.section == "二(一)6"


def test_a_section_named_with_its_document_is_that_documents_though_its_id_is_written_otherwise(tmp_path, embedder):
    """"Question 7 in the FAQ of the Shigang guide" is Shigang's 四7 (its FAQ is part 四), not another
    document's 问7. Unnamed, 问7 is 问7."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    faq = "".join(f"{i}.问：第{i}个问题？答：第{i}个回答，见习补贴按月发放。\n" for i in range(1, 9))
    (corpus / "shigang-guide.txt").write_text(
        "石港市就业见习补贴申领指南\n一、申领对象\n见习单位可以申领见习补贴。\n二、补贴标准\n每人每月2000元。\n"
        "三、办理流程\n1.网上提交申请。\n2.人社部门审核。\n3.补贴按月发放。\n四、常见问题\n" + faq, encoding="utf-8")
    (corpus / "lanwan-qa.txt").write_text(
        "兰湾市养老服务补贴政策问答\n" + "".join(f"问{i}：养老服务补贴第{i}问？\n答：按规定办理。\n" for i in range(1, 9)),
        encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    hit = service.search("What does question 7 in the FAQ section of the Shigang guide say?", 3)[0]
    assert (hit.measure.document, hit.measure.section) == ("shigang-guide", "四7")
    # The answer cites it too, not the other document's 问7 (the id the question's words spell).
    answer = service.ask("What does question 7 in the FAQ section of the Shigang guide say?")
    assert [(c.document, c.section) for c in answer.citations][:1] == [("shigang-guide", "四7")]
    assert all(c.document == "shigang-guide" for c in answer.citations)
    hit = service.search("What does question 7 say?", 3)[0]
    assert (hit.measure.document, hit.measure.section) == ("lanwan-qa", "问7")


def test_a_section_named_with_its_document_may_be_in_the_documents_annex(tmp_path, embedder):
    """A notice's guide is its 附件1: "苘陵体育产业资金申报指南五（三）" is 附件1五(三), not the 五(三) of
    another document that has one in its main text."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    guide = "".join(f"{cn}、第{cn}部分\n（一）{cn}部分第一项要求。\n（二）{cn}部分第二项要求。\n（三）{cn}部分第三项要求。\n"
                    for cn in "一二三四五")
    (corpus / "qingling-notice.txt").write_text(
        "苘陵市体育局关于组织申报2025年度体育产业发展引导资金项目的通知\n一、申报时间\n2025年5月31日前。\n"
        "二、申报方式\n网上申报。\n附件1\n苘陵市体育产业发展引导资金申报指南\n" + guide, encoding="utf-8")
    (corpus / "gupu-notice.txt").write_text(
        "菰浦市文化和旅游产业发展专项资金管理办法\n" + guide.replace("要求", "规定"), encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    hit = service.search("苘陵体育产业资金申报指南五（三）讲的是什么？", 3)[0]
    assert (hit.measure.document, hit.measure.section) == ("qingling-notice", "附件1五(三)")


def _decision_and_plan(tmp_path, embedder):
    """A decision numbered 一、二、 (with the rules it enacts, 第X条) beside a plan numbered 二(二)."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "chushu-decision.txt").write_text(
        "楮墅市人民政府关于施行《楮墅市城乡居民基本养老保险实施细则》的决定\n"
        "一、《楮墅市城乡居民基本养老保险实施细则》自2025年7月1日起施行。\n"
        "二、原《楮墅市城乡居民社会养老保险实施办法》同时废止。\n"
        "三、各区人民政府负责组织实施。\n"
        "楮墅市城乡居民基本养老保险实施细则\n第一条　为了规范城乡居民基本养老保险，制定本细则。\n"
        "第二条　城乡居民养老保险实行个人缴费、政府补贴相结合。\n", encoding="utf-8")
    (corpus / "lanwan-plan.txt").write_text(
        "兰湾市2025年养老服务工作方案\n一、总体要求\n（一）指导思想。坚持以人民为中心。\n"
        "二、重点任务\n（一）建设社区食堂。新建社区食堂20个。\n（二）发放高龄津贴。80岁以上老人每月200元。\n",
        encoding="utf-8")
    return build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)


def test_a_numeral_named_at_another_level_is_the_named_documents_own(tmp_path, embedder):
    """"Point (二) of the Chushu decision" is the decision's 二, not the (二) of another document: a
    reader writes the number at a level the document does not use."""
    service = _decision_and_plan(tmp_path, embedder)
    hit = service.search("What does point (二) of the Chushu decision say?", 3)[0]
    assert (hit.measure.document, hit.measure.section) == ("chushu-decision", "二")
    answer = service.ask("楮墅的决定第（二）点说了什么？")
    assert answer.answerable and answer.citations[0].section in ("二", "第二条")
    assert all(c.document == "chushu-decision" for c in answer.citations)


@pytest.mark.parametrize("question, says", [
    ("What does section 二(二) of the Chushu decision say?", "》 has no measure numbered 二(二)"),
    ("第九十九条讲了什么？", "没有编号为第九十九条的条目"),
])
def test_a_section_no_document_has_is_refused_with_the_nearest_measures(tmp_path, embedder, question, says):
    """Another document's 二(二), or the best measure by the other words, shown under the heading of
    the section asked for would answer a question nobody asked."""
    service = _decision_and_plan(tmp_path, embedder)
    answer = service.ask(question)
    assert not answer.answerable and says in answer.text
    assert answer.nearest
    if "Chushu" in question:  # the document named is the one that lacks it, and the one shown
        assert all(h.measure.document == "chushu-decision" for h in answer.nearest)
    # The plan's own 二(二), named without a document, is still found.
    assert service.ask("二(二)讲了什么？").citations[0].section == "二(二)"


def test_a_verb_jieba_glued_to_a_modal_is_still_covered():
    """"要罚", "被查" are no words: jieba's HMM made them from 要+罚, 被+查; the text's 罚款 has the verb."""
    from retrieval.answer.answerability import _glued_in

    assert _glued_in("要罚", "处五十元罚款") and _glued_in("被查", "经检查发现")
    assert not _glued_in("可以", "以上")  # a word of the dictionary is itself


def test_a_quoted_title_is_the_document_not_words_to_search():
    from retrieval.search.documents import DocumentInfo
    from retrieval.search.hybrid import _without_quoted_titles

    info = DocumentInfo("d", "琅屿市人才安居补贴实施细则", "琅屿市人才安居补贴实施细则", ("琅屿市", "琅屿"), ("2025",))
    assert _without_quoted_titles("《琅屿市人才安居补贴实施细则》由哪个部门负责解释？", [info]) == "由哪个部门负责解释？"
    # Little else left: the title stays, it is all the question says.
    assert _without_quoted_titles("《琅屿市人才安居补贴实施细则》讲了什么？", [info]) == "《琅屿市人才安居补贴实施细则》讲了什么？"
    # A title of no document named stays.
    assert _without_quoted_titles("《中华人民共和国消防法》由谁负责解释？", [info]) == "《中华人民共和国消防法》由谁负责解释？"


def test_a_place_the_best_measures_never_mention_is_refused(tmp_path, embedder):
    """The corpus mentions 东湖区 (in another document); the measure that would answer never does:
    answering would speak of the wrong place. 东湖区's own notice, which the question names, leads the
    search, and says nothing of the subsidy asked: refused either way, showing 东湖区's measures."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    (corpus / "donghu-notice.txt").write_text(
        "东湖区养老服务补贴通知\n一、东湖区户籍老年人每人每月发放养老服务补贴200元。\n二、申请人向街道办事处提出申请。\n",
        encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    question = "东湖区招用高校毕业生的一次性扩岗补助是多少？"
    verdict = service.answerer.retrieve(question).verdict
    assert not verdict.answerable, verdict.reason
    assert verdict.gap != "place" or verdict.detail == "东湖区"
    answer = service.ask(question)
    assert not answer.answerable and "东湖区" in answer.text


def test_a_suffix_in_the_glossary_reaches_every_corpus_word_ending_in_it():
    """"voucher: '*券'" reaches the corpus's 消费券 and 创新券 (jieba cuts them as 消费 + 券), never 有价证券
    (securities, as the dictionary knows it)."""
    from retrieval.config import RetrievalSettings
    from retrieval.models import Measure
    from retrieval.search.hybrid import suffixed_words
    from retrieval.text.bridge import Bridge

    settings = RetrievalSettings(glossary={"voucher": "*券"})
    measures = (Measure(document="d", title="t", section="一", chapter="", subsection="",
                        text="发放一次性育儿消费券，推行科技创新券，不得用于购买有价证券。"),)
    words = suffixed_words(measures, settings)
    assert {"消费券", "创新券"} <= words
    bridge = Bridge(words | {"有价证券"}, settings.glossary)
    assert {"消费券", "创新券"} <= set(bridge.to_chinese(["voucher"], per_word=10))
    assert "有价证券" not in bridge.to_chinese(["voucher"], per_word=10)


def test_the_lexical_index_keeps_the_words_jieba_was_taught(second):
    """A process reading the index from disk teaches jieba the words it was built with (units, places,
    suffix-glossary words), so its questions are cut as the measures were."""
    import pickle

    lex = second.searcher.lexical(second.index.snapshot())
    assert {"临江市", "临江"} <= lex.taught and "市人力资源社会保障局" in lex.taught
    assert pickle.loads(pickle.dumps(lex)).taught == lex.taught


def test_a_year_in_a_measures_heading_is_mentioned(tmp_path, embedder):
    """The rows of "附件3 2024年度奖补项目名单" never write 2024; their heading does, so a question about
    2024's awards is no question about a year the document leaves out."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    (corpus / "shigang-call.txt").write_text(
        "石港区2025年度节能奖补申报通知\n一、申报对象\n（一）在本区注册的工业企业可以申报，每家最高奖补200万元。\n"
        "附件3\n2024年度奖补项目名单\n序号 | 企业名称 | 项目类别 | 奖补金额（万元）\n"
        "1 | 石港恒昌纺织有限公司 | 节能技术改造 | 50.40\n2 | 石港宏远铸造有限公司 | 设备更新 | 28.30\n合计 | 78.70\n",
        encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    verdict = service.answerer.retrieve("石港区2024年度节能奖补一共发了多少钱？").verdict
    assert verdict.gap != "year", verdict.reason


def test_a_question_naming_a_place_is_answered_from_that_places_document(tmp_path, embedder):
    """Two cities' documents speak of residence permits; "檀溆的居住证申领条件" is about 檀溆's, though the
    other city's guide is all about the permit and words it more like the question."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "qingchuan-guide.txt").write_text(
        "青川市居住证申领办事指南\n一、申领条件\n（一）居住证申领条件。在青川居住登记满半年，有合法稳定就业、住所或连续就读的，"
        "可以申领居住证。\n（二）申领居住证需要的材料。居民身份证、居住登记凭证和近期照片。\n二、办理时限\n（一）居住证申领"
        "自受理之日起10个工作日内办结。\n", encoding="utf-8")
    (corpus / "tanxu-opinions.txt").write_text(
        "檀溆市人民政府关于深入推进农业转移人口市民化的实施意见\n一、放开落户限制\n（一）全面取消城镇落户限制，有意愿的"
        "人员均可落户。\n二、完善基本公共服务\n（一）降低门槛。离开常住户口所在地，到我市居住半年以上，符合有合法稳定就业、"
        "合法稳定住所、连续就读条件之一的，可以申领。\n（二）随迁子女入学。持有本市有效证件的，可以申请入学。\n",
        encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    hits = service.search("檀溆的居住证申领条件是什么？", 3)
    assert hits[0].measure.document == "tanxu-opinions" and hits[0].measure.section == "二(一)"


def test_which_departments_names_every_item_under_the_heading_asked_about(second):
    """"就业见习由哪些部门负责?" asks about (一)扩大就业见习规模 as a whole: its three items each name
    their own units, and all of them are answered, not only the items whose scores tie."""
    answer = second.ask("就业见习由哪些部门负责？")
    assert {c.section for c in answer.citations} >= {"二(一)1", "二(一)2", "二(一)3"}
    assert {"市人力资源社会保障局", "市国资委", "市工商联", "市财政局"} <= set(answer.units)


def test_a_who_question_about_one_item_stays_with_that_item(second):
    """一(二)3 (应征入伍) also mentions 事业单位公开招聘, but the question is about 一(二)1, not the heading."""
    answer = second.ask("事业单位公开招聘由哪个部门负责？")
    assert [c.section for c in answer.citations] == ["一(二)1"]
    assert "市征兵办公室" not in answer.text


def test_a_regulation_with_units_only_in_prose_does_not_say_no_unit_under_every_article(tmp_path, embedder):
    """东湖's regulation names units in articles' prose (区民政局负责…), not per measure: a question that
    does not ask who gets its articles without "文件没有为该措施指定责任单位" under each."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE.parent / "donghu-elderly-care-regulation-2024.txt", corpus)
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    answer = service.ask("高龄津贴每月多少钱？")
    assert answer.answerable and answer.citations[0].section == "第十八条"
    assert "没有为该措施指定责任单位" not in answer.text


def test_an_english_answer_lists_several_units_as_a_reader_writes_them(second):
    from retrieval.answer.compose import english_list

    assert english_list(["A"]) == "A" and english_list(["A", "B"]) == "A and B"
    assert english_list(["A", "B", "C"]) == "A, B and C"
    lead = second.ask("Which departments are responsible for the employment internship subsidy?").text.split("\n")[0]
    assert "(市人力资源社会保障局) and District Governments" in lead and "see measures " in lead


@pytest.mark.parametrize("question, expected", [("那配合单位呢？", "市税务局"), ("牵头单位是哪个？", "市人力资源社会保障局"),
                                                ("What about the partner units?", "Municipal Taxation Bureau")])
def test_a_follow_up_asking_for_a_units_role_asks_about_the_last_measure(second, question, expected):
    """"那配合单位呢?" after an answer about 一(一)1: 配合 is the role asked for, not a word to search, so the
    question has no words of its own and asks about the measure just cited, whose partners it names."""
    last = (second.ask("一次性扩岗补助每人多少钱？").citations[0].id,)
    answer = second.ask(question, context=(last[0].split(":")[0],), after=last)
    assert answer.answerable and [c.id for c in answer.citations] == list(last)
    assert expected in answer.text.split("\n")[0]


def test_a_guides_labelled_item_named_with_its_number_is_that_item(tmp_path, embedder):
    """"注意事项第2条" is 注意事项2 of the guide that has one. Read alone, the number is 第二条, and the
    regulation beside it has a 第二条."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE.parent / "donghu-elderly-care-regulation-2024.txt", corpus)
    (corpus / "xiling-pension-guide.txt").write_text(
        "西陵市养老金领取资格认证办事指南\n办理时限 | 即时办结\n注意事项\n1.认证每年进行一次。\n"
        "2.逾期未认证的，暂停发放养老金，认证后补发。\n3.可通过手机APP刷脸认证。\n", encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    for question in ("注意事项第2条是什么？", "注意事项的第二点说了什么？"):
        answer = service.ask(question)
        assert answer.citations[0].id == "xiling-pension-guide:注意事项2", question
        assert "暂停发放" in answer.text


EBIKE = """西陵市电动自行车管理办法
西陵市人民政府
2025年6月1日
第一条 为了加强本市电动自行车管理，保障道路交通安全，根据有关法律法规，结合本市实际，制定本办法。
第二条 本办法适用于本市行政区域内电动自行车的销售、登记、通行、停放充电及其相关管理活动。
第三条 市公安机关交通管理部门负责本市电动自行车的登记和通行管理工作。市市场监督管理部门负责电动自行车销售的监督管理。市消防救援机构负责电动自行车停放充电场所的消防安全监督检查。
第四条 电动自行车应当经登记取得号牌后方可上道路行驶。
第五条 驾驶电动自行车应当佩戴安全头盔，不得载人超过一名。
第六条 违反本办法第五条规定的，处警告或者二十元以上五十元以下罚款。
"""


def _alone(tmp_path, embedder, name: str, text: str | None = None):
    """A corpus of one regulation whose units stand only in its articles' prose."""
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    if text is None:
        shutil.copy(FIXTURE.parent / name, corpus)
    else:
        (corpus / name).write_text(text, encoding="utf-8")
    return build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)


def test_who_is_answered_by_the_article_that_names_a_unit(tmp_path, embedder):
    """第四条 (登记取得号牌) shares the most words with the question, but names no one; 第三条 says who
    registers e-bikes. A close runner-up naming a unit answers a who-question."""
    service = _alone(tmp_path, embedder, "xiling-ebike-measures.txt", EBIKE)
    assert service.search("Which department is in charge of e-bike registration?", 2)[0].measure.section == "第四条"
    answer = service.ask("Which department is in charge of e-bike registration?")
    assert answer.citations[0].section == "第三条"
    assert "市公安机关交通管理部门" in answer.text.split("\n")[0]


def test_an_article_naming_several_units_answers_with_the_one_doing_what_is_asked(tmp_path, embedder):
    """东湖's 第四条 gives five bureaus a sentence each; food safety of meal services is 区市场监管局's."""
    service = _alone(tmp_path, embedder, "donghu-elderly-care-regulation-2024.txt")
    answer = service.ask("老年助餐服务的食品安全由哪个部门监管？")
    assert answer.citations[0].section == "第四条"
    assert answer.citations[0].units == ("区市场监管局",)
    assert "区住房城乡建设局" not in answer.text.split("\n")[0]


def test_a_who_question_on_an_article_without_units_names_whom_its_text_mentions(tmp_path, embedder):
    """第二十五条 "区民政局对社区养老服务设施实行星级评定" assigns no unit, but says who acts: the answer
    names 区民政局 as mentioned by the text, not as the responsible unit, and the JSON says so apart."""
    service = _alone(tmp_path, embedder, "donghu-elderly-care-regulation-2024.txt")
    for question, said in (("社区养老服务设施星级评定由谁负责？", "条文中提到:区民政局"),
                           ("Who rates community elderly care facilities with stars?", "mentions District Civil Affairs Bureau")):
        answer = service.ask(question)
        assert answer.citations[0].section == "第二十五条" and not answer.citations[0].units
        assert answer.citations[0].mentioned_units == ("区民政局",)
        assert answer.citations[0].to_dict()["mentioned_units"] == ["区民政局"]
        assert said in answer.text.split("\n")[0]


ADMISSION = """西岭区幼儿园招生工作方案
西岭区教育局
2026年4月1日
一、招生程序
（一）报名
1.网上报名时间为5月19日至5月22日，家长登录招生平台选择1所幼儿园报名。
2.报名完成后，每名幼儿获得一个报名编号，报名编号与派位结果无关。
（二）电脑派位
1.5月23日由区教育局组织电脑随机派位。
2.派位结果于当日在招生平台公布。
（三）资格审核
1.5月24日至5月27日，被派位录取的幼儿家长持户口簿等材料到幼儿园进行资格审核。
"""


@pytest.mark.parametrize("question, expected", [("报名之后下一步是什么？", "一(二)1"),
                                                ("电脑派位之后下一步做什么？", "一(三)")])
def test_the_step_after_a_heading_named_is_the_next_heading(tmp_path, embedder, question, expected):
    """"报名之后" names (一)报名 as a whole: the next step is (二)'s first item, not (一)'s second; after
    (二)电脑派位 comes (三), one item cited by its heading's id. The asking words (下一步, 之后) name no step."""
    service = _alone(tmp_path, embedder, "xiling-kindergarten-admission.txt", ADMISSION)
    answer = service.ask(question)
    assert answer.citations[0].section == expected


def test_when_a_regulation_takes_effect_is_answered_by_its_closing_article(tmp_path, embedder):
    """The question's other words describe the whole regulation and match its longer articles; the
    short closing article says when it takes effect and for how long. (Without the clause ranking the
    first question was refused: no article came close enough.)"""
    service = _alone(tmp_path, embedder, "donghu-elderly-care-regulation-2024.txt")
    for question in ("When did Donghu's community home elderly care service measures come into force?",
                     "东湖区社区居家养老服务管理办法什么时候开始施行？",
                     "How long are the Donghu home elderly care measures valid?"):
        answer = service.ask(question)
        assert answer.answerable, question
        assert answer.citations[0].section == "第三十三条", question
        assert "2025年1月1日" in answer.text + answer.citations[0].quote, question


def test_the_clause_on_the_whole_texts_effect_is_about_its_title(tmp_path, embedder):
    """"本办法自…起施行" names the regulation as 本办法: the title words a question uses for it (电动自行车管理办法)
    are that clause's words. Counted as missing, they had the question refused although the clause answers it."""
    service = _alone(tmp_path, embedder, "xiling-ebike-measures.txt",
                     EBIKE + "第七条 本办法自2025年7月1日起施行，有效期5年。\n")
    answer = service.ask("电动自行车管理办法什么时候施行？")
    assert answer.answerable
    assert answer.citations[0].section == "第七条"
    assert "2025年7月1日" in answer.text + answer.citations[0].quote


def test_a_yes_no_question_that_also_asks_how_much_is_answered_with_the_sum(tmp_path, embedder):
    """"Is there a bonus for a third child, and how much?": the text's 5000元 answers both, where the
    yes/no reader finds no 可以 or 不得 to read and an answer that "does not answer directly" would hide it."""
    service = _alone(tmp_path, embedder, "qiwu-childcare.txt",
                     "栖梧市育儿补贴管理办法\n第一条 为减轻家庭养育负担，制定本办法。\n"
                     "第二条 对2025年1月1日以后出生的三孩及以上婴幼儿，在首次申领育儿补贴时一次性发放生育奖励金5000元。\n"
                     "第三条 育儿补贴按年发放，每孩每年3600元。\n第四条 本办法自2025年3月1日起施行。\n")
    for question in ("Is there a one-off bonus for a third child born in 2025, and how much is it?",
                     "生三孩有没有一次性的生育奖励金？发多少钱？"):
        answer = service.ask(question)
        assert answer.answerable and answer.citations[0].section == "第二条"
        lead = answer.text.splitlines()[0]
        assert "5000" in lead and "没有直接说明" not in lead and "directly" not in lead, lead


def test_who_interprets_a_regulation_is_its_closing_clause(tmp_path, embedder):
    """"由哪个部门负责解释？" is answered by 本办法由…负责解释, not by the articles that name units for
    other work, which share more of the question's words (the title, 部门, 负责)."""
    service = _alone(tmp_path, embedder, "qiwu-childcare.txt",
                     "栖梧市育儿补贴管理办法\n第一条 为减轻家庭养育负担，制定本办法。\n"
                     "第二条 市卫生健康委员会是本市育儿补贴工作的主管部门，负责统筹协调和业务指导；市财政局负责补贴资金保障。\n"
                     "第三条 区卫生健康部门负责本区育儿补贴的审核和发放，区民政部门负责协助核查家庭信息。\n"
                     "第四条 育儿补贴按年发放，每孩每年3600元。\n第五条 本办法由市卫生健康委会同市财政局负责解释。\n"
                     "第六条 本办法自2025年3月1日起施行。\n")
    for question in ("栖梧市育儿补贴管理办法由哪个部门负责解释？",
                     "Which bodies are responsible for interpreting the Qiwu childcare subsidy measures?"):
        answer = service.ask(question)
        assert answer.answerable and answer.citations[0].section == "第五条", (question, answer.text)


def test_a_question_asking_when_prefers_the_measure_that_gives_a_date(tmp_path, embedder):
    """"By what date…" wants a date: of two articles on the same report, the one that gives its deadline."""
    service = _alone(tmp_path, embedder, "luqiu-rules.txt",
                     "芦湫市生活垃圾分类管理办法\n第一条 为推进生活垃圾分类，制定本办法。\n"
                     "第二条 各区人民政府应当向市城市管理局报送生活垃圾分类年度工作报告。\n"
                     "第三条 生活垃圾分类年度工作报告于次年1月31日前报送市城市管理局。\n"
                     "第四条 本办法自2025年1月1日起施行。\n")
    assert service.search("区政府的生活垃圾分类年度工作报告最晚什么时候报送？", 2)[0].measure.section == "第三条"
    assert service.search("By what date must the districts submit their annual waste sorting work report?",
                          2)[0].measure.section == "第三条"


def test_when_a_rule_starts_is_answered_with_the_article_that_gives_the_date(tmp_path, embedder):
    """An article that speaks of the rule's start without a date ("本条例开始实行前…") may score higher
    than the closing one: the answer leads with the one that gives the date."""
    service = _alone(tmp_path, embedder, "luyu-rules.txt",
                     "鹭屿市电动自行车安全管理条例\n第一条 为加强电动自行车安全管理，制定本条例。\n"
                     "第二条 本条例开始实行前已经购买的电动自行车，应当在本条例开始实行后六个月内登记；"
                     "电动自行车临时号牌有效期届满后不再延续。\n"
                     "第三条 电动自行车应当在停放场所有序停放。\n"
                     "第四条 本条例自2025年10月1日起施行。\n")
    question = "这个电动自行车条例从哪天开始实行？"
    assert service.search(question, 1)[0].measure.section == "第二条"  # its words are the question's
    answer = service.ask(question)
    assert answer.answerable and answer.citations[0].section == "第四条"
    assert "2025年10月1日" in answer.text.splitlines()[0]


ENERGY_NOTICE = """玉溪区工业和信息化局关于组织申报2025年度工业企业节能技术改造奖补项目的通知

各有关企业：
为推动工业企业节能降碳，现就组织申报2025年度节能技术改造奖补项目有关事项通知如下。

一、支持对象
在本区依法登记注册、具有独立法人资格的工业企业。

二、支持标准
对节能技术改造项目，按照项目设备投资额的10%给予奖补，单个项目最高不超过100万元。

三、申报时间
2025年6月1日至6月30日。

四、申报要求
（一）申报方式。企业通过区工业和信息化局网站在线填报。
（二）审核程序。区工业和信息化局会同区财政局组织专家评审，评审结果在区政府网站公示5个工作日。
（三）申报材料。
1.项目申报书；
2.项目备案文件和节能审查意见；
3.设备购置发票复印件；
4.第三方机构出具的节能量审核报告；
5.企业信用承诺书；
6.营业执照复印件。

五、联系方式
区工业和信息化局节能科，电话：0877-1234567。
"""


@pytest.fixture(scope="module")
def energy_notice(tmp_path_factory, embedder):
    from retrieval.service import build_service
    from tests.conftest import make_settings

    tmp = tmp_path_factory.mktemp("energy")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "yuxi-energy-retrofit-notice-2025.txt").write_text(ENERGY_NOTICE, encoding="utf-8")
    return build_service(make_settings(tmp, corpus=corpus), embedder=embedder, llm=None)


@pytest.mark.parametrize("question, lead", [("申报要准备哪些材料？", "四(三)申报材料共6项"),
                                            ("What documents are required for the application?",
                                             "Section 四(三) (申报材料) lists 6 items")])
def test_a_question_for_a_list_is_answered_with_every_item_in_order(energy_notice, question, lead):
    """Which three of six short items score best is chance: the answer lists all of them, in order."""
    answer = energy_notice.ask(question)
    assert answer.answerable
    assert [c.section for c in answer.citations] == [f"四(三){i}" for i in range(1, 7)]
    assert answer.text.startswith(lead)
    assert "项目申报书" in answer.text and "营业执照复印件" in answer.text


def test_a_question_about_one_item_of_a_list_cites_that_item(energy_notice):
    answer = energy_notice.ask("营业执照要交复印件吗？")
    assert answer.citations[0].section == "四(三)6" and len(answer.citations) < 6


def test_a_refusal_names_no_missing_kind_that_its_nearest_measures_show(energy_notice):
    """A refusal saying "the document does not describe how to apply" above a nearest measure listing
    the materials contradicts itself; "mentions this but gives no amount" is untrue when the nearest
    measures carry little of the question."""
    from retrieval.answer.answerability import Verdict
    from retrieval.answer.compose import GAPS

    answerer = energy_notice.answerer
    found = answerer.retrieve("申报要准备哪些材料？")
    assert found.hits[0].measure.section.startswith("四(三)")
    refused = answerer.offline(found.prepared, "zh", found.hits, Verdict(False, 0.8, 0.0, "test", gap="procedure"))
    assert not refused.answerable and GAPS["procedure"][0] not in refused.text
    found = answerer.retrieve("新能源汽车的购置补贴是多少钱？")
    refused = answerer.offline(found.prepared, "zh", found.hits, Verdict(False, 0.2, 0.0, "test", gap="amount"))
    assert GAPS["amount"][0] not in refused.text
    found = answerer.retrieve("申报材料发到哪个邮箱？")
    assert found.prepared.info.wanted == "email"
    refused = answerer.offline(found.prepared, "zh", found.hits, Verdict(False, 0.8, 0.0, "test", gap="email"))
    assert GAPS["email"][0] in refused.text


@pytest.mark.parametrize("question, lead", [("申报时间是什么时候？", "三给出的时间:2025年6月1日至6月30日。"),
                                            ("When is the application window?",
                                             "Dates in measure 三: 2025年6月1日至6月30日 (1 June 2025 to 30 June).")])
def test_a_when_question_is_led_by_the_dates_its_measure_gives(energy_notice, question, lead):
    answer = energy_notice.ask(question)
    assert answer.answerable and answer.text.startswith(lead)
