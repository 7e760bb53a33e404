"""双峰县's survey reports: the 2024 one handed in (定稿, its figures frozen), the 2025 one still a draft,
and a draft on 2025's first nine months (1–9月, against 上年同期). What people write in them (问题与挑战,
思考与对策) is in fixtures/demo/surveys/, one file per report."""

from pathlib import Path

from orgunits.models import OrgUnit
from reports.models import SurveyReport
from reports.survey_services import survey_report_create, survey_report_finalize

# (unit code, year, span, final)
REPORTS = (("431321", 2024, "", True), ("431321", 2025, "", False), ("431321", 2025, "C9", False))
PROBLEMS, MEASURES = "【问题与挑战】", "【思考与对策】"


def written_sections(path: Path) -> tuple[str, str]:
    """The file's two sections, each under its heading line."""
    text = path.read_text(encoding="utf-8")
    before, _, measures = text.partition(MEASURES)
    return before.partition(PROBLEMS)[2].strip(), measures.strip()


def apply_surveys(directory: Path) -> int:
    """Create the reports that are missing; a report that exists is left as its users made it.
    Run last: a final report freezes the figures as they are when it is made final."""
    created = 0
    for code, year, span, final in REPORTS:
        unit = OrgUnit.objects.get(code=code)
        if SurveyReport.objects.filter(unit=unit, year=year, span=span).exists():
            continue
        problems, measures = written_sections(directory / f"{code}-{year}{span}.txt")
        report = survey_report_create(unit=unit, year=year, span=span, problems=problems, measures=measures)
        if final:
            survey_report_finalize(report=report)
        created += 1
    return created
