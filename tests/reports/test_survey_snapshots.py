"""Final reports frozen by earlier versions of the figures still render as they did when frozen."""

import datetime
import io
import json
from pathlib import Path

import docx
import pytest
from django.template.loader import render_to_string
from django.test import SimpleTestCase

from reports import errors
from reports.docx_report import survey_docx
from reports.figures import FIGURES_VERSION, from_snapshot, to_snapshot
from reports.models import SurveyReport
from reports.survey_views import report_view

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
FROZEN_AT = datetime.datetime(2013, 1, 15, 4, tzinfo=datetime.UTC)


ADDED_OFFICER_FIELDS = {
    "by_education_group": [],
    "new_officers": 0,
    "chairs": 0,
    "new_chairs": 0,
    "chairs_by_age_band": [],
    "chairs_by_education_group": [],
    # version 4: 执委配备
    "village_executives": 0,
    "village_executive_norm": 0,
    "village_executive_organisations": 0,
    "village_executives_at_norm": 0,
    "village_executive_seats": 0,
}


def final_report(snapshot: dict) -> SurveyReport:
    return SurveyReport(
        year=2012,
        title="关于缺口县2012年妇女组织建设和妇女工作情况的调研报告",
        problems="当前还存在以下问题。\n\n1. 有组织无人员。\n2. 身兼数职。",
        measures="一是配齐配强班子。\n二是落实经费。",
        status=SurveyReport.Status.FINAL,
        snapshot=snapshot,
        frozen_at=FROZEN_AT,
    )


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    lines = [f"{p.style.name}: {p.text}" for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def rendered(snapshot: dict) -> tuple[str, str]:
    document = report_view(final_report(snapshot), compare=False).document
    return docx_text(survey_docx(document, charts=False)), render_to_string(
        "reports/survey_body.html", {"doc": document}
    )


class Version1SnapshotTests(SimpleTestCase):
    """snapshot-v1.json is what a final report of 缺口县 (tests/reports/survey_fixtures.py) froze before the
    figures were typed; the .txt and .html beside it are what that code rendered from it."""

    def test_a_version_1_snapshot_renders_the_same_text_document_and_page(self):
        snapshot = json.loads((FIXTURES / "snapshot-v1.json").read_text(encoding="utf-8"))
        text, page = rendered(snapshot)
        assert text == (FIXTURES / "snapshot-v1.docx.txt").read_text(encoding="utf-8")
        assert page == (FIXTURES / "snapshot-v1.html").read_text(encoding="utf-8")

    def test_written_again_it_is_a_current_snapshot_that_renders_the_same(self):
        old = json.loads((FIXTURES / "snapshot-v1.json").read_text(encoding="utf-8"))
        snapshot = json.loads(json.dumps(to_snapshot(from_snapshot(old))))
        assert snapshot["version"] == FIGURES_VERSION == 6
        # The fields added since (officer groups, 新任, the chairs' profile; forms) are written with defaults.
        for part in ("officers", "officers_previous"):
            assert {name: snapshot[part].pop(name) for name in ADDED_OFFICER_FIELDS} == ADDED_OFFICER_FIELDS
        for part in ("coverage", "coverage_previous"):
            assert snapshot[part].pop("forms") == []
            assert snapshot[part].pop("conversions") == []  # version 4: 会改联
        assert snapshot.pop("facilities") == {"kinds": [], "total": {}, "rows": [], "forms": [], "conversions": []}
        assert snapshot.pop("activities") == {"lines": [], "honours": []}  # version 4
        assert snapshot.pop("span") == ""  # version 5: the year, not part of it
        assert snapshot.pop("approximate") == snapshot.pop("approximate_previous") == []  # version 6: 余
        assert {**snapshot, "version": 1} == old
        snapshot = json.loads(json.dumps(to_snapshot(from_snapshot(old))))
        assert from_snapshot(snapshot) == from_snapshot(old)
        # Without its text kept beside the figures, a snapshot renders by the rules of its time.
        assert "document" not in snapshot
        assert rendered(snapshot) == rendered(old)

    def test_a_version_2_snapshot_renders_the_same(self):
        old = json.loads((FIXTURES / "snapshot-v1.json").read_text(encoding="utf-8"))
        assert rendered({**old, "version": 2}) == rendered(old)

    def test_a_snapshot_of_an_unknown_version_is_refused(self):
        snapshot = json.loads((FIXTURES / "snapshot-v1.json").read_text(encoding="utf-8"))
        with pytest.raises(ValueError, match="快照的版本“99”无法识别"):
            from_snapshot({**snapshot, "version": 99})
        assert "{version}" in errors.SNAPSHOT_VERSION
