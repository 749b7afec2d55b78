"""A document's metadata — title, 文号, issuing body, date, place — from its text or page, and the
admin's sidecar file (``NAME.meta.yaml`` beside ``NAME.txt``) that sets or corrects them."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from retrieval.models import Document

META_FIELDS = ("title", "doc_number", "issuer", "date", "place")
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")

_CJK = "\u4e00-\u9fff"
DOC_NUMBER_RE = re.compile(rf"[{_CJK}]{{1,14}}[〔\[【［(（]\s*\d{{4}}\s*[〕\]】］)）]\s*\d{{1,4}}\s*号"
                           rf"|[{_CJK}]{{1,14}}令\s*第\s*\d{{1,4}}\s*号")
# A page's field line: "来源：…　　发布日期：2025-01-13　　字号：大 中 小".
DATE_LABEL_RE = re.compile(r"(?:成文日期|发布日期|发布时间|印发日期)\s*[:：]")
DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
DATE_LINE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
ORG_END_RE = re.compile(r"(?:局|委|委员会|厅|办公室|政府|中心|院|部|会|所|处|办)$")
# （2021年7月27日中华人民共和国国务院令第746号公布）: when and by whom a regulation was promulgated.
NOTE_RE = re.compile(r"^[（(]\s*\d{4}\s*年.{0,60}(?:公布|发布|通过|施行)")
DECREE_RE = re.compile(r"^(?:中华人民共和国)?(.{2,20}?)令第\d+号$")
# A local regulation's adoption note names the congress that made it: "（2025年4月28日蘅皋市第十七届人民代表
# 大会常务委员会第二十六次会议通过" → 蘅皋市人民代表大会常务委员会 (the first body named; a province's
# approval may follow on the next line).
ADOPTED_RE = re.compile(r"^[（(]\s*\d{4}\s*年\d{1,2}\s*月\d{1,2}\s*日\s*([\u4e00-\u9fff]{2,12}?)第[一二三四五六七八九十]+届"
                        r"(人民代表大会(?:常务委员会)?)第[一二三四五六七八九十百]+次(?:全体)?会议")
# A signer under the signature: "市　长：温国辉".
SIGNER_RE = re.compile(rf"^[{_CJK}\s]{{1,8}}[:：]\s*[{_CJK}]{{2,4}}$")
# The 印发 line under a title: "荪垌市人力资源和社会保障局 荪垌市财政局 2025年2月20日印发".
PRINTED_RE = re.compile(rf"^([{_CJK}\s、]{{2,80}}?)\s*(\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)\s*(?:印发|发布)$")
# A WeChat article's byline: "原创 苕阳人社 苕阳人社 2025年04月18日 18:26" (the account, twice as the page shows it).
BYLINE_RE = re.compile(rf"^(?:原创\s+)?([{_CJK}A-Za-z]{{2,16}})(?:\s+[{_CJK}A-Za-z]{{2,16}})?\s+"
                       r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s+\d{1,2}:\d{2}$")
QUOTED_RE = re.compile(r"《([^》]{4,80})》")
SOURCE_RE = re.compile(r"^(?:来源|发布机构|发布机关|发文机关)\s*[:：]\s*(.+)$")
TITLE_WORDS = ("办法", "方案", "通知", "条例", "规定", "意见", "要点", "计划", "细则", "通告", "决定",
               "规划", "措施", "公告", "指引", "标准", "规则", "纲要", "实施")
DOCUMENT_KINDS = ("办法", "方案", "规定", "细则", "条例", "意见", "措施", "计划", "要点", "规划", "规则", "指引", "清单")
# Where a document applies: a city (广州市) and perhaps a district (天河区) at the start of its title or
# issuer. Words ending in 区 that are not districts are excluded.
# Not the 市 of 市场 or 市民: "舸渡区市场监督管理局" is a district's bureau, not a city 舸渡区市.
CITY_RE = re.compile(rf"(?:^|(?<=[^{_CJK}])|(?<=关于)|(?<=省)|(?<=《))([{_CJK}]{{2,3}}?市)(?!场|民)")
DISTRICT_RE = re.compile(rf"^([{_CJK}]{{1,4}}?(?:区|县))")
COUNTY_RE = re.compile(rf"(?:^|(?<=[^{_CJK}])|(?<=关于)|(?<=《))([{_CJK}]{{2,3}}?(?:区|县))")
NOT_DISTRICTS = ("社区", "小区", "园区", "辖区", "城区", "市区", "片区", "地区", "景区", "校区", "街区", "山区", "各区")
# A province's own document names neither city nor county: 《菘岚省人民政府关于…的通知》.
PROVINCE_RE = re.compile(rf"(?:^|(?<=[^{_CJK}])|(?<=关于)|(?<=《))([{_CJK}]{{2,3}}?省)(?!内|外|级|份)")
NOT_PROVINCES = ("本省", "全省", "外省", "各省", "该省", "我省")
NATIONAL_RE = re.compile(r"^(?:中华人民共和国|国务院|国家)")


class MetaError(ValueError):
    """A sidecar file that cannot be used; the message names the file and the cause."""


def signature(lines: list[str]) -> tuple[list[str], str, str]:
    """Drop signature blocks (issuing bodies on their own lines, then a date line) from the text.
    Returns the remaining lines, and the first block's issuer and date."""
    kept: list[str] = []
    issuer, date = "", ""
    for line in lines:
        if DATE_LINE_RE.match(line):
            orgs = []
            while kept and (_is_org_line(kept[-1]) or SIGNER_RE.match(kept[-1])) and len(orgs) < 4:
                orgs.insert(0, kept.pop())
            signers = [org for org in orgs if SIGNER_RE.match(org)]
            orgs = [org for org in orgs if org not in signers]
            if (orgs or signers) and not date:  # the first signature dates the document
                issuer = "、".join(name for org in orgs for name in org.split())
                date = normal_date(line)
            if orgs or signers or not kept:
                continue
        kept.append(line)
    return kept, issuer, date


