"""An HTML page saved from a government website → the document's text, one paragraph per line, and
what the page says about the document (title, date, source).

Government pages wrap one document in navigation, search forms, share buttons, "related" lists and
sometimes a hidden (``display:none``) second copy of the text. The main block is found by where the
document's numbering (第X条, 一、, （一）) lives, not by class names alone: class names differ per site.
Tables become one line per row, cells joined with `` | `` (rowspans repeated), so an annex task table
can be read row by row.
"""
from __future__ import annotations

import json
import logging
import re

from bs4 import BeautifulSoup, NavigableString

from retrieval.text.sections import int_to_cn

log = logging.getLogger(__name__)

HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
# Page furniture: never part of a document's text.
HTML_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
                  "template", "svg", "button", "select", "input", "textarea", "object")
HTML_WRAPPER_TAGS = ("form", "header", "footer", "nav", "aside")
HTML_FURNITURE_RE = re.compile(
    r"navigation|footer|sidebar|breadcrumb|crumb|share|related|relate|comment|recommend"
    r"|(?:^|[-_\s])(?:nav|navbar|menu|foot|side|aside|ad|ads)(?:$|[-_\s])", re.IGNORECASE)
HTML_CONTENT_RE = re.compile(r"content|article|TRS_Editor|main", re.IGNORECASE)
RESTORED = "data-policybot-was-hidden"  # a hidden element kept as text (a folded answer, a tab panel)
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A hidden element with at least this share of its sentences in the visible text is a copy.
HIDDEN_COPY_SHARE = 0.5
# Less hidden text than this is a widget (a satisfaction survey, a tab label), not a folded answer.
HIDDEN_TEXT_CHARS = 24
HTML_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                   "section", "article", "main", "blockquote", "pre", "dt", "dd", "center", "body")
# Site names appended to a page <title>: "标题_某市人民政府", "标题 - 北极星储能网".
TITLE_SUFFIX_RE = re.compile(r"\s*(?:_|\||｜| - | – | — )\s*")
# Lines that number a document's parts: where they are is where the document is.
STRUCTURE_RE = re.compile(r"(?m)^[ \t\u3000\xa0]*(?:附\s*件\s*\d|第[一二三四五六七八九十百零〇\d]+[条章节]"
                          r"|[一二三四五六七八九十]+[、．]|[（(][一二三四五六七八九十]+[)）]"
                          r"|(?:\d{1,3}\s*[.．、]\s*)?(?:问题?|答)\s*[\d一二三四五六七八九十]{0,3}\s*[:：]|【\s*问)")
# A child holding this share of its parent's numbered lines is still "the document".
MAIN_SHARE = 0.9
MIN_STRUCTURE = 3
# <meta name=…> fields of Chinese government CMS pages (TRS, gkmlpt): page title, date, source.
PAGE_META = {"articletitle": "title", "pubdate": "date", "contentsource": "source", "sitename": "site"}
VAGUE_SOURCES = {"本网", "本站", "原创", "网站"}


# Several whole pages in one file: a long article the site splits into pages, saved one after another.
_PAGE_END_RE = re.compile(r"</html\s*>", re.I)
_PAGER_RE = re.compile(r"^第\s*\d+\s*页\s*[/，,]?\s*共\s*\d+\s*页|^(?:上一页|下一页|首页|尾页)(?:\s|$)")
_HEADING_LINE_RE = re.compile(r"^第\s*[一二三四五六七八九十百零〇\d]+\s*[编章节条]")


