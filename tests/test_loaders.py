"""retrieval.ingest.loaders: the Dalian plan as .txt/.md/.html/.docx/.pdf parses the same; broken files say why."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from retrieval.ingest.loaders import SUPPORTED_SUFFIXES, DocumentError, _strip_markdown, load_bytes, load_text
from retrieval.ingest.parsing import CHAPTER_RE, SUBSECTION_RE, NoMeasuresError, parse_text

DALIAN = Path(__file__).resolve().parents[1] / "corpus" / "dalian-2018-science-technology-work-plan.txt"
DALIAN_TITLE = "大连计划加大对燃料电池与储能电池技术研发支持"


@pytest.fixture(scope="module")
def plan_text() -> str:
    return DALIAN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan_lines(plan_text) -> list[str]:
    return [line for line in plan_text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reference(plan_text):
    return parse_text(plan_text, "dalian")


def parse_upload(data: bytes, filename: str):
    return parse_text(load_bytes(data, filename), Path(filename).stem)


def assert_same_plan(document, reference, *, same_text: bool = True) -> None:
    assert [m.section for m in document.measures] == [m.section for m in reference.measures]
    assert [m.units for m in document.measures] == [m.units for m in reference.measures]
    assert document.title == DALIAN_TITLE
    if same_text:
        assert [m.text for m in document.measures] == [m.text for m in reference.measures]


# -- plain text and Markdown ----------------------------------------------------------------------

def test_txt_file(tmp_path, plan_text, reference):
    path = tmp_path / "plan.txt"
    path.write_text(plan_text, encoding="utf-8")
    assert_same_plan(parse_text(load_text(path), "plan"), reference)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_txt_encodings(encoding, plan_text, reference):
    assert_same_plan(parse_upload(plan_text.encode(encoding), "plan.txt"), reference)


def test_full_width_punctuation_and_crlf(plan_text, reference):
    table = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})
    data = plan_text.translate(table).replace("\n", "\r\n").encode("gb18030")
    assert_same_plan(parse_upload(data, "plan.txt"), reference, same_text=False)


def to_markdown(lines: list[str]) -> str:
    out = [f"# {lines[0]}", ""]
    for line in lines[1:]:
        if CHAPTER_RE.match(line):
            out += ["---", "", f"## {line}", ""]
        elif SUBSECTION_RE.match(line):
            out += [f"### **{line}**", ""]
        elif re.match(r"^\d+\.", line):
            out.append(f"- {line}")
        else:
            out += [line, ""]
    return "\n".join(out)


def test_markdown_plan(plan_lines, reference):
    markdown = to_markdown(plan_lines)
    assert "## 三、培育创新载体" in markdown
    text = load_bytes(markdown.encode("utf-8"), "plan.md")
    assert "三、培育创新载体" in text.splitlines()
    assert not re.search(r"^(#|- |\* |---)|\*\*", text, re.MULTILINE)
    assert_same_plan(parse_text(text, "plan"), reference)


# -- HTML -----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}_北极星储能网</title>
<style>p {{ color: red }}</style>
<script>var menu = "一、首页\\n（一）新闻"; document.write("三、广告");</script></head>
<body class="page has-sidebar">
<header><h1 class="logo">北极星储能网</h1><div>登录 注册</div></header>
<nav><ul><li>一、首页</li><li>（一）新闻</li><li>二、政策</li></ul></nav>
<div class="breadcrumb">首页 &gt; 政策法规 &gt; 正文</div>
<div id="wrapper">
  <div class="article-title"><h1>{title}</h1><div class="info">2018-05-02 来源：大连市政府</div></div>
  <div class="share-bar">分享到：（一）微信（二）微博</div>
  <div class="TRS_Editor">
{paragraphs}
  </div>
  <div id="related-articles"><h3>相关阅读</h3><ul><li>一、相关新闻</li><li>（一）储能政策汇总</li></ul></div>
  <div class="comment-box"><form><textarea>1.评论</textarea></form></div>
</div>
<aside class="sidebar"><h3>热门文章</h3><ul><li>二、热门</li><li>（三）电池新闻</li><li>1.排行</li></ul></aside>
<footer><p>四、关于我们</p><p>（一）联系方式</p><p>版权所有</p></footer>
<script>trackPageview();</script>
</body></html>
"""


