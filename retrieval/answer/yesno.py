"""Yes or no, read from the clause of a quote that the question asks about.

"是否需要…?" against "无需…" is a no; in "孤儿不享受生活补贴，可享受护理补贴" a question about
护理补贴 is a yes; "只能登记一个名称" answers "能同时登记两个名称吗?" with no; "应当年满十六周岁"
answers "我儿子15岁，能骑电动车吗?" with no.
"""
from __future__ import annotations

import re
from typing import Mapping

from retrieval.text.sections import cn_to_int

# Negations that deny; "不超过" only limits an amount.
_STRONG_NEG_RE = re.compile(r"不得|不予|不能|不可|不属于|不享受|不需要|无需|无须|不用|不再|禁止|不纳入|不包括|不包含|不含|不计入|不支持|不受理|"
                            r"停止|暂停|不收取|不收费|不适用|不承担|不在[^，,。；;]{0,15}范围|"
                            # Exempt from paying: "需要先交押金吗?" against "免交住院押金" is a no ("能免交吗?" a yes:
                            # a negation both write changes nothing).
                            r"免(?:交|缴|收)|"
                            # Not both: "养老护理补贴应与重度残疾人护理补贴择高享受（不同时享受）", "不重复享受" (不同时期 differs).
                            r"不同时(?!期|间|段|代|节)|不重复")
_CLAUSE_RE = re.compile(r"[^，,；;。：:！？!?\n]+")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
# "能不能", "需不需要", "可不可以": a question's A-not-A form asks, it denies nothing (its 不能 is no 不能).
_A_NOT_A_RE = re.compile(r"([\u4e00-\u9fff])不\1")
# Where a Chinese yes/no question's subject ends and what it asks about begins: "孩子是孤儿，能领护理补贴吗" asks
# about 领护理补贴.
_ASK_ZH_RE = re.compile(r"(?:是否|能否|可否|能不能|可不可以|可以|能|可|会|要|需要|必须|有没有|是不是|算不算|还)(.+?)(?:吗|呢)?\s*[?？]?\s*$")


def yes_or_no(question: str, quote: str, terms: Mapping[str, float] | None = None) -> bool | None:
    """No when the text denies what is asked: "是否需要…?" against "无需…", a limit below the number
    asked about, an age outside the one set. Yes when the clause about what is asked agrees: in "孤儿不享受
    生活补贴，可享受护理补贴" a question about 护理补贴 is a yes. Only strong negations count: "不超过"
    limits an amount, it does not deny anything.

    None when the text neither denies it nor grants it in a clause about it ("可以委托他人领取吗?"
    against a sentence on 领取 alone): a yes read from the absence of a negation was wrong more often
    than right on documents never tuned on (README, thirteenth session); the quote shows what there is.
    """
    if (said := _answered_first(question, quote)) is not None:
        return said
    heading, _, body = quote.partition("\n")
    if body and _EXCLUDING_HEADING_RE.search(heading) and not _denies(question):
        return False  # an item of "（二）不予支持的情形": what it names is excluded
    if (excepted := _excepted(question, quote, terms or {})) is not None:
        return excepted
    asked = _asked_clause(question, quote, terms or {})
    clause = asked or quote
    # An age limit may sit in another clause of the sentence, or elsewhere in a quote that sets only one.
    if _beyond_limit(question, clause) or any(_age_outside(question, text)
                                              for text in (clause, _sentence_of(clause, quote), body or quote)):
        return False
    asked_denies, text_denies = _negations(question, clause, terms or {})
    if asked_denies != text_denies:
        return False
    # Who is asked about is part of what is asked: "男职工的配偶能领生育津贴吗" is not granted by a
    # clause on 领取生育津贴 alone.
    focus = _focus(question, subject=True)
    if len(focus) >= 3:
        about = _speaks_of(focus, clause)
    else:  # an English question (or a short focus): the clause its words pick out, or a quote of one clause
        about = asked is not None or len(_CLAUSE_RE.findall(quote)) == 1
    return True if about and _GRANTS_RE.search(clause) else None


def _denies(question: str) -> bool:
    """Whether a question itself denies ("不需要…吗"); its A-not-A form ("需不需要…") only asks."""
    return bool(_STRONG_NEG_RE.search(_A_NOT_A_RE.sub(r"\1", question)))