def html_text(markup: str) -> tuple[str, dict[str, str]]:
    """Decoded HTML → (plain text, page metadata). Raises whatever BeautifulSoup/lxml raise.

    A file holding several saved pages of one article reads as the article: each page's text in turn,
    without what the later pages repeat of the first (the site's header, the title, the footer)."""
    pages = [page for page in _PAGE_END_RE.split(markup) if "<body" in page.lower() or "<p" in page.lower()]
    if len(pages) < 2:
        return _page_text(markup)
    text, meta = _page_text(pages[0])
    first = set(text.splitlines())
    lines = text.splitlines()
    for page in pages[1:]:
        more, _ = _page_text(page)
        lines += [x for x in more.splitlines() if _HEADING_LINE_RE.match(x) or x not in first]
    return "\n".join(x for x in lines if not _PAGER_RE.match(x)), meta


def _page_text(markup: str) -> tuple[str, dict[str, str]]:
    soup = BeautifulSoup(markup, "lxml")
    scripted = _restore_scripted_body(soup)
    _number_cjk_lists(soup, soup)  # before the main element is looked for: the numbers show where it is
    meta = _page_meta(soup) | scripted
    _drop_hidden(soup)
    _drop_furniture(soup)
    main = _html_main(soup)
    headline = meta.get("title") or _html_headline(soup, main)
    if headline:
        meta["title"] = headline
    page_title = _page_title(soup)
    if page_title != headline and SITE_NAME_RE.search(page_title):
        meta.setdefault("site", page_title)  # "汀澜市政务服务网": where the page is, when its headline is not
    _tables_to_rows(soup, main)
    _number_ordered_lists(soup, main)
    _definition_rows(soup, main)
    lines = _block_lines(main)
    formal = _formal_title(headline, lines)
    if formal:
        meta["title"], meta["headline"] = formal, headline
    if headline and (not lines or lines[0] != headline):
        lines.insert(0, headline)
    return "\n".join(lines), meta


# "棠浦市商务局 棠浦市财政局关于开展…活动的通知": a document's own title, as its first lines write it.
FORMAL_TITLE_RE = re.compile(r"^(?:\S.{1,60})?关于.{2,60}的(?:通知|通告|公告|意见|实施意见|办法|方案|决定|批复|函|规定|细则)$")
# The issuers on a line of their own above "关于…的通知" (the red-headed layout of a 文件).
ISSUER_LINE_RE = re.compile(r"^[\u4e00-\u9fff\s]{2,40}(?:局|委|委员会|办公室|办公厅|政府|厅|院|中心|部|会|处|所)$")


# A JSON string in a <script>: "content": "\u003cp\u003e第一条 …" (escapes kept; decoded by json).
_JSON_STRING_RE = re.compile(r'"((?:[^"\\]|\\.){200,})"')
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


# The article's own fields beside its content in the script's JSON, under the names sites give them.
_JSON_FIELD_RE = re.compile(r'"(\w+)"\s*:\s*"((?:[^"\\]|\\.){1,300})"')
SCRIPT_FIELDS = {"title": "title", "docno": "doc_number", "fileno": "doc_number", "wenhao": "doc_number",
                 "issuer": "source", "publisher": "source", "source": "source", "writtendate": "date",
                 "pubdate": "date", "publishdate": "date", "publishtime": "date"}


def _restore_scripted_body(soup) -> dict[str, str]:
    """A page whose article lives only in a script (``var pageData = {"content": "<p>第一条…"}``), drawn
    into an empty <div id="zoom"> by JavaScript: the HTML in the script's longest such string is put in the
    page, where a browser would show it. Pages that show their text already are left alone.

    Returns the article's title, 文号, issuer and date as the script gives them before its content (the
    page's own <title> is then often only the site's name)."""
    best, best_cjk, fields_text = None, 0, ""
    for script in soup.find_all("script"):
        for match in _JSON_STRING_RE.finditer(script.string or ""):
            try:
                value = json.loads(f'"{match.group(1)}"')
            except ValueError:
                continue
            cjk = len(_CJK_RE.findall(value))
            if cjk > best_cjk and "<" in value:
                best, best_cjk, fields_text = value, cjk, (script.string or "")[:match.start()]
    if best is None:
        return {}
    shown = sum(len(_CJK_RE.findall(t)) for t in soup.find_all(string=True)
                if t.parent is not None and t.parent.name not in ("script", "style"))
    # gkmlpt pages carry their text in a script and show it too: only a page showing less than half of
    # what its script holds is missing its body.
    if best_cjk < 200 or shown >= best_cjk / 2:
        return {}
    holder = soup.new_tag("div")
    holder["class"] = "restored-content"
    for node in list(BeautifulSoup(best, "lxml").body or []):
        holder.append(node)
    (soup.body or soup).append(holder)
    meta: dict[str, str] = {}
    for match in _JSON_FIELD_RE.finditer(fields_text):  # the nearest before the content wins
        key = SCRIPT_FIELDS.get(match.group(1).lower())
        try:
            value = " ".join(json.loads(f'"{match.group(2)}"').split())
        except ValueError:
            continue
        if key and value and (key != "date" or "date" not in meta or match.group(1).lower() == "writtendate"):
            meta[key] = value
    return meta


