from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese for everyone unless the user picked another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    to a clerk whose browser happens to be set up in English. Here only an explicit choice (the
    cookie set by Django's set_language view) changes the language.
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
