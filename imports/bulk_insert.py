"""New rows of an import with their history: what simple-history's bulk_create_with_history writes,
in a fraction of the time.

On PostgreSQL the rows go in by COPY, their keys taken from the table's sequence first (COPY returns
none); elsewhere by bulk_create. The history rows are then copied from the stored rows by one
INSERT … SELECT per batch instead of being built as Python objects and inserted a second time. In a
20,000-row officer import the history objects alone took about half of the write.
"""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

SQLITE_BATCH = 500  # below SQLite's limit on parameters in one statement


def bulk_create_recorded(objs: list, model, *, default_user=None, default_change_reason: str = "") -> list:
    """Insert `objs` (unsaved instances of `model`), give them their keys, and record a "+" history
    row for each, by `default_user` with `default_change_reason`."""
    if objs:
        _write(objs, model, default_user=default_user, default_change_reason=default_change_reason)
    return objs


@transaction.atomic(savepoint=False)  # the rows and their history, or neither; no savepoint inside an import
def _write(objs: list, model, *, default_user, default_change_reason: str) -> None:
    if connection.vendor == "postgresql":
        _copy_in(objs, model)
    else:
        model.objects.bulk_create(objs, batch_size=SQLITE_BATCH)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _record_history(
            [obj.pk for obj in objs], model, user_id=getattr(default_user, "pk", None), reason=default_change_reason
        )


def _copy_in(objs: list, model) -> None:
    db = transaction.get_connection()  # the connection itself: the proxy's lookups cost per value
    meta, quote = model._meta, db.ops.quote_name
    fields = meta.concrete_fields
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                # pre_save fills auto_now_add and the like, as bulk_create's compiler does.
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields])
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias


def _record_history(pks: list, model, *, user_id, reason: str) -> None:
    history = model.history.model
    if hasattr(history, "history_relation"):
        raise NotImplementedError("history_relation 未支持")
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(field.column) for field in history.tracked_fields)
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, history_date, history_change_reason, "
        f"history_type, history_user_id) SELECT {tracked}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} "
    )
    when = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "= ANY(%s)", [when, reason, user_id, pks])
            return
        for start in range(0, len(pks), SQLITE_BATCH):
            batch = pks[start : start + SQLITE_BATCH]
            cursor.execute(insert + f"IN ({', '.join(['%s'] * len(batch))})", [when, reason, user_id, *batch])
