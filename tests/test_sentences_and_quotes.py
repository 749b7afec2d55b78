"""Sentence vectors (retrieval/index/sentences.py) and quotes picked within a character budget."""
from __future__ import annotations

import numpy as np
import pytest

from retrieval.answer.compose import pick_quote
from retrieval.index.sentences import SentenceVectors, build, sentence_texts
from retrieval.models import Measure
from retrieval.search.query import analyse


def measure(text: str, subsection: str = "（一）申请条件") -> Measure:
    return Measure(document="d", title="某市办法", section="一(一)", chapter="", subsection=subsection, text=text)


def test_best_and_closeness_read_each_measures_own_rows():
    vectors = SentenceVectors(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32),
                              np.array([0, 2, 3]), ("甲句。", "乙句。", "丙句。"))
    query = np.array([0.0, 1.0], dtype=np.float32)
    assert np.allclose(vectors.best(query, [0, 1]), [1.0, 0.8])
    assert vectors.closeness(query, 0) == {"甲句。": 0.0, "乙句。": 1.0}


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed_documents(self, texts):
        self.calls.extend(texts)
        return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)


class DictCache:
    def __init__(self) -> None:
        self.store: dict[str, np.ndarray] = {}

    def get_many(self, model, keys):
        return {k: self.store[k] for k in keys if k in self.store}

    def put_many(self, model, items):
        self.store.update(items)


def test_sentences_are_embedded_once_with_their_heading():
    m = measure("申请人应当年满18周岁。应当在本市连续居住满半年；提供有效身份证件。")
    embedder, cache = CountingEmbedder(), DictCache()
    vectors, embedded = build([m, m], embedder, cache)
    assert embedded == 3 and len(embedder.calls) == 3  # the same measure twice: its sentences once
    assert all(t.startswith("（一）申请条件 ") for t in sentence_texts(m))
    assert vectors.vectors.shape == (6, 2) and list(vectors.offsets) == [0, 3, 6]
    _, again = build([m], embedder, cache)
    assert again == 0  # cached by text


def test_a_long_measure_is_quoted_where_the_question_is_answered():
    text = ("本办法所称补贴包括生活补贴和护理补贴。" * 12 + "申请材料包括：\n（一）身份证；\n（二）户口簿；\n（三）残疾人证。"
            + "审核通过的，自次月起发放。" * 12)
    quote = pick_quote(measure(text), analyse("申请需要提交哪些材料?"), {"材料": 3.0}, 2, 120, 240)
    assert quote.startswith("申请材料包括：") and "（三）残疾人证。" in quote and len(quote) <= 240


def test_a_short_measure_is_quoted_whole():
    text = "申请人应当年满18周岁，在本市连续居住满半年。"
    assert pick_quote(measure(text), analyse("申请条件是什么?"), {}, 1, 240, 480) == text


