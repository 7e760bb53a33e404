"""Where a change came from, for the history: 后台 (the admin), an import file, a command.

Single saves get the label through simple-history's pre-create signal; bulk paths pass it to
bulk_create_with_history / bulk_update_with_history themselves.
"""

import contextlib
import contextvars

from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

ADMIN = "后台"
REASON_LENGTH = 100

_source: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_source", default=None)


@contextlib.contextmanager
def audit_source(label: str):
    token = _source.set(label[:REASON_LENGTH])
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get() or ADMIN


def current_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def bulk_history_kwargs() -> dict:
    return {"default_user": current_user(), "default_change_reason": current_source()}


def _label(sender, instance, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_source()


pre_create_historical_record.connect(_label, dispatch_uid="registry_audit_source")