def to_html(lines: list[str], *, charset: str = "utf-8") -> str:
    """The plan inside a news page: headline in a title div, text in a TRS_Editor div, furniture around."""
    paragraphs = []
    for n, line in enumerate(lines[1:]):
        if n % 3 == 0 and "。(" in line:
            # Source wrapping inside a paragraph must not split it.
            line = line.replace("。(", "。\n      (", 1)
        indent = "&nbsp;&nbsp;" if n % 2 else "\u3000\u3000"
        paragraphs.append(f"    <p>{indent}<span>{line}</span></p>" if n % 4 else f"    {line}<br/>")
    return PAGE.format(charset=charset, title=lines[0], paragraphs="\n".join(paragraphs))


def test_html_page_with_furniture(plan_lines, reference):
    data = to_html(plan_lines).encode("utf-8")
    text = load_bytes(data, "plan.html")
    for furniture in ("首页", "北极星储能网", "分享到", "相关新闻", "热门", "关于我们", "评论", "document.write", "color"):
        assert furniture not in text, furniture
    assert text.splitlines()[0] == DALIAN_TITLE
    assert_same_plan(parse_text(text, "plan"), reference, same_text=False)


def test_html_gb2312_page(plan_lines, reference):
    data = to_html(plan_lines, charset="gb2312").encode("gb18030")
    assert_same_plan(parse_upload(data, "plan.htm"), reference, same_text=False)


def test_html_paragraph_text_is_kept_whole(plan_lines, reference):
    text = load_bytes(to_html(plan_lines).encode("utf-8"), "plan.html")
    document = parse_text(text, "plan")
    for mine, theirs in zip(document.measures, reference.measures):
        assert mine.text.replace(" ", "") == theirs.text.replace(" ", "")


def test_html_headline_from_title_when_no_h1():
    page = ("<html><head><title>示例方案_大连市人民政府</title></head><body><article>"
            "<p>一、总则</p><p>（一）支持创新。</p></article></body></html>")
    text = load_bytes(page.encode("utf-8"), "page.html")
    assert text.splitlines() == ["示例方案", "一、总则", "（一）支持创新。"]
    assert parse_text(text, "page").title == "示例方案"


@pytest.mark.parametrize("headline", ['<div class="pages-title">北塘县高龄津贴发放办法</div>',
                                      '<h2>北塘县高龄津贴发放办法</h2>'])
def test_html_headline_from_a_title_block_when_the_page_title_is_the_sites_name(headline):
    """Many CMS pages put only the site's name in <title> and the headline in a block of its own."""
    page = (f"<html><head><title>北塘县人民政府门户网站</title></head><body><div class='nav'>首页 政务公开</div>"
            f"{headline}<div class='content'><p>一、总则</p><p>（一）年满80周岁的老年人按月领取高龄津贴。</p></div></body></html>")
    assert parse_text(load_bytes(page.encode("utf-8"), "page.html"), "page").title == "北塘县高龄津贴发放办法"


def test_html_headline_not_repeated():
    page = "<html><body><main><h1>示例方案</h1><p>一、总则</p><table><tr><td>甲</td><td>乙</td></tr></table></main></body></html>"
    assert load_bytes(page.encode("utf-8"), "page.html").splitlines() == ["示例方案", "一、总则", "甲 | 乙"]  # table rows: cells joined with " | "


# -- Word -----------------------------------------------------------------------------------------

def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_plan(plan_lines, reference):
    def build(document):
        document.add_heading(plan_lines[0], level=1)
        for line in plan_lines[1:]:
            document.add_paragraph(line)

    assert_same_plan(parse_upload(docx_bytes(build), "plan.docx"), reference)


