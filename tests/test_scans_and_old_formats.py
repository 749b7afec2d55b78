"""Files admins download that hold no text layer or come in older formats: a scanned PDF and an image
(read by OCR, the models inside rapidocr-onnxruntime), Excel 97–2003 .xls and RTF.

The OCR fixtures are made by tests/fixtures/make_ocr_fixtures.py: a PDF of page images (150 dpi, a
little askew, grey noisy paper; its second and third pages hold a ruled table over a page break) and a
一图读懂 long image."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.ingest import ocr
from retrieval.ingest.loaders import DocumentError, load_bytes
from retrieval.ingest.parsing import parse_text

FIXTURES = Path(__file__).parent / "fixtures"
SCAN = FIXTURES / "sample-measures-scan.pdf"
INFOGRAPHIC = FIXTURES / "sample-infographic.png"

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime is not installed")


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    """One cache for the module: each fixture is recognised once (seconds a page)."""
    folder = tmp_path_factory.mktemp("ocr-cache")
    ocr.use_cache_dir(folder)
    yield folder
    ocr.use_cache_dir(None)


@needs_ocr
def test_a_scanned_pdf_is_read_by_ocr_with_its_table_rows(ocr_cache):
    lines = load_bytes(SCAN.read_bytes(), "scan.pdf").splitlines()
    # Paragraphs joined over their printed lines, as the text PDF's are.
    assert lines[1].startswith("（一）对首次纳入规模以上工业统计的企业，给予一次性奖励20万元。")
    assert "同一企业跨档晋级的按差额补足。" in lines[1]
    # The ruled table: cells from the rules, the lone 序号 the detector misses read from its cell,
    # the header the next page repeats dropped.
    assert "1 | 示例机具1号 | 幅宽2米及以上 | 1100" in lines
    assert "7 | 示例机具7号 | 幅宽2米及以上 | 1700" in lines
    assert "19 | 示例机具19号 | 功率4千瓦及以上（丘陵山区适用） | 2900" in lines
    assert sum(1 for line in lines if line.startswith("序号 |")) == 1
    # The framed 专栏 is measured against its frame: its items are whole.
    assert "2.海水淡化工程。新建示例东港区海水淡化厂，日产能10万吨，建设海岛小型淡化站20座。" in lines
    measures = parse_text("\n".join(lines), "scan").measures
    assert [m.section for m in measures][:3] == ["一(一)", "一(二)", "二(一)"]
    assert measures[0].units == ("示例市工业和信息化局", "示例市财政局")


@needs_ocr
def test_a_scan_is_recognised_once(ocr_cache, monkeypatch):
    """A reload reads every file again: the recognised pages come from the cache, by the file's hash."""
    data = SCAN.read_bytes()
    first = load_bytes(data, "scan.pdf")
    monkeypatch.setattr(ocr, "_recognise", lambda image: pytest.fail("recognised again"))
    assert load_bytes(data, "renamed.pdf") == first
    assert len(list((ocr_cache / "ocr").glob("*.json"))) >= 1


@needs_ocr
def test_a_long_infographic_is_read_in_slices(ocr_cache):
    from PIL import Image

    image = Image.open(INFOGRAPHIC)
    slices = ocr._slices(image)
    assert len(slices) == 2 and slices[0][0] == 0 and slices[-1][1] == image.height
    lines = load_bytes(INFOGRAPHIC.read_bytes(), "info.png").splitlines()
    assert lines[0] == "一图读懂《示例市稳岗扩就业若干措施》"  # a title broken inside 《》 is joined
    assert "2.小微企业招用高校毕业生，按每人每月500元给予社保补贴，期限最长12个月。" in lines
    document = parse_text("\n".join(lines), "info")
    assert [m.section for m in document.measures] == ["一1", "一2", "一3", "二1", "二2", "三1"]
    assert document.measures[2].units == ("示例市人力资源和社会保障局",)


def test_without_ocr_a_scan_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(DocumentError, match=r"^scan\.pdf: a scanned PDF .*needs OCR \(pip install rapidocr-onnxruntime\)"):
        load_bytes(SCAN.read_bytes(), "scan.pdf")