def _formal_title(headline: str, lines: list[str]) -> str | None:
    """The document's formal title when the page's headline is a news headline of its own ("最高补贴1.5万元！
    …活动4月10日启动", as an official account posts a notice): citations name the document, not the post."""
    if not headline or DOCUMENT_KIND_RE.search(headline):
        return None
    for i, line in enumerate(lines[:8]):
        if FORMAL_TITLE_RE.match(line):
            if line.startswith("关于") and i and ISSUER_LINE_RE.match(lines[i - 1]):
                return f"{lines[i - 1]}{line}"
            return line
    return None


def charset(data: bytes) -> str | None:
    match = HTML_CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _page_meta(soup) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta", attrs={"name": True, "content": True}):
        key = PAGE_META.get(str(tag["name"]).lower())
        value = " ".join(str(tag["content"]).split())
        if key and value and key not in meta:
            meta[key] = value
    # An information table above the text (gkmlpt's 索引号 | 文号 | 发布机构 | 成文日期 …): label cell, value cell.
    for cell in soup.find_all(["td", "th"]):
        label = re.sub(r"[\s:：]", "", cell.get_text())
        key = INFO_TABLE_LABELS.get(label)
        value = cell.find_next_sibling(["td", "th"])
        if key and value is not None and key not in meta:
            text = " ".join(value.get_text(" ").split())
            if text and not INFO_TABLE_LABELS.get(re.sub(r"[\s:：]", "", text)):
                meta[key] = text
    if "title" in meta:
        meta["title"] = re.sub(r"^[（(]转载[)）]\s*", "", meta["title"])
    if meta.get("source") in VAGUE_SOURCES:
        del meta["source"]
    return meta


INFO_TABLE_LABELS = {"文号": "doc_number", "发文字号": "doc_number", "发布机构": "source", "发文机关": "source",
                     "发布机关": "source", "成文日期": "date", "发文日期": "date", "发布日期": "date",
                     "实施主体": "source"}  # a service guide's 实施主体 is the body whose service it is


def _drop_hidden(soup) -> None:
    """Hidden elements that copy visible text (some pages hold an unformatted second copy, or a mobile
    one, in display:none) or say next to nothing are dropped. Others are kept: a question-and-answer
    page saved from the browser keeps its folded answers hidden until clicked, and they are the text."""
    # Some sites hide the whole <body> until a script has run: that is not a hidden copy.
    found = soup.find_all(lambda t: t.name not in ("html", "body") and (
        HIDDEN_STYLE_RE.search(t.get("style") or "") is not None or t.has_attr("hidden")))
    ids = {id(t) for t in found}
    hidden = [t for t in found if not any(id(parent) in ids for parent in t.parents)]
    if not hidden:
        return
    # A table of short cells (序号 | 材料名称) has no sentence to recognise: its cells stand in for them.
    pieces = [_pieces(tag.get_text("\n")) or _cells(tag.get_text("\n")) for tag in hidden]
    places = []
    for tag in hidden:  # out of the page while the visible text is read, each leaving a mark
        mark = soup.new_string("")
        tag.replace_with(mark)
        places.append(mark)
    visible = re.sub(r"\s+", "", soup.get_text())
    for tag, mark, own in zip(hidden, places, pieces):
        if sum(map(len, own)) >= HIDDEN_TEXT_CHARS and \
                sum(piece in visible for piece in own) < HIDDEN_COPY_SHARE * len(own):
            tag.attrs.pop("style", None)
            tag.attrs.pop("hidden", None)
            tag[RESTORED] = "1"
            mark.replace_with(tag)
        else:
            mark.extract()


