"""What a question asks, analysed once: language, kinds, sections, years and places it names.

The result (``QueryInfo``) is computed once per question and handed to every stage; nothing
downstream looks at the raw question to re-derive any of it.

Kinds (a question may have several):
- ``who``: responsible units;            - ``list``: a unit's tasks, or every item of a kind;
- ``amount``: a sum of money;            - ``percentage``: a rate or share;
- ``count``: how many (家, 个, 名 …);      - ``duration``: how long (工作日, 个月, 年);
- ``date``: when, a deadline;            - ``procedure``: how to apply, steps, materials;
- ``eligibility``: who qualifies;        - ``yesno``: a yes/no question;
- ``contact``: phone, address, website;  - ``support``: what help is offered;
- ``number``: some figure (多少, 目标, how large);  - ``section``: names a section id.
The figure kinds (amount, percentage, count, duration, number) are what ``asks_figure`` means: a figure
answers them, and an answer without one is no answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.search.english_sections import english_sections
from retrieval.text.sections import cn_to_int, normalize_section
from retrieval.text.textnorm import detect_language, en_stem, en_words

SECTION_RE = re.compile(
    r"第\s*[一二三四五六七八九十百零〇\d]+\s*条"
    r"|[一二三四五六七八九十]+\s*[、.]?\s*[(（]\s*[一二三四五六七八九十]+\s*[)）](?:\s*\d+(?!\d|\.\d|\s*[%万亿元个家项名期次年]))?")
# "第三部分第(二)条" / "第三部分(二)": a chapter and subsection named in words.
# "第二部分第（二）项里的第6条": chapter, subsection and an item, in words. "第三部分（三、）" restates the
# chapter's own number, it names no subsection.
PART_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*(?:部分|章|大项)\s*[的,，、]?\s*第?\s*[(（]?\s*([一二三四五六七八九十]+)"
                     r"(?!\s*[、.．])\s*[)）]?\s*(?:条|项|点|小项)?"
                     r"(?:\s*(?:里|中)?的?\s*第\s*(\d{1,2})\s*(?:条|项|点|小项))?")
YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")

# Who pays: a cost's bearer (谁承担, 谁来出, "who pays"), not the body responsible for a measure (谁出具/出台 are).
_PAYS_ZH = r"来?(?:承担|负担|支付|付|缴|交|出(?![具台面]))"
_PAYS_EN = (r"pays?|bears?|covers?|funds?|foots?|shoulders?|"
            r"(?:will|would|should|must|has to|have to|is to) (?:pay|bear|cover|fund)")

# (kind, Chinese pattern, English pattern). Order matters only for reading; every match is a kind.
_KINDS: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    ("who",
     # "发给谁" / "谁可以申请" ask who receives or qualifies, "由谁承担/谁来出" who pays: not which body is
     # responsible (谁出具 / 谁出台 still ask who issues).
     re.compile(r"(?<![给予发])谁(?!可以|能|有资格|符合|适用|" + _PAYS_ZH + r")|哪个部门|哪些部门|哪个单位|哪些单位|哪家|哪一个部门|由哪|"
                r"什么部门|什么单位|什么机构|哪个机构|哪些机构|责任单位|牵头|主管|负责部门|(?:配合|协办|主责|承办)(?:单位|部门)"),
     # "who" asks who only as the clause's question word, not as the relative pronoun of "a person who …".
     # "Who can apply / who is eligible / who qualifies" asks who qualifies, "who pays" who bears a cost:
     # not which body is responsible.
     re.compile(r"(?:^|[.?!,;:]\s*|\b(?:and|so|then|but|or)\s+)who(?:s|m)?\b(?!\s+(?:can|may|could|is eligible|are eligible|"
                r"qualif\w*|is entitled|are entitled|gets?|receives?|is covered|are covered|" + _PAYS_EN + r")\b)|\bby whom\b|\bwhich (?:\w+ ){0,2}(?:unit|bureau|department|office|agency|body|organ|"
                r"commission|committee|government|authority|authorities|institution|administration)s?\b|"
                r"\bresponsible\b|\bin charge\b|(?<!\bto )\b(?:leads?|handles?)\b|\b(?:partner|supporting|cooperating|co-?organi[sz]ing)\s+(?:units?|departments?|agencies|bodies)\b", re.I)),  # "an agent to handle it": no who
    ("payer", re.compile(r"谁" + _PAYS_ZH), re.compile(r"\bwho\s+(?:" + _PAYS_EN + r")\b", re.I)),
    ("percentage",
     re.compile(r"比例|百分之|百分比|费率|比率|多少成|报销.{0,4}多少(?![钱元])|缴费率|几折|打折|折扣"),
     # "what share / the share of the costs" asks for a share; "a bigger share of talent programmes" does not.
     re.compile(r"\bpercent\w*|\b(?:what|which)\s+(?:\w+\s+)?share\b|\bshare of (?:the |their |its |our |my )?"
                r"(?:costs?|fees?|expenses?|spending|prices?|investments?|funding|premiums?|bills?|payments?)\b|"
                r"\bratio\b|\brates?\b|\bproportion\b|%|"
                # "how much of the ownership has to be in my name?", "how much of the cost is covered?"
                r"\bhow much of (?:the |my |its |their |our |his |her )?(?:ownership|property|title|costs?|prices?|fees?|"
                r"investments?|expenses?|spending|bills?|premiums?|payments?|tuition|loans?)\b", re.I)),
    ("amount",
     re.compile(r"多少钱|多少元|金额|额度|几块|多少费用|费用是多少|标准是多少|标准多少|多少补|补助多少|补贴多少|奖励多少|"
                r"资助多少|罚款多少|缴(?:纳|费)?多少|交多少|付多少|发多少|领多少|拿多少|每月多少|每人多少|最高.{0,6}多少|上限"),
     # "What is the monthly rent per square metre?", "the price per head": a sum asked without "how much".
     re.compile(r"\bhow much\b|\bamount\b|\byuan\b|\brmb\b|\bcost\b|\bfee\b|\bfine[sd]?\b|\bmaximum\b|\bcap\b|"
                r"\bup to\b|\bsum\b|\bprices?\b|\brent\b|\bper (?:square|sq\.?) (?:metre|meter|m)\b", re.I)),
    ("count",
     re.compile(r"几[个家项名次期所人条类种批级套档倍岁户张间]|多少[个家项名次期所人条类种批位级套档倍户张间]|数量|几成"),
     re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)),
    ("duration",
     re.compile(r"多长|多久|几天|几年|几个月|几周|多少天|多少年|多少个月|几个?工作日|多少个?工作日|期限|时限|有效期|期间多长"),
     re.compile(r"\bhow long\b|\bhow often\b|\bhow many (?:days|working days|months|years|weeks|hours)\b|\bwithin how\b|"
                r"\bperiod\b|\bduration\b|\btime limit\b|\bvalid for\b|"
                # "the maximum term of a property service contract": how long it runs
                r"\b(?:maximum|minimum|longest|shortest|contract|lease|loan|tenancy|service) term\b|"
                r"\bterm of (?:the |a |an |its |their |my |our )?(?:\w+ ){0,3}?(?:contract|lease|loan|tenancy|agreement)\b", re.I)),
    ("date",
     re.compile(r"什么时候|何时|几月|几号|哪天|哪一天|截止|起止|日期|哪年|哪一年|开始时间|什么时间"),
     # "when" asks for a date only as a question word ("when does …", "by when"), not as the conjunction
     # of "are they counted when eligibility is assessed?" or "what is needed when applying?".
     re.compile(r"\bwhen (?:is|are|was|were|do|does|did|will|would|can|could|should|must|shall|may|has|have)\b|"
                r"^\s*when\s*\?|\b(?:by|until|since|from|till) when\b|\band when\b|"
                r"\b(?:what|which) (?:date|day|month|year|time)\b|\bdeadline\b|\bby what\b|"
                r"\bwhat (?:are|is|were|was) the (?:[\w-]+ ){0,3}dates?\b(?! of birth)|"
                r"\bstart(?:s|ing)? date\b|\beffective\b|\bdue\b", re.I)),
    ("procedure",
     re.compile(r"(怎么|如何|怎样|去哪|哪里|在哪|到哪)(里|儿)?(申请|申报|办理|提交|报名|缴费|缴纳|登记|领取|领(?![导会域先])|参保|交)|"
                r"(申请|申报|办理|报名|缴费|登记)(流程|材料|程序|步骤|手续|方式|渠道|途径)|流程|步骤|手续|"
                r"(提交|准备|带|提供)(哪些|什么)|哪些材料|什么材料|途径|渠道"),
     re.compile(r"\bhow (?:do|can|should|would|to) (?:i|we|you|one|they|a|an|the)?\s*(?:\w+ ){0,2}?(?:apply|register|"
                r"submit|pay|claim|enrol|enroll|sign|get|obtain|file)\b|\bsteps?\b|\bprocedure\w*|\bprocess\b|"
                r"\bdocuments?\b|\bmaterials?\b|\bpaperwork\b|\bforms\b|\bsubmit\b|\bwhere (?:do|can|should|to)\b|\bchannels?\b", re.I)),
    # What follows a step the question names: "上传完材料之后下一步做什么?", "What do I do after booking?"
    # ("下一步工作重点" of a work plan names no step done: not this.)
    ("next",
     re.compile(r"(?:之后|以后|完成后|完了|[完后])[，,]?\s*(?:的)?(?:下一步|接下来|下一个环节)|"
                r"(?:之后|以后|完成后|完了|[完后])[，,]?\s*(?:然后|还|再)(?:要|该|需要|应该|应当)?(?:做|干|办|怎么)"),
     re.compile(r"\bafter\b.*\b(?:next|then)\b|\b(?:next|then)\b.*\bafter\b|\bwhat (?:do|should|must) (?:i|we|you) do after\b|"
                r"\bwhat (?:comes|happens) after\b", re.I)),
    # When a rule takes effect, stops, or how long something stays valid: "这个办法什么时候开始施行?",
    # "有效期几年?", "When did the measures come into force?". Every regulation says it in one clause.
    ("effect",
     re.compile(r"施行|生效|失效|废止|有效期|到期|(?:开始|正式|起)(?:实施|执行|实行)|"
                r"(?:什么时候|何时|哪天|哪一天|哪年)(?:开始|起)?(?:实施|执行|实行)|(?:实施|执行|实行)(?:日期|时间)"),
     re.compile(r"\b(?:take|takes|took|taken|taking) effect\b|\b(?:come|comes|came|coming|entered|enters|enter|go|goes|went) into "
                r"(?:force|effect)\b|\bin force\b|\beffective (?:date|from|since|until|on|as of)\b|\bvalid(?:ity)?\b|"
                r"\bexpir\w*|\brepeal\w*|\bno longer (?:apply|applies|in force)\b", re.I)),
    # Who interprets the text: "由哪个部门负责解释?", "解释权归谁?", "Which body interprets these measures?". Not
    # "请解释一下…" or a 政策解读 (a "policy interpretation") asked about.
    ("interpret",
     re.compile(r"(?:谁|哪个|哪些|什么)[^，,。？?]{0,6}(?:负责)?解释(?!一下)|负责解释|解释权|解释(?:部门|机关|单位)|由[^，,。？?]{0,12}解释[吗呢？?]"),
     re.compile(r"\b(?:who|which|what)\b[^?]{0,60}\b(?:interprets?|interpreting)\b|\bresponsible for interpreting\b|"
                r"\b(?:right|power|authority) (?:of|to) interpret\w*|\binterpretation (?:right|power)s?\b|\binterpreted by\b", re.I)),
    ("eligibility",
     re.compile(r"条件|资格|符合|哪些人|什么人|谁可以|谁能|给谁|对象|适用于|适用范围|能否享受|能不能享受|可以享受"),
     re.compile(r"\beligib\w*|\bqualif\w*|\bwho can\b|\bwho may\b|\bwho is entitled\b|\bentitled\b|"
                r"\bcriteria\b|\brequirements?\b|\bconditions?\b", re.I)),
    ("number",
     re.compile(r"多少|多大|多高|多长|几[^乎]|目标|达到|规模|标准是"),
     re.compile(r"\bhow (?:much|many|large|big|high|long)\b|\bwhat (?:number|target|figure|level|size|standard)\b|"
                r"\btargets?\b|\bgoals?\b|\bscale\b", re.I)),
    ("contact",
     # An address the question is about ("变更注册地址", "moving our registered address") is no address asked for.
     re.compile(r"电话|联系方式|联系人|(?<!注册)(?<!经营)(?<!住所)(?<!居住)(?<!家庭)(?<!户籍)(?<!变更)(?<![新原])地址(?!变更|迁移)|"
                r"邮箱|网址|热线|传真"),
     # A phone alone may be what is bought ("is my new phone eligible for the subsidy?"): its number is asked.
     re.compile(r"\bphone (?:number|no\b|line)|\b(?:telephone|contact|e-?mail|website|hotline|fax)\b|(?<!registered )(?<!business )(?<!home )"
                r"(?<!residential )(?<!our )(?<!my )(?<!their )(?<!its )(?<!new )(?<!old )(?<!current )\baddress\b", re.I)),
    ("list",
     re.compile(r"(负责|承担|要完成|有|做|管)(的)?(哪些|什么|全部|所有)(工作|任务|事|措施)?|哪些(工作|任务|措施)|职责|"
                r"(列出|列举).*(工作|任务|措施)"),
     re.compile(r"\bwhat (?:tasks|work|duties|measures|jobs)\b|\bwhich tasks\b|^\s*(?:please\s+)?list\b|\blist (?:all|every|each)\b|\bwhat does .+ do\b|"
                r"\bwhat (?:is|are) .+ (?:responsible for|in charge of|expected to do|supposed to do|required to do|"
                r"asked to do)\b|\bduties\b|\bresponsibilities\b|\bwhat .+ (?:doing|working on)\b", re.I)),
    ("support",
     re.compile(r"补助|补贴|奖励|资助|扶持|支持|基金|贴息|风险补偿|能(享受|得到|获得|申请)|优惠|津贴|减免"),
     re.compile(r"\b(?:subsid\w*|grant\w*|reward\w*|fund\w*|voucher\w*|support\w*|incentive\w*|"
                r"loan\w*|money|financ\w*|get|receive|benefit\w*|apply|eligible|allowance\w*|discount\w*)\b", re.I)),
)
_YESNO_ZH = re.compile(r"是否|能否|可否|可不可以|能不能|是不是|有没有|会不会|要不要|需不需要|必须.*吗|吗\s*[?？]?\s*$")
_YESNO_EN = re.compile(r"^\s*(?:is|are|can|could|does|do|did|will|would|should|must|may|has|have|was|were|"
                       r"am|shall)\b", re.I)
# Question words that open a question; "when"/"where"/"if" also open a clause before a yes/no question.
# A polite request is no yes/no question: "Can you summarize item 二(三)?", "能告诉我补贴标准吗？"
_REQUEST_EN = re.compile(r"^\s*(?:can|could|would|will) you (?:please )?(?:tell|summari[sz]e|explain|list|describe|give|show|"
                         r"say|outline|clarify|help|walk|point|name|provide|share|let)\b", re.I)
_REQUEST_ZH = re.compile(r"(?:能|可以|可否|能否|能不能|可不可以|麻烦|请)\s*(?:帮我|给我)?\s*(?:告诉|介绍|说明|解释|讲讲|讲一下|"
                         r"说说|说一下|列出|列举|概括|总结|查一下|看看)")
_WH_EN = re.compile(r"^\s*(?:what|which|who|whom|whose|why|how)\b", re.I)
_MONEY_WORDS_ZH = r"补助|补贴|奖励|奖金|资助|金额|钱|费用|津贴|额度|资金|罚款|罚|工资|收入|保费|报酬|薪|元|费|租金|房租|价格|单价|售价"
# The money word must stand by the figure cue: "能拿到多少一次性奖励", "补贴是多少", "罚多少"; in
# "残疾等级要几级才能领护理补贴" the figure asked (几级) is no sum, though a subsidy is named.
# "几号" / "几点" ask a date or an hour, never a sum ("补贴每个月几号前发到账").
_HOW_MANY_ZH = r"(?:多少|几(?![号点月日时]))"
_MONEY_ZH = re.compile(rf"{_HOW_MANY_ZH}[^，,。？?；]{{0,6}}(?:{_MONEY_WORDS_ZH})|(?:{_MONEY_WORDS_ZH})[^，,。？?；]{{0,6}}{_HOW_MANY_ZH}")
_MONEY_EN = re.compile(r"\b(?:subsid\w*|grant\w*|bonus\w*|reward\w*|award\w*|yuan|rmb|money|cash|allowance\w*|"
                       r"fund\w*|budget\w*|cost\w*|fee\w*|fine\w*|pay\w*|salar\w*|wage\w*|reimburs\w*|premium\w*)\b", re.I)
_FIGURE_ASKED = re.compile(r"多少|多久|多长|几[个天年月次家项名级]|\bhow (?:much|many|long)\b|\bwhat (?:amount|rate|percentage)\b|"
                           r"电话|联系方式|地址|\bphone number\b|\bcontact\b|\baddress\b", re.I)
_EMAIL_ASKED = re.compile(r"邮箱|电子邮件|\be-?mail\b", re.I)
FIGURE_KINDS = frozenset({"amount", "percentage", "count", "duration", "number"})


# Questions about the document itself, not its measures: who issued it, when, under which number.
# Answered from the page's metadata ("这个办法是哪个部门发布的?", "Who issued these measures?"). The
# question must point at the document (这个/该/本 …, its title, "the … measures"), not at one its text
# mentions ("实施细则由哪个部门出台?" asks about a document a measure promises).
_DOC_ZH = r"(?:文件|通知|办法|方案|措施|意见|规定|条例|细则|指南|要点|决定|公告|通告|政策)"
_DOCUMENT_FACTS_ZH = (
    ("number", re.compile(r"文号|发文字号|令第几号|第几号令")),
    ("issuer", re.compile(r"(?:(?:是)?(?:哪个|哪些|哪家|什么)(?:部门|单位|机关|机构)?|谁)(?:联合)?(?:发布|印发|发出|下发|制定|出台|颁布|发文)的?|"
                          r"发文(?:机关|单位|部门)|(?:发布|印发|制定)(?:机关|单位|部门|机构)")),
    ("date", re.compile(r"(?:什么时候|何时|哪天|哪一天|哪年|哪一年|几月几[日号])(?:发布|印发|出台|颁布|发文|下发|公布|制定)|"
                        r"(?:发布|印发|成文|公布|发文)(?:日期|时间)")),
)
THIS_DOCUMENT_ZH = re.compile(rf"(?:这个|这份|这项|这一|该|本|此|上述)[\u4e00-\u9fff]{{0,8}}?{_DOC_ZH}")  # 这个工作要点
_DOC_EN = r"(?:document|notice|measures|regulations?|rules|plan|policy|guide|guidelines|provisions|circular|opinions)"
_THE_DOC_EN = rf"(?:this|these|that|the)(?: [\w'-]+){{0,6}}? {_DOC_EN}"
_DOCUMENT_FACTS_EN = (
    ("number", re.compile(rf"\b(?:document|reference|file|official) (?:number|no\.?) of {_THE_DOC_EN}\b|"
                          rf"\b{_THE_DOC_EN}'s? (?:document|reference|file|official) (?:number|no\.?)", re.I)),
    ("issuer", re.compile(rf"\bwho (?:issued|published|released|enacted|promulgated|drafted|made|wrote) {_THE_DOC_EN}\b|"
                          rf"\b{_THE_DOC_EN} (?:was|were) (?:issued|published|released|enacted|promulgated) by\b|"
                          rf"\b(?:issuer|issuing body|issuing authority) of {_THE_DOC_EN}\b", re.I)),
    ("date", re.compile(rf"\bwhen (?:was|were|did) {_THE_DOC_EN} (?:\w+ )?(?:issued|published|released|enacted|promulgated|"
                        rf"issue|publish|release|come out)\b|\b(?:publication|issue|release) date of {_THE_DOC_EN}\b", re.I)),
)


_PRINTED_Q_RE = re.compile(r"(?<![A-Za-z])Q\s*(\d{1,3})(?!\d)")


def document_fact(question: str, language: str) -> tuple[str | None, bool]:
    """("issuer" | "date" | "number", whether the question points at the document by 这个/该/本 or "the …
    measures"), or (None, False). A Chinese question without such words may still name its title."""
    if language != "zh":
        return next(((fact, True) for fact, pattern in _DOCUMENT_FACTS_EN if pattern.search(question)), (None, False))
    fact = next((fact for fact, pattern in _DOCUMENT_FACTS_ZH if pattern.search(question)), None)
    return fact, bool(fact and THIS_DOCUMENT_ZH.search(question))


@dataclass(frozen=True)
class QueryInfo:
    text: str
    language: str
    kinds: frozenset[str] = field(default_factory=frozenset)
    sections: tuple[str, ...] = ()
    en_stems: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    document_fact: str | None = None  # "issuer" | "date" | "number": asked of the document itself
    this_document: bool = False  # the question points at the document (这个通知, "the measures")
    measure_words: tuple[str, ...] = ()  # what a figure asked for is counted in: 几套 → 套, "how many days" → 天, 日

    @property
    def asks_who(self) -> bool:
        return "who" in self.kinds

    @property
    def asks_figure(self) -> bool:
        """How much, how many, what rate, how long: a figure answers it."""
        return bool(self.kinds & FIGURE_KINDS)

    @property
    def asks_amount(self) -> bool:
        """Kept for callers written before the figure kinds were told apart."""
        return self.asks_figure

    @property
    def asks_list(self) -> bool:
        return "list" in self.kinds

    @property
    def asks_yesno(self) -> bool:
        return "yesno" in self.kinds

    @property
    def wanted(self) -> str | None:
        """The one kind of content the answer must contain, most specific first; None if any text does."""
        # "多少人" counts people even beside a money word ("最多补助多少人"); "几个月" is a duration.
        # "Which department …" is answered by units, "can I …?" by yes or no, "who pays the fee" by its
        # bearer: no figure is owed. ("能领多少吗?", "Can I get it, and how much?" still want the figure.)
        if self.asks_who or ((self.asks_yesno or "payer" in self.kinds) and
                             not _FIGURE_ASKED.search(_asked_part(self.text, self.language))):
            return None
        for kind in ("email", "contact", "percentage", "duration", "count", "amount", "date", "number", "procedure"):
            if kind in self.kinds:
                return kind
        return None


# 几 after 这/那/好/近/十 means "a few" ("这几年", "好几天", "十几个"): no question. (After 前/后 it may
# ask: "受理后几天内", "到期前几天".) So does 了几 in a clause before the one that asks: "我欠了几个月物业费，
# 能不能停水？", "我交了几年社保，能领多少钱？" tell the asker's story.
_INDEFINITE_JI_RE = re.compile(r"(?<=[这那好近十])几|(?<=了)几(?=[^，,；;。？?！!]*[，,；;][^？?]*[吗呢么多几什哪谁怎如是能可会要有])")
_SENTENCE_RE = re.compile(r"(?<=[.?!])\s+")


def _asked_part(question: str, language: str) -> str:
    """What a question asks, without the story told before it: in English its sentences that end in a
    question mark ("I rent a flat at that address. Can my landlord refuse?" asks no address), in Chinese
    the text with a story's 了几 read as "several"."""
    if language == "zh":
        return _INDEFINITE_JI_RE.sub("若干", question)
    asked = [s for s in _SENTENCE_RE.split(question.strip()) if s.rstrip().endswith("?")]
    return " ".join(asked) if asked else question


# "参保对象是谁" / "补贴范围包括谁" ask which people a rule covers, as "是哪些人" does: not which body
# is responsible ("负责人是谁", "主管部门是谁" still ask who).
_PEOPLE_WHO_RE = re.compile(r"(对象|人员|人群|群体|范围)(是|有|包括|包含|指|为|都是|都有)(?:哪些)?谁")


def question_kinds(question: str, language: str) -> frozenset[str]:
    zh = language == "zh"
    question = _PEOPLE_WHO_RE.sub(r"\1\2哪些人", _INDEFINITE_JI_RE.sub("若干", question))
    kinds = {kind for kind, zh_re, en_re in _KINDS if (zh_re if zh else en_re).search(question)}
    # A question mixing languages ("What is 市科技局 responsible for?") is read by both sides.
    if not zh:
        kinds |= {kind for kind, zh_re, _ in _KINDS if zh_re.search(question)}
    asked = _first_question(question)
    if (_YESNO_ZH.search(asked) and not _REQUEST_ZH.search(asked)) if zh else _yesno_en(asked):
        kinds.add("yesno")
    if "yesno" in kinds and (_ALTERNATIVE_ZH if zh else _ALTERNATIVE_EN).search(question):
        kinds.discard("yesno")  # "Can I apply online, or do I have to go in person?" asks which, not whether
    if "number" in kinds and "count" not in kinds and (_MONEY_ZH if zh else _MONEY_EN).search(question):
        kinds.add("amount")  # "能拿到多少一次性奖励": how much, of money
    if "contact" in kinds and _EMAIL_ASKED.search(question):
        kinds.add("email")  # "Is there an email address…?": a phone number does not answer it
    if "who" in kinds:
        kinds -= {"count", "number"}  # "由哪几个部门负责" counts departments, it wants their names
    if zh and _CHANGE_BY_ZH.search(question):
        kinds.discard("amount")  # "补贴能上浮多少": by a share (20%) as often as by a sum
        kinds.add("number")
    if "duration" in kinds and "date" in kinds and not zh and re.search(r"\bhow long\b", question, re.I):
        kinds.discard("date")
    if "duration" in kinds and zh and re.search(r"多长|多久|几天|几个月|几年|多少天|工作日", question):
        kinds.discard("date")  # "期限多长" wants a length, not a date
    if "count" in kinds and ("duration" in kinds or "amount" in kinds) and not zh:
        # "how many days" is a duration and "how many yuan" an amount, not a count of things.
        if re.search(r"\bhow many (?:days|working days|months|years|weeks|hours|yuan)\b", question, re.I):
            kinds.discard("count")
    return frozenset(kinds)


# How much a figure moves: "上浮多少", "提高了多少", "降低几个百分点" are answered by a share or a sum.
_CHANGE_BY_ZH = re.compile(r"(?:上浮|下浮|上调|下调|提高|降低|增加|减少|增长|下降|浮动|涨|降)了?(?:多少|几)(?![钱元块])")
_INFERRED_ID_RE = re.compile(r"(?<![\u4e00-\u9fff])([问段])\s*(\d{1,3})(?!\d)|第\s*(?:(\d{1,3})\s*([问段]))")


# A question offering two ways asks which one holds: "…, or do I have to go in person?", "线上办理还是
# 要去现场？". Answering it "yes" or "no" says nothing. ("…还是可以申请吗" is "still", not "or".)
_ALTERNATIVE_EN = re.compile(r"\bor (?:do|does|did|is|are|can|could|must|should|will|would|has|have|need|may|shall|was|were)"
                             r" (?:i|we|you|they|he|she|it|there|the|my|our|their)\b", re.I)
_ALTERNATIVE_ZH = re.compile(r"[，,]\s*还是(?!可以|能|会|要不要|需不需要)|是[^，,。？?]{1,20}还是(?!可以|能|会)")


_QUESTION_END_RE = re.compile(r"(?<=[?？])")


def _first_question(question: str) -> str:
    """The first question of several, with what leads up to it: "生育津贴现在发给谁？还发给单位吗？"
    asks who first, and a bare "yes" or "no" would answer only the afterthought. One question (or a
    story followed by one, "My son is 18. Can he …?") is kept whole."""
    parts = [p for p in _QUESTION_END_RE.split(question.strip()) if p.strip()]
    return parts[0] if len(parts) > 1 and parts[0].rstrip().endswith(("?", "？")) else question


def _yesno_en(question: str) -> bool:
    """A yes/no question in English: its last sentence, or a clause of it after a comma, opens with an
    auxiliary ("My son is 18. Can he …?", "If I move away, will the subsidy stop?"), and that
    sentence does not open with a question word ("Which papers, if any, are needed?")."""
    last = [s for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s.strip()][-1:] or [question]
    sentence = last[0]
    if _WH_EN.match(sentence) or _REQUEST_EN.match(sentence):
        return False
    return any(_YESNO_EN.match(clause) for clause in re.split(r"[,;:—–]", sentence))


_POINT_ZH_RE = re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*(?:点|项|个要点)(?!目)")
_POINT_EN_RE = re.compile(r"\b(bullet|question|paragraph|para)\s*(?:no\.?\s*)?(\d{1,3})\b", re.I)
_BARE_SUBSECTION_RE = re.compile(r"(?<![一二三四五六七八九十\d])第?\s*[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）](?!\s*[项款目条])\s*(?:部分)?"
                                 r"(\d{1,2}(?![\d.%万元个年月日天]))?")
_NTH_QUESTION_RE = re.compile(r"第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*个\s*问题")
_ARTICLE_ITEM_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*条\s*(?:的|中的|里的)?\s*第?\s*[(（]\s*([一二三四五六七八九十]+)\s*[)）]")
# A chapter named alone: "第二部分" (with a subsection it is SECTION_RE's or PART_RE's).
_CHAPTER_ONLY_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*部分(?!\s*第?\s*[(（]?\s*[一二三四五六七八九十]+\s*[)）])")


# The same words read as a plan whose 一、 chapters restart under each part, where the part prefixes
# the id: "第二部分第一项第（二）条", "第二部分一(二)" → 第二部分一(二). Both readings are kept; the
# corpus has one of them.
_PREFIXED_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*(部分|章|篇)\s*[的,，、]?\s*第?\s*([一二三四五六七八九十]+)"
                          r"\s*(?:项|条|点|、)?\s*(?:的?\s*第?\s*[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*(?:条|项|点)?)?")


