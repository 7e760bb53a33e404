"""区划调整 in the admin: upload → preview → confirm, for her own area.

A clerk picks an edition of the division codes (a folder under DIVISION_EDITIONS_DIR), her area, the
date and, if she has one, a mapping or plan file (原代码, 新代码, 关系). The preview runs the apply as a
dry run and shows what it would do; the inputs are kept in the cache under a random token of hers,
never in the page, and the confirm runs the apply again for real, with her scope and permission asked
again. Out of scope reads like missing at every step; a file is checked like every import's.
"""

import datetime
import re
import secrets
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from access.scope import scope_of
from imports.audit import audit_source
from imports.uploads import TOO_LARGE, check_upload
from orgunits.autocomplete import UNIT_NOT_FOUND, UnitChoiceField, limit_unit_choices
from orgunits.division_apply import ApplyResult, divisions_apply
from orgunits.division_command import counts_text
from orgunits.division_mapping import read_mapping
from orgunits.division_plan import CHANGE_TYPES, DivisionPlanError
from orgunits.loader import DivisionLoadError, read_divisions
from orgunits.models import OrgUnit

PERMISSION = "orgunits.apply_divisionchange"
URL_NAME = "orgunits_unitchange_divisions"
TEMPLATE = "admin/orgunits/unitchange/divisions.html"
PREVIEW_SECONDS = 3600
CHANGES_SHOWN = 200
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")

PREVIEW_GONE = "预览已过期或找不到，请重新上传。"
EDITION_GONE = "服务器上没有区划版本“{edition}”，请重新选择。"
EDITION_NOT_UTF8 = "区划版本“{edition}”的CSV不是UTF-8编码。"
DONE = "区划调整（{edition}版，{date}）已写入：{counts}。"
AUDIT = "后台区划调整 {user}"


