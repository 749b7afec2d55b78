"""What enterprises can get: each measure tagged with the support it offers and the figures it names."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from retrieval.models import Hit, Measure

# (tag, Chinese label, English label, pattern over the measure's headings and text)
SUPPORT_KINDS = (
    ("subsidy", "补助/补贴", "subsidy", re.compile(r"补助|补贴|资助|津贴")),
    ("reward", "奖励", "reward", re.compile(r"奖励")),
    ("funding", "资金/经费支持", "funding", re.compile(r"资金支持|经费支持|资金补助|给予支持|连续支持|配套支持")),
    ("fund", "基金/子基金", "fund / sub-fund", re.compile(r"基金")),
    ("voucher", "券", "voucher", re.compile(r"[\u4e00-\u9fff]{1,3}(?<!证)券")),
    ("loan", "贷款贴息/风险补偿", "loan interest / risk compensation", re.compile(r"贷款|贴息|风险补偿")),
    ("equity", "股权投资", "equity investment", re.compile(r"股权投资")),
    ("tax", "税费减免", "tax or fee relief", re.compile(r"税收优惠|减免|免征|退税|免费")),
    ("talent", "人才计划", "talent programme", re.compile(r"人才[\u4e00-\u9fff]{0,6}(?:计划|项目|工程)")),
    ("allowance", "津贴/待遇", "allowance or benefit", re.compile(r"津贴|生活费|待遇|救助金|保障金")),
)
FIGURE_RE = re.compile(r"(?:最高|不超过|不低于|达到|新增|约|每[人户月年次家])?\s*\d+(?:[.,]\d+)*\s*(?:%|万元|亿元|元|万|亿)")


@dataclass(frozen=True)
class SupportItem:
    measure: Measure
    kinds: tuple[str, ...]
    figures: tuple[str, ...]
    score: float = 0.0

    def labels(self, language: str) -> list[str]:
        names = {tag: (zh if language == "zh" else en) for tag, zh, en, _ in SUPPORT_KINDS}
        return [names[k] for k in self.kinds]

    def to_dict(self) -> dict:
        return {"document": self.measure.document, "section": self.measure.section,
                "heading": self.measure.heading, "support": list(self.kinds), "figures": list(self.figures),
                "units": list(self.measure.units), "text": self.measure.text, "score": round(self.score, 4)}


def tag_measure(measure: Measure) -> SupportItem | None:
    text = measure.subsection + "\n" + measure.text
    kinds = tuple(tag for tag, _, _, pattern in SUPPORT_KINDS if pattern.search(text))
    if not kinds:
        return None
    figures = tuple(dict.fromkeys(f.strip() for f in FIGURE_RE.findall(text)
                                  if re.search(r"元|%|万|亿", f)))
    return SupportItem(measure, kinds, figures)


def support_catalogue(measures) -> list[SupportItem]:
    return [item for m in measures if (item := tag_measure(m))]


def catalogue_of(snapshot) -> dict[str, SupportItem]:
    """Support items of one index version by measure id, in document order (built once per version)."""
    return snapshot.derived("support", lambda s: {i.measure.id: i for i in support_catalogue(s.measures)})


def support_hits(searcher, prepared, k: int) -> list[Hit]:
    """The search's hits for a prepared question, keeping only measures that offer support."""
    snapshot = prepared.snapshot
    catalogue = catalogue_of(snapshot)
    return [h for h in searcher.rank(prepared, len(snapshot.measures)) if h.measure.id in catalogue][:k]


def find_support(searcher, query: str | None, k: int = 10) -> list[SupportItem]:
    """All support measures in document order, or, for a query, the ones that match it best."""
    if not query or not query.strip():
        return list(catalogue_of(searcher.snapshot()).values())
    prepared = searcher.prepare(query)
    catalogue = catalogue_of(prepared.snapshot)
    hits = support_hits(searcher, prepared, k)
    return [replace(catalogue[h.measure.id], score=h.score) for h in hits if h.measure.id in catalogue]