# A 规划's 章 and 节, and an item in it: "第三章第二节", "第三章第二节第一项" → 第三章第二节一 (read first:
# PART_RE would take 第三章第二 for 三(二)).
_CHAPTER_SECTION_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*章\s*[的,，、]?\s*第\s*([一二三四五六七八九十]+)\s*节"
                                 r"(?:\s*(?:里|中)?的?\s*第?\s*([一二三四五六七八九十]+)\s*(?:项|条|点|、))?")


# A standard's clause "3.1.2" (or "第3.1.2条", "clause 3.1.2"), and its section "3.1" only where the
# question says it is one ("3.1节", "section 3.1"): 1.5 alone is a figure.
_DECIMAL_CLAUSE_RE = re.compile(r"(?<![\d.A-Za-z])((?:\d{1,2}|[A-Z])\.\d{1,2}\.\d{1,3})(?![\d.])")
_DECIMAL_SECTION_RE = re.compile(r"(?:第\s*|(?:clause|section|article)\s+)(\d{1,2}\.\d{1,2})(?![\d.])|"
                                 r"(?<![\d.])(\d{1,2}\.\d{1,2})\s*(?:节|条|款)", re.I)


def _named_sections(question: str) -> list[str]:
    """The ids a question names other than a 规划's 章 and 节, as written (normalised by the caller)."""
    decimal = _DECIMAL_CLAUSE_RE.findall(question)
    decimal += [m.group(1) or m.group(2) for m in _DECIMAL_SECTION_RE.finditer(question)]
    decimal += [f"附录{m.group(1)}" for m in re.finditer(r"附\s*录\s*([A-Z])(?![A-Za-z])", question)]
    if decimal:
        return decimal
    named = [f"{m.group(1)}({m.group(2)}){m.group(3) or ''}" for m in PART_RE.finditer(question)]
    named += [f"第{m.group(1)}{m.group(2)}{m.group(3)}" + (f"({m.group(4)})" if m.group(4) else "")
              for m in _PREFIXED_RE.finditer(question)]
    named += SECTION_RE.findall(PART_RE.sub(" ", question))
    if not named:
        # "(四)2", "第（五）部分" of a plan whose parts start at （一）: ids of their own, without a chapter
        # ("第（一）项" is an item of something else, an article's or a list's).
        named += [f"({m.group(1)}){m.group(2) or ''}" for m in _BARE_SUBSECTION_RE.finditer(question)]
    # "通知第三条第（二）项": a notice's readers call its chapter 三、 an article too; a regulation's
    # article keeps its items inside (第三条), a notice's 三(二) is an id of its own. Both are kept.
    named += [f"{m.group(1)}({m.group(2)})" for m in _ARTICLE_ITEM_RE.finditer(question)]
    if not named:
        # "Article 47", "Part Three, item 2", "item (3) under point six": parts named in English words.
        named += english_sections(question)
    if not named:
        for m in _CHAPTER_ONLY_RE.finditer(question):
            named += [m.group(1), f"第{m.group(1)}部分"]
    # "第9个问题": a question-and-answer page's 问9.
    named += [f"问{cn_to_int(m.group(1))}" for m in _NTH_QUESTION_RE.finditer(question)]
    # A question-and-answer page's 问3 and a prose page's 段2 ("第3问", "问3", "question 3 of the FAQ").
    named += [f"{m.group(1)}{m.group(2)}" if m.group(1) else f"{m.group(4)}{m.group(3)}"
              for m in _INFERRED_ID_RE.finditer(question)]
    # A list's points are numbered 1, 2, 3: "第5点", "第五项", "point 5", "item 12"; "question 3", "paragraph 2".
    rest = _PREFIXED_RE.sub(" ", PART_RE.sub(" ", question))
    named += [str(cn_to_int(m.group(1))) for m in _POINT_ZH_RE.finditer(rest)]
    for m in _POINT_EN_RE.finditer(question):
        named.append({"question": "问", "paragraph": "段", "para": "段"}.get(m.group(1).lower(), "") + m.group(2))
    # A page that prints its questions as Q1, Q2 has them cited so ("Q5", "问5" and "question 5" alike).
    named += [f"问{m.group(1)}" for m in _PRINTED_Q_RE.finditer(question)]
    named += [f"Q{s[1:]}" for s in named if s.startswith("问") and s[1:].isdigit()]
    return named


