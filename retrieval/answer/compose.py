"""Offline answers: short, in the question's language, built only from quoted sentences of measures."""
from __future__ import annotations

import re
from typing import Mapping, Sequence

from retrieval.models import Citation, Hit, Measure
from retrieval.search.query import QueryInfo
from retrieval.search.support import FIGURE_RE
from retrieval.text.textnorm import zh_tokens
from retrieval.text.units import display_name

# The one refusal phrase; prompts, answers and tests all use these.
REFUSAL = {"zh": "文件中没有找到这个问题的答案。", "en": "The document does not answer this question."}
NEAREST = {"zh": "最接近的措施:", "en": "The nearest measures are:"}
NO_UNIT = {"zh": "文件没有为该措施指定责任单位。", "en": "The document names no responsible unit for this measure."}

SENTENCE_RE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_AMOUNT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)元?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


def pick_quote(measure: Measure, info: QueryInfo, terms: Mapping[str, float], limit: int) -> str:
    """The sentences of a measure that best answer the question, verbatim and in text order."""
    parts = sentences(measure.text)
    if len(parts) <= limit:
        return measure.text.strip()
    scored = []
    for i, sentence in enumerate(parts):
        tokens = set(zh_tokens(sentence))
        score = sum(w for t, w in terms.items() if t in tokens)
        if info.asks_amount and FIGURE_RE.search(sentence):
            score += 2.0
        scored.append((score, -i, i))
    chosen = sorted(i for _, _, i in sorted(scored, reverse=True)[:limit])
    # Adjacent sentences are quoted as one contiguous span so the quote stays verbatim.
    if chosen == list(range(chosen[0], chosen[-1] + 1)):
        start = measure.text.find(parts[chosen[0]])
        end = measure.text.find(parts[chosen[-1]], start) + len(parts[chosen[-1]])
        return measure.text[start:end]
    return parts[chosen[0]]


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


# Any quantity a reader may ask "how many / how much" about: amounts, shares and counts.
QUANTITY_RE = re.compile(r"(?:最高|不超过|达到|新增|约)?\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|万|亿|个|家|项|名|次|期|所|人|件)(?:左右)?")


def figures_in(text: str) -> list[str]:
    found = FIGURE_RE.findall(text) + QUANTITY_RE.findall(text)
    figures = list(dict.fromkeys(f.strip() for f in found))
    # Keep the longest form of each figure: "最高2000万元", not also "2000万元".
    return [f for f in figures if not any(f != other and f in other for other in figures)]


def cite(measure: Measure, quote: str) -> Citation:
    return Citation(measure.document, measure.section, measure.heading, quote, measure.units)


def units_line(units: Sequence[str], language: str, names: Mapping[str, str]) -> str:
    if not units:
        return NO_UNIT[language]
    shown = [display_name(u, language, names) for u in units]
    return ("责任单位:" + "、".join(shown)) if language == "zh" else "Responsible: " + "; ".join(shown)


def lead_line(info: QueryInfo, cited: Sequence[Citation], language: str, names: Mapping[str, str],
              list_unit: str | None) -> str:
    first = cited[0]
    zh = language == "zh"
    if list_unit:
        unit = display_name(list_unit, language, names)
        return (f"{unit}负责以下{len(cited)}项措施:" if zh
                else f"{unit} is responsible for {len(cited)} measures:")
    if info.asks_who:
        if not first.units:
            return f"{first.section}:{NO_UNIT['zh']}" if zh else f"{first.section}: {NO_UNIT['en']}"
        shown = [display_name(u, language, names) for u in first.units]
        return (f"由{'、'.join(shown)}负责(见{first.section})。" if zh
                else f"{' and '.join(shown)} — see measure {first.section}.")
    if info.asks_amount:
        figures = figures_in(first.quote)
        if figures:
            if zh:
                return f"{first.section}给出的数字:{'、'.join(figures)}。"
            shown = [f"{f} ({english_amount(f)})" if english_amount(f) else f for f in figures]
            return f"Figures in measure {first.section}: {', '.join(shown)}."
    if "section" in info.kinds:
        return f"{first.section}:{first.heading}" if zh else f"Section {first.section}: {first.heading}"
    return (f"相关规定见{'、'.join(c.section for c in cited)}。" if zh
            else f"The document covers this in measure {', '.join(c.section for c in cited)}.")


def render_answer(info: QueryInfo, cited: Sequence[Citation], language: str, names: Mapping[str, str],
                  list_unit: str | None = None, support: Mapping[str, str] | None = None) -> str:
    """``support`` maps a section to its support label ("subsidy · 最高2000万元") for enterprise questions."""
    if support:
        lines = ["可以关注以下支持措施:" if language == "zh" else "Support the document offers that fits best:"]
    else:
        lines = [lead_line(info, cited, language, names, list_unit)]
    for citation in cited:
        lines.append("")
        label = f" ({support[citation.section]})" if support and citation.section in support else ""
        lines.append(f"【{citation.section}】{citation.heading_line}{label}" if language == "zh"
                     else f"[{citation.section}] {citation.heading_line}{label}")
        lines.append(f"“{citation.quote}”" if language == "zh" else f"\"{citation.quote}\"")
        if not list_unit:
            lines.append(units_line(citation.units, language, names))
    return "\n".join(lines).strip()


GAPS = {
    "amount": ("文件提到了相关措施,但没有给出具体金额。", "The document mentions this but gives no amount."),
    "percentage": ("文件提到了相关措施,但没有给出具体比例。", "The document mentions this but gives no percentage."),
    "number": ("文件提到了相关措施,但没有给出具体数字。", "The document mentions this but gives no figure."),
    "date": ("文件没有给出具体时间或期限。", "The document gives no date or deadline for this."),
    "contact": ("文件没有提供联系方式。", "The document gives no contact details."),
    "procedure": ("文件没有说明申请流程或材料。", "The document does not describe how to apply."),
    "place": ("文件没有提到{detail}。", "The document does not mention {detail}."),
    "year": ("文件没有关于{detail}年的内容。", "The document says nothing about {detail}."),
}


def render_refusal(language: str, nearest: Sequence[Hit], gap: str | None = None, detail: str = "") -> str:
    """The refusal phrase, what exactly is missing when known, and the nearest measures."""
    lines = [REFUSAL[language]]
    if gap in GAPS:
        lines.append(GAPS[gap][language != "zh"].format(detail=detail))
    if nearest:
        lines.append(NEAREST[language])
        # Measures under one heading are listed together: their heading is what they share.
        groups: dict[str, list[str]] = {}
        for hit in nearest:
            groups.setdefault(hit.measure.heading_line, []).append(hit.measure.section)
        for heading, sections in groups.items():
            lines.append(f"• {'、'.join(sections)} {heading}")
    return "\n".join(lines)
