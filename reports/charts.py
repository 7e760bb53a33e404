"""Bar charts for survey reports: SVG markup for the page (no script, no style attributes), and PNG
through matplotlib's Agg backend for Word. PNG needs a CJK font; without one there is no image and
a warning is logged, never boxes in place of Chinese."""

import io
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stats.formatting import format_rate

logger = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
KNOWN_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
NO_CJK_FONT = "没有找到中文字体（如 fonts-wqy-microhei），Word 报告中不附图表。"


@dataclass(frozen=True)
class Chart:
    title: str
    labels: list[str]
    values: list[float]
    suffix: str = "%"
    maximum: float | None = 100.0

    @property
    def top(self) -> float:
        largest = max(self.values, default=0)
        return max(self.maximum or 0, largest) or 1.0


def _shown(value: float, suffix: str) -> str:
    return format_rate(value, 1, suffix, rounding=ROUND_HALF_EVEN)


# ---------------------------------------------------------------- SVG

BAR, GAP, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH, TOP = 18, 8, 170, 380, 70, 30


def svg(chart: Chart) -> SafeString:
    """Horizontal bars, one per label; every text escaped."""
    height = TOP + len(chart.labels) * (BAR + GAP) + 10
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(chart.title)}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{escape(chart.title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for index, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = TOP + index * (BAR + GAP)
        length = PLOT_WIDTH * max(value, 0) / chart.top
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 5}" text-anchor="end">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" fill="#417690"/>',
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 5}">{escape(_shown(value, chart.suffix))}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # built from escaped text only


# ---------------------------------------------------------------- PNG


@cache
def cjk_font_path() -> str | None:
    """A font file that can draw Chinese, found through matplotlib's font manager."""
    from matplotlib import font_manager

    for family in CJK_FAMILIES:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == family:
                return entry.fname
    for candidate in KNOWN_FONT_FILES:
        if Path(candidate).exists():
            return candidate
    return None


# Names are drawn as typed. matplotlib reads text between two "$" as TeX math: "永丰街道$\frac{$" failed to
# parse and "${{{…$" recursed without end, so a renamed township broke the report. usetex is switched
# off too, because it would hand the text to LaTeX before parse_math is even asked.
PLAIN_TEXT = {"parse_math": False, "usetex": False}


def png(chart: Chart, dpi: int = 150) -> bytes | None:
    font_path = cjk_font_path()
    if font_path is None:
        logger.warning(NO_CJK_FONT)
        return None
    out = io.BytesIO()
    bar_figure(chart, font_path, dpi).savefig(out, format="png")
    return out.getvalue()


def bar_figure(chart: Chart, font_path: str, dpi: int = 150):
    """The matplotlib figure png() saves: horizontal bars, every text from the chart drawn as plain text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=font_path, size=9)
    count = len(chart.labels)
    figure = Figure(figsize=(6.0, 0.9 + 0.28 * count), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(count))
    axes.barh(positions, chart.values, color="#417690", height=0.6)
    axes.set_yticks(positions, labels=chart.labels, fontproperties=font, **PLAIN_TEXT)
    axes.invert_yaxis()
    axes.set_xlim(0, chart.top * 1.12)
    axes.set_title(chart.title, fontproperties=FontProperties(fname=font_path, size=11), **PLAIN_TEXT)
    for position, value in zip(positions, chart.values, strict=True):
        axes.text(
            value + chart.top * 0.01,
            position,
            _shown(value, chart.suffix),
            va="center",
            fontproperties=font,
            **PLAIN_TEXT,
        )
    axes.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure
