"""Figures the way the reports write them: 19.7%, 10%, 100%, 26.82%.

A rate is made by percent() and written by format_rate(), everywhere: pages, exports, reports and charts."""

from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"


def format_number(value: Decimal | float | None, decimals: int = 1, rounding: str = ROUND_HALF_UP) -> str:
    """Rounded half up to at most `decimals` places, trailing zeros dropped. Charts round their floats
    half to even instead, as Python's own formatting always has for them."""
    if value is None:
        return MISSING
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_rate(
    value: Decimal | float | None, decimals: int = 1, suffix: str = "%", rounding: str = ROUND_HALF_UP
) -> str:
    return MISSING if value is None else f"{format_number(value, decimals, rounding)}{suffix}"


def format_share(part: int | None, whole: int | None) -> str:
    """占19.7%: the part as a rate of the whole, written."""
    return format_rate(percent(part, whole))


def format_change(value: Decimal | None, decimals: int = 1, unit: str = "") -> str:
    """+1.5 / −2 / 0, for year-over-year columns."""
    if value is None:
        return MISSING
    text = format_number(abs(value), decimals)
    sign = "+" if value > 0 and text != "0" else ("−" if value < 0 and text != "0" else "")
    return f"{sign}{text}{unit}"


def percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def format_count(value: int | None, *, wan: bool = False) -> str:
    """A count as the reports write it: 1971, 3954; with wan=True, 10,000 and more as 81万, 38.24万, 8.1万."""
    if value is None:
        return MISSING
    if wan and abs(value) >= 10_000:
        return f"{format_number(Decimal(value) / 10_000, 2)}万"
    return str(value)


def rate_number_format(value: Decimal | float | None, decimals: int = 1) -> str:
    """The spreadsheet number format that shows a rate stored as a fraction the way format_rate writes
    it: 85% and 100% without a decimal, 66.7% with one. Both round half up, so they agree on 12.5%."""
    return f"0.{'0' * decimals}%" if "." in format_number(value, decimals) else "0%"
