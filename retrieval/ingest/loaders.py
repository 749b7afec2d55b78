"""A file (on disk or uploaded as bytes) → the plain text the parser reads, one paragraph per line.

Supported: plain text and Markdown (UTF-8 or GB18030), HTML pages, Word .docx and PDF.
Every failure is a DocumentError whose message names the file and the cause.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString
from docx.table import Table
from pypdf import PdfReader

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")

# Share of undecodable or control characters above which a "text" file is treated as binary.
BINARY_RATIO = 0.1
BINARY_SAMPLE = 100_000
_ALLOWED_CONTROLS = set("\t\n\r\f\v")

MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*")
MD_BULLET_RE = re.compile(r"^\s*[-*+]\s+")
MD_RULE_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
MD_EMPHASIS_RE = re.compile(r"\*\*|__")

HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
# Page furniture: never part of a document's text.
HTML_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
                  "template", "svg", "button", "select")
HTML_FURNITURE_RE = re.compile(
    r"navigation|footer|sidebar|breadcrumb|crumb|share|related|relate|comment|recommend"
    r"|(?:^|[-_\s])(?:nav|navbar|menu|foot|side|aside|ad|ads)(?:$|[-_\s])", re.IGNORECASE)
HTML_CONTENT_RE = re.compile(r"content|article|TRS_Editor|main", re.IGNORECASE)
HTML_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                   "section", "article", "main", "blockquote", "pre", "dt", "dd", "center", "body")
HTML_CELL_TAGS = ("td", "th")
# Site names appended to a page <title>: "标题_大连市人民政府", "标题 - 北极星储能网".
TITLE_SUFFIX_RE = re.compile(r"\s*(?:_|\||｜| - | – | — )\s*")

# GB2312/GBK pages routinely contain characters only GB18030 (their superset) can decode.
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"}


class DocumentError(ValueError):
    """A file that cannot be turned into text (or yields nothing); the message names the file and the cause."""


def _error(filename: str, cause: str) -> DocumentError:
    return DocumentError(f"{filename}: {cause}")


def load_text(path: Path) -> str:
    """A file on disk → plain text for the parser."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path.name, f"cannot read the file ({exc.strerror or exc})") from exc
    return load_bytes(data, path.name)


def load_bytes(data: bytes, filename: str) -> str:
    """An upload → plain text for the parser, one paragraph per line."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _error(filename, f"unsupported file type {suffix or '(none)'!r}; "
                               f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if not data:
        raise _error(filename, "the file is empty")
    if suffix in (".txt", ".md"):
        text = _decode(data, filename)
        text = _strip_markdown(text) if suffix == ".md" else text
    elif suffix in (".html", ".htm"):
        text = _html_text(data, filename)
    elif suffix == ".docx":
        text = _docx_text(data, filename)
    else:
        text = _pdf_text(data, filename)
    if not text.strip():
        raise _error(filename, "no text found in the file")
    log.debug("loaded %s: %d characters", filename, len(text))
    return text


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


def _strip_markdown(text: str) -> str:
    """Markdown markup → plain lines: ``## 三、培育创新载体`` → ``三、培育创新载体``."""
    lines = []
    for line in text.splitlines():
        if MD_RULE_RE.match(line):
            continue
        line = MD_HEADING_RE.sub("", line)
        line = MD_BULLET_RE.sub("", line)
        lines.append(MD_EMPHASIS_RE.sub("", line))
    return "\n".join(lines)


# -- HTML -----------------------------------------------------------------------------------------

def _html_text(data: bytes, filename: str) -> str:
    match = HTML_CHARSET_RE.search(data[:4096])
    markup = _decode(data, filename, declared=match.group(1).decode("ascii") if match else None)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:  # lxml/bs4 on arbitrary uploads: any failure means "not HTML we can read"
        raise _error(filename, f"not a readable HTML page ({exc})") from exc
    _drop_furniture(soup)
    main = _html_main(soup)
    headline = _html_headline(soup, main)
    lines = _block_lines(main)
    if headline and (not lines or lines[0] != headline):
        lines.insert(0, headline)
    return "\n".join(lines)


def _drop_furniture(soup) -> None:
    """Remove navigation, headers, footers, sidebars, scripts: anything that is not the document."""
    for tag in soup.find_all(HTML_DROP_TAGS):
        # An <article>'s own <header> holds its headline; only page-level headers are furniture.
        if tag.name == "header" and tag.find_parent(["article", "main"]):
            continue
        tag.decompose()
    for tag in soup.find_all(_is_furniture):
        if not tag.decomposed:
            tag.decompose()


def _is_furniture(tag) -> bool:
    if tag.name in ("html", "body", "article", "main"):
        return False
    marks = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    if not marks.strip() or not HTML_FURNITURE_RE.search(marks):
        return False
    # A wrapper named "has-sidebar" that holds the article is not itself furniture.
    return tag.find(["article", "main"]) is None and tag.find(_is_content) is None


def _is_content(tag) -> bool:
    marks = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(marks.strip()) and bool(HTML_CONTENT_RE.search(marks))


def _html_main(soup):
    """The element holding the document: <article>, <main>, a content/TRS_Editor div, else <body>."""
    for name in ("article", "main"):
        found = soup.find_all(name)
        if found:
            return max(found, key=lambda tag: len(tag.get_text(strip=True)))
    found = soup.find_all(_is_content)
    if found:
        return max(found, key=lambda tag: len(tag.get_text(strip=True)))
    return soup.body or soup


def _html_headline(soup, main) -> str:
    """The page's headline: the main text's <h1>, else the page's first <h1>, else its <title>."""
    h1 = main.find("h1") or soup.find("h1")
    if h1 is not None and h1.get_text(strip=True):
        return " ".join(h1.get_text(" ").split())
    if soup.title is not None and soup.title.get_text(strip=True):
        return TITLE_SUFFIX_RE.split(soup.title.get_text().strip())[0].strip()
    return ""


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
    for tag in root.find_all(HTML_CELL_TAGS):
        tag.append(" ")
    return [line.strip() for line in root.get_text().split("\n") if line.strip()]


# -- Word -----------------------------------------------------------------------------------------

def _docx_text(data: bytes, filename: str) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on damaged files
        raise _error(filename, f"not a valid .docx file ({exc})") from exc
    return "\n".join(lines)


def _docx_lines(container):
    """Paragraphs and table cells in document order, one paragraph per line."""
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = []  # lxml elements compare by identity; holding them keeps that identity stable
                for cell in row.cells:
                    # A merged cell is returned once per grid column it spans.
                    if cell._tc in seen:
                        continue
                    seen.append(cell._tc)
                    yield from _docx_lines(cell)
        elif block.text.strip():
            yield block.text


# -- PDF ------------------------------------------------------------------------------------------

def _pdf_text(data: bytes, filename: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _pdf_decrypts(reader):
            raise _error(filename, "the PDF is encrypted (password protected)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged or hostile files
        raise _error(filename, f"not a readable PDF file ({exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise _error(filename, "no extractable text (scanned?)")
    return text


def _pdf_decrypts(reader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty password for reading."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional cryptography package
        return False
