"""Offline answers: short, in the question's language, built only from quoted sentences of measures."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Collection, Mapping, Sequence

from retrieval.answer.yesno import yes_or_no
from retrieval.models import Citation, Hit, Measure
from retrieval.search.documents import short_title
from retrieval.search.query import QueryInfo
from retrieval.search.support import FIGURE_RE
from retrieval.text.figures import CN_NUMERAL, has_kind
from retrieval.text.textnorm import sentences, zh_tokens
from retrieval.text.sections import in_section, parent_section
from retrieval.text.units import display_name

# The one refusal phrase; prompts, answers and tests all use these.
REFUSAL = {"zh": "文件中没有找到这个问题的答案。", "en": "The document does not answer this question."}
NEAREST = {"zh": "最接近的措施:", "en": "The nearest measures are:"}
NO_UNIT = {"zh": "文件没有为该措施指定责任单位。", "en": "The document names no responsible unit for this measure."}

_AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)元?")


# Kinds whose answer is an enumeration (items, steps, conditions): their quote may run longer.
LIST_KINDS = frozenset({"list", "procedure", "eligibility"})


# How much the sentence closest in meaning to the question weighs against matching words (a sentence
# holding the asked kind of content gets 2): English questions share no words with the text.
CLOSENESS_WEIGHT = 3.0


def quote_terms(prepared) -> dict[str, float]:
    """The question's Chinese terms (a ``Prepared``'s) weighted by how rare they are in the corpus,
    for picking quotes."""
    bm25 = prepared.lex.zh
    return {t: w * bm25.idf(t) for t, w in prepared.terms.zh.items()}


def pick_quote(measure: Measure, info: QueryInfo, terms: Mapping[str, float], limit: int,
               budget: int | None = None, list_budget: int | None = None,
               closeness: Mapping[str, float] | None = None) -> str:
    """The run of adjacent sentences of a measure that best answers the question, verbatim.

    A sentence scores by the question's terms it holds (``terms`` weighs them, rarer words more) and
    by holding the kind of content asked for (an amount, a duration …). Without ``budget`` the run is
    ``limit`` sentences long. With it, the run is as long as fits in ``budget`` characters (at least
    one sentence): a measure that fits is quoted whole, and items of a list ("下列…：（一）…；（二）…")
    come with their lead-in, so "which documents / who qualifies" quotes the items, not one of them.
    ``closeness`` (sentence → cosine with the question) adds what the words miss. A heading that is
    itself a statement ("(五)建立研发项目库,…按照预定计划项目数150%左右…") is quoted instead when it,
    not the text under it, holds the kind of content asked for.
    """
    text = _statement_heading(measure, info) or measure.text.strip()
    parts = sentences(text)
    if budget is None:
        if len(parts) <= limit:
            return text
    else:
        if info.kinds & LIST_KINDS and list_budget:
            budget = max(budget, list_budget)
        if len(text) <= budget:
            return text
    scores = _sentence_scores(parts, info, terms, closeness or {})
    if budget is None:
        windows = [(sum(scores[i:i + limit]), -i, i, i + limit) for i in range(len(parts) - limit + 1)]
    else:
        windows = _windows(parts, scores, budget, limit, bool(info.kinds & LIST_KINDS))
    *_, first, last = max(windows)
    starts = _offsets(text, parts)
    start, end = starts[first], starts[last - 1] + len(parts[last - 1])
    return text[start:end] if 0 <= start < end else parts[first]


_NUMBERING_RE = re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]\s*|^\s*[一二三四五六七八九十]+\s*[、.．]\s*")
STATEMENT_CHARS = 40  # a heading longer than a label says something itself


def _statement_heading(measure: Measure, info: QueryInfo) -> str | None:
    """The measure's subsection heading (without its number) when it is a statement holding the
    content the question wants and the measure's own text does not."""
    heading = _NUMBERING_RE.sub("", measure.subsection or "").strip()
    wanted = info.wanted
    if len(heading) <= STATEMENT_CHARS or not wanted or has_kind(wanted, measure.text):
        return None
    return heading if has_kind(wanted, heading) else None