def test_docx_tables_in_document_order():
    def build(document):
        document.add_paragraph("示例方案")
        document.add_paragraph("一、总则")
        table = document.add_table(rows=2, cols=3)
        table.cell(0, 0).text = "（一）支持创新。"
        table.cell(0, 1).merge(table.cell(0, 2)).text = "责任单位：市科技局"
        table.cell(1, 0).text = "（二）支持转化。"
        document.add_paragraph("")
        document.add_paragraph("二、保障")

    text = load_bytes(docx_bytes(build), "table.docx")
    # One line per table row, cells joined with " | ".
    assert text.splitlines() == ["示例方案", "一、总则", "（一）支持创新。 | 责任单位：市科技局",
                                 "（二）支持转化。", "二、保障"]
    measures = parse_text(text, "table").measures
    assert [(m.section, m.units) for m in measures] == [("一(一)", ("市科技局",)), ("一(二)", ())]


# -- PDF ------------------------------------------------------------------------------------------

def pdf_bytes(lines: list[str], page_lines: int = 40) -> bytes:
    """A minimal PDF whose text pypdf can extract: a Type0 font with a ToUnicode map and no glyphs."""
    chars = sorted({char for line in lines for char in line})
    code = {char: n + 1 for n, char in enumerate(chars)}
    entries = [f"<{code[c]:04X}> <{c.encode('utf-16-be').hex()}>" for c in chars]
    blocks = "".join(f"{len(entries[i:i + 100])} beginbfchar\n" + "\n".join(entries[i:i + 100]) + "\nendbfchar\n"
                     for i in range(0, len(entries), 100))
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /PB def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + blocks +
            "endcmap CMapName currentdict /CMap defineresource pop end end")
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type0 /BaseFont /PB /Encoding /Identity-H /DescendantFonts [4 0 R] "
           "/ToUnicode 5 0 R >>",
        4: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /PB /CIDSystemInfo << /Registry (Adobe) "
           "/Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        5: f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
    }
    kids = []
    for n, start in enumerate(range(0, max(len(lines), 1), page_lines)):
        content = "BT /F1 10 Tf 14 TL 20 800 Td\n" + "".join(
            "<" + "".join(f"{code[c]:04X}" for c in line) + "> Tj T*\n" for line in lines[start:start + page_lines]) + "ET"
        page, stream = 6 + 2 * n, 7 + 2 * n
        objects[page] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         f"/Resources << /Font << /F1 3 0 R >> >> /Contents {stream} 0 R >>")
        objects[stream] = f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream"
        kids.append(f"{page} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n{objects[number]}\nendobj\n".encode())
    xref, size = out.tell(), max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offsets[n]:010d} 00000 n \n" for n in range(1, size)).encode())
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_plan(plan_lines, reference):
    data = pdf_bytes(plan_lines)
    assert len(PdfReader(io.BytesIO(data)).pages) > 1
    assert_same_plan(parse_upload(data, "plan.pdf"), reference)


def test_pdf_encrypted_with_empty_password_is_read(plan_lines, reference):
    assert_same_plan(parse_upload(encrypted(pdf_bytes(plan_lines), ""), "plan.pdf"), reference)


# -- broken inputs --------------------------------------------------------------------------------

def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    return buffer.getvalue()


BINARY_JUNK = bytes(range(256)) * 4


@pytest.mark.parametrize(("filename", "data", "cause"), [
    ("junk.txt", BINARY_JUNK, "looks like binary data, not text"),
    ("junk.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like binary data, not text"),
    ("junk.html", BINARY_JUNK, "looks like binary data, not text"),
    ("empty.txt", b"", "the file is empty"),
    ("empty.docx", b"", "the file is empty"),
    ("broken.docx", b"this is not a zip archive", "not a valid .docx file (File is not a zip file)"),
    ("other.docx", zip_bytes(), "not a valid .docx file"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "not a readable PDF file"),
    ("junk.pdf", BINARY_JUNK, "not a readable PDF file"),
    ("scan.pdf", blank_pdf(), "a scanned PDF (pages without text): no text could be read in it"),
    ("secret.pdf", encrypted(pdf_bytes(["一、总则"]), "secret"), "encrypted"),
    ("blank.html", b"<html><head><script>x=1</script></head><body> </body></html>", "no text found"),
    ("junk.doc", BINARY_JUNK, "not a Word 97–2003 file"),
    ("letter.rtf", b"{\\rtf1\\ansi {\\fonttbl{\\f0 Arial;}}}", "no text found"),
    ("fake.rtf", b"PK\x03\x04", "not an RTF file"),
    ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a readable image"),
    ("table.xls", BINARY_JUNK, "not a readable Excel 97–2003 file"),
    ("slides.pptx", b"PK\x03\x04", "unsupported file type '.pptx'; supported: .txt, .md, .html, .htm, .shtml"),
    ("table.xlsx", b"PK\x03\x04", "not a valid .xlsx file"),
    ("README", b"text", "unsupported file type"),
])
def test_broken_inputs_name_the_file_and_cause(filename, data, cause):
    with pytest.raises(DocumentError) as caught:
        load_bytes(data, filename)
    message = str(caught.value)
    assert message.startswith(f"{filename}: ")
    assert cause in message
    assert isinstance(caught.value, ValueError)