def _cells(text: str) -> list[str]:
    return [p for p in (re.sub(r"\s+", "", x) for x in text.split("\n")) if len(p) >= 2]


def _pieces(text: str) -> list[str]:
    """The sentences of a text long enough to recognise elsewhere, spaces removed."""
    return [p for p in (re.sub(r"\s+", "", x) for x in re.split(r"[。；;！？!?\n]", text)) if len(p) >= 8]


def _drop_furniture(soup) -> None:
    """Remove navigation, headers, footers, sidebars, scripts: anything that is not the document."""
    for tag in soup.find_all(HTML_DROP_TAGS):
        # An <article>'s own <header> holds its headline; only page-level headers are furniture.
        if tag.name == "header" and tag.find_parent(["article", "main"]):
            continue
        # ASP.NET pages wrap the whole page in one <form>: a container holding the numbering stays.
        if tag.decomposed or (tag.name in HTML_WRAPPER_TAGS and _structure(tag) >= MIN_STRUCTURE):
            continue
        tag.decompose()
    for tag in soup.find_all(_is_furniture):
        if not tag.decomposed:
            tag.decompose()


def _marks(tag) -> str:
    return " ".join([tag.get("id") or "", *(tag.get("class") or [])])


def _is_furniture(tag) -> bool:
    if tag.name in ("html", "body", "article", "main"):
        return False
    marks = _marks(tag)
    if not marks.strip() or not HTML_FURNITURE_RE.search(marks):
        return False
    # A wrapper named "has-sidebar" that holds the article is not itself furniture.
    if tag.find(["article", "main"]) is not None or tag.find(_is_content) is not None:
        return False
    return _structure(tag) < MIN_STRUCTURE


def _is_content(tag) -> bool:
    marks = _marks(tag)
    return bool(marks.strip()) and bool(HTML_CONTENT_RE.search(marks))


def _structure(tag) -> int:
    # A guide laid out as definition lists is structured by its <dt> labels (受理条件, 申请材料 …).
    return len(STRUCTURE_RE.findall(tag.get_text("\n"))) + len(tag.find_all("dt"))


def _html_main(soup):
    """The element holding the document: the smallest one that still holds nearly all of the page's
    numbered lines; without numbering, <article>, <main>, a content/TRS_Editor div, else <body>."""
    root = soup.body or soup
    if _structure(root) >= MIN_STRUCTURE:
        return _smallest_holding(root, _structure)
    for name in ("article", "main"):
        found = soup.find_all(name)
        if found:
            return max(found, key=lambda tag: len(tag.get_text(strip=True)))
    found = soup.find_all(_is_content)
    if found:
        return max(found, key=lambda tag: len(tag.get_text(strip=True)))
    # Prose without numbering in an old table layout: the document is where the sentences are.
    return _smallest_holding(root, _sentence_ends)


