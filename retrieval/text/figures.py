"""What kind of content a text holds: sums of money, percentages, counts, durations, dates, contacts.

Used on both sides of a question: what the question asks for (search/query.py says which kind)
and whether a measure contains that kind at all. General written Chinese, no document's wording.
"""
from __future__ import annotations

import re

CN_NUMERAL = "零〇一二三四五六七八九十两百千万半"
_NUM = rf"(?:\d+(?:[.,]\d+)*|[{CN_NUMERAL}]+)"

CONTENT_RE: dict[str, re.Pattern] = {
    "amount": re.compile(rf"\d+(?:[.,]\d+)*\s*(?:万元|亿元|元|万|亿|块)|[{CN_NUMERAL}]+(?:万|亿)?元"),
    "percentage": re.compile(r"\d+(?:\.\d+)?\s*[%％‰]|百分之|[一二三四五六七八九]成"),
    "count": re.compile(rf"\d|[{CN_NUMERAL}]+\s*(?:个|家|项|名|次|类|种|所|人|批|条|户|套|位|张|件|级)"),
    "duration": re.compile(rf"{_NUM}\s*(?:个)?\s*(?:工作日|自然日|日|天|周|星期|个月|月|年|小时|分钟|周岁)|长期|终身|永久|"
                           r"当月|当年|次月|次年"),
    "date": re.compile(rf"\d{{4}}\s*年|{_NUM}\s*月\s*(?:{_NUM}\s*[日号])?|月底|月初|年底|年初|季度|之前|以前|前完成|"
                       r"起施行|起实施|即日起|每月|每年|截止|期间|届满"),
    "number": re.compile(rf"\d|[{CN_NUMERAL}]+\s*(?:个|家|项|名|次|类|种|所|人|批|条|户|倍|成|元|年|月|日|天)"),
    "contact": re.compile(r"\d{3,4}-?\d{7,8}|\d{5,}|@|https?://|www\.|地址[:：]|电话[:：]|热线|窗口|服务大厅|网站|平台|公众号|"
                          r"小程序|APP|App"),
    "procedure": re.compile(r"材料|流程|程序|手续|提交|提出|申请表|申请|受理|办理|登记|报名|审核|审批|渠道|途径|窗口|网上|"
                            r"系统|小程序|登录|填写|携带|提供|出具|向.{1,20}(?:申请|提出|报送|报告)"),
}


def has_kind(kind: str, text: str) -> bool:
    """Whether ``text`` contains content of ``kind``; unknown kinds are always satisfied."""
    pattern = CONTENT_RE.get(kind)
    return True if pattern is None else bool(pattern.search(text))
