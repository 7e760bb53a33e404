import functools
import logging
import re
import string

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# What a refused page says for one of our messages that names a unit or report. Fixed texts, so no name
# reaches the page: the code that refused does not say whether she may see what it named, and she knows
# which unit she was working on.
REFUSED_READ_ONLY = gettext_noop("您对这个单位只有查看权限，不能修改。")
REFUSED_REPORT_EXISTS = gettext_noop("该单位该年度已有调研报告。")
REFUSED_REPORT_FINAL = gettext_noop("这份调研报告已定稿，不能修改；如需修改，请先退回草稿。")
REFUSED_REPORT_UNIT_CLOSED = gettext_noop("所选单位在该年度之前已撤销，不能为其写这一年度的调研报告。")


@functools.cache
def _shown_reasons() -> list[tuple[re.Pattern, str]]:
    """(the message as raised, what the page says) for each refusal written for the user.

    Imported here, not at the top: the logging filter below is loaded with the settings, before the
    apps that define these messages."""
    from access.scope import READ_ONLY_SCOPE
    from orgunits.errors import MOVE_TOP_UNIT
    from reports import errors as report_errors

    shown = [
        (READ_ONLY_SCOPE, REFUSED_READ_ONLY),
        (MOVE_TOP_UNIT, MOVE_TOP_UNIT),
        (report_errors.SURVEY_EXISTS, REFUSED_REPORT_EXISTS),
        (report_errors.SURVEY_FINAL_READ_ONLY, REFUSED_REPORT_FINAL),
        (report_errors.SURVEY_UNIT_CLOSED, REFUSED_REPORT_UNIT_CLOSED),
    ]
    return [(_pattern(template), text) for template, text in shown]


def _pattern(template: str) -> re.Pattern:
    parts = string.Formatter().parse(template)
    return re.compile("".join(re.escape(literal) + (".+" if field is not None else "") for literal, field, *_ in parts))


def refusal_reason(exception: PermissionDenied) -> str:
    """What the refused page may say about why: a fixed text for one of our own messages, else nothing.

    Never the exception's own text: a library's may be English, and ours may name a unit."""
    message = str(exception)
    for pattern, text in _shown_reasons():
        if pattern.fullmatch(message):
            return gettext(text)
    return ""


class ChosenLanguageMiddleware:
    """Chinese for everyone unless the user picked another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    to a clerk whose browser happens to be set up in English. Here only an explicit choice (the
    cookie set by Django's set_language view) changes the language.

    It also answers a view's PermissionDenied (process_exception), so that the refused page can give
    our own reason: Django's handler hands the template the exception's text as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    def process_exception(self, request, exception):
        """The refused page, with the reason when it is one of ours (see refusal_reason). Django's own
        handler would pass the exception's text as it is; and this answer is logged on one line."""
        if not isinstance(exception, PermissionDenied):
            return None
        return render(request, "403.html", {"reason": refusal_reason(exception)}, status=403)


class RefusalsWithoutTraceback(logging.Filter):
    """For django.request: a refused or missing page (4xx) is logged on one line, without the
    exception's traceback. A 403 is an answer, not a fault, and a clerk following an old link would
    bury the real errors; a 500 keeps its traceback."""

    def filter(self, record):
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info, record.exc_text = None, None
        return True


class ContentSecurityPolicyMiddleware:
    """Nothing from another origin: no CDN, no inline script. Inline styles stay allowed because the
    Django admin's templates use style attributes."""

    POLICY = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
