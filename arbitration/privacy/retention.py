"""How long personal information is kept (pure: a reviewed table, no Flask, no database).

Each kind of record keeps its personal information for a period counted from the event named; after it, the
purge (`flask privacy purge`, arbitration/oversight/retention.py) removes the personal information and keeps
what the record proves (numbers, amounts, states, times, the event chain). See docs/DECISIONS.md (issue 21).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PURGED_TEXT = "〔个人信息已按保存期限删除〕"     # what stands where a purged free text stood


@dataclass(frozen=True)
class Period:
    kind: str
    counted_from: str
    days: int
    basis: str


# 电子商务法 第三十一条 (ECL-31): transaction records at least three years after the transaction completes;
# 网络安全法 第二十一条: network logs at least six months. Kept no longer than that (个人信息保护法 第十九条).
PERIODS = {
    "case": Period("case", "the case's closing", 3 * 365 + 1,
                   "电子商务法第三十一条：商品和服务信息、交易信息保存时间自交易完成之日起不少于三年"),
    "login_attempt": Period("login_attempt", "the attempt", 183,
                            "网络安全法第二十一条：网络日志留存不少于六个月"),
}


def cutoff(kind: str, now: dt.datetime) -> dt.datetime:
    """Records of this kind whose period started before the returned instant are past their retention."""
    return now - dt.timedelta(days=PERIODS[kind].days)
