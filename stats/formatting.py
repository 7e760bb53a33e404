"""Figures the way the reports write them: 19.7%, 10%, 100%, 26.82%.

A rate is made by percent() and written by format_rate(), everywhere: pages, exports, reports and charts."""

from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
APPROXIMATE_MARK = "余"  # 5200余场次: a figure given as approximate, in entry and import as in reports
MAX_CHANGE_PLACES = 6  # a change of one in a million still shows


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


def printed_difference(now: Decimal, before: Decimal, decimals: int) -> Decimal:
    """A rate's change as the difference of the two rates as printed: 48.74% → 48.75% prints 48.7% →
    48.8%, a change of 0.1 个百分点 whatever the digits behind them."""
    step = Decimal(1).scaleb(-decimals)
    return now.quantize(step, rounding=ROUND_HALF_UP) - before.quantize(step, rounding=ROUND_HALF_UP)


def format_change_percent(value: Decimal, decimals: int = 0) -> str:
    """The size of a relative change, without its sign, to the figure's own decimals: counts are whole,
    so 756 against 628 (+20.4%) reads 20%, as report 4 prints it. A change those decimals would round
    to nothing gets the places it needs (下降0.4%): figures that differ never read 0% or 持平."""
    places = decimals
    text = format_number(abs(value), places)
    while text == "0" and value != 0 and places < MAX_CHANGE_PLACES:
        places += 1
        text = format_number(abs(value), places)
    return f"{text}%"


def format_signed_change_percent(value: Decimal | None, decimals: int = 0) -> str:
    """+20% / −0.4% / 0%, for the 增减幅度 columns of tables."""
    if value is None:
        return MISSING
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{format_change_percent(value, decimals)}"


def percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


WAN = 10_000
MONEY = "元"
# The one rule for 万: figures of people, attendances and money are written in 万 from 10,000 up
# (38.24万人, 8万余人次, 1.2万元), as the seed reports write them; counts of things and events stay
# whole (5200余场次, 12345起), so a sentence never mixes 1.2万场次 with 9800场次.
WAN_MEASURES = ("人", "人次", MONEY)


def in_wan(measure: str) -> bool:
    return measure in WAN_MEASURES


def format_count(
    value: int | Decimal | None, *, wan: bool = False, approximate: bool = False, money: bool = False
) -> str:
    """A count without its measure word: 1971, 3954; with wan=True, 10,000 and more as 81万, 38.24万, 8.1万
    (at most two decimals); an approximate one with 余: 5200余, 8万余, and money's 100余万(元)."""
    if value is None:
        return MISSING
    more = APPROXIMATE_MARK if approximate else ""
    if wan and abs(value) >= WAN:
        number = format_number(Decimal(value) / WAN, 2)
        return f"{number}{more}万" if money else f"{number}万{more}"
    return f"{format_number(Decimal(value), 2)}{more}"


def count_text(value: int | Decimal | None, measure: str, *, approximate: bool = False) -> str:
    """A figure in `measure`, without the measure word, in 万 where the rule says so: 81万 (人), 12345 (起)."""
    return format_count(value, wan=in_wan(measure), approximate=approximate, money=measure == MONEY)


def format_measure(value: int | Decimal | None, measure: str, *, approximate: bool = False) -> str:
    """A figure with its measure word: 120场次, 5.2万人次, 1.2万元, 5200余场次, 100余万元; — when missing."""
    if value is None:
        return MISSING
    return count_text(value, measure, approximate=approximate) + measure


def rate_number_format(value: Decimal | float | None, decimals: int = 1) -> str:
    """The spreadsheet number format that shows a rate stored as a fraction the way format_rate writes
    it: 85% and 100% without a decimal, 66.7% with one. Both round half up, so they agree on 12.5%."""
    return f"0.{'0' * decimals}%" if "." in format_number(value, decimals) else "0%"
