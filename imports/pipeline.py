"""One import pipeline for every spreadsheet: table → plan of rows → preview → write, all rows or none.

An importer names its columns, plans the rows of a table (each with its values, errors and the
stored values it changes) and writes a plan without errors. The admin (imports.resources) and the
commands (imports.import_command) run any importer the same way; units, officers and statistics
plug in as small subclasses. Nothing here knows a domain: the caller passes the user's scope in.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from imports.cells import plain_text
from imports.errors import format_row_error
from imports.tables import Column, Table, find_table

KINDS = ("new", "update", "skip", "invalid")


@dataclass
class PlannedRow:
    number: int  # the row as Excel shows it
    raw: dict  # field -> the cell as uploaded
    kind: str = "new"  # one of KINDS
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # header -> messages
    changes: dict[str, str] = field(default_factory=dict)  # header -> the stored value it replaces, as shown
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # header -> what was inferred


@dataclass
class Plan:
    """What an importer will do with a table; `quotes_values` puts the cell's value into each error."""

    rows: list
    columns: list[Column] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    quotes_values: bool = True

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    def notes(self) -> list[str]:
        """What the import inferred and the user should know (an old code mapped to its unit), by row."""
        return self._by_row("notes")

    def messages(self) -> list[str]:
        return self._by_row("errors")

    def _by_row(self, attribute: str) -> list[str]:
        """Each row's `errors` or `notes` ({header: [text]}), naming the row, the column and the cell."""
        field_of = {column.header: column.field for column in self.columns}
        return [
            format_row_error(row.number, header, self._value(row, field_of.get(header)), text)
            for row in self.rows
            for header, texts in getattr(row, attribute).items()
            for text in texts
        ]

    def _value(self, row, field_name):
        return row.raw.get(field_name) if self.quotes_values and field_name else None


class Importer:
    """Subclasses set `columns` and `write_rows`, and plan the rows in `plan_rows`."""

    columns: list[Column] = []
    quotes_values = True  # officers' errors name the column only: their cells hold personal numbers
    plan_class = Plan

    def read(self, cells: list[list]) -> Table:
        return find_table(cells, self.columns)

    def plan(self, table: Table, *, scope=None) -> Plan:
        plan = self.plan_class(
            rows=[], columns=table.columns, unknown_headers=table.unknown_headers, quotes_values=self.quotes_values
        )
        self.plan_rows(plan, table, scope=scope)
        for row in plan.rows:
            if row.errors:
                row.kind = "invalid"
        return plan

    def plan_rows(self, plan: Plan, table: Table, *, scope) -> None:
        raise NotImplementedError

    @transaction.atomic
    def write(self, plan: Plan) -> Plan:
        """Writes a checked plan, all of it or (on an error the checks could not foresee) none."""
        if not plan.valid:
            raise ValidationError(plan.messages())
        self.write_rows(plan)
        return plan

    def write_rows(self, plan: Plan) -> None:
        raise NotImplementedError

    def summary(self, plan: Plan) -> str:
        return f"新增{plan.count('new')}行，修改{plan.count('update')}行，未变{plan.count('skip')}行"

    def shown(self, row, column: Column) -> tuple[str, str | None]:
        """A cell in the preview as the user wrote it, and the stored value it replaces."""
        return cell_text(row.raw.get(column.field)), row.changes.get(column.header)


def cell_text(value) -> str:
    """A cell as the user wrote it, so she recognises her row."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return plain_text(value)