def _sentence_scores(parts: list[str], info: QueryInfo, terms: Mapping[str, float],
                     closeness: Mapping[str, float]) -> list[float]:
    wanted = info.wanted
    scores = []
    known = [closeness[p] for p in parts if p in closeness]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    for sentence in parts:
        tokens = set(zh_tokens(sentence))
        score = sum(w for t, w in terms.items() if t in tokens)
        if wanted and has_kind(wanted, sentence):
            score += 2.0
        elif info.asks_figure and FIGURE_RE.search(sentence):
            score += 1.0
        if high > low and sentence in closeness:
            score += CLOSENESS_WEIGHT * (closeness[sentence] - low) / (high - low)
        scores.append(score)
    # A lead-in ("符合下列条件的，可以申请：") is worth what its best item is: the items need it.
    for i, sentence in enumerate(parts[:-1]):
        if sentence.rstrip().endswith(("：", ":")):
            scores[i] = max(scores[i], 0.5 * max(scores[i + 1:i + 4]))
    return scores


def _windows(parts: list[str], scores: list[float], budget: int, limit: int, enumerate_: bool):
    """Candidate runs (score, tie-breaks…, first, last) that fit the budget. Ties go to runs that start
    on a sentence that matches (not on the filler before it), then to runs of at least ``limit``
    sentences, then (for enumerations) longer runs, then earlier ones."""
    out = []
    for i in range(len(parts)):
        size, total = 0, 0.0
        for j in range(i, len(parts)):
            size += len(parts[j])
            if size > budget and j > i:
                break
            total += scores[j]
            n = j - i + 1
            length_key = n if enumerate_ else -n
            out.append((round(total, 6), scores[i] > 0, min(n, limit), length_key, -i, i, j + 1))
    return out


def _offsets(text: str, parts: list[str]) -> list[int]:
    """Where each sentence starts in the text, in order (a sentence may occur more than once)."""
    starts, cursor = [], 0
    for part in parts:
        at = text.find(part, cursor)
        starts.append(at)
        cursor = at + len(part) if at >= 0 else cursor
    return starts


def english_amount(figure: str) -> str | None:
    """2000万元 → 20 million yuan; 150亿元 → 15 billion yuan (for English readers)."""
    match = _AMOUNT_RE.search(figure)
    if not match:
        return None
    value = float(match.group(1)) * (1e4 if match.group(2) == "万" else 1e8)
    if value >= 1e9:
        return f"{value / 1e9:g} billion yuan"
    if value >= 1e6:
        return f"{value / 1e6:g} million yuan"
    return f"{value:,.0f} yuan"


_UNIT_EN = (("个工作日", "working days"), ("工作日", "working days"), ("个月", "months"), ("周岁", "years of age"),
            ("小时", "hours"), ("年", "years"), ("月", "months"), ("日", "days"), ("天", "days"), ("周", "weeks"),
            ("家", ""), ("个", ""), ("项", ""), ("名", "people"), ("人", "people"), ("次", "times"), ("户", "households"),
            ("所", ""), ("件", ""), ("元", "yuan"))
_COUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(个工作日|工作日|个月|周岁|小时|年|月|日|天|周|家|个|项|名|人|次|户|所|件|元)")


_DIGIT_GROUP_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def english_figure(figure: str) -> str | None:
    """A Chinese figure in English: 2000万元 → 20 million yuan, 500家 → 500, 3个月 → 3 months,
    每月1,000元 → 1,000 yuan (its digits grouped as the text groups them, not its last group alone)."""
    figure = _DIGIT_GROUP_RE.sub("", figure)
    amount = english_amount(figure)
    if amount:
        return amount
    match = _COUNT_RE.search(figure)
    if not match:
        return None
    unit = dict(_UNIT_EN)[match.group(2)]
    if match.group(1) == "1":  # 1天 → 1 day, 1名 → 1 person
        unit = {"people": "person", "years of age": "year of age"}.get(unit, unit.removesuffix("s"))
    number = f"{int(match.group(1)):,}" if match.group(1).isdigit() else match.group(1)  # 12000 → 12,000
    return f"{number} {unit}".strip()


# Any quantity a reader may ask "how many / how much" about: amounts, shares and counts.
QUANTITY_RE = re.compile(r"(?:最高|不超过|达到|新增|约)?\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|万|亿|个工作日|工作日|个月|周岁|小时|"
                         r"个|家|项|名|次|期|所|人|件|户|年|月|日|天|周)(?:左右)?")


_DATE_RE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月")


