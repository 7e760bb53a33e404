"""Old codes keep working after a division change (issue 17): the unit list finds a unit by a code it
had, labelled 原代码, within her own subtree only."""

from access.models import Assignment
from tests.base import UNIT_PERMS, admin_url, make_user, page_text, unit
from tests.orgunits.changed_county import ChangedCountyTestCase

FANGSHI_BEFORE, FANGSHI_NOW = "431302101210", "431302101012"


class OldCodeSearchTests(ChangedCountyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.county_clerk = make_user("county-clerk", perms=UNIT_PERMS)
        cls.other_clerk = make_user("other-clerk", perms=UNIT_PERMS)
        shuangfeng = unit("431321")
        Assignment.objects.create(user=cls.county_clerk, unit=cls.county, role=Assignment.Role.MANAGER)
        Assignment.objects.create(user=cls.other_clerk, unit=shuangfeng, role=Assignment.Role.MANAGER)

    def search(self, user, term: str) -> str:
        self.client.force_login(user)
        response = self.client.get(admin_url("orgunit_changelist"), {"q": term})
        assert response.status_code == 200
        return page_text(response)

    def test_an_old_code_finds_the_unit_labelled_with_it(self):
        text = self.search(self.county_clerk, FANGSHI_BEFORE)
        assert "方石社区" in text and FANGSHI_NOW in text and f"原代码 {FANGSHI_BEFORE}" in text

    def test_an_old_prefix_finds_the_units_recoded_under_it(self):
        text = self.search(self.county_clerk, "431302102")  # 茅塘乡, now 茅塘镇 431302106
        assert "茅塘镇" in text and "甲村" in text and "乙村" in text
        assert "原代码 431302102201" in text

    def test_a_current_code_is_not_labelled(self):
        text = self.search(self.county_clerk, FANGSHI_NOW)
        assert "方石社区" in text and "原代码" not in text

    def test_outside_her_subtree_an_old_code_finds_nothing(self):
        text = self.search(self.other_clerk, FANGSHI_BEFORE)
        assert "方石社区" not in text and "原代码" not in text
