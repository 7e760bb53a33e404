"""The change on the same span a year earlier, as the activity totals and the report write it. The
figures themselves are written by stats.formatting.format_measure, the one rule for 万 and 余."""

from decimal import Decimal

from stats.formatting import format_number


def format_change_rate(now: int | Decimal | None, before: int | Decimal | None) -> str:
    """比上年同期增长12.5% / 下降4.8% / 持平; empty when there is nothing to compare with."""
    if now is None or not before:
        return ""
    change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
    text = format_number(abs(change), 1)
    if text == "0":
        return "与上年同期持平"
    return f"比上年同期{'增长' if change > 0 else '下降'}{text}%"
