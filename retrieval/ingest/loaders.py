"""A file (on disk or uploaded as bytes) → the plain text the parser reads, one paragraph per line.

Supported: plain text and Markdown (UTF-8 or GB18030), HTML pages, Word (.docx, and .doc of Word 97–2003), RTF,
PDF (a scanned one read by OCR), images of a document (OCR) and Excel (.xlsx, and .xls of Excel 97–2003).
Every failure is a DocumentError whose message names the file and the cause.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.table import Table
from pypdf import PdfReader

from retrieval.ingest.ocr import IMAGE_SUFFIXES
from retrieval.ingest.pdf_layout import layout_text, without_autospace

log = logging.getLogger(__name__)

# Pages keep their server's suffix when saved (.shtml, .jsp …); MHTML is a browser's single-file save.
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jhtml", ".asp", ".aspx", ".jsp", ".php")
MHTML_SUFFIXES = (".mhtml", ".mht")
# .doc: Word 97–2003, still how many sites publish attachments; .wps: WPS Office's, the same format.
WORD97_SUFFIXES = (".doc", ".wps")
SUPPORTED_SUFFIXES = (".txt", ".md", *HTML_SUFFIXES, *MHTML_SUFFIXES, ".docx", *WORD97_SUFFIXES, ".rtf", ".pdf",
                      ".xlsx", ".xls", *IMAGE_SUFFIXES)
# A "text" file that is really a saved page (copied out of the browser's source view).
HTML_START_RE = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<meta\s)", re.IGNORECASE)

# Share of undecodable or control characters above which a "text" file is treated as binary.
BINARY_RATIO = 0.1
BINARY_SAMPLE = 100_000
_ALLOWED_CONTROLS = set("\t\n\r\f\v")

MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*")
MD_BULLET_RE = re.compile(r"^\s*[-*+]\s+")
MD_RULE_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
MD_EMPHASIS_RE = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
MD_BOLD_LINE_RE = re.compile(r"^(?:\*\*|__)([^*_]{2,12}?)(?:\*\*|__)$")
MD_NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|\d|[(（])")
MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MD_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
MD_READER_RE = re.compile(r"^(Title|URL Source|Markdown Content|Published Time):\s*(.*)$", re.IGNORECASE)
# Site names appended to a page title: "标题 - 广州市人民政府门户网站".
TITLE_SUFFIX_RE = re.compile(r"\s*(?:_|\||｜| - | – | — )\s*")

# GB2312/GBK pages routinely contain characters only GB18030 (their superset) can decode.
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"}


class DocumentError(ValueError):
    """A file that cannot be turned into text (or yields nothing); the message names the file and the cause."""


def _error(filename: str, cause: str) -> DocumentError:
    return DocumentError(f"{filename}: {cause}")


@dataclass(frozen=True)
class Loaded:
    """A file's text, and what the file itself says about the document (an HTML page's title, date)."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


def load_text(path: Path) -> str:
    """A file on disk → plain text for the parser."""
    return load_file(path).text


def load_file(path: Path) -> Loaded:
    """A file on disk → its text and page metadata."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path.name, f"cannot read the file ({exc.strerror or exc})") from exc
    return load_upload(data, path.name)


def load_bytes(data: bytes, filename: str) -> str:
    """An upload → plain text for the parser, one paragraph per line."""
    return load_upload(data, filename).text


def load_upload(data: bytes, filename: str) -> Loaded:
    """An upload → its text, one paragraph per line, and page metadata."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _error(filename, f"unsupported file type {suffix or '(none)'!r}; "
                               f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if not data:
        raise _error(filename, "the file is empty")
    meta: dict[str, str] = {}
    if suffix in (".txt", ".md") and not HTML_START_RE.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        text = _decode(data, filename)
        if suffix == ".md":
            text, meta = _strip_markdown(text)
    elif suffix in (".txt", ".md", *HTML_SUFFIXES):
        text, meta = _html_text(data, filename)
    elif suffix in MHTML_SUFFIXES:
        text, meta = _html_text(_mhtml_page(data, filename), filename)
    elif suffix == ".docx":
        text = _docx_text(data, filename)
    elif suffix in WORD97_SUFFIXES:
        text, meta = _word97_text(data, filename)
    elif suffix == ".xlsx":
        text = _xlsx_text(data, filename)
    elif suffix == ".xls":
        text = _xls_text(data, filename)
    elif suffix == ".rtf":
        text = _rtf_text(data, filename)
    elif suffix in IMAGE_SUFFIXES:
        text = _ocr_text(data, filename, image=True)
    else:
        text, meta = _pdf_text(data, filename)
    if not text.strip():
        raise _error(filename, "no text found in the file")
    log.debug("loaded %s: %d characters", filename, len(text))
    return Loaded(text, meta)


