"""The admin login, with failed attempts limited per user name and per address."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import UsernameField
from django.core.cache import cache
from django.template.response import TemplateResponse

TOO_MANY = "登录失败次数过多，请{minutes}分钟后再试。"


def _client_address(request) -> str:
    # REMOTE_ADDR is the proxy behind a reverse proxy; trust X-Forwarded-For only when told to.
    if settings.LOGIN_TRUST_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _counted_name(raw: str) -> str:
    # The login form strips and NFKC-normalises the name before authenticating, so "ｒatetest" and
    # "𝐫atetest" sign in as "ratetest": counting the raw text gave each look-alike its own tries.
    # Case is folded on top, so the look-alikes of "Ratetest" share the count too.
    return UsernameField().to_python(raw).lower()


def _keys(request) -> tuple[str, str]:
    username = _counted_name(request.POST.get("username") or "")
    return f"login-failures:user:{username}", f"login-failures:addr:{_client_address(request)}"


def _blocked(user_key: str, addr_key: str) -> bool:
    return (cache.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_USER) or (
        cache.get(addr_key, 0) >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


def _count_failure(key: str) -> None:
    if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def login(request, extra_context=None):
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    user_key, addr_key = _keys(request)
    if _blocked(user_key, addr_key):
        context = {
            **admin.site.each_context(request),
            "title": "登录",
            "message": TOO_MANY.format(minutes=settings.LOGIN_LOCKOUT_SECONDS // 60),
        }
        return TemplateResponse(request, "registry/login_blocked.html", context, status=429)
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated:
        cache.delete(user_key)
    else:
        _count_failure(user_key)
        _count_failure(addr_key)
    return response
