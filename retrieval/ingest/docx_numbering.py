"""Word's automatic list numbering → the label a reader sees ("一、", "（二）", "3.").

In a .docx the numbers of an automatically numbered list are not in the text: each paragraph names a
list (``w:numPr``: numId and level) and numbering.xml says how each level is counted and written
(``w:numFmt``, ``w:lvlText`` such as ``（%1）``, ``w:start``). Without them a plan's 一、/（一）/1. would
be lost, and with them its section ids.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from docx.oxml.ns import qn

from retrieval.text.sections import int_to_cn

log = logging.getLogger(__name__)

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _letter(number: int) -> str:
    return chr(ord("a") + (number - 1) % 26)


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "decimalFullWidth": str, "decimalHalfWidth": str,
    "chineseCounting": int_to_cn, "chineseCountingThousand": int_to_cn, "chineseLegalSimplified": int_to_cn,
    "japaneseCounting": int_to_cn, "ideographDigital": int_to_cn, "taiwaneseCounting": int_to_cn,
    # LibreOffice writes its Chinese counting (一、（一）) as taiwaneseCountingThousand when saving .docx.
    "taiwaneseCountingThousand": int_to_cn, "taiwaneseDigital": int_to_cn, "japaneseDigitalTenThousand": int_to_cn,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[n - 1] if 0 < n <= 10 else str(n),
    "decimalEnclosedCircle": lambda n: CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n),
    "decimalEnclosedCircleChinese": lambda n: CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n),
    "lowerLetter": _letter, "upperLetter": lambda n: _letter(n).upper(),
}


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    # w:lvlRestart: restarts after a use of levels 1…restart (1-based); 0 never, None after any higher level.
    # 第%2条 counted on across 第%1章 (as a regulation numbers its articles) is written with restart 0.
    restart: int | None = None

    def restarts_after(self, level: int) -> bool:
        return self.restart is None or level < self.restart


@dataclass
class Numbering:
    """Counters per list as the paragraphs are read in order."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → level → format
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> "Numbering":
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return numbering  # no numbering part: nothing is numbered automatically
        abstract = {a.get(qn("w:abstractNumId")): _levels(a) for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                numbering.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})
        return numbering

    def label(self, paragraph) -> str:
        """The number Word shows before this paragraph ("" when it has none)."""
        num_id, level = _num_pr(paragraph)
        if num_id is None or num_id not in self.levels or level not in self.levels[num_id]:
            return ""
        counters = self.counters.setdefault(num_id, {})
        spec = self.levels[num_id][level]
        counters[level] = counters.get(level, spec.start - 1) + 1
        levels = self.levels[num_id]
        for deeper in [k for k in counters if k > level and (k not in levels or levels[k].restarts_after(level))]:
            del counters[deeper]  # a new 一、 restarts its （一）
        if spec.fmt in ("bullet", "none"):
            return ""
        text = spec.text
        for lvl, lvl_spec in self.levels[num_id].items():
            placeholder = f"%{lvl + 1}"
            if placeholder in text:
                value = counters.get(lvl, lvl_spec.start)
                text = text.replace(placeholder, FORMATS.get(lvl_spec.fmt, str)(value))
        return text


def _levels(abstract) -> dict[int, _Level]:
    levels = {}
    for lvl in abstract.findall(qn("w:lvl")):
        spec = _Level()
        if (fmt := lvl.find(qn("w:numFmt"))) is not None:
            spec.fmt = fmt.get(qn("w:val")) or spec.fmt
        if (text := lvl.find(qn("w:lvlText"))) is not None:
            spec.text = text.get(qn("w:val")) or ""
        if (start := lvl.find(qn("w:start"))) is not None:
            spec.start = _int(start.get(qn("w:val")), 1)
        if (restart := lvl.find(qn("w:lvlRestart"))) is not None:
            spec.restart = _int(restart.get(qn("w:val")), 0)
        levels[_int(lvl.get(qn("w:ilvl")), 0)] = spec
    return levels


def _num_pr(paragraph) -> tuple[str | None, int]:
    """The paragraph's list (its own numPr, else its style's)."""
    for element in (paragraph._p, getattr(paragraph.style, "element", None)):
        ppr = element.find(qn("w:pPr")) if element is not None else None
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) in (None, "0"):
            return None, 0
        return num_id.get(qn("w:val")), _int(ilvl.get(qn("w:val")) if ilvl is not None else None, 0)
    return None, 0


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