# -- plain text ---------------------------------------------------------------------------------

def _decode(data: bytes, filename: str, declared: str | None = None) -> str:
    """Bytes → str: BOM, the declared charset, UTF-8, then GB18030; binary junk is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Notepad's "Unicode": UTF-16 with a BOM (its NUL bytes are not binary junk).
        return _check_text(data.decode("utf-16", errors="replace"), filename)
    if b"\x00" in data:
        raise _error(filename, "looks like binary data, not text")
    encodings = ["utf-8-sig"]
    declared = (declared or "").lower()
    if declared and not declared.startswith(("utf-16", "utf-32")):  # without a BOM or NULs it is not UTF-16
        encodings.append("gb18030" if declared in _GB_ALIASES else declared)
    encodings.append("gb18030")
    for encoding in encodings:
        try:
            return _check_text(data.decode(encoding), filename)
        except (UnicodeDecodeError, LookupError):
            continue
    return _check_text(data.decode("gb18030", errors="replace"), filename)


def _check_text(text: str, filename: str) -> str:
    text = text.lstrip("\ufeff")
    sample = text[:BINARY_SAMPLE]  # junk shows at once; no need to scan a whole large file
    junk = sum(1 for char in sample
               if char == "\ufffd" or (unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS))
    if sample and junk / len(sample) > BINARY_RATIO:
        raise _error(filename, "looks like binary data, not text")
    return text


MD_PART_HEADING_RE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分编]|[一二三四五六七八九十]+[、.．]|"
                                r"[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、])")


MD_FOOTNOTE_RE = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
MD_FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]]+)\]")


def _footnotes(text: str) -> tuple[str, dict[str, str]]:
    """The text without its footnotes' definitions, and the notes by label: a note sits at the end of
    the file, but what it says belongs to the sentence that points at it, and is put there."""
    notes: dict[str, str] = {}
    kept = []
    for line in text.splitlines():
        if match := MD_FOOTNOTE_RE.match(line.strip()):
            notes[match.group(1)] = match.group(2).strip()
        else:
            kept.append(line)
    return ("\n".join(kept), notes) if notes else (text, notes)


FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
# What a web clipper or a CMS export writes in its front matter, by the page field it fills.
FRONT_MATTER_FIELDS = {"title": ("title",), "date": ("published", "publish_date", "date", "pubdate"),
                       "source": ("publisher", "source_org", "author")}


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    """YAML front matter (``---`` / ``title: "…"`` / ``---``) → the page's title, date and issuer, and the
    text without it: its lines are the export's, not the document's."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return text, {}
    import yaml

    try:
        fields = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return text, {}
    if not isinstance(fields, dict):
        return text, {}
    meta = {}
    for name, keys in FRONT_MATTER_FIELDS.items():
        value = next((fields[k] for k in keys if fields.get(k)), None)
        if isinstance(value, list):  # author: ["[[X委员会]]"]
            value = value[0] if value else None
        if value is not None:
            meta[name] = str(value).strip().strip("[]").strip()
    return text[match.end():], meta