def _smallest_holding(root, count):
    """The smallest element under root that still holds MAIN_SHARE of what count() finds in it.

    Never one panel that was hidden: a service guide's tabs (基本信息 | 办理流程 | 常见问题 …) are sibling
    panels, all but one display:none, and the 常见问题 panel may hold all the numbered lines ("问：").
    Never the inside of a data table either: a page that is one table is read row by row."""
    node, total = root, count(root)
    while True:
        best = max(((child, count(child)) for child in node.find_all(True, recursive=False)),
                   key=lambda pair: pair[1], default=(None, 0))
        if best[0] is None or best[1] < MAIN_SHARE * total or not total or best[0].has_attr(RESTORED):
            return node
        if best[0].name == "table" and (_data_table(best[0]) or _label_table(best[0]) or _question_table(best[0])):
            # a page that is one data table (a 政策清单), or a guide laid out as label | value rows whose
            # 常见问题 cell holds all the numbering: the table is read whole, row by row
            return node
        node, total = best


def _sentence_ends(tag) -> int:
    return tag.get_text().count("。")


def _html_headline(soup, main) -> str:
    """The page's headline: the main text's <h1>, else the page's first <h1>, else its <title> when that
    names a kind of document, else a heading or a "title" block that does (many CMS pages put the
    headline in <div class="title"> and only the site's name in <title>), else the <title> as it is."""
    h1 = main.find("h1") or soup.find("h1")
    if h1 is not None and h1.get_text(strip=True):
        return " ".join(h1.get_text(" ").split())
    page_title = _page_title(soup)
    if DOCUMENT_KIND_RE.search(page_title):
        return page_title
    candidates = [text for tag in soup.find_all(_headline_candidate)
                  if HEADLINE_CHARS[0] <= len(text := " ".join(tag.get_text(" ").split())) <= HEADLINE_CHARS[1]
                  and "。" not in text]
    named = next((text for text in candidates if DOCUMENT_KIND_RE.search(text)), "")
    if named:
        return named
    # A <title> that is only the site's name ("汀澜市政务服务网") says nothing of the page: its first heading
    # does ("灵活就业人员社会保险补贴申领", a service's name without a document kind).
    if candidates and (not page_title or SITE_NAME_RE.search(page_title)):
        return candidates[0]
    return page_title


# What a government page's headline calls itself: the kinds of official documents and their companions.
DOCUMENT_KIND_RE = re.compile(r"办法|通知|方案|意见|措施|规定|细则|指南|指引|解读|公告|通告|决定|条例|要点|计划|规划|"
                              r"批复|纲要|政策|问答|清单|目录|标准|公示|答复")
HEADLINE_CHARS = (6, 80)
SITE_NAME_RE = re.compile(r"(?:网|网站|门户|平台|官网|人民政府|政府|服务中心|站点)$")


def _page_title(soup) -> str:
    """<title> without the site's name appended ("标题_某市人民政府" → 标题, "标题-通知公告-某区人民政府门户网站"
    → 标题: a bare hyphen only before a part naming the site, since titles write 2025-2027 too)."""
    if soup.title is None or not soup.title.get_text(strip=True):
        return ""
    title = TITLE_SUFFIX_RE.split(soup.title.get_text().strip())[0].strip()
    parts = BARE_HYPHEN_RE.split(title)
    return parts[0].strip() if len(parts) > 1 and SITE_NAME_RE.search(parts[-1]) else title


BARE_HYPHEN_RE = re.compile(r"(?<=[\u4e00-\u9fff）)》])-(?=[\u4e00-\u9fff])")


def _headline_candidate(tag) -> bool:
    if tag.name in ("h2", "h3"):
        return True
    names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    return tag.name in ("div", "p", "span", "td", "strong") and bool(re.search(r"title|tit\b|biaoti", names, re.I))


def _cell_text(cell) -> str:
    """A cell's text on one line: its own "1./2." lines must not read as the document's items."""
    for br in cell.find_all("br"):
        br.replace_with(" ")
    return " ".join(cell.get_text(" ").split())


