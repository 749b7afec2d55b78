"""retrieval.search.query: what a question asks, per kind, in Chinese and English (no document needed)."""
from __future__ import annotations

import pytest

from retrieval.search.query import analyse, question_kinds


@pytest.mark.parametrize("question, kind", [
    # amount: a sum of money
    ("每人每月能领多少生活补贴?", "amount"),
    ("新认定的示范机构能拿到多少一次性奖励?", "amount"),
    ("How much is the monthly allowance for a severely disabled person?", "amount"),
    ("What is the maximum fine for operating without a licence?", "amount"),
    # percentage
    ("个人缴费比例是多少?", "percentage"),
    ("What percentage of the cost does the fund reimburse?", "percentage"),
    # count
    ("全市要扶持几家龙头企业?", "count"),
    ("How many start-ups will be given start-up funding?", "count"),
    # duration
    ("见习期限一般多长？最长不能超过多久？", "duration"),
    ("审核需要几个工作日?", "duration"),
    ("How long is the probation period?", "duration"),
    ("Within how many working days must the district office decide?", "duration"),
    # date
    ("报名什么时候截止?", "date"),
    ("When does the regulation take effect?", "date"),
    # who
    ("临床医学研究中心由哪个部门负责?", "who"),
    ("Which bureau handles clinical research centres?", "who"),
    ("专项审计报告由谁出具？", "who"),  # who issues: a body
    # payer: who bears a cost, not the body responsible for a measure
    ("评估费用由谁承担？", "payer"),
    ("每年的检测维护费谁来出？", "payer"),
    ("Who pays for the assessment?", "payer"),
    ("Who will cover the cost of the vaccine?", "payer"),
    # procedure
    ("怎么申请公共租赁住房?", "procedure"),
    ("需要提交哪些材料?", "procedure"),
    ("这笔补贴去哪里领?", "procedure"),
    ("How do I apply for the maternity allowance?", "procedure"),
    ("What documents must an applicant submit?", "procedure"),
    # eligibility
    ("申请需要符合什么条件?", "eligibility"),
    ("Who is eligible for the subsidy?", "eligibility"),
    # yes/no
    ("外地户籍老人是否可以免费乘坐公交?", "yesno"),
    ("用人单位能不能代为申领?", "yesno"),
    ("Can a non-local resident apply for public rental housing?", "yesno"),
    ("Is the allowance paid directly to the insured person?", "yesno"),
    # contact
    ("咨询电话是多少?", "contact"),
    ("What is the hotline number?", "contact"),
])
def test_kinds(question, kind):
    assert kind in analyse(question).kinds


@pytest.mark.parametrize("question, effect", [
    ("这个办法什么时候开始施行？", True),
    ("有效期几年？", True),
    ("新标准从哪天起执行？", True),
    ("补贴从什么时候开始实施？", True),
    ("这个条例从哪天开始实行？", True),
    ("实行什么样的管理制度？", False),
    ("实施主体是哪个部门？", False),
    ("执行标准是什么？", False),
    ("When did the measures come into force?", True),
    ("When do the rules take effect?", True),
    ("How long is the permit valid for?", True),
    ("What happens when my card expires?", True),
    ("Are the measures effective in helping graduates?", False),
    ("Which department enforces the rules?", False),
])
def test_when_a_rule_takes_effect_or_stays_valid(question, effect):
    assert ("effect" in analyse(question).kinds) is effect, question


@pytest.mark.parametrize("question, interpret", [
    ("本办法由哪个部门负责解释？", True),
    ("这个细则的解释权归谁？", True),
    ("实施细则由谁解释？", True),
    ("请解释一下什么是低保边缘家庭。", False),
    ("这个政策解读是谁发布的？", False),
    ("Which bodies are responsible for interpreting the childcare subsidy measures?", True),
    ("Who interprets these regulations?", True),
    ("What does the policy interpretation say about rent subsidies?", False),
    ("How is 'household' interpreted?", False),
])
def test_who_interprets_the_text(question, interpret):
    assert ("interpret" in analyse(question).kinds) is interpret, question


@pytest.mark.parametrize("question", ["评估费用由谁承担？", "检测维护费谁来出？", "Who pays for the assessment?",
                                      "Who has to pay for the vaccine?"])
def test_who_pays_asks_for_no_responsible_unit(question):
    assert not analyse(question).asks_who and analyse(question).wanted is None


