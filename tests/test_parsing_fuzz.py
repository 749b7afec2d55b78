"""Fuzzing the parser and the loaders: arbitrary input fails only with NoMeasuresError/DocumentError,
and whatever parses has no empty measure."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.ingest.loaders import SUPPORTED_SUFFIXES, DocumentError, load_bytes
from retrieval.ingest.parsing import NoMeasuresError, parse_text

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CN_NUMERALS = ["一", "二", "三", "四", "五", "九", "十", "十一", "十三", "二十", "一百", "零", "两", "十十"]
OPEN, CLOSE = st.sampled_from(["(", "（"]), st.sampled_from([")", "）"])
WORDS = st.text(alphabet="支持创新市科技局财政、，,。;；:：()（）1 2\u3000-", max_size=20)
UNIT_NAMES = st.lists(st.sampled_from(["市科技局", "市财政局", "", " ", "、", "市人社局"]), max_size=3).map("、".join)


@st.composite
def structured_line(draw) -> str:
    """A line of a work plan or regulation, or the noise around one."""
    numeral = draw(st.sampled_from(CN_NUMERALS))
    words = draw(WORDS)
    kind = draw(st.sampled_from(["chapter", "subsection", "item", "paren_item", "article", "article_chapter",
                                 "units", "unit_clause", "trailer", "noise", "blank"]))
    if kind == "chapter":
        return f"{numeral}{draw(st.sampled_from(['、', '.', '．']))}{words}"
    if kind == "subsection":
        return f"{draw(OPEN)}{numeral}{draw(CLOSE)}{words}"
    if kind == "item":
        return f"{draw(st.integers(0, 999))}{draw(st.sampled_from(['.', '、', '．']))}{words}"
    if kind == "paren_item":
        return f"{draw(OPEN)}{draw(st.integers(0, 99))}{draw(CLOSE)}{words}"
    if kind == "article":
        return f"第{draw(st.sampled_from(CN_NUMERALS + ['3', '12']))}条{words}"
    if kind == "article_chapter":
        return f"第{numeral}章 {words}"
    role = draw(st.sampled_from(["责任单位", "牵头单位", "配合单位", "责任部门"]))
    if kind == "units":
        return f"{role}{draw(st.sampled_from([':', '：']))}{draw(UNIT_NAMES)}"
    if kind == "unit_clause":
        return f"{words}{draw(OPEN)}{role}：{draw(UNIT_NAMES)}{draw(CLOSE)}"
    if kind == "trailer":
        return draw(st.sampled_from(["责任编辑:某某", "相关阅读", "编辑：某某"]))
    if kind == "noise":
        return draw(st.text(max_size=30))
    return draw(st.sampled_from(["", " ", "\u3000", "\ufeff", "\u200b"]))


def check_document(document) -> None:
    assert document.measures
    sections = [m.section for m in document.measures]
    assert len(set(sections)) == len(sections), "section ids are unique"
    for measure in document.measures:
        assert measure.text.strip(), measure
        assert measure.section.strip(), measure
        assert all(unit.strip() for unit in measure.units), measure


def parse_or_refuse(text: str) -> None:
    try:
        document = parse_text(text, "fuzz")
    except NoMeasuresError:
        return
    check_document(document)


@FUZZ
@given(st.text(max_size=400))
def test_parse_random_text(text):
    parse_or_refuse(text)


@FUZZ
@given(st.lists(structured_line(), max_size=30), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_random_structure(lines, newline):
    parse_or_refuse(newline.join(lines))


@FUZZ
@given(st.binary(max_size=600), st.sampled_from([*SUPPORTED_SUFFIXES, ".TXT", ".xls", ""]))
def test_load_random_bytes(data, suffix):
    filename = f"upload{suffix}"
    try:
        text = load_bytes(data, filename)
    except DocumentError as exc:
        assert str(exc).startswith(f"{filename}: ")
        return
    assert isinstance(text, str) and text.strip()
    parse_or_refuse(text)


@FUZZ
@given(st.lists(structured_line(), max_size=20),
       st.sampled_from([".txt", ".md", ".html"]), st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_load_random_structure(lines, suffix, encoding):
    text = "\n".join(lines)
    if suffix == ".html":
        text = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    try:
        loaded = load_bytes(text.encode(encoding, errors="replace"), f"plan{suffix}")
    except DocumentError:
        return
    parse_or_refuse(loaded)
