"""The generated part of a survey report: its sections, in order, each made from the figures by its own
module under reports.sections. Sections without data are left out."""

from reports.figures import SurveyFigures
from reports.sections import activities, activity_records, basics, changes, facilities, officers, politics
from reports.sections.common import DocSection

SECTIONS = (basics, facilities, officers, politics, activities, activity_records, changes)


def generated_sections(figures: SurveyFigures) -> list[DocSection]:
    made = (module.section(figures) for module in SECTIONS)
    return [section for section in made if section.paragraphs]