@pytest.mark.parametrize("question, wanted", [
    ("What share of the costs does the fund pay?", "percentage"),
    ("居住证的办理地点和联系电话是什么？", "contact"),
    ("What is the address of the service centre?", "contact"),
    ("What is the phone number of the district office?", "contact"),
    ("Is there an email address we can send questions to?", "email"),  # a phone number is no answer
    ("申报咨询邮箱是多少？", "email"),
    ("正常情况下，居住证受理后几个工作日能拿到？", "duration"),  # 后几: after acceptance, how many
    ("见习期限一般多长？最长不能超过多久？", "duration"),  # not a date: the text says 3个月 … 12个月
    ("How many start-ups will be given start-up funding?", "count"),  # not an amount: 500家
    ("每人每月能领多少生活补贴?", "amount"),
    ("个人缴费比例是多少?", "percentage"),
    ("报名什么时候截止?", "date"),
    ("怎么申请公共租赁住房?", "procedure"),
    ("我们是一家小微企业，想申请研发补助，有哪些政策？", None),
    ("由哪几个部门负责?", None),  # counts departments, wants their names
    ("补贴每个月几号前发到账？", "date"),
    ("How often must the list of recipients be published?", "duration"),
    ("Once approved, from which month is the subsidy counted?", "date"),
    ("What are the application dates?", "date"),
    ("What is the date of birth requirement for the allowance?", None),  # a condition, no date asked
    ("居家护理每天最多报销多少钱？", "amount"),  # 报销多少 is a share, 报销多少钱 a sum  # 几号 beside a subsidy asks a day, not a sum
    ("坐地铁能打几折？", "percentage"),
    ("市、区两级财政按什么比例分担？", "percentage"),
    ("What is the monthly rent per square metre for a public rental flat?", "amount"),  # a sum, no "how much"
    ("公租房租金每平方米多少？", "amount"),
    ("重点产业链企业员工的租房补贴能上浮多少？", "number"),  # a share (20%) or a sum
    ("Does a resale flat qualify, and how much of the ownership has to be in my name?", "percentage"),
    ("How much is the assessment fee, and who pays it?", "amount"),  # who pays, and the sum too
    # The asker's story before the question asks for nothing: 了几 is "several", a statement is no question.
    ("我欠了几个月物业费，物业公司能不能给我家停水停电？", None),
    ("我交了几年社保，能领多少钱？", "amount"),
    ("I rent a flat and want to register my hukou at that address. Can my landlord simply refuse?", None),
    ("你交了几年社保？", "duration"),
    ("失业金能领几个月，每月能领多少吗？", "duration"),
    ("What is the maximum term of a preliminary property service contract?", "duration"),
])
def test_the_one_kind_of_content_an_answer_needs(question, wanted):
    assert analyse(question).wanted == wanted


@pytest.mark.parametrize("question, yesno", [
    ("生育津贴现在发给谁？还发给单位吗？", False),
    ("Who receives the allowance now? Does the employer still get it?", False),
    ("见习期限一般多长？最长不能超过多久？", False),
    ("能申请吗？需要什么材料？", True),
    ("Is the check-up free? Where do I book it?", True),
    ("My son is 18. Can he still apply?", True),
])
def test_the_first_of_several_questions_decides_whether_yes_or_no_is_asked(question, yesno):
    assert analyse(question).asks_yesno is yesno


@pytest.mark.parametrize("text, holds", [
    ("市、区两级财政按5∶5比例分担", True), ("按1:1的比例配套", True), ("享受半价优惠", True), ("打8.5折", True),
    ("上午9:00开放", False), ("固定资产折旧", False),
    ("经参与表决专有部分面积过半数的业主同意", True), ("占总人数三分之二以上的业主", True),  # a vote's shares
])
def test_a_share_may_be_a_ratio_or_a_discount(text, holds):
    from retrieval.text.figures import has_kind

    assert has_kind("percentage", text) is holds


@pytest.mark.parametrize("kind, text, holds", [
    ("number", "行驶速度不得超过每小时十五公里", True),  # laws write figures in words
    ("number", "整车质量不超过五十五公斤", True),
    ("duration", "应当每月至少开展一次安全检查", True),  # "how often"
    ("duration", "每人每月300元", False),  # a sum per month, no length of time
    ("amount", "处骗取金额2倍以上5倍以下的罚款", True),  # a fine as a multiple
    ("count", "应当经占总人数三分之二以上的业主同意", True),  # "how many owners" as a share of them
    ("amount", "按本市支付标准的50%支付", False),
    ("date", "每月10日为垃圾分类宣传日", True),  # a day of every month
    ("date", "送餐上门服务须在前一日17:00前预约", True),  # a time of day
    ("date", "市、区两级财政按5:5比例分担", False),
])
def test_figures_written_in_words_and_frequencies(kind, text, holds):
    from retrieval.text.figures import has_kind

    assert has_kind(kind, text) is holds


def test_mixed_language_question_is_read_by_both_sides():
    info = analyse("What is 市科技局 responsible for?")
    assert info.language == "en" and "list" in info.kinds


def test_sections_and_years_are_named():
    info = analyse("2025年第十二条讲了什么?")
    assert info.sections == ("第十二条",) and info.years == ("2025",)


