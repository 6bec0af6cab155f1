"""Updating many rows, each with its own values, in one statement.

Django's `bulk_update` writes `SET field = CASE WHEN id = 1 THEN ... WHEN id = 2 THEN ... END` for
every field, building an expression per row and field in Python: for a routing pass's 200 attempts
of 11 fields that took longer than the sends (benchmarks/profile_pipeline.py). On PostgreSQL the
rows go instead as one `UPDATE ... FROM (VALUES ...)`, each value cast to its column's type; other
databases keep `bulk_update`.
"""

from __future__ import annotations

from django.db import connection


def rows_update(model, objects: list, fields: tuple[str, ...] | list[str]) -> None:
    """Write `fields` of every object (saved rows of `model`) with one statement on PostgreSQL."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields)
        return
    meta, quote = model._meta, connection.ops.quote_name
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in (pk, *columns)) + ")"
    params: list = []
    for obj in objects:
        params.append(pk.get_db_prep_value(obj.pk, connection))
        params += [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
    names = ", ".join(quote(field.column) for field in (pk, *columns))
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    sql = (f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
           f"FROM (VALUES {', '.join([row] * len(objects))}) AS v({names}) "
           f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
