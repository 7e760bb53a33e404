"""The change on the same span a year earlier, as the activity totals and the report write it. The
figures themselves are written by stats.formatting.format_measure, the one rule for 万 and 余."""

from decimal import Decimal

from stats.formatting import format_change_percent


def format_change_rate(now: int | Decimal | None, before: int | Decimal | None) -> str:
    """比上年同期增长13% / 下降5% / 下降0.4% / 持平 (stats.formatting.format_change_percent); empty when
    there is nothing to compare with."""
    if now is None or not before:
        return ""
    change = (Decimal(now) - Decimal(before)) * 100 / Decimal(before)
    if change == 0:
        return "与上年同期持平"
    return f"比上年同期{'增长' if change > 0 else '下降'}{format_change_percent(change)}"
