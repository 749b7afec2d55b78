"""Section ids and Chinese numerals, as documents number their parts and readers cite them.

Shared by every stage: the parser writes ids (三(四), 第十二条), search reads them from questions,
answers and commands look them up. Full-width and half-width forms are one id.
"""
from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百零〇两"
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def cn_to_int(numeral: str) -> int:
    """Chinese numerals up to the hundreds (十三 → 13, 二十 → 20); Arabic digits pass through."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(char, 0)
    return total + current


def int_to_cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)


def point_number(section: str) -> str:
    """A list's point is cited by its number: "第5项" is 5."""
    return re.sub(r"^第(\d{1,3})项$", r"\1", section)


_LONE_NUMERAL_RE = re.compile(rf"第?\(?([{CN_NUM}]+|\d{{1,3}})\)?(?:条|部分)?")


def lone_numeral(section: str) -> int | None:
    """The number of an id that is one numeral at any level of numbering (二, (二), 第二条, 2,
    第二部分 → 2); None for an id of several parts (三(二)) or with a label (问2, 附件2)."""
    match = _LONE_NUMERAL_RE.fullmatch(section)
    return cn_to_int(match.group(1)) if match else None


def normalize_section(text: str) -> str:
    """A section id as typed by a user (full-width brackets, spaces, 、) → the canonical form."""
    text = text.strip().replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    text = re.sub(rf"^([{CN_NUM}]+)[、.．]", r"\1", text)
    text = re.sub(r"(\d+)[.．、]$", r"\1", text)
    text = text.translate(FULL_WIDTH_DIGITS)
    text = point_number(text)
    # 第12条 is indexed as 第十二条 (articles keep digits only from 100 on).
    return re.sub(r"^第(\d{1,2})条$", lambda m: f"第{int_to_cn(int(m.group(1)))}条", text)


DECIMAL_ID_RE = re.compile(r"\d{1,2}(?:\.\d{1,3}){1,2}")  # a standard's clause (3.1.2) or section (3.1)
PART_ENDS = ("章", "节", "篇", "部分")  # a 规划's parts, which hold the ids written after them
ANNEX_LABEL_RE = re.compile(r"^附[件表]\d*$")


# An id's last part: 四(二)2 → 四(二), 二4(1) → 二4, 附件1-15 → 附件1.
_LAST_PART_RE = re.compile(r"-?(?:[(（][^()（）]+[)）]|\d+)$")


def parent_section(section: str) -> str:
    """The id without its last part (四(二)2 → 四(二), 二4(1) → 二4, 附件1-15 → 附件1, 申请材料3 → 申请材料); an id of one
    part (三, 第五条) is returned as it is."""
    return _LAST_PART_RE.sub("", section)


def in_part(section: str, wanted: str) -> bool:
    """A 规划's 第三章第二节一 is in its 节 (第三章第二节) and its 章 (第三章); an annex's own parts
    (附件2一, 附件2填表说明1, 附件1二(三)) are in the annex (附件2, not 附件21)."""
    if not section.startswith(wanted) or len(section) <= len(wanted):
        return False
    after = section[len(wanted)]
    if ANNEX_LABEL_RE.match(wanted):
        return not after.isdigit()
    return wanted.endswith(PART_ENDS) and (after == "第" or after in CN_NUM)


def in_section(section: str, wanted: str) -> bool:
    """三(二)1 is in 三(二) (an item of the named subsection) and in 三(二)1 itself; 三(二)1(2) is in 三(二)1;
    第三章第二节一 is in 第三章第二节."""
    if section == wanted or in_part(section, wanted):
        return True
    if appendix := re.fullmatch(r"附录([A-Z])", wanted):  # a standard's 附录A holds its clauses A.0.1 …
        return section.startswith(appendix.group(1) + ".")
    if not section.startswith(wanted):
        return False
    if DECIMAL_ID_RE.fullmatch(section):  # a standard's 3.1.2 is in 3.1 and in 3, not in 3.1.1
        return section[len(wanted)] == "." and re.fullmatch(r"\d{1,2}(?:\.\d{1,3})?", wanted) is not None
    # Under an item only its sub-items: 三(二)12 is not in 三(二)1.
    tail = r"\(\d+\)" if wanted[-1:].isdigit() else r"\d+(?:\(\d+\))?"
    return re.fullmatch(tail, section[len(wanted):]) is not None
