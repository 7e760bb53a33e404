"""The report text as it was written before version 3 of the figures (issue #16), frozen.

Final reports frozen before then keep no text of their own: they are rendered from their snapshot by
these modules, exactly as they were when frozen. Never edit them; a final report of version 3 or later
carries its rendered text and does not need them.
"""

from reports.figures import SurveyFigures
from reports.sections.common import DocSection, Paragraph
from reports.sections_v2 import activities, basics, changes, officers, politics

SECTIONS = (basics, officers, politics, activities, changes)


def generated_sections(figures: SurveyFigures) -> list[DocSection]:
    made = [module.section(figures) for module in SECTIONS]
    for section in made:
        section.paragraphs = [
            Paragraph(f"{section.key}.{index}", text) for index, text in enumerate(section.paragraphs)
        ]
    return [section for section in made if section.paragraphs]