def test_text_without_measures(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("市科技局召开座谈会。\n会议强调要加强创新。\n", encoding="utf-8")
    with pytest.raises(NoMeasuresError):
        parse_text(load_text(path), path.stem)


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError, match=r"^missing\.txt: cannot read the file"):
        load_text(tmp_path / "missing.txt")


def test_suffix_is_case_insensitive(plan_text, reference):
    assert_same_plan(parse_upload(plan_text.encode("utf-8"), "PLAN.TXT"), reference)


def test_supported_suffixes():
    assert {".txt", ".md", ".html", ".htm", ".shtml", ".mhtml", ".docx", ".doc", ".rtf", ".pdf", ".xlsx", ".xls",
            ".png", ".jpg"} <= set(SUPPORTED_SUFFIXES)


def test_xlsx_policy_list_is_read_as_rows():
    """tests/fixtures/sample-policy-list.xlsx: a title merged across the columns, a header, rows; a
    percentage shown as one (0.6 formatted 0% → 60%), an empty cell kept in its column."""
    data = (Path(__file__).parent / "fixtures" / "sample-policy-list.xlsx").read_bytes()
    lines = load_bytes(data, "list.xlsx").splitlines()
    assert lines[0] == "示例市2025年惠企政策清单"
    assert lines[2] == "1 | 稳岗返还 | 对不裁员或少裁员的企业返还失业保险费 | 60% | 市人力资源社会保障局"
    assert lines[3].endswith("财政贴息 |  | 市财政局、市人力资源社会保障局")
    measures = parse_upload(data, "list.xlsx").measures
    assert [m.section for m in measures] == ["1", "2", "3"]
    from retrieval.ingest.loaders import _cell_text

    assert [_cell_text(v) for v in (2000000.0, 1234567.5, 3)] == ["2000000", "1234567.5", "3"]  # never 2e+06
    assert measures[1].units == ("市财政局", "市人力资源社会保障局")


WORD97_FIXTURE = Path(__file__).parent / "fixtures" / "sample-measures.doc"


def test_word97_doc_is_read_with_its_table_and_link_text():
    """tests/fixtures/sample-measures.doc, saved by LibreOffice as Word 97: paragraphs, a hyperlink's
    shown text (not its field code), and a table whose cell holds a line break, as " | " rows."""
    lines = load_bytes(WORD97_FIXTURE.read_bytes(), "plan.doc").splitlines()
    assert lines[:2] == ["示例县关于支持农村供水的若干措施", "示政办发〔2025〕3号"]
    assert "（二）对新建供水管网的乡镇，每公里给予2万元补助，单个乡镇最高50万元。（责任单位：县财政局、县水利局）" in lines
    assert lines[-4:] == ["序号 | 项目 | 补助（万元）", "1 | 管网延伸 | 2", "2 | 水厂改造 （含消毒设备） | 30",
                          "（二）本措施自2025年5月1日起施行。"]
    measures = parse_upload(WORD97_FIXTURE.read_bytes(), "plan.doc").measures
    assert [m.section for m in measures] == ["一(一)", "一(二)", "二(一)", "二(二)"]
    assert measures[1].units == ("县财政局", "县水利局")


