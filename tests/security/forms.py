"""Reading a page's form as a browser would post it, and telling whether the database moved."""

from html.parser import HTMLParser

from django.apps import apps
from django.db import connection
from django.db.models import Max

# Forms every admin page carries that are not the page's own.
CHROME_ACTIONS = ("/admin/logout/", "/i18n/setlang/")
SKIPPED_TABLES = {"django_session"}
VOLATILE_FIELDS = {"last_login"}  # signing a persona in writes it; that is no change of hers


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action", ""), "method": (attrs.get("method") or "get").lower()}
            self._form.update(fields=[], submits=0)
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._form["submits"] += 1
                if name:
                    self._form["fields"].append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if name and "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value", "on")))
            elif name and kind != "file":
                self._form["fields"].append((name, attrs.get("value", "")))
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self._form["submits"] += 1
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"].append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_forms(html: str) -> list[dict]:
    """The page's own post forms (not logout or the language switch), each with its fields."""
    parser = _FormParser()
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if form["method"] == "post" and not any(chrome in form["action"] for chrome in CHROME_ACTIONS)
    ]


def writable_form(response) -> dict | None:
    """The form the page offers to submit, if it offers one: a read-only page has no submit button."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    forms = [form for form in page_forms(response.content.decode()) if form["submits"]]
    return max(forms, key=lambda form: len(form["fields"])) if forms else None


def form_data(form: dict) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    return data


def database_state() -> dict:
    """Every table's rows (small tables) or size and highest key (large ones), history tables included."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in SKIPPED_TABLES:
            continue
        count = model._base_manager.count()
        if count <= 400:
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE_FIELDS]
            state[table] = list(model._base_manager.order_by("pk").values_list(*fields))
        else:
            state[table] = (count, model._base_manager.aggregate(top=Max("pk"))["top"])
    return state


def write_count() -> int:
    """Rows inserted, updated or deleted so far: on this connection (SQLite's total_changes()) or in
    this transaction (PostgreSQL's statistics), rolled-back savepoints included. Comparing it before
    and after a post tells whether the post wrote anything, at the cost of one query instead of
    database_state()'s one per table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
                " WHERE relname <> 'django_session'"
            )
        return cursor.fetchone()[0]
