"""bot.telegram_render: escaped Telegram HTML, units in bold, section citations, callback data size, and
splitting below 4,096 characters at sentence boundaries without breaking tags or entities."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import telegram_render as render
from retrieval.models import Answer, Citation, DocumentReport, IngestReport

TITLES = {"plan": "大连计划"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ok = True
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.ok = False

    def handle_data(self, data):
        self.text.append(data)


def balanced(part: str) -> bool:
    parser = _Balance()
    parser.feed(part)
    parser.close()
    return parser.ok and not parser.stack


def visible(part: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", part))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def answer(text: str, **kw) -> Answer:
    defaults = dict(question="q", answerable=True, language="en", mode="offline",
                    citations=(Citation("plan", "三(四)", "(四)heading", "quote", ("市科技局",)),), units=("市科技局",))
    return Answer(text=text, **(defaults | kw))


def test_answer_html_escapes_text_bolds_units_and_cites_sections():
    html_text = render.answer_html(answer("Municipal Science and Technology Bureau (市科技局) <script> & co."),
                                   TITLES, {})
    assert "<b>Municipal Science and Technology Bureau (市科技局)</b>" in html_text
    assert "&lt;script&gt; &amp; co." in html_text and "<script>" not in html_text
    assert "Sources" in html_text and "三(四)" in html_text and "《大连计划》" in html_text
    assert balanced(html_text)


def test_answer_html_adds_the_units_when_the_text_does_not_name_them():
    html_text = render.answer_html(answer("它们负责。", language="zh"), TITLES, {})
    assert "责任单位: <b>市科技局</b>" in html_text and "出处" in html_text


def test_chinese_unit_inside_english_name_is_bolded_once():
    text = render.bold_units("市科技局 and Municipal Science and Technology Bureau (市科技局)", ["市科技局"], "en", {})
    assert text == "<b>市科技局</b> and <b>Municipal Science and Technology Bureau (市科技局)</b>"


def test_texts_escape_their_values():
    assert render.t("unit_missing", "en", unit="<b>x</b>") == "No responsible unit matches “&lt;b&gt;x&lt;/b&gt;”. /units lists them all."
    assert "三(四)" in render.t("section_missing", "zh", section="三(四)")


def test_every_text_exists_in_both_languages():
    for key, (zh, en) in render.TEXTS.items():
        assert zh and en, key
        assert re.findall(r"\{(\w+)", zh) == re.findall(r"\{(\w+)", en) or key in {"preview", "status"}, key


def test_callback_data_fits_in_64_bytes():
    assert len(render.source_data(10**9, 10**6, "zh").encode()) <= 64
    assert len(render.feedback_data(2**62, -1, "en").encode()) <= 64
    assert len(render.upload_data("A" * 11, True).encode()) <= 64
    keyboard = render.answer_keyboard([("一(十三)4", render.source_data(3, 51, "zh"))] * 7, 99, "zh")
    rows = keyboard.inline_keyboard
    assert [len(r) for r in rows] == [3, 3, 1, 2] and rows[-1][0].text == "👍" and rows[-1][1].text == "👎"


def test_ingest_html_lists_added_changed_removed():
    report = IngestReport(7, (DocumentReport("plan", "", 52, added=("三(九)",), changed=("三(四)",),
                                             removed=("三(二)3",)),
                              DocumentReport("bad", "", error="bad.txt: the file is empty")), 1, 0.5)
    text = render.ingest_html(report, "en")
    assert "Index version 7" in text and "added (1): 三(九)" in text and "changed (1): 三(四)" in text
    assert "removed (1): 三(二)3" in text and "✗ bad: bad.txt: the file is empty" in text


def test_short_text_is_one_part():
    assert render.split_html("<b>x</b> y.") == ["<b>x</b> y."]
    assert render.split_html("  \n") == []


def test_5000_character_answer_splits_at_sentence_ends():
    sentence = "临床医学研究中心由<b>市科技局</b>负责&amp;管理。"  # 25 visible characters
    text = sentence * 200
    parts = render.split_html(text)
    assert len(parts) == 2
    for part in parts:
        assert render.tg_len(part) <= render.MAX_MESSAGE
        assert balanced(part)
        assert re.sub(r"(</?\w+>)+$", "", part).endswith("。")
    assert "".join(visible(p) for p in parts) == visible(text)


def test_cut_inside_bold_closes_and_reopens_the_tag():
    text = "<b>" + "word. " * 1000 + "</b>"
    parts = render.split_html(text, limit=500)
    assert len(parts) > 10
    assert all(p.startswith("<b>") and p.endswith("</b>") and balanced(p) and len(p) <= 500 for p in parts)
    assert squash("".join(visible(p) for p in parts)) == squash(visible(text))


def test_no_sentence_end_falls_back_to_spaces_then_anywhere_but_never_inside_an_entity():
    words = " ".join(["a&amp;b"] * 300)
    parts = render.split_html(words, limit=100)
    assert all(len(p) <= 100 and not p.endswith("&") and "&amp" not in p.replace("&amp;", "") for p in parts)
    solid = "&lt;" * 200
    parts = render.split_html(solid, limit=50)
    assert all(len(p) <= 50 and re.fullmatch(r"(&lt;)+", p) for p in parts)
    assert "".join(parts) == solid


fragments = st.one_of(
    st.text(alphabet="临床中心abc xyz。！？.!?\n<>&\"'", min_size=1, max_size=40).map(html.escape),
    st.sampled_from(["<b>", "</b>", "<i>", "</i>", '<a href="https://x.cn/?a=1&amp;b=2">', "</a>"]),
)


def _well_formed(pieces: list[str]) -> str:
    """Drop closing tags that close nothing and close what is left open."""
    out, stack = [], []
    for piece in pieces:
        m = re.fullmatch(r"<(/?)(\w+)[^>]*>", piece)
        if m and m.group(1):
            if stack and stack[-1] == m.group(2):
                stack.pop()
                out.append(piece)
        else:
            if m:
                stack.append(m.group(2))
            out.append(piece)
    return "".join(out) + "".join(f"</{t}>" for t in reversed(stack))


@settings(max_examples=150, deadline=None)
@given(st.lists(fragments, min_size=1, max_size=120), st.integers(min_value=60, max_value=400))
def test_split_keeps_every_part_short_balanced_and_loses_nothing(pieces, limit):
    text = _well_formed(pieces)
    parts = render.split_html(text, limit=limit)
    for part in parts:
        assert render.tg_len(part) <= limit
        assert balanced(part)
    assert squash("".join(visible(p) for p in parts)) == squash(visible(text))