@pytest.mark.parametrize("question, sections", [
    ("What does part 二 of the notice cover?", ("二", "第二部分")),  # as 第二部分 reads
    ("第二部分讲了什么？", ("二", "第二部分")),  # a chapter, or a part above restarting chapters
    ("第三部分第(二)条讲的是什么", ("三(二)",)),  # a subsection named in words stays one id
    ("What does section 二(三) cover?", ("二(三)",)),
    ("这个实施办法的第三部分（三、）主要讲什么？", ("三", "第三部分")),  # （三、） restates the chapter's number
    # Where 一、 restarts under each part, the part prefixes the id; both readings are kept.
    ("第二部分第一项第（二）条讲了什么？", ("二(一)", "第二部分一(二)")),
    ("第二部分一(二)是什么意思", ("二(一)", "第二部分一(二)")),
    # A list's points are numbered 1, 2, 3; a FAQ's questions 问1 (or Q1, as printed), a prose page's
    # paragraphs 段1.
    ("政策要点第五点讲的是什么？", ("5",)),
    ("What does point 5 of the key points say?", ("5",)),
    ("What does question 3 of the FAQ say?", ("问3", "Q3")),
    ("What does paragraph 2 say?", ("段2",)),
    ("第二部分第（二）项里的第6条是什么政策？", ("二(二)6",)),  # not 第六条
    ("第3问说了什么？", ("问3", "Q3")),  # a question-and-answer page's ids
    ("通知第三条第（二）项说的是什么？", ("第三条", "三(二)")),  # an article, or a notice's 三(二)
    # A plan whose parts start at （一） has ids without a chapter; "第（一）项" is an item of something else.
    ("岚埠区老年助餐实施方案的第（五）部分主要讲什么？", ("(五)",)),
    ("What does item (四)2 of the meal assistance plan say?", ("(四)2",)),
    ("符合第（一）项条件的人能领多少？", ()),
    ("这份政策问答的第9个问题讲的是什么？", ("问9", "Q9")),
    ("What does 问5 say?", ("问5", "Q5")),
    ("Q12里说的条件是什么？", ("问12", "Q12")),
    # A 规划's 章 and 节 (not 三(二)), and an item in a 节.
    ("交通规划第三章第二节讲了什么？", ("第三章第二节",)),
    ("第三章第二节第一项说了什么", ("第三章第二节一",)),
])
def test_a_chapter_named_alone_is_a_section(question, sections):
    assert analyse(question).sections == sections


@pytest.mark.parametrize("question, sections", [
    ("What does Article 18 of the measures provide?", ("第十八条",)),
    ("What does Part One of the work points cover?", ("一", "第一部分")),
    ("What does Chapter IV say?", ("四", "第四部分")),
    ("What does the third part say?", ("三", "第三部分")),
    # The words do not say how the document numbers its parts: every reading is kept.
    ("What does Part Three, item 2 of the work points say?", ("三(二)", "三2", "第三部分二")),
    ("What does item 3 of Part Two say?", ("二(三)", "二3", "第二部分三")),
    ("What does item (3) under point six of the notice say?", ("六(三)", "第六部分三")),  # (3) is no item
    ("What does point 5 of the key points say?", ("5",)),  # a list's fifth point
    ("What is item 6 of Annex 1?", ("附件1-6", "附件-6", "附件1")),
    ("What does Article 5, item (2) require?", ("第五条",)),  # an article's items are cited by the article
    ("What does section 二(三) cover?", ("二(三)",)),  # written as the document writes it
    ("Is part of the subsidy paid in advance?", ()),  # no number: no part named
])
def test_sections_named_in_english_words(question, sections):
    assert analyse(question).sections == sections


@pytest.mark.parametrize("question, kind", [
    ("Are the subsidies counted as family income when eligibility is assessed?", "date"),  # "when" joins clauses
    ("What forms does a person who is not in a low-income family submit?", "who"),  # a relative "who"
    ("残疾等级要几级才能领护理补贴？", "amount"),  # 几级 asks a grade; the subsidy named is no sum asked
    ("生育津贴发给谁？", "who"),  # the recipient, not the body responsible
    ("Who can apply for long-term care insurance benefits?", "who"),  # who qualifies
    ("Who is eligible for the rent subsidy?", "who"),
    ("谁可以申请公租房？", "who"),
    ("Can I hire an agent to handle the registration for me?", "who"),  # "to handle" is no "who handles"
    ("How often must the list of recipients be published?", "list"),  # "the list" is no "list the …"
    # an address the question is about, not one asked for
    ("We're moving our registered address to another district. Where do we apply?", "contact"),
    ("公司变更注册地址需要提交哪些材料？", "contact"),
    ("What will be done to give enterprise employees a bigger share of talent programmes?", "percentage"),
    ("重点产业链企业员工的租房补贴能上浮多少？", "amount"),  # by a share as often as by a sum
    ("这几年有哪些新的补贴政策？", "count"),  # 这几年: "these few years"
    ("Is my new phone eligible for the digital product subsidy?", "contact"),  # the phone bought, not its number
    ("好几天没收到短信，补贴发了吗？", "duration"),
])
def test_words_that_only_look_like_a_kind(question, kind):
    assert kind not in analyse(question).kinds