_NAMED_AFTER = 2  # characters after a negation that, written in both texts, make it part of a name


def _negations(question: str, clause: str, terms: Mapping[str, float]) -> tuple[bool, bool]:
    """Whether the question and the clause deny, leaving out a negation both write as part of the same
    words: "不可降解塑料餐具" names a thing, so "还能用不可降解的餐具吗" against "禁止使用不可降解餐具" is
    asked plainly and denied by the text. Left out of both, a negation both deny with changes nothing.
    An English question asks about what its words were bridged to: "will my subsidy stop?" asks
    whether it 停止, which the text's 停止发放 answers, not denies."""
    asked = _A_NOT_A_RE.sub(r"\1", question)
    for match in list(_STRONG_NEG_RE.finditer(asked)):
        named = asked[match.start():match.end() + _NAMED_AFTER]
        if len(named) == len(match.group(0)) + _NAMED_AFTER and named in clause:
            asked, clause = asked.replace(named, "＿"), clause.replace(named, "＿")
    if not _HAN_RE.search(question):
        for word in {m.group(0) for m in _STRONG_NEG_RE.finditer(clause)}:
            if any(word in term or (len(term) >= 2 and term in word) for term, weight in terms.items() if weight > 0):
                clause = clause.replace(word, "＿")
    return bool(_STRONG_NEG_RE.search(asked)), bool(_STRONG_NEG_RE.search(clause))


def _sentence_of(clause: str, quote: str) -> str:
    """The sentence of the quote that holds a clause ("年龄在35周岁以下的…毕业生，分别按每月3000元…发放生活补贴")."""
    for sentence in re.split(r"(?<=[。；;！!？?\n])", quote):
        if clause in sentence:
            return sentence
    return clause


# "除新生儿等特殊群体外，…设置等待期3个月": what the rest of the sentence says holds for all but those named.
_EXCEPT_RE = re.compile(r"除了?([^，,。；;：:！？!?\n]{2,30}?)(?:以外|之外|外)[，,]?([^。；;！？!?\n]+)")
# "除申请材料外，还需提供委托书": with 还, 也, 另 the rest adds to what is named, it exempts nothing.
_ADDING_RE = re.compile(r"^\s*(?:还|也|另|尚|同时|均还|仍)")
_LIST_SEP_RE = re.compile(r"以及|[、和及与或等]")


def _excepted(question: str, quote: str, terms: Mapping[str, float]) -> bool | None:
    """Yes or no for what a "除…外" sentence exempts, when the question names it and asks what the rest
    of the sentence says: "新生儿需要等待期吗？" against "除新生儿等特殊群体外，…设置等待期" is a no,
    "消防救援机构执行任务时能启用消火栓吗？" against "除消防救援机构执行任务外，任何单位不得擅自启用消火栓"
    a yes. None when no such sentence is about the question."""
    for match in _EXCEPT_RE.finditer(quote):
        named, rest = match.group(1), match.group(2)
        if _ADDING_RE.match(rest):
            continue
        items = [item for item in _LIST_SEP_RE.split(named) if len(item) >= 2]
        if re.search(r"[\u4e00-\u9fff]", question):
            asked = _bigrams(question)
            if not any(2 * len(_bigrams(item) & asked) >= len(_bigrams(item)) for item in items):
                continue
            focus = _focus(question)
            if len(focus) >= 2 and not _speaks_of(focus, rest):
                continue
        else:  # English: the question's (bridged) Chinese words name an exempted item and the rest's subject
            words = [t for t in terms if len(t) >= 2]
            if not any(t in item and t not in rest for t in words for item in items) or \
                    not any(t in rest for t in words):
                continue
        # The exempted are free of what the rest imposes, and allowed what it forbids.
        exempted_denied = not _STRONG_NEG_RE.search(rest)
        return _denies(question) == exempted_denied
    return None


# A heading over a list of what is excluded: "（二）不予支持的情形", "不予受理的情况", "有下列情形之一的，不得申报".
_EXCLUDING_HEADING_RE = re.compile(r"(?:不予|不得|不能|不再|禁止)[\u4e00-\u9fff]{0,6}(?:的情形|的情况|的项目|的对象|的范围)|"
                                   r"下列情形之一的[，,]?(?:不予|不得|不能|不再)")
