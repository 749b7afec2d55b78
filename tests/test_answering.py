"""Offline answers: units, figures, lists, sections, support, abstentions, and bad input."""
from __future__ import annotations

import pytest

from retrieval.answer.answerer import QuestionError
from retrieval.answer.compose import NO_UNIT, REFUSAL, english_amount


def all_quotes_verbatim(service, answer) -> bool:
    return all(c.quote in service.section(c.section)[0].text for c in answer.citations)


def test_chinese_unit_question(service):
    answer = service.ask("临床医学研究中心由哪个部门负责?")
    assert answer.answerable and answer.language == "zh" and answer.mode == "offline"
    assert answer.citations[0].section == "三(四)"
    assert "市科技局" in answer.text and "市卫生计生委" in answer.text
    assert answer.units[:2] == ("市科技局", "市卫生计生委")


def test_english_unit_question_keeps_official_names(service):
    answer = service.ask("Which bureau handles clinical research centres?")
    assert answer.language == "en"
    assert "Municipal Science and Technology Bureau (市科技局)" in answer.text
    assert "市卫生计生委" in answer.text and "三(四)" in answer.text


def test_figures_are_quoted_from_the_text(service):
    answer = service.ask("What is the maximum subsidy in yuan for an introduced key R&D institution?")
    assert answer.citations[0].section == "三(五)"
    assert "2000万元" in answer.text and "20 million yuan" in answer.text
    assert all_quotes_verbatim(service, answer)


def test_a_measure_without_unit_says_so(service):
    answer = service.ask("Who is responsible for revising the professional title standards of city universities?")
    assert answer.citations[0].section == "六(七)"
    assert NO_UNIT["en"] in answer.text and answer.citations[0].units == ()
    # The first line says it once and points to the measure; no bare "六(七): no unit" heads the answer.
    first = answer.text.splitlines()[0]
    assert first.startswith(NO_UNIT["en"]) and "六(七)" in first and answer.text.count(NO_UNIT["en"]) == 1


def test_a_units_task_list(service):
    answer = service.ask("市人社局负责哪些工作?")
    assert [c.section for c in answer.citations] and all("市人社局" in c.units for c in answer.citations)
    assert {"六(二)1", "六(三)", "六(四)1", "六(五)1", "六(六)"} == {c.section for c in answer.citations}


def test_a_section_question(service):
    answer = service.ask("What is section 五(四) about?")
    assert answer.citations[0].section == "五(四)"


def test_a_subsection_with_items_is_named_in_the_answers_head_and_its_items_follow(service):
    answer = service.ask("三(三)讲了什么？")
    assert answer.text.startswith("三(三):") and [c.section for c in answer.citations][:2] == ["三(三)1", "三(三)2"]


@pytest.mark.parametrize("question, language", [
    ("How large is Dalian's subsidy for hydrogen refuelling stations?", "en"),
    ("大连市最低工资标准是多少?", "zh"),
    ("What is Shenyang's 2018 target for technology contract value?", "en"),
    ("新认定的国家技术转移示范机构能拿到多少一次性奖励?", "zh"),
])
def test_unanswerable_questions_abstain_and_show_nearest(service, question, language):
    answer = service.ask(question)
    assert not answer.answerable and answer.language == language
    assert answer.text.startswith(REFUSAL[language])
    assert answer.citations == () and len(answer.nearest) == 3


def test_enterprise_support_question_lists_support_measures(service):
    answer = service.ask("我们是一家小微科技企业,能申请哪些支持?")
    assert answer.answerable and len(answer.citations) >= 2
    assert "四(四)" in [c.section for c in answer.citations]


def test_every_quote_is_verbatim_and_every_section_exists(service):
    questions = ["Which bureau handles clinical research centres?", "2018年全市技术合同成交额要达到多少?",
                 "What funding tools does the government use to attract social capital?", "市金融局负责什么?"]
    known = {m.section for m in service.measures()}
    for question in questions:
        answer = service.ask(question)
        assert all(c.section in known for c in answer.citations)
        assert all_quotes_verbatim(service, answer)