@pytest.mark.parametrize("question, quote, yes", [
    ("一家公司能同时登记两个名称吗？", "市场主体只能登记一个名称，经登记的市场主体名称受法律保护。", False),
    ("Can a company register two names?", "市场主体只能登记一个名称，经登记的市场主体名称受法律保护。", False),
    ("公司能登记一个名称吗？", "市场主体只能登记一个名称，经登记的市场主体名称受法律保护。", True),
    ("能申请两次吗？", "每人每年只能申请一次。", False),
    ("Can I apply in 2025?", "每人只能申请一次。", True),  # a year is no count
    ("孤儿可以享受护理补贴吗？", "孤儿不享受生活补贴，可享受护理补贴。", True),
    # An age against the one age limit the text sets.
    ("我儿子今年15岁，能自己骑电动自行车上路吗？", "驾驶电动自行车应当年满十六周岁。", False),
    ("我65岁，坐公交免费吗？", "年满65周岁的老年人免费乘坐公共汽车。", True),
    ("My dad is 58. Can he get the elderly allowance?", "60周岁以上老年人可以申请。", False),
    ("My child is 13. Can she ride on the back seat?", "可以搭载一名十二周岁以下的未成年人。", False),
    # The text does not speak of what is asked: no yes or no is read from it.
    ("生育津贴可以委托他人领取吗？", "申领人领取津贴后，应及时告知用人单位。", None),
    ("配建的公租房能不能分割抵押？", "公共租赁住房可以集中新建，也可以在商品住宅项目中配建。", None),
    # A denial is a no whether or not the question's words are all there.
    ("是否需要本人到场办理？", "全程网上办理，无需本人到现场。", False),
    ("配建的公租房能不能分割抵押？", "配建的公共租赁住房不得分割登记、分割转让、分割抵押。", False),
    # A yes needs the clause about what is asked.
    ("孩子是孤儿，能领护理补贴吗？", "孤儿不享受生活补贴，可享受护理补贴。", True),
    ("生活补贴和护理补贴能不能同时申请？", "符合条件的残疾人，可同时申请生活补贴和护理补贴。", True),
    # A question-and-answer page says yes or no first, after its own question.
    ("外地户口在青川参保，能在青川领失业金吗？",
     "问：外地户籍人员在青川参保，失业后可以在青川领取失业保险金吗？\n可以。在我市参保缴费的失业人员均可申领。", True),
    ("Does the subsidy count as household income for dibao?",
     "问：领的两项补贴算不算家庭收入？ 答：不算。两项补贴不计入家庭收入。", False),
    ("育儿补贴以后每年都要重新申请吗？", "是不是每年都要重新申请？\n不需要。首次申领审核通过后，后续年度不需要重新提出申请。", False),
    # What a heading excludes, and a time limit "not including" what is asked about.
    ("Can we apply for this fund for a project another municipal fund already supports?",
     "（二）不予支持的情形\n同一项目已获得市级其他财政专项资金支持的；", False),
    ("审批时限包括公示时间吗？", "4.问：审批要多长时间？\n一般项目不超过25个工作日。以上时限不含公示、招标投标等法定程序时间。", False),
    # What "除…外" exempts is free of what the rest imposes and allowed what it forbids; with 还 it is no exemption.
    ("新生儿参保需要等待期吗？", "除新生儿等特殊群体外，对未连续参保的人员，设置参保后固定待遇等待期3个月。", False),
    ("消防救援机构执行任务时可以启用消火栓吗？", "除消防救援机构执行任务外，任何单位和个人不得擅自启用消火栓取水。", True),
    ("未连续参保的人员需要等待期吗？", "除新生儿等特殊群体外，对未连续参保的人员，设置参保后固定待遇等待期3个月。", None),
    ("委托办理除了申请材料还要提供委托书吗？", "除申请材料外，还需提供委托书和受托人身份证。", None),
    # No question before it: a measure that starts "可以。" is no answer to anything.
    ("可以网上申请吗？", "可以。\n第二条 本办法所称补贴", None),
    # A page's answer word runs on into its sentence: "答：不能直接支付给…".
    ("补贴能直接打给电梯公司吗？", "问：补贴资金能否直接支付给电梯公司？\n答：不能直接支付给电梯企业。资金拨付至专用账户。", False),
    # A negation inside a name both write denies nothing: 不可降解 is a kind of tableware.
    ("景区里还能用不可降解的一次性塑料餐具吗？", "全市A级旅游景区餐饮服务禁止使用不可降解一次性塑料餐具。", False),
    ("景区里能用可降解餐具吗？", "景区餐饮服务可以使用可降解餐具，不可降解餐具不得使用。", True),
    # Stopped, not charged, outside the scope: denials too.
    ("第三套房还能用公积金贷款吗？", "第三套及以上停止发放公积金贷款", False),
    ("提前还一部分贷款，要交违约金吗？", "每年可申请一次提前部分还款，不收取违约金。", False),
    ("首次申领居住证要交工本费吗？", "首次申领居住证免收证件工本费。", False),
    ("首次申领居住证能免收工本费吗？", "首次申领居住证免收证件工本费。", True),
    ("残疾人护理补贴能和养老护理补贴同时领吗？", "养老护理补贴应与重度残疾人护理补贴择高享受（不同时享受）。", False),
    ("两项增发能都拿吗？", "同一人符合多项增发条件的，按就高原则计发一项，不重复享受。", False),
    ("不同时期的补贴可以累计吗？", "不同时期申领的补贴可以累计计算。", True),
    ("个体户的首套印章也能免费刻吗？", "个体工商户不在首套印章免费范围内，但可以免费申领电子营业执照。", False),
    ("电动三轮车也适用这个条例吗？", "电动轮椅车、电动三轮车和电动滑板车不适用本条例。", False),
    ("这次补贴区财政要不要配套资金？", "市级补贴资金由市财政局统筹安排，各区财政不承担配套。", False),
    ("夫妻两个人能不能各领一份租房补贴？", "夫妻双方均符合条件的，租房补贴只能由一方申领。", False),
    # Who is asked about is part of what is asked: a clause on claiming the allowance says nothing of spouses.
    ("男职工的配偶能领生育津贴吗？", "生育津贴低于职工原工资标准的，用人单位应当予以补足。所以申领人领取了生育津贴后，要记得及时告知用人单位。", None),
    ("男职工未就业的配偶能享受生育医疗费用待遇吗？", "职工未就业的配偶按照规定享受生育医疗费用待遇。", True),
])
def test_yes_or_no_from_the_clause_asked_about(question, quote, yes):
    """A limit read as a limit, an age against the age set; yes or no only from a text that speaks of it."""
    from retrieval.answer.yesno import yes_or_no

    assert yes_or_no(question, quote) is yes


