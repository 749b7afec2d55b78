"""Responsible units: English names for Chinese government bodies, and units named in a question."""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from retrieval.text.textnorm import en_stem, en_words

# Common abbreviations in Chinese municipal unit names (市科技局 = 市 + 科技 + 局). Longest first.
_CORES = {
    "科技": "Science and Technology", "卫生计生": "Health and Family Planning", "卫生健康": "Health",
    "卫健": "Health", "发展改革": "Development and Reform", "发改": "Development and Reform",
    "经信": "Economy and Information Technology", "工信": "Industry and Information Technology",
    "港口口岸": "Port and Port of Entry", "金融": "Financial Affairs", "财政": "Finance",
    "人社": "Human Resources and Social Security", "人力资源社会保障": "Human Resources and Social Security",
    "教育": "Education", "商务": "Commerce", "税务": "Taxation", "国资": "State-owned Assets",
    "市场监管": "Market Regulation", "自然资源": "Natural Resources", "生态环境": "Ecology and Environment",
    "住建": "Housing and Urban-Rural Development", "交通": "Transport", "农业农村": "Agriculture and Rural Affairs",
    "农业": "Agriculture", "公安": "Public Security", "司法": "Justice", "民政": "Civil Affairs",
    "文旅": "Culture and Tourism", "统计": "Statistics", "审计": "Audit", "外事": "Foreign Affairs",
    "知识产权": "Intellectual Property", "人才": "Talent", "海洋渔业": "Ocean and Fisheries",
    "医保": "Healthcare Security", "医疗保障": "Healthcare Security", "住房城乡建设": "Housing and Urban-Rural Development",
    "住房保障": "Housing Security", "人力资源和社会保障": "Human Resources and Social Security",
    "市场监督管理": "Market Regulation", "退役军人事务": "Veterans Affairs", "应急管理": "Emergency Management",
    "城市管理": "Urban Management", "城管": "Urban Management", "规划和自然资源": "Planning and Natural Resources",
    "水务": "Water Affairs", "体育": "Sports", "文化广电旅游": "Culture, Radio, Television and Tourism",
    "政务服务数据管理": "Government Services and Data Management", "老龄": "Ageing", "残联": "Disabled Persons' Federation",
    "卫生健康行政": "Health Administration", "民政行政": "Civil Affairs Administration", "医疗保障行政": "Healthcare Security Administration",
    "人力资源社会保障行政": "Human Resources and Social Security Administration", "市场监督管理行政": "Market Regulation Administration",
    "高新区": "High-tech Zone", "先导区": "Pilot Zone", "开发区": "Development Zone", "保税区": "Free Trade Zone",
}
_SUFFIXES = [("管委会", "Administrative Committee"), ("行政主管部门", "Administrative Department"),
             ("主管部门", "Competent Department"), ("部门", "Department"), ("机关", "Authority"),
             ("服务中心", "Service Centre"), ("领导小组办公室", "Leading Group Office"),
             ("办公室", "Office"), ("委员会", "Commission"), ("政府", "Government"), ("局", "Bureau"),
             ("委", "Commission"), ("厅", "Department"), ("办", "Office"), ("中心", "Centre")]
_SPECIAL = {"各区市县政府": "District, County-level City and County Governments", "各区政府": "District Governments",
            "各区人民政府": "District People's Governments", "市残联": "Municipal Disabled Persons' Federation",
            "区残联": "District Disabled Persons' Federation"}


def english_name(unit: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """The English name of a unit, or None when its parts are not known (never a guess)."""
    if overrides and unit in overrides:
        return overrides[unit]
    if unit in _SPECIAL:
        return _SPECIAL[unit]
    rest, prefix = unit, ""
    for head, head_en in (("市", "Municipal "), ("省", "Provincial "), ("区", "District "), ("县", "County ")):
        if rest.startswith(head) and len(rest) > 2:
            rest, prefix = rest[1:], head_en
            break
    # "市场监督管理部门" starts with 市 but is no municipal body: read it whole when the prefix fails.
    return _compose(rest, prefix) or (_compose(unit, "") if prefix else None)


def _compose(rest: str, prefix: str) -> str | None:
    for suffix, suffix_en in _SUFFIXES:
        if rest.endswith(suffix):
            core = rest[: -len(suffix)]
            if core in _CORES:
                return f"{prefix}{_CORES[core]} {suffix_en}".strip()
            if not core and prefix:
                return f"{prefix}{suffix_en}".strip()
    return None


def display_name(unit: str, language: str, overrides: Mapping[str, str] | None = None) -> str:
    """"Municipal Science and Technology Bureau (市科技局)" in English; the official name in Chinese."""
    if language != "en":
        return unit
    english = english_name(unit, overrides)
    return f"{english} ({unit})" if english else unit


_PAREN_RE = re.compile(r"[(（]([^)）]*)[)）]")


def unit_matches(query: str, unit: str, overrides: Mapping[str, str] | None = None) -> bool:
    """Does a user's unit filter name this unit? The official name or part of it (科技局), or its English
    name or part of it, in any case; "Municipal Science and Technology Bureau (市科技局)" as answers print it."""
    query = query.strip()
    if not query:
        return False
    forms = [query, *(p.strip() for p in _PAREN_RE.findall(query)), _PAREN_RE.sub(" ", query).strip()]
    english = " ".join(en_words(english_name(unit, overrides) or "", keep_stopwords=True))
    for form in filter(None, forms):
        if form == unit or form in unit:
            return True
        words = " ".join(en_words(form, keep_stopwords=True))
        if english and words and f" {words} " in f" {english} ":
            return True
    return False


class UnitMatcher:
    """Finds the units a question names, by official name, short form or English name."""

    def __init__(self, units: Iterable[str], overrides: Mapping[str, str] | None = None) -> None:
        self._units = sorted(set(units), key=lambda u: (-len(u), u))  # ties by name: a set's order varies by process
        self._short = {u: _short_forms(u) for u in self._units}
        self._english = {}
        for unit in self._units:
            name = english_name(unit, overrides)
            if name:
                stems = [en_stem(w) for w in en_words(name, keep_stopwords=True)
                         if w not in {"and", "of", "the", "municipal", "provincial"}]
                self._english[unit] = stems

    def find(self, question: str) -> list[str]:
        found: list[str] = []
        text = question
        for unit in self._units:
            if any(form in text for form in self._short[unit]):
                found.append(unit)
                text = text.replace(unit, " ")
        if found:
            return found
        stems = {en_stem(w) for w in en_words(question, keep_stopwords=True)}
        scored = []
        for unit, needed in self._english.items():
            # Nearly every word of the name must appear ("finance bureau" is not "financial affairs bureau");
            # a short form counts ("admin" for "administrative").
            hits = sum(1 for n in needed if any(s == n or (len(s) >= 4 and n.startswith(s)) for s in stems))
            if needed and hits == len(needed) or (len(needed) >= 4 and hits >= len(needed) - 1):
                scored.append((hits / len(needed), hits, unit))
        best = max((score[:2] for score in scored), default=None)
        return [unit for *score, unit in scored if tuple(score) == best]


def _short_forms(unit: str) -> list[str]:
    forms = [unit]
    if unit.startswith("市") and len(unit) > 3:
        forms.append(unit[1:])  # 科技局 for 市科技局
    return forms


SECTION_IN_TEXT_RE = re.compile(
    r"(第[一二三四五六七八九十百零〇\d]+条)|([一二三四五六七八九十]+\s*[(（][一二三四五六七八九十]+[)）]\s*\d*)")