@pytest.mark.parametrize("data", [
    "<html><body><p>一、对吸纳就业的企业给予补贴，每人1000元。</p><p>二、对创业者给予担保贷款。</p></body></html>".encode(),
    None,  # a .docx under a .doc name
])
def test_a_doc_is_read_as_what_its_bytes_are(data):
    """Sites serve pages saved as HTML, and .docx files, under a .doc name."""
    if data is None:
        data = docx_bytes(lambda d: [d.add_paragraph("一、对吸纳就业的企业给予补贴，每人1000元。"),
                                     d.add_paragraph("二、对创业者给予担保贷款。")])
    assert "对吸纳就业的企业给予补贴" in load_bytes(data, "notice.doc")


_PAGE = ("<html><head><title>某市就业方案_某市人民政府</title></head><body><div class='content'>"
         "<p>一、对吸纳就业的企业给予补贴，每人1000元。</p><p>二、对创业者给予担保贷款，最高30万元。</p>"
         "<p>三、对培训机构给予奖励。</p></div></body></html>")


@pytest.mark.parametrize("filename", ["post_123.shtml", "content.jsp", "copied-source.txt"])
def test_pages_saved_with_a_server_suffix_or_as_text_are_read_as_html(filename):
    document = parse_upload(_PAGE.encode("gb18030"), filename)
    assert [m.section for m in document.measures] == ["一", "二", "三"]
    assert document.title == "某市就业方案"


def test_a_browser_single_file_save_is_read(tmp_path):
    import quopri

    mhtml = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"; boundary="--b--"\r\n\r\n'
             b"----b--\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
             b"Content-Location: http://www.example.gov.cn/a.shtml\r\n\r\n" + quopri.encodestring(_PAGE.encode("utf-8"))
             + b"\r\n----b----\r\n")
    document = parse_upload(mhtml, "page.mhtml")
    assert [m.section for m in document.measures] == ["一", "二", "三"]
    with pytest.raises(DocumentError, match="MHTML"):
        parse_upload(b"not a MIME message", "page.mht")


def _numbered_list(document, levels, restart: dict[int, int] | None = None) -> str:
    """Add a Word list definition (format, text per level; w:lvlRestart per level) to the document;
    returns its numId."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    restart = restart or {}
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   + (f'<w:lvlRestart w:val="{restart[i]}"/>' if i in restart else "")
                   + f'<w:lvlText w:val="{text}"/></w:lvl>'
                   for i, (fmt, text) in enumerate(levels))
    root = document.part.numbering_part.element
    root.insert(0, parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    root.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document, text: str, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_docx_automatic_list_numbering():
    def build(document):
        num = _numbered_list(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"),
                                        ("decimal", "%3.")])
        document.add_paragraph("示例方案")
        _numbered(document, "总则", num, 0)
        _numbered(document, "支持创新。", num, 1)
        _numbered(document, "建设实验室。（责任单位：市科技局）", num, 2)
        _numbered(document, "培育联盟。", num, 2)
        _numbered(document, "支持转化。", num, 1)
        _numbered(document, "保障", num, 0)
        _numbered(document, "加强领导。", num, 1)

    text = load_bytes(docx_bytes(build), "numbered.docx")
    assert text.splitlines()[:4] == ["示例方案", "一、总则", "（一）支持创新。", "1.建设实验室。（责任单位：市科技局）"]
    measures = parse_text(text, "numbered").measures
    assert [m.section for m in measures] == ["一(一)1", "一(一)2", "一(二)", "二(一)"]
    assert measures[0].units == ("市科技局",)


def test_docx_numbering_as_libreoffice_saves_it():
    """LibreOffice writes its Chinese counting as taiwaneseCountingThousand: still 一、 and （一）, not 1、."""
    def build(document):
        num = _numbered_list(document, [("taiwaneseCountingThousand", "%1、"),
                                        ("taiwaneseCountingThousand", "（%2）")])
        _numbered(document, "总体要求", num, 0)
        _numbered(document, "完善水源。（责任单位：县水利局）", num, 1)
        _numbered(document, "保障措施", num, 0)
        _numbered(document, "加强领导。", num, 1)

    text = load_bytes(docx_bytes(build), "plan.docx")
    assert text.splitlines()[:2] == ["一、总体要求", "（一）完善水源。（责任单位：县水利局）"]
    assert [m.section for m in parse_text(text, "plan").measures] == ["一(一)", "二(一)"]


def test_docx_articles_counted_on_across_chapters():
    """第%2条 with w:lvlRestart 0 is counted on across 第%1章, as Word shows a regulation's articles."""
    def build(document):
        num = _numbered_list(document, [("chineseCounting", "第%1章"), ("chineseCounting", "第%2条")], {1: 0})
        document.add_paragraph("某市职业技能提升补贴实施细则")
        _numbered(document, "总则", num, 0)
        _numbered(document, "为了提升职工技能，制定本细则。", num, 1)
        _numbered(document, "本细则适用于本市参保职工。", num, 1)
        _numbered(document, "补贴标准", num, 0)
        _numbered(document, "初级工补贴1000元。", num, 1)

    measures = parse_text(load_bytes(docx_bytes(build), "rules.docx"), "rules").measures
    assert [m.section for m in measures] == ["第一条", "第二条", "第三条"]
    assert measures[2].text == "初级工补贴1000元。"


