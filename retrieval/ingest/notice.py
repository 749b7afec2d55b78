"""A notice's own words above the document it carries: a call for comments says by when, to which
address and how to give them, before the draft it publishes. Those words are cited as the notice (通知)."""
from __future__ import annotations

import re

from retrieval.ingest.metadata import DATE_RE, DOC_NUMBER_RE, DOCUMENT_KINDS, ORG_END_RE
from retrieval.models import Measure

# The notice's title line: "关于公开征求《X办法（征求意见稿）》意见的通知".
_NOTICE_TITLE_RE = re.compile(r"(通知|公告|通告)$")
# The title of the document it carries, or that document's first heading, ends the notice.
_CARRIED_RE = re.compile(rf"^(?:[^，。；：]{{2,60}}(?:{'|'.join(DOCUMENT_KINDS)})|[（(]\s*(?:征求意见稿|草案|送审稿|试行)\s*[）)]"
                         r"|第[一二三四五六七八九十]+[章条].*)$")
# "现将《X》印发给你们": a cover note forwarding a document says nothing of its own.
# "《X条例》已由…通过，现予公布": a promulgation note, not a notice of substance.
_FORWARDING_RE = re.compile(r"印发给你们|转发给你们|印发给各|现予印发|现印发|现予公布|予以公布施行")
MIN_NOTICE_CHARS = 100
MAX_ADDRESSEE_CHARS = 60  # "各区人民政府，市政府各部门、各直属机构：" (a sentence ending "如下：" is text)
_SENTENCE_RE = re.compile(r"[，。；：]")


def notice_measure(prelude: list[str], name: str) -> Measure | None:
    """The notice above a carried document as one measure, when it says more than that it forwards it.
    A notice that carries nothing is the document itself: its opening words are its preamble."""
    start = next((i for i, line in enumerate(prelude[:5]) if _NOTICE_TITLE_RE.search(line)
                  and not _SENTENCE_RE.search(line)), None)
    if start is None:
        return None
    title, body, carried = prelude[start], [], False
    for line in prelude[start + 1:]:
        if _CARRIED_RE.match(line):
            carried = True
            break
        addressee = line.endswith(("：", ":")) and len(line) <= MAX_ADDRESSEE_CHARS and "。" not in line
        if DOC_NUMBER_RE.fullmatch(line) or DATE_RE.fullmatch(line) or addressee \
                or (ORG_END_RE.search(line) and not _SENTENCE_RE.search(line)):
            continue  # its 文号, addressee, signature and date
        body.append(line)
    text = "\n".join(body)
    if not carried or len(text) < MIN_NOTICE_CHARS or _FORWARDING_RE.search(text):
        return None
    return Measure(document=name, title="", section=title[-2:], chapter=title, subsection="", text=text,
                   section_inferred=True)