def test_an_english_question_about_what_is_exempted_is_a_no():
    """The question's bridged words name the exempted (新生儿) and what the rest imposes (等待期)."""
    from retrieval.answer.yesno import yes_or_no

    quote = "除新生儿等特殊群体外，对未连续参保的人员，设置参保后固定待遇等待期3个月。"
    assert yes_or_no("Do newborns have a waiting period?", quote, {"新生儿": 3.0, "等待期": 2.0}) is False
    assert yes_or_no("Do people who stopped paying have a waiting period?", quote, {"参保": 1.0, "等待期": 2.0}) is None


def test_what_a_question_asks_about_and_the_clause_that_answers_it():
    from retrieval.answer.yesno import _asked_clause, _focus, yes_or_no

    # A last clause that only asks ("可以吗") asks about the clause before it.
    assert _focus("领了补贴的新车，想半年后转手卖掉，可以吗？") == "想半年后转手卖掉"
    # A condition's clause is read with what follows from it.
    quote = "适用于在本市登记注册的企业。被列入严重失信主体名单的，不得享受支持。"
    terms = {"失信": 2.0, "名单": 1.0, "企业": 1.0}
    assert _asked_clause("Can a firm on the list of seriously dishonest entities get support?", quote, terms) == \
        "被列入严重失信主体名单的，不得享受支持"
    assert yes_or_no("Can a firm on the list of seriously dishonest entities get support?", quote, terms) is False
    # The words pick the heading; the age limit is in the body's sentence.
    quote = "青年人才生活补贴\n年龄在35周岁以下的博士研究生，按每月3000元发放生活补贴。"
    terms = {"青年人才": 2.0, "生活补贴": 2.0}
    assert yes_or_no("I'm 37. Can I get the young talent living allowance?", quote, terms) is False
    assert yes_or_no("I'm 30. Can I get the young talent living allowance?", quote, terms) is not False


def test_an_english_question_asking_whether_something_stops_is_not_denied_by_the_stop():
    """"Will my subsidy stop?" is bridged to 停止: the text's 停止发放 is what it asks about, no denial."""
    from retrieval.answer.yesno import yes_or_no

    quote = "户籍迁出本市的，自次月起停止发放补贴。"
    assert yes_or_no("If I move my hukou out, will my subsidy stop?", quote, {"停止": 1.0, "补贴": 1.0}) is not False
    assert yes_or_no("户籍迁出本市后，补贴还能继续领吗？", quote) is False


def test_a_pages_first_word_is_not_read_when_its_question_asks_the_other_way():
    """"不需要本人到场吗？" against "需要本人到场吗？ 需要。": the page's 需要 is the user's no, or yes."""
    from retrieval.answer.yesno import _answered_first

    assert _answered_first("不需要本人到场吗？", "需要本人到场吗？\n需要。请携带身份证。") is None
    assert _answered_first("需要本人到场吗？", "需要本人到场吗？\n需要。请携带身份证。") is True


def test_an_item_under_an_excluding_heading_is_a_no_though_its_own_clause_denies_nothing():
    """The question's words pick the item's clause ("同一项目已获得…支持的"), which denies nothing; its
    heading, "（二）不予支持的情形", excludes it."""
    from retrieval.answer.yesno import yes_or_no

    quote = "（二）不予支持的情形\n同一项目已获得市级其他财政专项资金支持的；"
    terms = {"项目": 1.0, "专项资金": 2.0, "市级": 1.0}
    assert yes_or_no("Our project already received money from another municipal special fund. Can we apply?",
                     quote, terms) is False