# A question-and-answer page answers a yes/no question with its first word: "问：…可以在青川领取吗？ 答：可以。…",
# "不算。困难残疾人生活补贴…不计入…". Longest first, so that 不需要 is not read as 不 and 需要 not as 需.
_FIRST_NO = ("不可以", "不需要", "不能够", "不属于", "不享受", "不符合", "不可", "不能", "不是", "不用", "不算", "不会",
             "不行", "不必", "不予", "没有", "无需", "无须", "否")
_FIRST_YES = ("可以", "能够", "需要", "属于", "享受", "符合", "必须", "应当", "是的", "能", "是", "要", "会", "算", "有", "行", "对")
_ANSWER_FIRST_RE = re.compile(r"(?:^|\n|答\s*[:：]\s*)(" + "|".join(_FIRST_NO + _FIRST_YES) + r")[。，,！!；;]|"
                             r"答\s*[:：]\s*(" + "|".join(w for w in _FIRST_NO + _FIRST_YES if len(w) > 1) + r")")
_ASKED_RE = re.compile(r"[？?]")


def _answered_first(question: str, text: str) -> bool | None:
    """Yes or no as a question-and-answer text gives it first, after its own question ("…吗？" above or
    before "答："); None when the text is no such answer. A Chinese question denying where the page's
    asks plainly ("不需要…吗" against "需要…吗？ 不需要。") is not read: the two may mean opposite things."""
    match = _ANSWER_FIRST_RE.search(text)
    if not match or not _ASKED_RE.search(text[:match.start()]):
        return None
    asked = text[:match.start()]
    if _HAN_RE.search(question) and _denies(question) != _denies(asked):
        return None
    return (match.group(1) or match.group(2)) in _FIRST_YES


# What a text writes when it grants, allows or requires something (免费乘坐, 可享受, 应当提交): a yes must
# be written, not inferred from the absence of a 不.
_GRANTS_RE = re.compile(r"可以|可|能|享受|允许|有权|予以|给予|准予|纳入|属于|适用|免(?:费|收|予|除|交|缴)|应当|必须|须")


# "只能登记一个名称" limits to one: "能同时登记两个名称吗?" / "Can a company register two names?" is a no.
_ONLY_RE = re.compile(r"(?:只能|仅能|只可|仅可|仅限|只限|限)[^，,。；;]{0,8}?([一二两三四五六七八九十\d]+)\s*[个家项次名套处条件份方人]")
_MANY_ZH_RE = re.compile(r"([一二两三四五六七八九十\d]+)\s*[个家项次名套处条件份方人]|多个|多家|多次|多项|同时")
_MANY_EN_RE = re.compile(r"\b(?:two|three|four|five|several|multiple|more than one|\d{1,2}(?= \w+s\b))\b", re.I)
_EN_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}


def _beyond_limit(question: str, clause: str) -> bool:
    """The text allows only N of something and the question asks about more than N."""
    only = _ONLY_RE.search(clause)
    if not only:
        return False
    limit = cn_to_int(only.group(1))
    for match in _MANY_ZH_RE.finditer(question):
        if match.group(1) is None or cn_to_int(match.group(1)) > limit:
            return True
    for match in _MANY_EN_RE.finditer(question):
        word = match.group(0).lower()
        count = int(word) if word.isdigit() else _EN_NUMBERS.get(word, limit + 1)
        if count > limit:
            return True
    return False


_CN_OR_DIGITS = r"(\d{1,3}|[一二三四五六七八九十]{1,3})"
# The asker's age: "我65岁", "儿子今年15岁", "I am 17", "a 70-year-old".
_AGE_ASKED_ZH_RE = re.compile(rf"{_CN_OR_DIGITS}\s*周?岁(?!以上|以下|及以上|及以下|至|到|-)")
_AGE_ASKED_EN_RE = re.compile(r"\b(?:I am|I'm|he is|she is|he's|she's|aged?|(?:my|our) (?:father|mother|dad|mum|mom|son|"
                             r"daughter|child|kid|grandmother|grandfather|grandma|grandpa|wife|husband|parents?) (?:is|are))"
                             r"\s+(\d{1,3})\b|\b(\d{1,3})[- ]years?[- ]old\b", re.I)