def editions() -> list[str]:
    """The edition folders the server holds, newest name first; none when the folder is missing."""
    root = settings.DIVISION_EDITIONS_DIR
    if not root.is_dir():
        return []
    return sorted((p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)


def may_apply(request) -> bool:
    return request.user.has_perm(PERMISSION) and scope_of(request).can_edit_anything


@dataclass(frozen=True)
class Inputs:
    """What a preview ran on, kept server-side until she confirms."""

    edition: str
    area_id: int | None
    on: datetime.date
    mapping: bytes | None


class DivisionUploadForm(forms.Form):
    edition = forms.ChoiceField(label="新版区划", help_text="服务器上的区划版本，每个版本一个目录（五个CSV文件）。")
    area = UnitChoiceField(
        admin.site, label="区域", required=False, help_text="只调整这一省、市或县及其下级；输入代码或名称搜索。"
    )
    on = forms.DateField(
        label="调整日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="对照这一天存续的单位；变更自这一天起生效。",
    )
    mapping = forms.FileField(
        label="对应表",
        required=False,
        help_text="可选：.xlsx、.xls、.ods 或 .csv，列为原代码、新代码、关系（同一单位、并入、移至、撤销）；"
        "可以是导出的调整计划改好后的文件。",
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", "---------"), *((name, name) for name in editions())]
        limit_unit_choices(self, scope, editable=True)
        if not scope.national:  # only a national clerk may adjust the whole country at once
            area = self.fields["area"]
            area.required = area.widget.is_required = True

    def clean_mapping(self) -> bytes | None:
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return None
        limit = settings.UPLOAD_LIMIT_BYTES
        if upload.size > limit:  # refused without reading it
            raise ValidationError(TOO_LARGE.format(size=upload.size / 2**20, limit=limit // 2**20))
        content = upload.read()
        check_upload(content, upload.name)
        return content

    def inputs(self) -> Inputs:
        data = self.cleaned_data
        area = data.get("area")
        return Inputs(data["edition"], area.pk if area else None, data["on"], data["mapping"])


def run(inputs: Inputs, area: OrgUnit | None, *, dry_run: bool) -> ApplyResult:
    """The apply on the stored inputs; raises DivisionPlanError listing every problem, having written nothing."""
    divisions = _edition(inputs.edition, area)
    mapping = []
    if inputs.mapping:
        mapping = read_mapping(inputs.mapping, max_rows=settings.SPREADSHEET_MAX_ROWS_ADMIN)
    return divisions_apply(
        divisions=divisions, on=inputs.on, edition=inputs.edition, under=area, mapping=mapping, dry_run=dry_run
    )


def _edition(name: str, area: OrgUnit | None):
    if name not in editions():
        raise DivisionPlanError([EDITION_GONE.format(edition=name)])
    try:
        return read_divisions(settings.DIVISION_EDITIONS_DIR / name, under=area.code if area else None)
    except DivisionLoadError as exc:
        raise DivisionPlanError(exc.messages) from exc
    except UnicodeDecodeError as exc:
        raise DivisionPlanError([EDITION_NOT_UTF8.format(edition=name)]) from exc


def _key(token: str) -> str:
    return f"division-upload:{token}"


def store(user, inputs: Inputs) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(_key(token), (user.pk, inputs), PREVIEW_SECONDS)
    return token


def stored(request, token: str) -> Inputs | None:
    """Her inputs under the token; another user's, an expired or a made-up token are all missing."""
    value = cache.get(_key(token)) if _TOKEN.fullmatch(token) else None
    if value is None or value[0] != request.user.pk:
        return None
    return value[1]


def has_changes(result: ApplyResult) -> bool:
    return bool(result.plan.changes or result.hand_decisions)


def preview_context(result: ApplyResult) -> dict:
    counts, changes = result.counts(), result.plan.changes
    return {
        "result": result,
        "counts": [(kind, counts[kind]) for kind in CHANGE_TYPES if counts[kind]],
        "changes": changes[:CHANGES_SHOWN],
        "changes_hidden": max(0, len(changes) - CHANGES_SHOWN),
        "terms_ended": result.roster_counts["届次结束"],
        "appointments_ended": result.roster_counts["任职结束"],
        "has_changes": has_changes(result),
    }


class DivisionUploadMixin:
    """The 区划调整… page of the UnitChange admin: GET the form, POST it for the preview, POST the token to confirm."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.divisions_view)
        return [path("divisions/", view, name=URL_NAME), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"may_apply_divisions": may_apply(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def divisions_view(self, request):
        if not may_apply(request):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        posted = request.method == "POST"
        form = DivisionUploadForm(
            request.POST if posted else None, request.FILES if posted else None, scope=scope_of(request)
        )
        context = self._preview(request, form) if posted and form.is_valid() else {}
        return self._render(request, form, **context)

    def _preview(self, request, form: DivisionUploadForm) -> dict:
        inputs = form.inputs()
        try:
            result = run(inputs, form.cleaned_data.get("area"), dry_run=True)
        except DivisionPlanError as exc:
            return {"problems": exc.messages}
        token = store(request.user, inputs) if has_changes(result) else None
        return {**preview_context(result), "token": token, "area": form.cleaned_data.get("area")}

    def _confirm(self, request):
        scope = scope_of(request)
        token = request.POST.get("token", "")
        inputs = stored(request, token)
        if inputs is None:
            return self._render(request, DivisionUploadForm(scope=scope), problems=[PREVIEW_GONE])
        area = scope.units(editable=True).filter(pk=inputs.area_id).first() if inputs.area_id else None
        if area is None and not (inputs.area_id is None and scope.national):
            return self._render(request, DivisionUploadForm(scope=scope), problems=[UNIT_NOT_FOUND])
        try:
            with audit_source(AUDIT.format(user=request.user.get_username())):
                result = run(inputs, area, dry_run=False)
        except DivisionPlanError as exc:
            return self._render(request, DivisionUploadForm(scope=scope), problems=exc.messages)
        cache.delete(_key(token))
        counts = counts_text(result.counts())
        messages.success(request, DONE.format(edition=inputs.edition, date=inputs.on.isoformat(), counts=counts))
        changes = reverse("admin:orgunits_unitchange_changelist")
        return HttpResponseRedirect(f"{changes}?area={area.pk}" if area else changes)

    def _render(self, request, form: DivisionUploadForm, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": "区划调整",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            **context,
        }
        return TemplateResponse(request, TEMPLATE, context)