def _strip_markdown(text: str) -> tuple[str, dict[str, str]]:
    """Markdown markup → plain lines: ``## 三、培育创新载体`` → ``三、培育创新载体``; images dropped, links
    reduced to their text, table rows to cells joined with " | ". A web reader's dump ("Title: …",
    "URL Source: …") gives the page title."""
    text, meta = _front_matter(text)
    lines = []
    text, notes = _footnotes(text)
    for line in text.splitlines():
        if MD_RULE_RE.match(line) or MD_TABLE_RULE_RE.match(line):
            continue
        if match := MD_READER_RE.match(line):
            if match.group(1).lower() == "title" and match.group(2).strip():
                meta["title"] = TITLE_SUFFIX_RE.split(match.group(2).strip())[0].strip()
            continue
        if (bold := MD_BOLD_LINE_RE.match(line.strip())) and not MD_NUMBERED_RE.match(bold.group(1)):
            # A bold line of its own is an unnumbered heading: written "注意事项：" the parser can use it to
            # name a list that restarts at 1.
            line = bold.group(1).rstrip("：:") + "："
        heading = MD_HEADING_RE.match(line)
        line = MD_HEADING_RE.sub("", line)
        if bullet := MD_BULLET_RE.match(line):
            # A bullet stays a list mark (the parser reads a bulleted list as items) unless the item
            # is numbered itself: "- 1. …" (also "- **1. 加强…。**…") is item 1.
            rest = line[bullet.end():]
            plain = MD_EMPHASIS_RE.sub("", rest)
            line = rest if MD_NUMBERED_RE.match(plain) or plain.startswith("第") else "• " + rest
        line = MD_FOOTNOTE_REF_RE.sub(lambda m: f"（注：{notes[m.group(1)]}）" if m.group(1) in notes else "", line)
        line = MD_LINK_RE.sub(r"\1", MD_IMAGE_RE.sub("", line)).replace("\\_", "_").replace("\\*", "*")
        line = MD_EMPHASIS_RE.sub("", line)
        if line.strip().startswith("|") and line.strip().endswith("|"):
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        if heading and line.strip() and "heading" not in meta and not MD_PART_HEADING_RE.match(line.strip()) \
                and not _issuer_line(line.strip()):
            # "# 第一章 总则" is the text's first part, not its title; nor is a 文件头's issuer ("# 某市财政局")
            meta["heading"] = line.strip()
        lines.append(line)
    meta.setdefault("title", meta.pop("heading", ""))
    meta.pop("heading", None)
    return "\n".join(lines), {k: v for k, v in meta.items() if v}


# -- HTML -----------------------------------------------------------------------------------------

def _issuer_line(line: str) -> bool:
    from retrieval.ingest.html import ISSUER_LINE_RE

    return bool(ISSUER_LINE_RE.match(line))


def _html_text(data: bytes, filename: str) -> tuple[str, dict[str, str]]:
    from retrieval.ingest.html import charset, html_text

    markup = _decode(data, filename, declared=charset(data))
    try:
        return html_text(markup)
    except Exception as exc:  # lxml/bs4 on arbitrary uploads: any failure means "not HTML we can read"
        raise _error(filename, f"not a readable HTML page ({exc})") from exc