# An age the text sets: at least ("年满十六周岁", "60周岁以上", "未满十六周岁的…不得") or at most ("12周岁以下").
_AGE_MIN_RE = re.compile(rf"(?:年满|满|未满|不满){_CN_OR_DIGITS}\s*周?岁|{_CN_OR_DIGITS}\s*周?岁(?:以上|及以上)")
_AGE_MAX_RE = re.compile(rf"{_CN_OR_DIGITS}\s*周?岁(?:以下|及以下)")


def _age_outside(question: str, clause: str) -> bool:
    """The asker's one age falls outside the one age limit the text sets."""
    asked = [g for m in _AGE_ASKED_ZH_RE.finditer(question) for g in m.groups() if g] + \
        [g for m in _AGE_ASKED_EN_RE.finditer(question) for g in m.groups() if g]
    limits = [(m, "min") for m in _AGE_MIN_RE.finditer(clause)] + [(m, "max") for m in _AGE_MAX_RE.finditer(clause)]
    if len(asked) != 1 or len(limits) != 1:
        return False
    match, kind = limits[0]
    age, limit = cn_to_int(asked[0]), cn_to_int(next(g for g in match.groups() if g))
    return age < limit if kind == "min" else age > limit


_ASKER_RE = re.compile(r"^(?:请问|那么?|如果|假如)?\s*(?:我们|我家|我|咱们|咱|您|你们|你|本人|自己)?(?:的)?")
_BARE_ASK_RE = re.compile(r"^\s*(?:可以|可不可以|能|能不能|能否|行|行不行|是否可以|允许|合法|对|对不对)?\s*(?:吗|呢|么)?\s*$")


def _focus(question: str, subject: bool = False) -> str:
    """What a Chinese yes/no question asks about: "孩子是孤儿，能领护理补贴吗" → 领护理补贴 ("" if none).
    A last clause that only asks ("…想转手卖掉，可以吗？") asks about the clause before it. ``subject``:
    with who is asked about, before the asking word ("男职工的配偶能领生育津贴吗" → 男职工的配偶领生育津贴)."""
    clauses = [c for c in re.split(r"[，,。；;]", question.strip().rstrip("？?")) if c.strip()] or [question]
    if len(clauses) > 1 and _BARE_ASK_RE.match(clauses[-1]):
        return clauses[-2].strip()
    match = _ASK_ZH_RE.search(clauses[-1])
    if not match:
        return ""
    if not subject:
        return match.group(1)
    # The asker's own pronoun is no part of it (我, 我们, 本人).
    return _ASKER_RE.sub("", clauses[-1][:match.start()]).strip() + match.group(1)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _speaks_of(focus: str, text: str) -> bool:
    """Whether some clause of the text holds at least half of what the question asks about, by
    character pairs (本人到场 in 无需本人到现场)."""
    asked = _bigrams(focus)
    return any(2 * len(asked & _bigrams(clause)) >= len(asked) for clause in _CLAUSE_RE.findall(text))


def _asked_clause(question: str, quote: str, terms: Mapping[str, float]) -> str | None:
    """The clause of ``quote`` most about what the question asks; None when no clause stands out."""
    clauses = [c.strip() for c in _CLAUSE_RE.findall(quote) if c.strip()]
    if len(clauses) < 2:
        return None
    focus = _focus(question)
    if len(focus) >= 2:
        grams = _bigrams(focus)
        scores = [sum(1.0 for i in range(len(c) - 1) if c[i:i + 2] in grams) for c in clauses]
    else:  # an English question: its (bridged) Chinese terms, rarer ones weigh more
        scores = [sum(w for t, w in terms.items() if t in c) for c in clauses]
    best = max(scores)
    if best <= 0 or scores.count(best) > 1:
        return None
    at = scores.index(best)
    if clauses[at].endswith("的") and at + 1 < len(clauses):
        # "被列入严重失信主体名单的，不得享受支持": a condition's clause is read with what follows from it.
        return clauses[at] + "，" + clauses[at + 1]
    return clauses[at]