def test_markdown_front_matter_gives_the_page_fields_and_is_no_text():
    page = ('---\ntitle: "某市城市供水用水条例"\npublish_date: "2025-10-10 09:30"\npublisher: "某市人大常委会办公室"\n'
            'export_tool: "TRS WCM"\n---\n\n# 某市城市供水用水条例\n\n#### 第一条\n\n为了保障供水，制定本条例。\n\n'
            '#### 第二条\n\n本条例自2026年1月1日起施行。\n')
    text, meta = _strip_markdown(page)
    assert meta["title"] == "某市城市供水用水条例" and meta["date"].startswith("2025-10-10")
    assert "export_tool" not in text and "TRS" not in text


def test_html_page_wrapped_in_a_form():
    """ASP.NET sites put the whole page in one <form>; the document inside it is still the document."""
    page = ("<html><body><form id='form1'><div class='nav'><a>首页</a></div><h1>某办法</h1>"
            "<p>第一条 目的。</p><p>第二条 范围。</p><p>第三条 施行。</p>"
            "<form><input name='q'><p>搜索</p></form></form></body></html>")
    text = load_bytes(page.encode("utf-8"), "page.html")
    assert [m.section for m in parse_text(text, "x").measures] == ["第一条", "第二条", "第三条"]
    assert "搜索" not in text and "首页" not in text


def test_markdown_bold_heading_names_a_restarted_list():
    page = "# 指南\n\n**一、材料**\n\n身份证。\n\n**二、步骤**\n\n1.登录。\n\n2.填写。\n\n**温馨提示**\n\n1.如实填写。\n\n2.按时办理。\n"
    document = parse_text(load_bytes(page.encode("utf-8"), "guide.md"), "guide")
    assert [m.section for m in document.measures] == ["一", "二1", "二2", "温馨提示1", "温馨提示2"]


def test_a_draft_with_tracked_changes_is_read_with_them_accepted():
    """A 征求意见稿 saved with its revisions: inserted words and a whole inserted article are text, deleted
    ones (and a deleted article) are not; the numbers Word draws count only what is left."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mark = 'w:author="起草组" w:date="2025-05-01T00:00:00Z"'

    def build(document):
        first = document.add_paragraph("第一条 本办法适用于")
        first._p.append(parse_xml(f'<w:ins {w} w:id="1" {mark}><w:r><w:t>本区</w:t></w:r></w:ins>'))
        first._p.append(parse_xml(f'<w:del {w} w:id="2" {mark}><w:r><w:delText>全市</w:delText></w:r></w:del>'))
        first._p.append(parse_xml(f'<w:r {w}><w:t>既有住宅加装电梯。</w:t></w:r>'))
        gone = document.add_paragraph()
        gone._p.append(parse_xml(f'<w:del {w} w:id="3" {mark}><w:r><w:delText>第二条 园林部门审批绿地占用。</w:delText></w:r></w:del>'))
        added = document.add_paragraph()
        added._p.append(parse_xml(f'<w:ins {w} w:id="4" {mark}><w:r><w:t>第二条 每台电梯补助20万元。</w:t></w:r></w:ins>'))
        return [first, gone, added]

    lines = load_bytes(docx_bytes(build), "draft.docx").splitlines()
    assert lines == ["第一条 本办法适用于本区既有住宅加装电梯。", "第二条 每台电梯补助20万元。"]
