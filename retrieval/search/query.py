"""What a question asks: its language, its kind (who / how much / list / section), units and sections named."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.ingest.parsing import normalize_section
from retrieval.text.textnorm import detect_language, en_stem, en_words

SECTION_RE = re.compile(
    r"第\s*[一二三四五六七八九十百零〇\d]+\s*条"
    r"|[一二三四五六七八九十]+\s*[、.]?\s*[(（]\s*[一二三四五六七八九十]+\s*[)）](?:\s*\d+(?!\d|\.\d|\s*[%万亿元个家项名期次年]))?")

# "第三部分第(二)条" / "第三部分(二)": a chapter and subsection named in words.
PART_RE = re.compile(r"第\s*([一二三四五六七八九十]+)\s*(?:部分|章|大项)\s*[的,，、]?\s*第?\s*[(（]?\s*([一二三四五六七八九十]+)\s*[)）]?\s*(?:条|项|点|小项)?")
_WHO_ZH = re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪家|哪一个部门|由哪|什么部门|什么单位|责任单位|牵头|主管")
_WHO_EN = re.compile(r"\bwho\b|\bwhos\b|\bwhich (?:\w+ ){0,2}(?:unit|bureau|department|office|agency|body|organ|"
                     r"commission|committee|government|authority|authorities)s?\b|\bresponsible\b|\bin charge\b",
                     re.I)
_AMOUNT_ZH = re.compile(r"多少|几[个家项名次期所人年]|比例|最高|金额|额度|上限|百分之|目标|达到|多大|多高|多长")
_AMOUNT_EN = re.compile(r"\bhow (?:much|many|large|big|high)\b|\bwhat (?:share|percentage|proportion|amount|"
                        r"number|target|ratio|sum|rate|goal|figure)\b|\b(?:total|overall) (?:size|amount|value)\b|\bmaximum\b|\bup to\b|\bcap\b|\bpercent\w*|\btarget|\brate\b",
                        re.I)
_LIST_ZH = re.compile(r"(负责|承担|要完成|有|做|管)(的)?(哪些|什么|全部|所有)(工作|任务|事|措施)?|哪些(工作|任务|措施)|职责|"
                      r"(列出|列举).*(工作|任务|措施)")
_LIST_EN = re.compile(r"\bwhat (?:tasks|work|duties|measures|jobs)\b|\bwhich tasks\b|\blist\b|\bwhat does .+ do\b|"
                      r"\bwhat (?:is|are) .+ (?:responsible for|in charge of|expected to do|supposed to do|required to do|"
                      r"asked to do)\b|\bduties\b|\bresponsibilities\b|\bwhat .+ (?:doing|working on)\b", re.I)
_SUPPORT_ZH = re.compile(r"补助|补贴|奖励|资助|扶持|支持|基金|创新券|贴息|风险补偿|能(享受|得到|获得|申请)|优惠")
_SUPPORT_EN = re.compile(r"\b(?:subsid\w*|grant\w*|reward\w*|fund\w*|voucher\w*|support\w*|incentive\w*|"
                         r"loan\w*|money|financ\w*|get|receive|benefit\w*|apply|eligible)\b", re.I)


@dataclass(frozen=True)
class QueryInfo:
    text: str
    language: str
    kinds: frozenset[str] = field(default_factory=frozenset)  # who, amount, list, section, support
    sections: tuple[str, ...] = ()
    en_stems: tuple[str, ...] = ()

    @property
    def asks_who(self) -> bool:
        return "who" in self.kinds

    @property
    def asks_amount(self) -> bool:
        return "amount" in self.kinds

    @property
    def asks_list(self) -> bool:
        return "list" in self.kinds


def analyse(question: str) -> QueryInfo:
    language = detect_language(question)
    named = [f"{m.group(1)}({m.group(2)})" for m in PART_RE.finditer(question)]
    named += SECTION_RE.findall(PART_RE.sub(" ", question))
    sections = tuple(dict.fromkeys(normalize_section(s) for s in named))
    zh = language == "zh"
    kinds = set()
    if (_WHO_ZH if zh else _WHO_EN).search(question):
        kinds.add("who")
    if (_AMOUNT_ZH if zh else _AMOUNT_EN).search(question):
        kinds.add("amount")
    if (_LIST_ZH if zh else _LIST_EN).search(question):
        kinds.add("list")
    if (_SUPPORT_ZH if zh else _SUPPORT_EN).search(question):
        kinds.add("support")
    if sections:
        kinds.add("section")
    stems = tuple(en_stem(w) for w in en_words(question)) if not zh else ()
    return QueryInfo(question, language, frozenset(kinds), sections, stems)