# The measure word a question counts in: "几套", "多少个岗位", "几个工作日". Chinese writes it after 几
# or 多少; the figure that answers says it again (2套, 8000个, 5个工作日).
_MEASURE_WORD_ZH_RE = re.compile(r"(?:几|多少)\s*(个工作日|工作日|个月|个小时|小时|周岁|岁|[个家项名次期所人条类种批位级套档倍户张间天年月周])")
# The same asked in English: "how many days", "how many households"; nouns of things counted by 个 or
# not counted at all ("how many measures") name no measure word.
_MEASURE_WORD_EN = {
    "working day": ("工作日",), "day": ("天", "日"), "month": ("个月", "月"), "year": ("年",), "week": ("周",),
    "hour": ("小时",), "person": ("人", "名"), "people": ("人", "名"), "household": ("户",), "family": ("户",),
    "company": ("家",), "enterprise": ("家",), "firm": ("家",), "business": ("家",), "time": ("次",),
    "flat": ("套",), "apartment": ("套",), "home": ("套",),
}
_MEASURE_WORD_EN_RE = re.compile(r"\bhow many (?:\w+ ){0,2}?(working days?|days?|months?|years?|weeks?|hours?|persons?|people|"
                                 r"households?|famil(?:y|ies)|compan(?:y|ies)|enterprises?|firms?|businesses|business|"
                                 r"times|flats?|apartments?|homes?)\b", re.I)
