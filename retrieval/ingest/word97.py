"""Old Word files (.doc, Word 97–2003): their text, one paragraph per line, tables as " | " rows.

Government sites still publish many attachments as .doc. Such a file is an OLE container whose
"WordDocument" stream holds the text in pieces; the piece table (in the "0Table" or "1Table" stream)
says where each piece lies and whether it is stored as 8-bit or UTF-16 text. The main document is the
first ``ccpText`` characters of the pieces, read in order; footnotes and headers follow it and are not
read. Numbers Word draws automatically (list numbering) are not in the text and so are not read:
typed numbering (一、（一）1.) is, which is how most such files are written.
"""
from __future__ import annotations

import io
import re
import struct

# Offsets in the File Information Block (MS-DOC 2.5.1): flags, ccpText, and the piece table (Clx).
_FLAGS, _CCP_TEXT, _FC_CLX, _LCB_CLX = 0x000A, 0x004C, 0x01A2, 0x01A6
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200
_COMPRESSED = 0x40000000
# Field codes sit between 0x13 and 0x14 (HYPERLINK "…"), their shown result between 0x14 and 0x15.
_FIELD_CODE_RE = re.compile("\x13[^\x13\x14\x15]*\x14?")
# Characters that stand for objects or marks rather than text; a line or page break ends a line as a
# paragraph mark does.
_OBJECTS = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x15"), None) | {0x1E: "-", 0x1F: None, 0x0B: "\r", 0x0C: "\r"}


class WordError(ValueError):
    """Not a Word 97–2003 file this reader can take; the message says why."""


def doc_text(data: bytes) -> str:
    try:
        import olefile
    except ImportError as exc:  # a dependency; an install without it says so instead of misreading
        raise WordError("reading .doc files needs the olefile package") from exc
    if not olefile.isOleFile(io.BytesIO(data)):
        raise WordError("not a Word 97–2003 file")
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        if not ole.exists("WordDocument"):
            raise WordError("not a Word 97–2003 file (no WordDocument stream)")
        word = ole.openstream("WordDocument").read()
        if len(word) < _LCB_CLX + 4:
            raise WordError("the Word file is truncated")
        flags = struct.unpack_from("<H", word, _FLAGS)[0]
        if flags & _ENCRYPTED:
            raise WordError("the Word file is encrypted (password protected)")
        table_name = "1Table" if flags & _TABLE_1 else "0Table"
        if not ole.exists(table_name):
            raise WordError(f"the Word file has no {table_name} stream")
        table = ole.openstream(table_name).read()
    ccp_text = struct.unpack_from("<i", word, _CCP_TEXT)[0]
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    text = _pieces(word, table[fc_clx:fc_clx + lcb_clx])[:max(ccp_text, 0)]
    return _lines(text)


def _pieces(word: bytes, clx: bytes) -> str:
    """The document's characters, piece after piece, from the piece table (MS-DOC 2.9.38)."""
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: formatting, skipped
        i += 3 + struct.unpack_from("<h", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise WordError("the Word file's piece table is missing")
    size = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5:i + 5 + size]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise WordError("the Word file's piece table is empty")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out = []
    for n in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * n + 2)[0]
        chars = cps[n + 1] - cps[n]
        if fc & _COMPRESSED:
            start = (fc & ~_COMPRESSED) // 2
            out.append(word[start:start + chars].decode("cp1252", errors="replace"))
        else:
            out.append(word[fc:fc + 2 * chars].decode("utf-16-le", errors="replace"))
    return "".join(out)


def _lines(text: str) -> str:
    """Paragraph marks → lines; table cells (each closed by 0x07, a row by one more) → " | " rows.
    A paragraph mark inside a row's later cell joins that cell's paragraphs with a space; one in a
    row's first cell cannot be told from the text before the table and ends a line."""
    text = _FIELD_CODE_RE.sub("", text).translate(_OBJECTS)
    lines: list[str] = []
    cells: list[str] = []
    buffer, after_cell = "", False
    for ch in text:
        if ch == "\x07":
            if after_cell and not buffer:  # the row's end mark
                lines.append(" | ".join(c.strip() for c in cells))
                cells, after_cell = [], False
            else:
                cells.append(buffer)
                buffer, after_cell = "", True
            continue
        after_cell = False
        if ch == "\r":
            if cells:
                buffer += " "
            else:
                lines.append(buffer)
                buffer = ""
            continue
        buffer += ch
    if cells:
        lines.append(" | ".join(c.strip() for c in cells + [buffer]))
    elif buffer:
        lines.append(buffer)
    return "\n".join(line.strip() for line in lines if line.strip())