def _table_rows(table) -> list[list[str]]:
    """Rows of cells with rowspans and colspans repeated, so every row is complete."""
    rows: list[list[str]] = []
    pending: dict = {}  # column → (rows left, (text, source cell)) from a rowspan above
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        row: list[tuple[str, int]] = []
        cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]
        column = 0
        for cell in cells:
            while column in pending:
                row.append(_take(pending, column))
                column += 1
            text = _cell_text(cell)
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            for _ in range(span):
                row.append((text, id(cell)))
                if down > 1:
                    pending[column] = (down - 1, (text, id(cell)))
                column += 1
        while column in pending:
            row.append(_take(pending, column))
            column += 1
        # A cell spanning columns is shown once ("附件2 任务分工表" across the whole table).
        shown = [text for i, (text, source) in enumerate(row) if i == 0 or row[i - 1][1] != source]
        if any(shown):
            rows.append(shown)
    return rows


def _take(pending: dict, column: int) -> tuple[str, int]:
    left, text = pending.pop(column)
    if left > 1:
        pending[column] = (left - 1, text)
    return text


def _int(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


# A cell this long, or holding this many paragraphs, is a page's layout (old CMS templates put the
# whole document in one <td>), not a value: its lines keep their breaks.
LAYOUT_CELL_CHARS = 1000
LAYOUT_CELL_BLOCKS = 10


DATA_TABLE_ROWS = 3
DATA_TABLE_COLUMNS = 3


def _data_table(table) -> bool:
    """Rows of three cells and more, several of them: a table of data, not a page's layout."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    wide = sum(1 for r in rows if len(r.find_all(("td", "th"), recursive=False)) >= DATA_TABLE_COLUMNS)
    return wide >= DATA_TABLE_ROWS and _layout_cells(table) is None


LABEL_CELL_CHARS = 12
LABEL_ROWS_SHARE = 0.6


def _label_table(table) -> bool:
    """A guide laid out as rows of a short label and its value (事项名称 | …, 承诺办结时限 | 5个工作日)."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    labelled = sum(1 for r in rows if len(cells := r.find_all(("td", "th"), recursive=False)) == 2
                   and 0 < len(cells[0].get_text(strip=True)) <= LABEL_CELL_CHARS)
    return labelled >= DATA_TABLE_ROWS and labelled >= LABEL_ROWS_SHARE * len(rows)


def _label_rows(soup, table):
    """A guide's label | value table whose values are long (a list of materials, the steps): a value of
    one line reads "承诺办结时限 | 3个工作日", a longer one stays under its label as a heading, as for a
    definition list."""
    holder = soup.new_tag("div")
    for row in [r for r in table.find_all("tr") if r.find_parent("table") is table]:
        cells = row.find_all(("td", "th"), recursive=False)
        if len(cells) != 2:
            for cell in cells:
                cell.name = "div"
                holder.append(cell.extract())
            continue
        label, value = cells[0].get_text(" ", strip=True), cells[1]
        if value.find(HTML_BLOCK_TAGS) is None and value.find("br") is None:
            line = soup.new_tag("p")
            line.string = f"{label} | {value.get_text(' ', strip=True)}"
            holder.append(line)
            continue
        heading = soup.new_tag("p")
        heading.string = label
        holder.append(heading)
        value.name = "div"
        holder.append(value.extract())
    return holder


def _layout_cells(table) -> list | None:
    """The table's own cells when it only lays out the page, else None."""
    cells = [c for c in table.find_all(["td", "th"]) if c.find_parent("table") is table]
    for cell in cells:
        blocks = len(cell.find_all(("p", "div", "li")))  # a value's <br>-separated list is still one value
        if len(cell.get_text()) >= LAYOUT_CELL_CHARS or blocks >= LAYOUT_CELL_BLOCKS:
            return cells
    return None


# A question page laid out as a table: 问题 | 解答 (答复, 回答) over one question per row.
QUESTION_HEADERS = frozenset({"问题", "问", "提问", "咨询问题", "常见问题", "热点问题"})
ANSWER_HEADERS = frozenset({"解答", "答", "答复", "回答", "解读", "政策解答"})
_NUMBERED_RE = re.compile(r"^(\d{1,3}\s*[.．、]\s*)?(.*)$", re.S)