# A date as a "when" question wants it: a day, a month's part, a span ("2025年9月下旬至2025年12月20日",
# "每年3月1日至4月30日", "每月25日前", "自2025年7月1日起").
_ONE_DATE = (r"(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号]|上旬|中旬|下旬|底|初|中)?|"
             r"(?<=每月)\d{1,2}\s*[日号])|\d{4}\s*年(?:底|初|年底|年初)?")
DATE_PHRASE_RE = re.compile(rf"(?:自|从|于)?(?:每年|每月)?(?:{_ONE_DATE})(?:\s*起?\s*(?:至|到|—|–|-|~)\s*(?:{_ONE_DATE}))?"
                            r"(?:前|以前|之前|起|以后|止)?")
DATE_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def dates_in(text: str) -> list[str]:
    """The dates and spans a text gives, each once, in its order (a span is one date: "5月24日至5月26日").
    A bare year is none: "市属国有企业2025年新增岗位" names the plan's year, not when anything happens;
    "2025年底前" is one."""
    found = [m.group(0).strip() for m in DATE_PHRASE_RE.finditer(text)]
    return list(dict.fromkeys(d for d in found if re.search(r"[月日号底初]", d)))


_EN_DATE_RE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号]|(上旬|中旬|下旬|底|初|中))?")
_EN_PART = {"上旬": "early", "初": "early", "中旬": "mid", "中": "mid", "下旬": "late", "底": "the end of"}
_EN_EDGE = (("自", "from "), ("从", "from "), ("于", "on "), ("每年", "every year "))


def english_date(date: str) -> str | None:
    """A Chinese date or span in English: 2025年12月20日 → 20 December 2025, 9月下旬 → late September,
    5月24日至5月26日 → 24 May to 26 May, 2025年7月1日起 → from 1 July 2025. None for what it cannot read."""
    def one(match: re.Match) -> str:
        year, month, day, part = match.groups()
        name = DATE_MONTHS[int(month) - 1] if 1 <= int(month) <= 12 else month
        text = f"{int(day)} {name}" if day else (f"{_EN_PART[part]} {name}" if part else name)
        return f"{text} {year}" if year else text

    monthly = re.fullmatch(r"每月(\d{1,2})\s*[日号](前|以前|之前)?", date)
    if monthly:
        day = int(monthly.group(1))
        nth = f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"
        return f"by the {nth} of every month" if monthly.group(2) else f"on the {nth} of every month"
    by = re.search(r"(?:以前|之前|前)$", date)
    out = date[: by.start()] if by else date
    year = re.fullmatch(r"(\d{4})\s*年(底|初)?", out)
    if year:
        out = {"底": "the end of ", "初": "early "}.get(year.group(2) or "", "") + year.group(1)
        return f"by {out}" if by else out
    if not _EN_DATE_RE.search(out):
        return None
    out = _EN_DATE_RE.sub(one, out)
    prefix = ""
    for chinese, english in _EN_EDGE:
        if out.startswith(chinese):
            prefix, out = prefix + english, out[len(chinese):]
    out = re.sub(r"\s*起?\s*(?:至|到|—|–|~)\s*", " to ", out)
    for ending, english in (("以后", " onwards"), ("起", " onwards"), ("止", "")):
        if out.endswith(ending):
            out = out[: -len(ending)] + english
            break
    out = "by " + out if by else prefix + out
    return None if re.search(r"[\u4e00-\u9fff]", out) else out


# Counts in the other measure words a question may ask by (几套, 几辆, 几岁); not an ordinal (第3条).
COUNTED_RE = re.compile(r"(?<![第\d.])\d+\s*(?:套|位|类|种|批|档|倍|张|间|辆|台|座|岁)")


def figures_in(text: str) -> list[str]:
    text = _DATE_RE.sub(" ", text)  # dates are no quantities: 2025年 is no "2025 years"
    found = FIGURE_RE.findall(text) + QUANTITY_RE.findall(text) + COUNTED_RE.findall(text)
    figures = list(dict.fromkeys(f.strip() for f in found))
    # Keep the longest form of each figure: "最高2000万元", not also "2000万元".
    return [f for f in figures if not any(f != other and f in other for other in figures)]


_FIGURE_WORD_RE = re.compile(rf"[\d{CN_NUMERAL}]\s*(个工作日|工作日|自然日|个月|个小时|小时|分钟|周岁|岁|万元|亿元|元|[%％]|"
                             r"[个家项名次期所人条类种批位级套档倍户张间天年月周日])")