def test_a_blank_image_says_nothing_was_read(tmp_path):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    with pytest.raises(DocumentError, match=r"^blank\.png: an image: no text could be read in it"):
        load_bytes(buffer.getvalue(), "blank.png")


def test_xls_reads_as_the_same_workbook_saved_as_xlsx():
    """The policy list saved by LibreOffice as Excel 97–2003: the same rows as its .xlsx (60% kept a
    percentage, the empty cell kept in its column)."""
    old = load_bytes((FIXTURES / "sample-policy-list.xls").read_bytes(), "list.xls")
    assert old == load_bytes((FIXTURES / "sample-policy-list.xlsx").read_bytes(), "list.xlsx")
    assert "1 | 稳岗返还 | 对不裁员或少裁员的企业返还失业保险费 | 60% | 市人力资源社会保障局" in old.splitlines()
    # A .xls that is really a .xlsx is read as one.
    assert load_bytes((FIXTURES / "sample-policy-list.xlsx").read_bytes(), "list.xls") == old


def _rtf(body: str, code_page: str = "936") -> bytes:
    """RTF as Word writes Chinese: \\uN escapes (with a ? for readers without Unicode)."""
    escaped = "".join(c if ord(c) < 128 else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?" for c in body)
    return ("{\\rtf1\\ansi\\ansicpg" + code_page + "\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 "
            + escaped + "}").encode("ascii")


def test_rtf_keeps_list_numbers_paragraphs_and_table_rows():
    body = ("{\\listtext 第一条\\tab}为规范人才安居补贴，制定本细则。\\par "
            "{\\listtext 第二条\\tab}申请人应当提交下列材料：\\par "
            "\\trowd\\cellx2000\\cellx6000\\cellx8000 \\intbl 序号\\cell 材料名称\\cell 份数\\cell\\row "
            "\\trowd\\cellx2000\\cellx6000\\cellx8000 \\intbl 1\\cell 身份证\\cell 1份\\cell\\row "
            "{\\listtext 第三条\\tab}补贴标准为每月2000元，由市住房和城乡建设局审核。\\par ")
    lines = load_bytes(_rtf(body), "rules.rtf").splitlines()
    assert lines == ["第一条 为规范人才安居补贴，制定本细则。", "第二条 申请人应当提交下列材料：",
                     "序号 | 材料名称 | 份数", "1 | 身份证 | 1份", "第三条 补贴标准为每月2000元，由市住房和城乡建设局审核。"]
    assert [m.section for m in parse_text("\n".join(lines), "rules").measures] == ["第一条", "第二条", "第三条"]


def test_rtf_in_its_code_page_and_under_a_doc_name():
    """Chinese as GBK bytes (\\'d6\\'d0) where \\ansicpg936 says so; Word saves RTF under .doc when asked."""
    gbk = b"{\\rtf1\\ansi\\ansicpg936 \\'d6\\'d0\\'ce\\'c4 20\\'cd\\'f2\\'d4\\'aa\\par}"
    assert load_bytes(gbk, "note.rtf") == "中文 20万元"
    assert load_bytes(gbk, "note.doc") == "中文 20万元"


@needs_ocr
def test_a_pdf_with_text_that_ends_in_scanned_pages_reads_them_too(ocr_cache):
    """A signed page or an annex scanned and appended after the text: the text pages are read from their
    text, the scanned ones at the end by OCR, in order."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(FIXTURES / "sample-measures.pdf").pages[1])  # the text of 一 and the 专栏
    for page in PdfReader(SCAN).pages[1:]:  # the table's two pages, scanned
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    lines = load_bytes(buffer.getvalue(), "mixed.pdf").splitlines()
    assert lines[0] == "一、支持企业发展"
    assert lines.index("（一）补贴标准见下表。") < lines.index("7 | 示例机具7号 | 幅宽2米及以上 | 1700")
    assert lines[-1] == "24 | 示例机具24号 | 幅宽2米及以上 | 3400"
