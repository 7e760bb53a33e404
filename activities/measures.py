"""Figures with their measure words the way the survey reports write them: 120场次, 8500人次, 5.2万人次,
1.2万元, 156万元, and an approximate figure with 余: 5200余场次, 8万余人次, 100余万元."""

from decimal import Decimal

from stats.formatting import MISSING, format_number

WAN = 10_000
MONEY = "元"


def format_measure(value: int | Decimal | None, unit: str, *, approximate: bool = False) -> str:
    """`value` in `unit` (money in 元), in 万 from 10,000 up, to at most two decimals."""
    if value is None:
        return MISSING
    more = "余" if approximate else ""
    if abs(value) >= WAN:
        number = format_number(Decimal(value) / WAN, 2)
        return f"{number}{more}万{unit}" if unit == MONEY else f"{number}万{more}{unit}"
    return f"{format_number(Decimal(value), 2)}{more}{unit}"


def format_change_rate(now: int | Decimal | None, before: int | Decimal | None) -> str:
    """比上年同期增长12.5% / 下降4.8% / 持平; empty when there is nothing to compare with."""
    if now is None or not before:
        return ""
    change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
    text = format_number(abs(change), 1)
    if text == "0":
        return "与上年同期持平"
    return f"比上年同期{'增长' if change > 0 else '下降'}{text}%"
