"""The login limits count a user name the way authentication reads it (issue 12, point 7)."""

from django.test import TestCase, override_settings

from registry.login import TOO_MANY
from tests.base import PASSWORD, make_user
from tests.test_hardening import LoginAttemptsMixin

# Both sign in as "ratetest": the login form NFKC-normalises the name before authenticating.
FULL_WIDTH = "\uff52atetest"  # ｒatetest
MATH_BOLD = "\U0001d42batetest"  # 𝐫atetest
MATH_BOLD_CAPITAL = "\U0001d411atetest"  # 𝐑atetest, normalised to "Ratetest", then case folded


@override_settings(LOGIN_FAILURES_PER_USER=5, LOGIN_FAILURES_PER_ADDRESS=100)
class LoginNameNormalisationTests(LoginAttemptsMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        make_user("ratetest")

    def lock_ratetest(self):
        for _ in range(5):
            assert self.attempt("ratetest", "wrong").status_code == 200

    def test_the_look_alike_names_really_sign_in_as_ratetest(self):
        # Without this the lockout tests below could pass for the wrong reason.
        for name in (FULL_WIDTH, MATH_BOLD):
            with self.subTest(name=name):
                response = self.attempt(name, PASSWORD)
                assert response.status_code == 302
                assert self.client.session["_auth_user_id"]
                self.client.logout()

    def test_a_locked_name_stays_locked_under_its_look_alikes(self):
        self.lock_ratetest()
        for name in ("ratetest", FULL_WIDTH, MATH_BOLD, MATH_BOLD_CAPITAL, f"  {FULL_WIDTH} "):
            with self.subTest(name=name):
                blocked = self.attempt(name, PASSWORD, address="10.0.0.2")
                assert blocked.status_code == 429
                assert TOO_MANY.format(minutes=15) in blocked.content.decode()
                assert "_auth_user_id" not in self.client.session

    def test_failures_under_look_alikes_add_up_on_one_name(self):
        for name in ("ratetest", FULL_WIDTH, MATH_BOLD, MATH_BOLD_CAPITAL, "RATETEST"):
            assert self.attempt(name, "wrong").status_code == 200
        assert self.attempt("ratetest", PASSWORD, address="10.0.0.2").status_code == 429

    @override_settings(LOGIN_FAILURES_PER_USER=100, LOGIN_FAILURES_PER_ADDRESS=3)
    def test_the_address_counter_still_counts_every_spelling(self):
        for name in (FULL_WIDTH, MATH_BOLD, "someone-else"):
            assert self.attempt(name, "wrong", address="10.9.9.9").status_code == 200
        assert self.attempt("ratetest", PASSWORD, address="10.9.9.9").status_code == 429
        assert self.attempt(FULL_WIDTH, PASSWORD, address="10.1.1.1").status_code == 302