@pytest.mark.parametrize("question", ["", "   ", "问" * 1001])
def test_bad_questions_are_refused_with_a_reason(service, question):
    with pytest.raises(QuestionError):
        service.ask(question)


def test_answer_json_contract(service):
    data = service.ask("临床医学研究中心由哪个部门负责?").to_dict()
    assert {"question", "answer", "answerable", "mode", "language", "citations", "units"} <= set(data)
    assert set(data["citations"][0]) >= {"document", "section", "heading", "quote"}


@pytest.mark.parametrize("text, dates, english", [
    ("缴费时间为2025年9月下旬至2025年12月20日（集中参保期）。", ["2025年9月下旬至2025年12月20日"],
     ["late September 2025 to 20 December 2025"]),
    ("自2026年1月1日起至12月31日享受待遇。", ["自2026年1月1日起至12月31日"], ["from 1 January 2026 to 31 December"]),
    ("每年3月1日至4月30日集中申报。", ["每年3月1日至4月30日"], ["every year 1 March to 30 April"]),
    ("发放时间为每月25日前。", ["每月25日前"], ["by the 25th of every month"]),
    ("完成时限：2025年6月底前；于2025年3月31日前报送。", ["2025年6月底前", "于2025年3月31日前"],
     ["by the end of June 2025", "by 31 March 2025"]),
    ("2018年,新增市级以上工程中心15家。", [], []),  # a bare year names the plan's year, not when
    ("2025年底前建成20个。", ["2025年底前"], ["by the end of 2025"]),
])
def test_dates_a_when_answer_names_and_their_english(text, dates, english):
    from retrieval.answer.compose import dates_in, english_date

    assert dates_in(text) == dates
    assert [english_date(d) for d in dates] == english


def test_english_amounts():
    assert english_amount("最高2000万元") == "20 million yuan"
    assert english_amount("150亿元") == "15 billion yuan"
    assert english_amount("30%") is None


def test_the_figures_named_are_the_kind_asked_for():
    from retrieval.answer.compose import asked_figures, figures_in

    text = "前3年分别按实际租金的50%、30%、20%给予租金补贴，每家企业每年最高20万元；升规奖励10万元。"
    assert asked_figures(figures_in(text), "amount") == ["最高20万元", "10万元"]
    assert asked_figures(figures_in(text), "percentage") == ["50%", "30%", "20%"]
    assert asked_figures(figures_in(text), "contact") == figures_in(text)  # no figure kind: all of them
    # Sums are no answer to "how long": none is listed, and the quote speaks.
    fees = "失能评估费用标准为每人每次200元，由基金按100%的比例支付。"
    assert asked_figures(figures_in(fees), "duration") == []
    assert asked_figures(figures_in(fees), "amount") == ["每次200元"]
    # With no sum, a rate or a multiple still says how much; a length of time does not.
    assert asked_figures(figures_in("按实际费用的80%给予补贴，最长12个月。"), "amount") == ["80%"]
    assert asked_figures(figures_in("本人前12个月的月均经济收入低于当前补贴标准。"), "amount") == []


@pytest.mark.parametrize("question, text, figures", [
    # A count is answered by figures in its measure word, never by a length of time beside it.
    ("一个家庭最多能承租几套保障房？", "已承租保障房或因违规被取消资格未满5年的，不予受理。", []),
    ("一个家庭最多能承租几套保障房？", "每户家庭限承租1套，租赁合同期限最长5年。", ["1套"]),
    ("今年要招募多少个见习岗位？", "见习留用率不低于40%，全年募集见习岗位8000个，见习期最长12个月。", ["8000个"]),
    ("驿站最多能免费住几天？每年能申请几次？", "免费入住不超过7天，每人每年最多申请2次。", ["不超过7天", "2次"]),
    ("How many days does the review take?", "区级部门应在15日内完成复核，复核费用200元。", ["15日"]),
    # Without a measure word a count still leaves out sums and lengths of time.
    ("计划支持多少家企业？", "支持企业不少于50家，每家最高100万元，实施期3年。", ["50家"]),
    ("How many firms will be supported?", "支持企业不少于50家，每家最高100万元，实施期3年。", ["50家"]),
])
def test_a_count_is_answered_in_the_measure_word_asked(question, text, figures):
    from retrieval.answer.compose import asked_figures, figures_in
    from retrieval.search.query import analyse

    info = analyse(question)
    assert asked_figures(figures_in(text), info.wanted, info.measure_words) == figures