def _question_table(table) -> bool:
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    header = [re.sub(r"\s", "", c.get_text()) for c in rows[0].find_all(("td", "th"), recursive=False)] if rows else []
    return len(header) == 2 and header[0] in QUESTION_HEADERS and header[1] in ANSWER_HEADERS


def _question_rows(soup, table):
    """A 问题 | 解答 table → "1．问：…？" over "答：…" and the answer's other lines, as a question page
    prints them (its answers may be long, and they are the text); None for any other table."""
    if not _question_table(table):
        return None
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    holder = soup.new_tag("div")
    for row in rows[1:]:
        cells = row.find_all(("td", "th"), recursive=False)
        if len(cells) != 2:
            continue
        number, question = _NUMBERED_RE.match(cells[0].get_text(" ", strip=True)).groups()
        line = soup.new_tag("p")
        line.string = f"{number or ''}问：{question}"
        holder.append(line)
        answer = cells[1]
        first = answer.find(string=lambda text: text.strip())
        if first is not None:
            first.replace_with("答：" + str(first).lstrip())
        answer.name = "div"
        holder.append(answer.extract())
    return holder


def _tables_to_rows(soup, root) -> None:
    """Each table → one paragraph per row, cells joined with " | " (inner tables first); a layout
    table → its cells one below the other, their paragraphs kept."""
    for table in reversed(root.find_all("table")):
        if _label_table(table):
            table.replace_with(_label_rows(soup, table))
            continue
        if (questions := _question_rows(soup, table)) is not None:
            table.replace_with(questions)
            continue
        layout = _layout_cells(table)
        if layout is not None:
            holder = soup.new_tag("div")
            for cell in layout:
                cell.name = "div"
                holder.append(cell.extract())
            table.replace_with(holder)
            continue
        holder = soup.new_tag("div")
        for cells in _table_rows(table):
            while cells and not cells[-1]:
                cells.pop()
            paragraph = soup.new_tag("p")
            paragraph.string = " | ".join(cells)
            holder.append(paragraph)
        table.replace_with(holder)


_WRITTEN_NUMBER_RE = re.compile(r"^\s*(?:\d{1,3}\s*[.．、)）]|[(（]\s*\d{1,3}\s*[)）]|第\s*[一二三四五六七八九十百零〇\d]+\s*条)")
_CHAPTER_HEADING_RE = re.compile(r"^\s*第\s*[一二三四五六七八九十百零〇\d]+\s*章")


# Written numbers a Chinese plan uses at each level: 一、 / （一） / 1. / （1）.
_CJK_LEVELS = (lambda n: f"{int_to_cn(n)}、", lambda n: f"（{int_to_cn(n)}）", lambda n: f"{n}. ", lambda n: f"（{n}）")
_WRITTEN_CJK_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十]+\s*[)）])")


def _list_style(ol, css: str) -> str:
    """The list-style-type an <ol> is drawn with: its own style, else its class's rule in the page's CSS."""
    own = re.search(r"list-style(?:-type)?\s*:\s*([\w-]+)", ol.get("style") or "")
    if own:
        return own.group(1).lower()
    for name in ol.get("class") or ():
        rule = re.search(rf"ol\.{re.escape(name)}\s*\{{[^}}]*list-style(?:-type)?\s*:\s*([\w-]+)", css)
        if rule:
            return rule.group(1).lower()
    return ""


def _number_cjk_lists(soup, root) -> None:
    """A plan whose 一、 chapters are an <ol> drawn in Chinese numerals (list-style-type: cjk-ideographic)
    and whose （一） subsections are <ol>s nested in them (numbered by CSS counters): the numbers a reader
    sees are put in the text, one level of the plan's numbering per level of lists."""
    css = " ".join(style.get_text() for style in soup.find_all("style"))
    for ol in root.find_all("ol"):
        if ol.find_parent("ol") is None and _list_style(ol, css) == "cjk-ideographic":
            _number_levels(ol, 0)
            ol["data-numbered"] = "1"  # not again as a list of 1. 2.


