"""The survey report's add form states the service's rules as form errors, never as a refused page."""

import datetime

from django.urls import reverse

from orgunits.models import OrgUnit
from reports import errors
from reports.models import SurveyReport
from tests.base import TreeTestCase
from tests.reports.survey_fixtures import grant_survey_perms

ADD_URL = reverse("admin:reports_surveyreport_add")


class SurveyReportAddFormTests(TreeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        grant_survey_perms(cls.county_clerk)
        # 荷叶镇 closed in the middle of 2023: it may have a report for 2023, not for 2024.
        OrgUnit.objects.filter(pk=cls.heye.pk).update(closed_on=datetime.date(2023, 6, 30))

    def post(self, year):
        self.client.force_login(self.county_clerk)
        return self.client.post(
            ADD_URL, {"unit": self.heye.pk, "year": year, "title": "", "problems": "", "measures": ""}
        )

    def test_a_unit_closed_before_the_year_is_a_form_error_on_the_unit(self):
        response = self.post(2024)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["unit"] == [
            errors.SURVEY_UNIT_CLOSED.format(unit="荷叶镇", period="2024年")
        ]
        assert not SurveyReport.objects.filter(unit=self.heye).exists()

    def test_the_year_it_closed_in_still_gets_its_report(self):
        response = self.post(2023)
        assert response.status_code == 302
        assert SurveyReport.objects.filter(unit=self.heye, year=2023).count() == 1

    def test_a_second_report_for_the_same_year_is_a_form_error(self):
        assert self.post(2023).status_code == 302
        again = self.post(2023)
        assert again.status_code == 200
        assert again.context["adminform"].form.non_field_errors() == [errors.SURVEY_EXISTS]
        assert SurveyReport.objects.filter(unit=self.heye, year=2023).count() == 1