def test_english_figures_are_singular_for_one():
    from retrieval.answer.compose import english_figure

    assert [english_figure(f) for f in ("1天", "1个工作日", "1名", "1周岁", "3个月")] == [
        "1 day", "1 working day", "1 person", "1 year of age", "3 months"]


def test_english_figures_keep_their_digit_groups():
    """"每月1,000元" was "000 yuan": the number was read from its last digit group."""
    from retrieval.answer.compose import english_figure

    assert [english_figure(f) for f in ("每月1,000元", "最高1,500,000元", "12000人", "2000万元")] == [
        "1,000 yuan", "1,500,000 yuan", "12,000 people", "20 million yuan"]


def test_no_unit_line_only_where_units_are_a_thing(tmp_path):
    from retrieval.answer.compose import NO_UNIT
    from retrieval.service import build_service
    from tests.conftest import make_settings

    corpus = tmp_path / "documents"
    corpus.mkdir()
    (corpus / "faq.txt").write_text(
        "失业保险常见问题\n问：失业保险金每月能领多少？\n答：按最低工资标准的90%按月发放，每人每月1710元。\n"
        "问：最长能领多久？\n答：累计缴费满10年的，最长领取24个月。\n问：在哪里申请？\n答：可在政务服务网线上申请。\n",
        encoding="utf-8")
    service = build_service(make_settings(tmp_path, corpus), llm=None)
    service.reload()
    answer = service.ask("失业保险金每月能领多少？")
    assert answer.answerable and "1710元" in answer.text and NO_UNIT["zh"] not in answer.text
    assert NO_UNIT["zh"] in service.ask("失业保险金由哪个部门负责发放？").text  # asked who: it says so


def test_units_of_measures_from_two_documents_are_never_pooled():
    """"Who leads the charging piles work?" cited a district's work points and a city's action plan:
    their units were one list under one "see 三(一)16、二(六)19"; each document now says its own."""
    from retrieval.answer.compose import who_line
    from retrieval.models import Citation

    cited = [Citation("district", "三(一)16", "", "建成公共充电桩1500个。", ("区交通运输局", "区城市管理局"), "璟湖区工作要点",
                      ("区交通运输局",), ("区城市管理局",)),
             Citation("city", "二(六)19", "", "新建公共充电桩2000个。", ("市发展改革委",), "芷汀市行动方案")]
    line = who_line(cited, "zh", {}, {"district": "璟湖区工作要点", "city": "芷汀市行动方案"})
    first, second = line.split("\n")
    assert first.startswith("《璟湖区工作要点》") and "区交通运输局" in first and "市发展改革委" not in first
    assert second.startswith("《芷汀市行动方案》") and "市发展改革委" in second and "区交通运输局" not in second
    # One document: one line, as before.
    assert "\n" not in who_line(cited[:1], "zh", {}, {})
    # One document cited in a corpus of several: the line says whose article it is.
    one = who_line(cited[1:], "zh", {}, {"district": "璟湖区工作要点", "city": "芷汀市行动方案"})
    assert one == "《芷汀市行动方案》由市发展改革委负责(见二(六)19)。"
    assert who_line(cited[1:], "en", {}, {"city": "芷汀市行动方案"}).startswith("In 《芷汀市行动方案》: ")
    assert who_line(cited[1:], "zh", {}, {}) == "由市发展改革委负责(见二(六)19)。"  # the corpus's only document
