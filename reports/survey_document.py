"""A survey report laid out once, for the page, the .html file and the .docx alike: numbered
sections of paragraphs, tables and charts (reports.narrative), then the people-written sections."""

import datetime
import re
from dataclasses import dataclass

from reports.sections.common import Block, DocSection

NUMERALS = "一二三四五六七八九十"
# "1." "1、" "（1）" "(一)" "一是" "二、": a line that starts a numbered point.
POINT_START = re.compile(
    r"^\s*(\d+\s*[.、．)）]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+[是、])"
)


@dataclass
class SurveyDocument:
    title: str
    unit_name: str
    year: int
    dated: datetime.date
    sections: list[DocSection]

    @property
    def date_line(self) -> str:
        d = self.dated
        return f"{self.unit_name}妇联　{d.year}年{d.month}月{d.day}日"

    def section(self, key: str) -> DocSection | None:
        return next((s for s in self.sections if s.key == key), None)


def parse_written(text: str) -> list[Block]:
    """Blank lines separate paragraphs; a line starting with 1. / （1） / 一是 starts a numbered point.
    Other lines continue the paragraph or point above them. Plain text only: nothing is interpreted."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        current: Block | None = None
        for line in chunk.split("\n"):
            line = line.strip()
            if not line:
                continue
            if POINT_START.match(line):
                current = Block("point", line)
                blocks.append(current)
            elif current is None:
                current = Block("paragraph", line)
                blocks.append(current)
            else:
                current.text += line
    return blocks


def build_document(
    *,
    title: str,
    unit_name: str,
    year: int,
    sections: list[DocSection],
    problems: str,
    measures: str,
    dated: datetime.date,
) -> SurveyDocument:
    """The generated sections (with the user's edits, or as a final report keeps them), then the written
    ones, numbered."""
    sections = list(sections)
    for key, heading, text in (("problems", "问题与挑战", problems), ("measures", "思考与对策", measures)):
        blocks = parse_written(text or "")
        if blocks:
            sections.append(DocSection(key, heading, blocks=blocks))
    for index, section in enumerate(sections):
        section.heading = f"{NUMERALS[index]}、{section.title}"
    return SurveyDocument(title, unit_name, year, dated, sections)