@pytest.mark.parametrize("question", [
    "My son just turned 18. Can he withdraw from the family's entitlement?",
    "If I move my household registration away, will my subsidy stop?",
    "When service providers go digital, are they required to keep traditional methods?",
])
def test_yes_no_questions_after_a_statement_or_a_clause(question):
    info = analyse(question)
    assert info.asks_yesno and info.wanted is None


@pytest.mark.parametrize("question", [
    "Can you summarize item 六(五)2?", "Could you tell me who leads the work?", "能告诉我补贴标准是多少吗？",
    "可以介绍一下第五条吗？",
])
def test_a_polite_request_is_no_yes_no_question(question):
    assert not analyse(question).asks_yesno


def test_a_question_word_sentence_is_no_yes_no_question():
    assert not analyse("Which papers, if any, are needed?").asks_yesno


@pytest.mark.parametrize("text, holds", [
    ("自受理之日起30日内", True), ("有效期5年", True), ("最长不超过3个月", True), ("有效期至2027年12月31日", True),
    ("2025年11月30日前生育的", False), ("每月25日前发放", False), ("自2025年起", False),
])
def test_a_duration_is_a_length_of_time_not_a_point_in_it(text, holds):
    from retrieval.text.figures import has_kind

    assert has_kind("duration", text) is holds


@pytest.mark.parametrize("question", [
    "Can I apply for the allowance online, or do I have to go in person?",
    "Is it paid every month, or is it paid once a year?",
    "能不能在网上申请，还是必须到窗口办理？",
    "补贴是按月发放还是按季度发放？",
])
def test_a_question_offering_two_ways_is_no_yes_no_question(question):
    # "Yes" or "no" says nothing to "A, or B?": the answer must say which.
    assert not analyse(question).asks_yesno


@pytest.mark.parametrize("question", [
    "Is the service free or not?", "Can students or retirees apply?", "我退休了还是可以领吗？", "补贴是否可以叠加享受？",
])
def test_or_inside_a_yes_no_question_keeps_it_one(question):
    assert analyse(question).asks_yesno


@pytest.mark.parametrize("question, words", [
    ("一个家庭最多能承租几套保障房？", ("套",)),
    ("今年要招募多少个见习岗位？", ("个",)),
    ("受理后几个工作日内办结？", ("个工作日", "工作日")),
    ("驿站最多能免费住几天？", ("天", "日", "自然日")),
    ("每人每年最多申请几次？", ("次",)),
    ("How many working days does the review take?", ("个工作日", "工作日")),
    ("How many households received the subsidy?", ("户",)),
    ("How many companies will be selected?", ("家",)),
    ("How many days can a graduate stay for free?", ("天", "日", "自然日")),
    ("How many measures does the plan have?", ()),  # counted by no measure word of its own
    ("补贴标准是多少？", ()),
])
def test_the_measure_word_a_figure_is_asked_in(question, words):
    assert analyse(question).measure_words == words


def test_who_a_rule_covers_is_eligibility_not_a_responsible_unit():
    """"参保对象是谁" asks which people are covered, like "是哪些人"; "负责人是谁" still asks who."""
    for question in ("长期护理保险的参保对象是谁？", "补贴对象都有谁？", "适用范围包括谁？"):
        kinds = question_kinds(question, "zh")
        assert "eligibility" in kinds and "who" not in kinds, question
    for question in ("负责人是谁？", "主管部门是谁？", "这项工作由谁负责？"):
        assert "who" in question_kinds(question, "zh"), question


@pytest.mark.parametrize("question, language", [
    ("上传完信息采集表之后，下一步要做什么？", "zh"), ("审核之后下一步是什么？", "zh"), ("提交申请后还要做什么？", "zh"),
    ("What do I do next after uploading the form?", "en"), ("What comes after the lottery?", "en")])
def test_a_question_about_the_step_after_another_is_a_next_question(question, language):
    assert "next" in question_kinds(question, language)


@pytest.mark.parametrize("question, language", [
    ("下一步工作重点是什么？", "zh"), ("毕业后还能申请吗？", "zh"), ("申请后多久到账？", "zh"),
    ("What is the next year's target?", "en")])
def test_a_question_naming_no_step_done_is_no_next_question(question, language):
    """A work plan's 下一步工作 names no step done; "after graduating, can I still apply?" asks whether."""
    assert "next" not in question_kinds(question, language)