def _mhtml_page(data: bytes, filename: str) -> bytes:
    """A browser's single-file save (MIME, RFC 2557) → the bytes of its HTML part, transfer encoding
    undone; the part's charset, when it declares one, goes in front for the HTML reader to see."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True) or b""
            declared = part.get_content_charset() or ""
            if not re.fullmatch(r"[\w.:-]{1,40}", declared, re.ASCII):
                return html  # no charset, or a header that names none: the page's own, else guessed
            return f'<meta charset="{declared}">'.encode("ascii") + html
    raise _error(filename, "not a readable MHTML page (no HTML part found)")


# -- Word -----------------------------------------------------------------------------------------

def _word97_text(data: bytes, filename: str) -> tuple[str, dict[str, str]]:
    """A .doc is what its bytes are: sites also serve a page saved as HTML, or a .docx, under that name."""
    from retrieval.ingest.word97 import WordError, doc_text

    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if HTML_START_RE.match(head):
        return _html_text(data, filename)
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data, filename), {}
    if head.startswith(b"{\\rtf"):
        return _rtf_text(data, filename), {}  # Word saves RTF under .doc when asked to
    try:
        return doc_text(data), {}
    except WordError as exc:
        raise _error(filename, str(exc)) from exc
    except Exception as exc:  # olefile and struct raise many exception types on damaged files
        raise _error(filename, f"not a readable Word 97–2003 file ({exc})") from exc


def _docx_text(data: bytes, filename: str) -> str:
    from retrieval.ingest.docx_numbering import Numbering

    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document, Numbering.of(document)))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on damaged files
        raise _error(filename, f"not a valid .docx file ({exc})") from exc
    return "\n".join(lines)


def _docx_lines(container, numbering):
    """Paragraphs (with Word's automatic numbers) and table rows, in document order, one per line."""
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen, cells = [], []  # lxml elements compare by identity; holding them keeps it stable
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans.
                    if cell._tc in seen:
                        continue
                    seen.append(cell._tc)
                    cells.append(" ".join(" ".join(_docx_lines(cell, numbering)).split()))
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    yield " | ".join(cells)
        elif (text := _paragraph_text(block)).strip():
            yield numbering.label(block) + text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TRACKED = {_W + "ins", _W + "moveTo", _W + "moveFrom"}
_RUN_TEXT = {_W + "t": "", _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}  # as python-docx reads them


def _paragraph_text(paragraph) -> str:
    """A paragraph's text with its tracked changes accepted, as a 征求意见稿 is meant to be read: runs
    inserted (w:ins, w:moveTo) are text, runs deleted (w:del's w:delText, w:moveFrom) are not. python-docx's
    ``text`` reads only the runs directly in the paragraph, so an insertion was lost."""
    p = paragraph._p
    if not any(el.tag in _TRACKED for el in p.iter()):
        return paragraph.text
    parts = []
    for el in p.iter(*_RUN_TEXT):
        if not any(a.tag == _W + "moveFrom" for a in el.iterancestors()):
            parts.append((el.text or "") if el.tag == _W + "t" else _RUN_TEXT[el.tag])
    return "".join(parts)


# -- Excel ----------------------------------------------------------------------------------------

def _xlsx_text(data: bytes, filename: str) -> str:
    """A spreadsheet (a 政策清单, a 任务分工表) → its rows as a Word table's: "1 | 名称 | 内容"; a title
    merged across the columns is a line of its own. Sheets follow each other, each under its name
    when there are several."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and key errors alike on damaged files
        raise _error(filename, f"not a valid .xlsx file ({exc})") from exc
    try:
        sheets = [(sheet.title, [[_cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row]
                                 for row in sheet.iter_rows()]) for sheet in book.worksheets]
    finally:
        book.close()
    return _sheets_text(sheets)


def _xls_text(data: bytes, filename: str) -> str:
    """An Excel 97–2003 workbook, as sites still attach their lists; read as a .xlsx is. A .xls that is
    really a .xlsx, or a page saved as HTML (as some systems export "Excel"), is read as what it is."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_text(data, filename)
    if HTML_START_RE.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        return _html_text(data, filename)[0]
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises its own and struct errors on damaged files
        raise _error(filename, f"not a readable Excel 97–2003 file ({exc})") from exc
    sheets = [(sheet.name, [[_xls_cell(book, sheet.cell(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)])
              for sheet in book.sheets()]
    return _sheets_text(sheets)


def _xls_cell(book, cell) -> str:
    """A .xls cell as shown: a date as a date, a number in a percentage format as a percentage."""
    import xlrd

    value = cell.value
    if cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        value = None
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    shown = book.format_map.get(xf.format_key) if xf is not None else None
    return _cell_text(value, shown.format_str if shown is not None else "")


def _sheets_text(sheets: list[tuple[str, list[list[str]]]]) -> str:
    """Sheets of cell texts → lines: a row of two cells or more as "a | b", a row of one cell (a title
    merged across) as itself; each sheet under its name when there are several."""
    lines: list[str] = []
    for title, rows in sheets:
        rows = [list(row) for row in rows if any(row)]
        if len(sheets) > 1 and rows:
            lines.append(title)
        for row in rows:
            while row and not row[-1]:
                row.pop()
            lines.append(" | ".join(row) if sum(1 for c in row if c) > 1 else next(c for c in row if c))
    return "\n".join(lines)


def _cell_text(value, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "%" in (number_format or ""):
            value = value * 100
            return f"{value:.10g}%"
        return str(int(value)) if float(value).is_integer() else f"{value:.10g}"  # 2000000, not 2e+06
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


# -- RTF ------------------------------------------------------------------------------------------

# Code pages an RTF file declares (\ansicpgN) → codecs; a Chinese office's default is 936 (GBK).
_RTF_CODE_PAGES = {"936": "gb18030", "54936": "gb18030", "950": "big5", "65001": "utf-8", "1252": "cp1252"}


def _rtf_text(data: bytes, filename: str) -> str:
    """Rich Text, as older office systems export: paragraphs as lines, a table's rows as a Word table's
    ("1 | 初级工 | 1000"). The numbers Word drew for a list are kept (RTF writes them out)."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise _error(filename, "not an RTF file (it does not start with {\\rtf)")
    raw = data.decode("latin-1")
    # RTF is 7-bit: Chinese is written as \uN escapes or as bytes of the declared code page (\'b9\'fa).
    page = re.search(r"\\ansicpg(\d+)", raw[:4096])
    encoding = _RTF_CODE_PAGES.get(page.group(1) if page else "936", "gb18030")
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except Exception as exc:  # a damaged group structure
        raise _error(filename, f"not a readable RTF file ({exc})") from exc
    lines = []
    for line in text.splitlines():
        if "|" in line:
            line = " | ".join(cell.strip() for cell in line.strip().rstrip("|").split("|"))
        lines.append(" ".join(line.replace("\t", " ").split()))
    return "\n".join(line for line in lines if line)


# -- PDF ------------------------------------------------------------------------------------------

def _pdf_text(data: bytes, filename: str) -> tuple[str, dict[str, str]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _pdf_decrypts(reader):
            raise _error(filename, "the PDF is encrypted (password protected)")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = file_title(str((reader.metadata or {}).get("/Title") or ""))
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged or hostile files
        raise _error(filename, f"not a readable PDF file ({exc})") from exc
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < SCANNED_CHARS_PER_PAGE * len(pages):
        # Page images with at most a stray line of text (a scanner's stamp, a page number): a scan.
        return _ocr_text(data, filename, image=False), ({"file_title": title} if title else {})
    text = without_autospace(layout_text(data, len(re.sub(r"\s", "", text))) or text)
    return text + _scanned_tail_text(data, pages, filename), ({"file_title": title} if title else {})


def _scanned_tail_text(data: bytes, pages: list[str], filename: str) -> str:
    """The text of the scanned pages a PDF with text ends with (its signed page, an annex scanned and
    appended), read by OCR; "" when there are none or OCR is not installed."""
    from retrieval.ingest import ocr

    tail = ocr.scanned_tail(data, pages, SCANNED_CHARS_PER_PAGE) if ocr.available() else []
    if not tail:
        return ""
    try:
        return "\n" + ocr.pdf_text(data, only=tail)
    except ocr.OcrError as exc:
        log.warning("%s: its scanned last pages were not read (%s)", filename, exc)
        return ""


# Fewer characters a page than this, and the PDF is a scan (a page of a document holds hundreds).
SCANNED_CHARS_PER_PAGE = 20


def _ocr_text(data: bytes, filename: str, *, image: bool) -> str:
    from retrieval.ingest import ocr

    what = "an image" if image else "a scanned PDF (pages without text)"
    if not ocr.available():
        raise _error(filename, f"{what}: reading it needs OCR (pip install rapidocr-onnxruntime)")
    try:
        text = ocr.image_text(data) if image else ocr.pdf_text(data)
    except ocr.OcrError as exc:
        raise _error(filename, str(exc)) from exc
    if not text.strip():
        raise _error(filename, f"{what}: no text could be read in it")
    return text


# A title a file's properties give: a word processor's default ("Microsoft Word - 附件1.doc", "无标题")
# or a file name says nothing; a Chinese title of some length may name the document.
_DEFAULT_TITLE_RE = re.compile(r"^(?:Microsoft\s+\w+\s*-|无标题|未命名|untitled|document)|\.\w{2,4}$", re.IGNORECASE)


def file_title(title: str) -> str:
    title = " ".join(title.split())
    if _DEFAULT_TITLE_RE.search(title) or len(re.findall(r"[\u4e00-\u9fff]", title)) < 6:
        return ""
    return title


def _pdf_decrypts(reader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty password for reading."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional cryptography package
        return False
