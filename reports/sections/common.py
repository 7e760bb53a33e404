"""What the sections share: the section they make, and the words for the unit's own area."""

from dataclasses import dataclass, field

from reports.charts import Chart
from reports.figures import SurveyFigures
from stats.tables import Table


@dataclass
class Block:
    kind: str  # "paragraph" or "point"
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A generated paragraph, keyed by section and item ("basics.coverage") so that a user's own text for
    it in a draft finds it again however the figures move."""

    key: str
    text: str
    edited: bool = False  # the user's text replaces the generated one
    stale: bool = False  # edited, and the generated text has changed since


@dataclass
class DocSection:
    key: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # people-written text
    heading: str = ""

    def say(self, item: str, text: str) -> None:
        if text:
            self.paragraphs.append(Paragraph(f"{self.key}.{item}", text))

    @property
    def texts(self) -> list[str]:
        return [paragraph.text for paragraph in self.paragraphs]


AREA_ENDINGS = {
    "province": (("自治区", "区"), ("市", "市"), ("", "省")),
    "city": (("州", "州"), ("盟", "盟"), ("地区", "地区"), ("", "市")),
    "county": (("区", "区"), ("市", "市"), ("旗", "旗"), ("", "县")),
    "township": (("镇", "镇"), ("乡", "乡"), ("", "乡镇")),
    "street": (("", "街道"),),
    "village": (("", "村"),),
    "community": (("", "社区"),),
    "nation": (("", "国"),),
}


def area_word(kind: str, name: str) -> str:
    """县 in 全县, 镇 in 全镇: the short word for the unit's own area."""
    return next((word for ending, word in AREA_ENDINGS.get(kind, ()) if name.endswith(ending)), "")


def unit_area(figures: SurveyFigures) -> str:
    return area_word(figures.unit.kind, figures.unit.name)


def whole(figures: SurveyFigures) -> str:
    """全县, 全镇; the unit's name where no short word fits (an agency, an enterprise)."""
    word = unit_area(figures)
    return f"全{word}" if word else figures.unit.name


def join(parts: list[str], final: str = "。") -> str:
    return "；".join(parts) + final if parts else ""