# Lengths of time: no answer to "how many" (几套 is not answered by 5年).
TIME_WORDS = frozenset({"个工作日", "工作日", "自然日", "个月", "个小时", "小时", "分钟", "年", "月", "天", "日", "周"})


def measure_word(figure: str) -> str | None:
    """What a figure is counted in: 8000个 → 个, 不超过7天 → 天, 最高20万元 → 万元."""
    match = _FIGURE_WORD_RE.search(figure)
    return match.group(1) if match else None


HOW_MUCH_KINDS = ("amount", "percentage", "multiple")  # figures that say how much support is given


def asked_figures(figures: list[str], wanted: str | None, words: Sequence[str] = ()) -> list[str]:
    """The figures of the kind the question asks for ("最高多少钱" → the sums, not the rates beside
    them). When none is of that kind, a sum or a rate still says how much support is given (按30%补助),
    but sums say nothing of "how long" or "how many": none are listed then, and the quote speaks.

    ``words``: the measure words the question counts in (几套 → 套). The figures counted in them are
    the answer when there are any ("多少个岗位": 8000个, not 40% or 12个月 beside it); a count is
    never answered by a length of time or a sum.
    """
    counted = [f for f in figures if measure_word(f) in words] if words else []
    if counted:
        return counted
    if wanted not in ("amount", "percentage", "duration", "count"):
        return figures
    if wanted == "count":
        kept = [f for f in figures if not has_kind("amount", f) and measure_word(f) not in TIME_WORDS]
    else:
        kept = [f for f in figures if has_kind(wanted, f)]
    if kept or wanted not in ("amount", "percentage"):
        return kept
    # A rate answers "how much" as a sum does, and a multiple ("2倍") too; "12个月" beside them does not.
    return [f for f in figures if any(has_kind(kind, f) for kind in HOW_MUCH_KINDS)]


def cite(measure: Measure, quote: str, terms: Mapping[str, float] | None = None) -> Citation:
    lead = tuple(getattr(measure, "lead_units", ()) or ())
    partners = tuple(getattr(measure, "partner_units", ()) or getattr(measure, "support_units", ()) or ())
    units = measure.units
    if getattr(measure, "units_inferred", False) and terms:
        units = _units_doing(measure, terms)
    return Citation(measure.document, measure.section, measure.heading, quote, units,
                    short_title(measure.title) or measure.document, lead, partners)


def _units_doing(measure: Measure, terms: Mapping[str, float]) -> tuple[str, ...]:
    """Of the units an article names in its prose ("区民政局负责…。区市场监管局负责老年助餐服务食品安全…"),
    those whose own sentences carry most of the question's words: the ones doing what is asked about.
    All of them when no sentence carries any."""
    weight = {}
    for sentence in sentences(measure.text):
        score = sum(w for t, w in terms.items() if t in sentence)
        for unit in measure.units:
            if unit in sentence:
                weight[unit] = max(weight.get(unit, 0.0), score)
    best = max(weight.values(), default=0.0)
    return tuple(u for u in measure.units if weight.get(u) == best) if best > 0 else measure.units


def _names(units: Sequence[str], language: str, names: Mapping[str, str]) -> list[str]:
    return [display_name(u, language, names) for u in units]


def units_line(units: Sequence[str], language: str, names: Mapping[str, str],
               lead: Sequence[str] = (), partners: Sequence[str] = ()) -> str:
    if not units:
        return NO_UNIT[language]
    if lead and partners:
        if language == "zh":
            return f"牵头单位:{'、'.join(_names(lead, language, names))};配合单位:{'、'.join(_names(partners, language, names))}"
        return f"Lead: {'; '.join(_names(lead, language, names))}. Partners: {'; '.join(_names(partners, language, names))}"
    shown = _names(units, language, names)
    return ("责任单位:" + "、".join(shown)) if language == "zh" else "Responsible: " + "; ".join(shown)


def who_line(cited: Sequence[Citation], language: str, names: Mapping[str, str],
             titles: Mapping[str, str] | None = None) -> str:
    """Every unit of every cited measure, lead units first: "which departments" wants them all. Units
    of measures from several documents are never pooled: each document says who does what in it."""
    with_units = [c for c in cited if c.units]
    first = cited[0]
    if not with_units:
        where = _ref(first, titles or {}, language)
        return f"{where}:{NO_UNIT['zh']}" if language == "zh" else f"{where}: {NO_UNIT['en']}"
    documents = list(dict.fromkeys(c.document for c in with_units))
    titles = titles or {}
    # Whose units these are, when the answer cites several documents, or the corpus holds several (then
    # "(见第三十条)" alone leaves the reader to guess which document's 第三十条).
    if len({c.document for c in cited}) > 1 or titles.get(first.document):
        lines = []
        for document in documents:
            title = titles.get(document) or next(c.title for c in with_units if c.document == document)
            line = _units_of([c for c in with_units if c.document == document], language, names)
            lines.append(f"《{title}》{line}" if language == "zh" else f"In 《{title}》: {line}")
        return "\n".join(lines)
    return _units_of(with_units, language, names)


def _units_of(with_units: Sequence[Citation], language: str, names: Mapping[str, str]) -> str:
    lead = list(dict.fromkeys(u for c in with_units for u in (c.lead_units or c.units)))
    partners = [u for u in dict.fromkeys(u for c in with_units for u in c.partner_units) if u not in lead]
    sections = "、".join(dict.fromkeys(c.section for c in with_units))
    if language == "zh":
        line = f"由{'、'.join(_names(lead, language, names))}{'牵头' if partners else ''}负责"
        if partners:
            line += f",{'、'.join(_names(partners, language, names))}配合"
        return line + f"(见{sections})。"
    line = english_list(_names(lead, language, names))
    if partners:
        line += f" lead{'s' if len(lead) == 1 else ''}, with {english_list(_names(partners, language, names))}"
    several = len(dict.fromkeys(c.section for c in with_units)) > 1
    return line + f" — see measure{'s' if several else ''} {sections.replace('、', ', ')}."