def _number_levels(ol, level: int) -> None:
    items = ol.find_all("li", recursive=False)
    if level >= len(_CJK_LEVELS) or any(_WRITTEN_CJK_RE.match(li.get_text(" ", strip=True)) or
                                        _WRITTEN_NUMBER_RE.match(li.get_text(" ", strip=True)) for li in items):
        return  # numbered in the text already
    start = int(ol["start"]) if str(ol.get("start", "")).isdigit() else 1
    for number, li in enumerate(items, start):
        first = li.find(string=lambda text: text.strip())
        if first is not None:
            first.replace_with(_CJK_LEVELS[level](number) + str(first).lstrip())
        for inner in li.find_all("ol"):
            if inner.find_parent("li") is li:
                _number_levels(inner, level + 1)


def _number_ordered_lists(soup, root) -> None:
    """An <ol>'s numbers are drawn by the browser, not written in the text: they are put in, as a reader
    sees them ("1."), and as articles where the list sits under a chapter heading (第一章 … <ol> → 第一条 …,
    counted on across chapters by the lists' ``start``)."""
    article = 0
    for ol in root.find_all("ol"):
        if ol.find_parent("li") is not None or (ol.get("type") or "1") != "1" or ol.has_attr("data-numbered") or \
                "list-style-type:none" in (ol.get("style") or "").replace(" ", ""):
            continue
        items = ol.find_all("li", recursive=False)
        if any(_WRITTEN_NUMBER_RE.match(li.get_text(" ", strip=True)) for li in items):
            continue  # the numbers are written in the text already (its list style hides the browser's)
        heading = ol.find_previous_sibling(True)
        under_chapter = heading is not None and bool(_CHAPTER_HEADING_RE.match(heading.get_text(" ", strip=True)))
        number = int(ol["start"]) if str(ol.get("start", "")).isdigit() else (article + 1 if under_chapter else 1)
        for li in items:
            marker = f"第{int_to_cn(number)}条　" if under_chapter else f"{number}. "
            first = li.find(string=lambda text: text.strip())  # inside a <p> of the item, if it has one
            if first is not None:
                first.replace_with(marker + str(first).lstrip())
            else:
                li.insert(0, soup.new_string(marker))
            if under_chapter:
                article = number
            number += 1


DEFINITION_LABEL_CHARS = 14


def _definition_rows(soup, root) -> None:
    """A definition list's term with a one-line value reads as a row of a label and its value
    ("事项类型 | 公共服务"), as a guide's two-column table does; a value of several paragraphs stays
    under its term as a heading."""
    for dt in root.find_all("dt"):
        dd = dt.find_next_sibling(True)
        term = dt.get_text(" ", strip=True)
        if dd is None or dd.name != "dd" or dd.find(HTML_BLOCK_TAGS) is not None or \
                len(term) > DEFINITION_LABEL_CHARS or term.endswith(("？", "?")):
            continue  # a question and its answer ("问：…？" / "答：…") are read as such
        row = soup.new_tag("p")
        row.string = f"{term} | {dd.get_text(' ', strip=True)}"
        dt.replace_with(row)
        dd.decompose()


def _block_lines(root) -> list[str]:
    """Block elements become line breaks; whitespace inside a paragraph (source wrapping) does not."""
    for string in list(root.find_all(string=True)):
        if type(string) is NavigableString and string.find_parent("pre") is None:
            string.replace_with(re.sub(r"\s+", " ", str(string)))
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(HTML_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.append("\n")
    for tag in root.find_all(("td", "th")):
        tag.append(" ")
    return [line.strip() for line in root.get_text().split("\n") if line.strip()]