def _is_org_line(line: str) -> bool:
    names = line.split()
    return 0 < len(line) <= 60 and all(ORG_END_RE.search(n) and len(n) <= 25 for n in names) \
        and not re.search(r"[。，；：:,;]", line)


def normal_date(text: str) -> str:
    match = DATE_RE.search(text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def find_doc_number(lines: list[str], title: str = "") -> str:
    """The 文号 on a line of its own near the top, or in the promulgation note "（…国务院令第746号公布）";
    a number cited inside a sentence is another document's."""
    head = lines[:80]
    # "广州市人民政府令" and "第179号" are often two lines.
    joined = [a + b for a, b in zip(head, head[1:]) if a.endswith("令") and re.fullmatch(r"第\s*\d+\s*号", b)]
    for line in [title, *joined, *head]:
        match = DOC_NUMBER_RE.search(line)
        if not match:
            continue
        note = line.startswith(("（", "(")) and line.endswith(("）", ")")) and re.search(r"公布|发布|印发", line)
        if line is title or note or len(line) <= len(match.group(0)) + 6:
            return re.sub(r"^[年月日]+|\s+", "", match.group(0))
    return ""


SENTENCE_MARK_RE = re.compile(r"[，。；]")
ANNOUNCEMENT_RE = re.compile(r"(?:常务委员会|人民政府|政府)公告$")


# A site's "you are here" line, printed with the page: "您当前的位置：首页 > 政务公开 > 通知公告".
BREADCRUMB_RE = re.compile(r"^(?:您?(?:当前|现在)?的?位置|当前位置)\s*[:：]|\S\s*[>＞»]\s*\S+\s*[>＞»]")


INFO_TITLE_RE = re.compile(r"(?:标\s*题|名\s*称)\s*[:：]?")


def choose_title(prelude: list[str], page_title: str, name: str, file_title: str = "") -> str:
    """The title line as written: the page's own title, else the first prelude line that reads like a
    document title (not its 文号, a date or an addressee), else the first prelude line, else the title
    the file's properties give (a PDF's or Word file's, often stale, so last), else the file name."""
    if page_title and not DOC_NUMBER_RE.fullmatch(page_title):  # a page headed by its 文号 only
        return page_title
    # A page printed with its information table: "标 题： | 关于…的通知 | 有 效 性： | 有效".
    for line in prelude[:30]:
        cells = [c.strip() for c in line.split(" | ")]
        for label, value in zip(cells, cells[1:]):
            if INFO_TITLE_RE.fullmatch(label) and len(value) >= 4:
                return value
    # A title line the text ran on into its addressees ("关于施行《…细则》的决定各区、县人民政府，…："): the title.
    prelude = [m.group(1) if (m := ADDRESSED_TITLE_RE.match(line)) else line for line in prelude]
    candidates = [line for line in prelude[:30]
                  if not (DOC_NUMBER_RE.fullmatch(line) or DATE_RE.fullmatch(line) or line.endswith(("：", ":")))
                  # A sentence ("《X条例》已由…通过，现予公布") names the document but is not its title line.
                  and 4 <= len(line) <= 80 and not SENTENCE_MARK_RE.search(line)
                  and not BREADCRUMB_RE.search(line) and " | " not in line
                  and any(word in line for word in TITLE_WORDS)]
    # "…常务委员会公告（第31号）" above a regulation announces it: the regulation's own title follows.
    if len(candidates) > 1 and ANNOUNCEMENT_RE.search(candidates[0]):
        return _unbroken_title(prelude, candidates[1])
    if candidates:
        return _unbroken_title(prelude, candidates[0])
    for line in prelude:
        # A red-headed document's masthead ("某市人民政府文件") names its issuer, not the document.
        if not (DOC_NUMBER_RE.fullmatch(line) or MASTHEAD_RE.fullmatch(line)):
            return line
    return file_title or name


MASTHEAD_RE = re.compile(rf"[{_CJK}\s]{{2,40}}文\s*件")
ADDRESSED_TITLE_RE = re.compile(rf"^((?:关于|[{_CJK}]{{2,6}}?[省市区县]).{{2,78}}?(?:{'|'.join(TITLE_WORDS)}))"
                                rf"(?=各[{_CJK}、，,\s]{{2,60}}[:：]$)")


# A title's first line, where a printed title broke in two: "关于印发X市加快推进充电基础设施建设三年" above
# "行动实施方案（2025—2027年）的通知".
_TITLE_START_RE = re.compile(rf"^(?:关于|[{_CJK}]{{2,6}}?[省市区县](?!场|民|内|外|级)|《)")


def _unbroken_title(prelude: list[str], title: str) -> str:
    """The title with the line it continues, when a centred title was broken over two lines: the line
    before starts a title (关于…, a place) and breaks off mid-phrase, and this line starts none."""
    at = prelude.index(title)
    if at == 0 or title.startswith(("关于", "《")):
        return title
    before = prelude[at - 1]
    # A line starting like a place ("集聚区认定和…的通知") still continues one that opened with 关于.
    if _TITLE_START_RE.match(title) and "关于" not in before:
        return title
    if (4 <= len(before) <= 40 and _TITLE_START_RE.match(before) and not SENTENCE_MARK_RE.search(before)
            and not DOC_NUMBER_RE.fullmatch(before) and not DATE_RE.search(before)
            and not ORG_END_RE.search(before) and not before.endswith(TITLE_WORDS)):
        return before + title
    return title


def _inner_title(title: str) -> str:
    """关于印发《X》的通知 → X: the document, not the notice that carries it."""
    match = re.search(r"印发《([^》]{4,80})》的?(?:通知|决定)", title)
    if match:
        return match.group(1)
    # Without brackets only when what is issued is named as a document: 关于印发广州市…试行办法的通知.
    # The kind may be followed by the years it covers: …行动方案（2025—2026年）.
    match = re.search(rf"关于印发([{_CJK}\d（）()]{{4,80}}?(?:{'|'.join(DOCUMENT_KINDS)})"
                      rf"(?:[（(][\d年至—–\-]+[)）])?)的?(?:通知|决定)$", title)
    if match and not match.group(1).startswith(("我市", "本市", "我区", "本区")):
        return match.group(1)
    return title


def _unbracketed(title: str) -> str:
    """《Y办法》 → Y办法; 《Y办法》政策问答 stays whole (a page about Y, not Y)."""
    whole = re.fullmatch(r"《([^《》]+)》", title.strip())
    return whole.group(1) if whole else title.strip()


def document_meta(prelude: list[str], main: list[str], page: dict[str, str], *, signed: tuple[str, str],
                  name: str) -> dict[str, str]:
    """title, doc_number, issuer, date, place from what the text and the page say, best source first:
    the signature block, a promulgation note "（2021年7月27日…国务院令第746号公布）", the page's fields."""
    written = choose_title(prelude, page.get("title", ""), name, page.get("file_title", ""))  # e.g. X关于印发Y办法的通知
    title = _unbracketed(_inner_title(written))  # Y办法: the document, not the notice carrying it
    doc_number = find_doc_number(prelude + main[:40], written) or _page_doc_number(page)
    note_date = next((normal_date(x) for x in prelude + main[:10] if NOTE_RE.match(x)), "")
    decree = DECREE_RE.match(doc_number)
    adopted = next((m for x in prelude + main[:10] if (m := ADOPTED_RE.match(x))), None)
    printed = next((m for x in prelude if (m := PRINTED_RE.match(x) or BYLINE_RE.match(x))), None)
    issuer = signed[0] or (decree.group(1) if decree else "") or \
        ("".join(adopted.groups()) if adopted else "") or \
        ("、".join(re.split(r"[\s、]+", printed.group(1).strip())) if printed else "") or \
        find_issuer(written, prelude, page)
    date = signed[1] or note_date or (normal_date(printed.group(2)) if printed else "") or \
        normal_date(page.get("date", "")) or \
        next((d for x in prelude if len(x) <= 24 and (d := normal_date(x))), "") or \
        next((d for x in prelude if (m := DATE_LABEL_RE.search(x)) and (d := normal_date(x[m.end():]))), "")
    # Last, the documents the opening lines quote: an article about 《苕阳市…若干措施》 is about 苕阳市.
    quoted = " ".join(QUOTED_RE.findall(" ".join(prelude[:6])))
    return {"title": title, "doc_number": doc_number, "issuer": issuer, "date": date,
            "place": find_place(title, written, issuer, page.get("site", "")) or find_place(quoted)}


def _page_doc_number(page: dict[str, str]) -> str:
    """The 文号 an information table above the text gives, when it is one ("无" is not)."""
    match = DOC_NUMBER_RE.fullmatch(re.sub(r"\s+", "", page.get("doc_number", "")))
    return match.group(0) if match else ""


def find_issuer(title: str, prelude: list[str], page: dict[str, str]) -> str:
    match = re.match(rf"^([{_CJK}\s]{{2,60}}?)关于", title)
    if match:
        return "、".join(match.group(1).split())
    for line in prelude:
        found = SOURCE_RE.match(line)
        if found:
            # "来源：X　　发布日期：…　　字号：大 中 小": one line of the page's fields, wide spaces between them.
            return re.split(r"\s{2,}|\u3000|[ \t]+\S{2,6}[:：]", found.group(1).strip())[0].strip()
    return page.get("source", "")


def _unprefixed(place: str) -> str:
    """A place without the date before it: 2026年广州市 → 广州市, and 2025年度市级 → 市 (no place at all)."""
    return re.sub(r"^(?:年度|[年月日号的])+", "", place)


def find_place(*texts: str) -> str:
    """广州市 / 广州市天河区 / 全国 from the first text that names one."""
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        if NATIONAL_RE.match(text):
            return "全国"
        match = next((m for m in CITY_RE.finditer(text) if len(_unprefixed(m.group(1))) >= 3), None)
        if not match:
            continue
        city = _unprefixed(match.group(1))  # 2026年广州市 → 广州市
        district = DISTRICT_RE.match(text[match.end():])
        if district and not district.group(1).endswith(NOT_DISTRICTS):
            return city + district.group(1)
        return city
    # A county's or district's own document names no city: 《北塘县高龄津贴…办法》.
    for text in texts:
        for match in COUNTY_RE.finditer((text or "").strip()):
            if not match.group(1).endswith(NOT_DISTRICTS) and len(_unprefixed(match.group(1))) >= 3:
                return _unprefixed(match.group(1))
    for text in texts:
        for match in PROVINCE_RE.finditer((text or "").strip()):
            if match.group(1) not in NOT_PROVINCES and len(_unprefixed(match.group(1))) >= 3:
                return _unprefixed(match.group(1))
    return ""


def sidecar_path(document_path: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = document_path.with_name(document_path.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def read_sidecar(path: Path) -> dict[str, str]:
    """``title: …`` / ``doc_number`` / ``issuer`` / ``date`` / ``place``; anything else is an error."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MetaError(f"{path.name}: not a readable YAML file ({exc})") from exc
    if not isinstance(data, dict):
        raise MetaError(f"{path.name}: expected 'key: value' lines ({', '.join(META_FIELDS)})")
    unknown = sorted(str(k) for k in data if k not in META_FIELDS)
    if unknown:
        raise MetaError(f"{path.name}: unknown field(s) {', '.join(unknown)}; use {', '.join(META_FIELDS)}")
    return {k: str(v).strip() for k, v in data.items() if v is not None and str(v).strip()}


def with_meta(document: Document, overrides: dict[str, str]) -> Document:
    """The document and every measure with the admin's metadata in place of what was found."""
    if not overrides:
        return document
    if "date" in overrides:
        overrides = overrides | {"date": normal_date(overrides["date"]) or overrides["date"]}
    measures = tuple(dataclasses.replace(m, **overrides) for m in document.measures)
    return dataclasses.replace(document, measures=measures, **overrides)
