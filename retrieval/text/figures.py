"""What kind of content a text holds: sums of money, percentages, counts, durations, dates, contacts.

Used on both sides of a question: what the question asks for (search/query.py says which kind)
and whether a measure contains that kind at all. General written Chinese, no document's wording.
"""
from __future__ import annotations

import re

CN_NUMERAL = "零〇一二三四五六七八九十两百千万半"
_NUM = rf"(?:\d+(?:[.,]\d+)*|[{CN_NUMERAL}]+)"
_YEAR_SPAN = r"(?:19|20)\d{2}\s*(?:年)?\s*[-—–~～至到]\s*(?:19|20)\d{2}"  # 2017-2025: a period, and its dates

CONTENT_RE: dict[str, re.Pattern] = {
    "amount": re.compile(rf"\d+(?:[.,]\d+)*\s*(?:万元|亿元|元|万|亿|块)|[{CN_NUMERAL}]+(?:万|亿)?元"),
    # A share is also a discount (八折, 半价), a ratio (按5∶5比例, 1比1) or a fraction in words (三分之二以上,
    # 过半数): rules on votes write their shares so.
    "percentage": re.compile(r"\d+(?:\.\d+)?\s*[%％‰]|百分之|[一二三四五六七八九十]分之[一二三四五六七八九十]|过半数?|半数以上|[一二三四五六七八九]成|(?:\d+(?:\.\d+)?|[一二三四五六七八九])\s*折(?!叠|旧|算|合)|"
                             r"半价|\d+\s*[∶比]\s*\d+|\d+\s*[:：]\s*\d+(?=\s*的?(?:比例|分担|配套))"),
    "count": re.compile(rf"\d|[{CN_NUMERAL}]+\s*(?:个|家|项|名|次|类|种|所|人|批|条|户|套|位|张|件|级|辆|台|座|部|处|间)"),
    # A length of time, not a point in it: "11月30日" is a date and "2025年" a year, "12月" a month.
    "duration": re.compile(rf"{_YEAR_SPAN}|(?<![月\d]){_NUM}\s*(?:个)?\s*(?:工作日|自然日|日|天|周|星期|个月|小时|分钟|周岁)|"
                           rf"(?<!\d)(?!(?:19|20)\d\d)(?:\d{{1,3}}|[{CN_NUMERAL}]+)\s*(?:个)?\s*年|长期|终身|永久|"
                           r"当月|当年|次月|次年|季度|半年|"  # "how often": 每季度, 每半年
                           r"每(?:日|天|周|星期|月|年|季度?|半年)[^，,。；;]{0,8}次|"  # "how often": 每月至少开展一次
                           # a period given by its end answers "how long" too: "有效期至2027年12月31日"
                           r"(?:至|到|截至)\s*(?:19|20)\d\d\s*年"),
    "date": re.compile(rf"{_YEAR_SPAN}|\d{{4}}\s*年|{_NUM}\s*月\s*(?:{_NUM}\s*[日号])?|{_NUM}\s*[日号]前|月底|月初|年底|年初|"
                       r"[一二三四]季度|上半年|下半年|即日起|"
                       # a day of every month and a time of day: "每月10日为宣传日", "须在前一日17:00前预约"
                       rf"每月\s*{_NUM}\s*[日号]|(?<![\d:：])(?:[01]?\d|2[0-3])[:：][0-5]\d(?![\d:：])|前一(?:日|天)|"
                       # dates written in words: "自公告次月起", "营业执照签发日期为成立日期", "届满前一个月内"
                       r"次月|当月|次年|当年|之日起|起施行|起执行|日期为|为.{0,8}日期|届满前|期满前|到期前"),
    # Laws write their figures in words: 每小时十五公里, 五十元, 十二周岁, 二十五公斤.
    "number": re.compile(rf"\d|[{CN_NUMERAL}]+\s*(?:个|家|项|名|次|类|种|所|人|批|条|户|倍|成|元|年|月|日|天|辆|台|座|部|处|间|"
                         r"公里|千米|米|平方米|立方米|公斤|千克|克|吨|度|千瓦|瓦|伏|岁|周岁|小时|分钟|周|层|万|亿)"),
    # A multiple of some base (处骗取金额2倍以上5倍以下的罚款): it answers "how much" (ANSWERED_ALSO_BY).
    "multiple": re.compile(rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL}]+)\s*倍"),
    # Contact details themselves: a number to call, an address, a mailbox or a website.
    "contact": re.compile(r"\d{3,4}-?\d{7,8}|(?<!\d)\d{5,}(?!\d)|@|https?://|www\.|地址[:：]|电话[:：]|[路街道巷]\d+号"),
    # A mailbox asked for by name: a phone number or an address is no answer to it.
    "email": re.compile(r"@|邮箱|电子邮件|e-?mail", re.I),
    "procedure": re.compile(r"材料|流程|程序|手续|提交|提出|申请表|申请|受理|办理|登记|报名|审核|审批|渠道|途径|窗口|网上|"
                            r"系统|小程序|登录|填写|携带|提供|出具|向.{1,20}(?:申请|提出|报送|报告)"),
}


# "What is the fine" is answered by a multiple as well as by a sum (处骗取金额2倍以上5倍以下的罚款), and
# "how many owners must agree" by a share of them. A share as "how much" (按标准的50%支付) is left out:
# on the development set it answered as many questions that had no answer as it rescued.
ANSWERED_ALSO_BY = {"amount": ("multiple",), "count": ("percentage",)}


def has_kind(kind: str, text: str) -> bool:
    """Whether ``text`` contains content of ``kind`` (or of a kind that answers it too); unknown kinds
    are always satisfied."""
    pattern = CONTENT_RE.get(kind)
    if pattern is None:
        return True
    return bool(pattern.search(text)) or any(has_kind(other, text) for other in ANSWERED_ALSO_BY.get(kind, ()))