# Measure words read as one: a figure "15日" answers "几天", "3个月" answers "几个月".
MEASURE_WORD_KIN = (("天", "日", "自然日"), ("个工作日", "工作日"), ("个月", "月"), ("小时", "个小时"), ("岁", "周岁"), ("人", "名", "位"), ("周", "星期"))


def _singular(word: str) -> str:
    """companies → company, businesses → business, homes → home (as _MEASURE_WORD_EN has them)."""
    for ending, stem_end in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(ending) and word[:-len(ending)] + stem_end in _MEASURE_WORD_EN:
            return word[:-len(ending)] + stem_end
    return word


def measure_words(question: str, language: str) -> tuple[str, ...]:
    """The measure words a figure answering the question is counted in (几套 → 套, 几天 → 天 and 日)."""
    if language == "zh":
        asked = [m.group(1) for m in _MEASURE_WORD_ZH_RE.finditer(question)]
    else:
        asked = [word for m in _MEASURE_WORD_EN_RE.finditer(question)
                 for word in _MEASURE_WORD_EN[_singular(m.group(1).lower())]]
    words = []
    for word in asked:
        kin = next((k for k in MEASURE_WORD_KIN if word in k), (word,))
        words += [w for w in kin if w not in words]
    return tuple(words)


def analyse(question: str) -> QueryInfo:
    language = detect_language(question)
    named = [f"第{m.group(1)}章第{m.group(2)}节{m.group(3) or ''}" for m in _CHAPTER_SECTION_RE.finditer(question)]
    named += _named_sections(_CHAPTER_SECTION_RE.sub(" ", question))
    sections = tuple(dict.fromkeys(normalize_section(s) for s in named))
    kinds = set(question_kinds(question, language))
    if sections:
        kinds.add("section")
    stems = tuple(en_stem(w) for w in en_words(question)) if language != "zh" else ()
    return QueryInfo(question, language, frozenset(kinds), sections, stems, tuple(YEAR_RE.findall(question)),
                     *((None, False) if sections else document_fact(question, language)),
                     measure_words=measure_words(question, language))