def english_list(items: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    items = list(items)
    return items[0] if len(items) < 2 else f"{', '.join(items[:-1])} and {items[-1]}"


def _ref(citation: Citation, titles: Mapping[str, str], language: str) -> str:
    """A section as a reader finds it: with its document's title when the corpus has several."""
    title = titles.get(citation.document)
    if not title:
        return citation.section
    return f"《{title}》{citation.section}" if language == "zh" else f"{citation.section} of 《{title}》"


def lead_line(info: QueryInfo, cited: Sequence[Citation], language: str, names: Mapping[str, str],
              list_unit: str | None, total: int = 0, titles: Mapping[str, str] | None = None,
              terms: Mapping[str, float] | None = None, whole_list: bool = False) -> str:
    first = cited[0]
    titles = titles or {}
    zh = language == "zh"
    total = max(total, len(cited))
    if list_unit:
        unit = display_name(list_unit, language, names)
        more = len(cited) < total
        if zh:
            return f"{unit}负责{total}项措施" + (f",以下列出前{len(cited)}项:" if more else ":")
        return f"{unit} is responsible for {total} measures" + (f"; the first {len(cited)} are:" if more else ":")
    if info.asks_yesno and not info.asks_who:
        # A measure's heading often states the policy itself ("(六)对新认定的…给予一次性奖励"): read with the quote.
        yes = yes_or_no(info.text, f"{first.heading_line}\n{first.quote}", terms)
        figures = asked_figures(figures_in(first.quote) or figures_in(first.heading_line), info.wanted,
                                info.measure_words) if yes is None and info.asks_figure else []
        if figures:
            # "Is there a bonus for a third child, and how much?": the sum the text gives answers both.
            return _figures_line(first, figures, titles, language)
        if yes is None:
            refs = _refs(cited, titles, language)
            # Worded without 是/否 or "yes": the line takes no side.
            return (f"文件没有直接说明这一点,相关规定见{refs}。" if zh else
                    f"The document does not answer this directly; see measure {refs}.")
        if zh:
            return f"{'是' if yes else '否'}。依据{_ref(first, titles, language)}:"
        return f"{'Yes' if yes else 'No'} — according to measure {_ref(first, titles, language)}:"
    if info.asks_who:
        if any(c.units for c in cited):
            return who_line(cited, language, names, titles)
        # "由谁承担" may be answered in the text (由长护险基金支付) though no unit is tagged: say so, and
        # point to the text instead of heading the answer with a bare "no unit".
        refs = _refs(cited, titles, language)
        # "区民政局对社区养老服务设施实行星级评定": the text says who acts, though no unit is assigned.
        mentioned = _names(list(dict.fromkeys(u for c in cited for u in c.mentioned_units)), language, names)
        if mentioned:
            return (f"相关规定见{refs},条文中提到:{'、'.join(mentioned)}(文件没有为该措施单列责任单位)。" if zh else
                    f"Measure {refs} covers this; its text mentions {english_list(mentioned)} "
                    f"(the document assigns this measure no responsible unit).")
        return (f"{NO_UNIT['zh']}相关规定见{refs}。" if zh else
                f"{NO_UNIT['en']} The document covers this in measure {refs}.")
    if info.asks_figure:
        figures = asked_figures(figures_in(first.quote) or figures_in(first.heading_line), info.wanted,
                                info.measure_words)
        if figures:
            return _figures_line(first, figures, titles, language)
    if info.wanted == "date":
        # "集中缴费期是什么时候？": the dates the first measure's quote gives head the answer, as figures do.
        dates = dates_in(first.quote) or dates_in(first.heading_line)
        if dates:
            return _dates_line(first, dates[:LEAD_DATES], titles, language)
    if "section" in info.kinds:
        # "三(三)讲了什么": the part asked about heads the answer, its items follow.
        named = next((s for s in info.sections if s != first.section and in_section(first.section, s)), first.section)
        return f"{named}:{first.heading}" if zh else f"Section {named}: {first.heading}"
    if whole_list and (whole := _one_list(cited)) is not None:
        # "申报要准备哪些材料?" answered with every item under 申报材料: the lead names the list and its size.
        parent, label = whole
        ref = _ref(replace(first, section=parent), titles, language)
        shown = f",以下列出前{len(cited)}项" if len(cited) < total else ""
        if zh:
            return f"{ref}{label}共{total}项{shown}:"
        shown = f"; the first {len(cited)} are" if len(cited) < total else ""
        return f"Section {ref} ({label}) lists {total} items{shown}:"
    refs = _refs(cited, titles, language)
    return (f"相关规定见{refs}。" if zh else f"The document covers this in measure {refs}.")


def _one_list(cited: Sequence[Citation]) -> tuple[str, str] | None:
    """(the heading's id, its label) when every citation is an item under one heading."""
    if len({(c.document, c.heading_line) for c in cited}) > 1:
        return None
    parents = {parent_section(c.section) for c in cited}
    parent = parents.pop() if len(parents) == 1 else ""
    label = _NUMBERING_RE.sub("", cited[0].heading_line).strip().rstrip("。.:：")
    return (parent, label) if parent and label and len(label) <= STATEMENT_CHARS else None


def _figures_line(first: Citation, figures: Sequence[str], titles: Mapping[str, str], language: str) -> str:
    if language == "zh":
        return f"{_ref(first, titles, language)}给出的数字:{'、'.join(figures)}。"
    shown = [f"{f} ({english_figure(f)})" if english_figure(f) else f for f in figures]
    return f"Figures in measure {_ref(first, titles, language)}: {', '.join(shown)}."


LEAD_DATES = 4  # dates named in a lead; a schedule's quote may hold a dozen


def _dates_line(first: Citation, dates: Sequence[str], titles: Mapping[str, str], language: str) -> str:
    if language == "zh":
        return f"{_ref(first, titles, language)}给出的时间:{'、'.join(dates)}。"
    shown = [f"{d} ({english_date(d)})" if english_date(d) else d for d in dates]
    return f"Dates in measure {_ref(first, titles, language)}: {'; '.join(shown)}."


def _refs(cited: Sequence[Citation], titles: Mapping[str, str], language: str) -> str:
    """Sections grouped by document, each document named once: 《A》三(一)、三(二);《B》第五条."""
    groups: dict[str, list[str]] = {}
    for c in cited:
        groups.setdefault(c.document, [])
        if c.section not in groups[c.document]:
            groups[c.document].append(c.section)
    parts = []
    for document, sections in groups.items():
        title = titles.get(document)
        joined = "、".join(sections) if language == "zh" else ", ".join(sections)
        if not title:
            parts.append(joined)
        else:
            parts.append(f"《{title}》{joined}" if language == "zh" else f"{joined} of 《{title}》")
    return (";" if language == "zh" else "; ").join(parts)


def short_heading(heading: str, limit: int = 40) -> str:
    """A heading as a label: up to its first full stop. A subsection without items is its own text, and
    quoting it whole in the label repeats the quote below it."""
    cut = re.split(r"(?<=[。；;])", heading, maxsplit=1)[0]
    return cut if len(cut) <= limit else cut[:limit] + "…"


def render_answer(info: QueryInfo, cited: Sequence[Citation], language: str, names: Mapping[str, str],
                  list_unit: str | None = None, support: Mapping[str, str] | None = None, *,
                  total: int = 0, titles: Mapping[str, str] | None = None,
                  terms: Mapping[str, float] | None = None, assigns_units: Collection[str] | None = None,
                  whole_list: bool = False) -> str:
    """``support`` maps a measure id to its support label ("subsidy · 最高2000万元") for enterprise
    questions; ``titles`` maps documents to short titles when the corpus holds several.
    ``assigns_units``: the documents that name responsible units anywhere; under a citation from any
    other (a citizen's FAQ, a regulation without unit clauses) "no responsible unit" is noise and
    is said only to a question that asks who. ``whole_list``: the citations are every item of one
    heading's list (up to ``total``), in order."""
    titles = titles or {}
    if support:
        lines = ["可以关注以下支持措施:" if language == "zh" else "Support the document offers that fits best:"]
    else:
        lines = [lead_line(info, cited, language, names, list_unit, total, titles, terms, whole_list)]
    shown_document = None
    for citation in cited:
        lines.append("")
        label = f" ({support[citation.id]})" if support and citation.id in support else ""
        # The document's title heads its first citation; the ones after it from the same document follow.
        title = f"《{titles[citation.document]}》" if citation.document in titles and citation.document != shown_document else ""
        shown_document = citation.document
        heading = short_heading(citation.heading_line)
        lines.append(f"【{citation.section}】{title}{heading}{label}" if language == "zh"
                     else f"[{citation.section}] {title}{heading}{label}")
        lines.append(f"“{citation.quote}”" if language == "zh" else f"\"{citation.quote}\"")
        silent = not citation.units and (
            (assigns_units is not None and citation.document not in assigns_units and not info.asks_who)
            or (info.asks_who and not any(c.units for c in cited)))  # the lead line has said it
        if not list_unit and not silent:
            lines.append(units_line(citation.units, language, names, citation.lead_units, citation.partner_units))
    return "\n".join(lines).strip()


GAPS = {
    "amount": ("文件提到了相关措施,但没有给出具体金额。", "The document mentions this but gives no amount."),
    "percentage": ("文件提到了相关措施,但没有给出具体比例。", "The document mentions this but gives no percentage."),
    "number": ("文件提到了相关措施,但没有给出具体数字。", "The document mentions this but gives no figure."),
    "date": ("文件没有给出具体时间或期限。", "The document gives no date or deadline for this."),
    "contact": ("文件没有提供联系方式。", "The document gives no contact details."),
    "email": ("文件没有提供电子邮箱。", "The document gives no email address."),
    "procedure": ("文件没有说明申请流程或材料。", "The document does not describe how to apply."),
    "place": ("文件没有提到{detail}。", "The document does not mention {detail}."),
    "year": ("文件没有关于{detail}年的内容。", "The document says nothing about {detail}."),
    "section": ("没有编号为{detail}的条目。", "No measure is numbered {detail}."),
    "section_in": ("{document}没有编号为{detail}的条目。", "{document} has no measure numbered {detail}."),
}


def render_refusal(language: str, nearest: Sequence[Hit], gap: str | None = None, detail: str = "", *,
                   titles: Mapping[str, str] | None = None, named: Sequence[str] = ()) -> str:
    """The refusal phrase, what exactly is missing when known, and the nearest measures.
    ``named``: the documents the question names, said when the gap is theirs (a section they lack)."""
    lines = [REFUSAL[language]]
    named_titles = [f"《{titles[d]}》" for d in named if titles and d in titles]
    if gap == "section" and named_titles:
        gap = "section_in"
    if gap in GAPS:
        lines.append(GAPS[gap][language != "zh"].format(detail=detail, document="、".join(named_titles)))
    if nearest:
        lines.append(NEAREST[language])
        # Measures under one heading are listed together: their heading is what they share.
        groups: dict[str, list[str]] = {}
        for hit in nearest:
            title = (titles or {}).get(hit.measure.document)
            key = (f"《{title}》" if title else "") + hit.measure.heading_line
            groups.setdefault(key, []).append(hit.measure.section)
        for heading, sections in groups.items():
            lines.append(f"• {'、'.join(sections)} {heading}")
    return "\n".join(lines)
