"""Plain-SQL reads and inserts of model rows, for the few paths where the ORM's own work is most of the cost.

The ORM builds and compiles every query afresh: for the issue intake (the hottest write of a go-live spike:
authenticate a token, find the project, insert the issue, its timeline event and its audit row) that work
was more than half of the request. These helpers build the SQL text from the models' metadata once per model
and database vendor, and keep the ORM's semantics where they matter:

- reads convert each column with the backend's and the field's own converters (what the ORM's compiler
  applies) and build instances with ``Model.from_db``, so an instance read here equals one read by the ORM;
- inserts take each value through ``Field.pre_save`` and ``Field.get_db_prep_save`` (``auto_now_add``, JSON
  adaptation, time zones), as ``Model.save`` does, and refuse a model that has ``pre_save``/``post_save``
  receivers or overrides ``save`` without declaring it safe (the caller then uses the ORM).

Validation stays the caller's (``full_clean``/``clean_fields``), as with ``Model.save``. On PostgreSQL these
statements are also prepared (:func:`prepared`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import signals
from django.db.models.expressions import RawSQL

# Fewer ids than this stay an IN list (its plan and SQL are the ORM's usual ones).
ARRAY_FROM = 16


def among(ids: Iterable[int], using: str = "default") -> list[int] | RawSQL:
    """Integer ids for an ``__in`` lookup. On PostgreSQL many ids go as one array parameter (``IN (SELECT
    unnest(%s::bigint[]))``) rather than one parameter each: the ORM prepares, adapts and binds every value of
    a long IN list, which for the few hundred projects whose gates one page evaluates cost more than the
    query (10 ms against 4 for 462 ids). Elsewhere, and for a few ids, the list itself."""
    ids = list(ids)
    if connections[using].vendor != "postgresql" or len(ids) < ARRAY_FROM:
        return ids
    if not all(type(value) is int for value in ids):
        raise TypeError("among() takes integer ids")
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


@contextmanager
def prepared(using: str = "default") -> Iterator[None]:
    """Statements run inside are prepared on PostgreSQL: parsed and planned once per connection, then only
    executed (about a sixth of the issue intake's time). For the hot paths' fixed statements (a token, a
    project by key and member, an insert, a sequence step), whose one plan suits every value. Never for the
    ORM's other queries: a generic plan can be far off on skewed data (one project of 10,000 issues among
    projects of 20), so everywhere else PostgreSQL plans each execution with its values (Django's default:
    psycopg prepares nothing). ``GOLIVE_DB_PREPARED=0`` turns it off (a PgBouncer in transaction mode)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.GOLIVE_DB_PREPARED:
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    before = driver.prepare_threshold
    driver.prepare_threshold = 0  # prepare on first use; the connection keeps it for the next requests
    try:
        yield
    finally:
        driver.prepare_threshold = before


@dataclass(frozen=True)
class Columns:
    """A model's concrete columns, in the order of its fields, with their read converters for one vendor."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    names: tuple[str, ...]  # quoted column names
    converters: tuple[tuple[Any, tuple[Callable, ...]], ...]  # (expression, converters) per column

    def __len__(self) -> int:
        return len(self.attnames)

    def select(self, alias: str) -> str:
        """The select list of these columns from the table aliased ``alias``."""
        return ", ".join(f"{alias}.{name}" for name in self.names)


@cache
def _columns(model: type[models.Model], alias: str, vendor: str) -> Columns:
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    converters = []
    for field in fields:
        expression = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        converters.append((expression, tuple(found)))
    return Columns(
        model=model,
        attnames=tuple(field.attname for field in fields),
        names=tuple(quote(field.column) for field in fields),
        converters=tuple(converters),
    )


def columns(model: type[models.Model], using: str = "default") -> Columns:
    return _columns(model, using, connections[using].vendor)


def instance(cols: Columns, values: Sequence, using: str = "default") -> models.Model:
    """A model instance from ``values`` (raw column values in the order of ``cols``), as the ORM builds it."""
    connection = connections[using]
    converted = []
    for value, (expression, converters) in zip(values, cols.converters, strict=True):
        for converter in converters:
            value = converter(value, expression, connection)
        converted.append(value)
    return cols.model.from_db(using, cols.attnames, converted)


def instance_or_none(cols: Columns, values: Sequence, using: str = "default") -> models.Model | None:
    """For a LEFT JOIN: None when the joined row is missing (its primary key is NULL)."""
    pk_index = cols.attnames.index(cols.model._meta.pk.attname)
    if values[pk_index] is None:
        return None
    return instance(cols, values, using)


def light(model: type[models.Model], using: str = "default") -> Callable[..., models.Model]:
    """A builder of ``model`` instances: ``build(values, related=None)`` gives an instance with ``values``
    (attname -> value, already converted: a ``values_list`` row) loaded and the rest deferred, as ``.only()``
    gives, and ``related`` (name -> instance) cached as ``select_related`` caches it.

    The instances are built without ``Model.__init__`` (each field's descriptor, the init signals): a fraction
    of the ORM's cost per row, for the pages that read hundreds of rows of a few columns. A model with
    ``pre_init``/``post_init`` receivers (checked once per builder) is built by ``from_db``."""
    plain = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))
    new = model.__new__
    state = models.base.ModelState

    def build(values: dict[str, Any], related: dict[str, Any] | None = None) -> models.Model:
        if plain:
            obj = new(model)
            obj.__dict__.update(values)
            obj._state = state()
            obj._state.adding = False
            obj._state.db = using
        else:
            obj = model.from_db(using, list(values), list(values.values()))
        if related:
            obj._state.fields_cache.update(related)
        return obj

    return build


def split(row: Sequence, *parts: Columns) -> list[Sequence]:
    """Cut a joined row into the column runs of ``parts`` (selected in that order); the rest is the last item."""
    pieces, start = [], 0
    for part in parts:
        pieces.append(row[start : start + len(part)])
        start += len(part)
    pieces.append(row[start:])
    return pieces


# Models whose ``save`` override only guards what a plain insert of a new row cannot break.
_SAVE_SAFE: set[type[models.Model]] = set()


def insert_safe(model: type[models.Model]) -> type[models.Model]:
    """Declare that ``model.save`` may be bypassed for the insert of a new row (a class decorator)."""
    _SAVE_SAFE.add(model)
    return model


@dataclass(frozen=True)
class InsertSql:
    sql: str
    fields: tuple[models.Field, ...]  # the values inserted, in order
    returned: tuple[tuple[models.Field, Any, tuple[Callable, ...]], ...]  # (field, expression, converters)
    returns_pk: bool


@cache
def _insert_sql(model: type[models.Model], alias: str, vendor: str) -> InsertSql:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(
        field for field in meta.local_concrete_fields if field is not meta.auto_field and not field.generated
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returned = ()
    returns_pk = connection.features.can_return_columns_from_insert and meta.auto_field is not None
    if returns_pk:
        returned = _returned(model, connection)
        sql += " RETURNING " + ", ".join(quote(field.column) for field, _e, _c in returned)
    return InsertSql(sql=sql, fields=fields, returned=returned, returns_pk=returns_pk)


def _read(field: models.Field, connection) -> tuple[models.Field, Any, tuple[Callable, ...]]:
    """``(field, its column expression, its read converters)``: how a RETURNING value of ``field`` is read."""
    expression = field.get_col(field.model._meta.db_table)
    return (
        field,
        expression,
        tuple(connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)),
    )


def _returned(model: type[models.Model], connection) -> tuple[tuple[models.Field, Any, tuple[Callable, ...]], ...]:
    """What an insert reads back, as ``save()`` does: the primary key and the columns the database computes
    (generated fields), each with its read converters."""
    meta = model._meta
    fields = (meta.auto_field, *(f for f in meta.local_concrete_fields if f.generated and f.db_returning))
    return tuple(_read(field, connection) for field in fields)


def _read_back(obj: models.Model, values: Iterator, returned, connection) -> None:
    """Set on ``obj`` the columns of ``returned`` from the next ``values`` of a RETURNING row, converted."""
    for field, expression, converters in returned:
        value = next(values)
        for converter in converters:
            value = converter(value, expression, connection)
        setattr(obj, field.attname, value)


def can_insert(model: type[models.Model]) -> bool:
    """Whether :func:`insert` is equivalent to ``save()`` for this model (no signals, no unsafe override)."""
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        return False
    if model.save is not models.Model.save and model not in _SAVE_SAFE:
        return False
    return not model._meta.parents and model._meta.auto_field is not None


@dataclass(frozen=True)
class Source:
    """The first step of an :func:`insert_together` statement on PostgreSQL: ``sql`` gives exactly one row (a
    ``SELECT``, or an ``INSERT``/``UPDATE ... RETURNING`` such as a counter's step) whose named columns the new
    rows take (:class:`Taken`), inside the same statement."""

    sql: str
    params: tuple = ()


@dataclass(frozen=True)
class Taken:
    """A field value taken from the :class:`Source` row inside the statement: its column ``name`` (an issue's
    number), or with ``prefix`` the text ``prefix`` followed by that column (a reference, ``ACME1-12``). After
    the insert the field holds the value written."""

    name: str
    prefix: str | None = None


def can_insert_together(*models_: type[models.Model], using: str = "default") -> bool:
    """Whether :func:`insert_together` writes rows of these models in one statement, and so takes a
    :class:`Source` (PostgreSQL, and models :func:`insert` may write)."""
    return connections[using].vendor == "postgresql" and all(can_insert(model) for model in models_)


# The shape of an object in an insert_together statement: its model, whether its primary key is given, and its
# Taken fields as (attname, source column, prefixed). The prefixes themselves are parameters, so one project's
# key or another's share the statement.
_Shape = tuple[type[models.Model], bool, tuple[tuple[str, str, bool], ...]]


def _shape(obj: models.Model) -> _Shape:
    values = vars(obj)  # not getattr: a generated field, never set on a new instance, would be loaded
    taken = tuple(
        (field.attname, value.name, value.prefix is not None)
        for field in obj._meta.local_concrete_fields
        if isinstance(value := values.get(field.attname), Taken)
    )
    return type(obj), obj.pk is not None, taken


@cache
def _together_sql(
    shape: tuple[_Shape, ...], source: str | None, also: tuple[str, ...], alias: str, vendor: str
) -> tuple[str, tuple]:
    """The statement of :func:`insert_together` for objects of these shapes: the source row (if any), then one
    data-modifying CTE per object, each returning its primary key, its generated columns and its taken fields,
    read back as one row, followed by the ``also`` expressions."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    ctes, selected, parts = ([f"s AS ({source})"] if source else []), [], []
    for index, (model, pk_given, taken) in enumerate(shape):
        meta = model._meta
        fields = tuple(
            field
            for field in meta.local_concrete_fields
            if not field.generated and (pk_given or field is not meta.auto_field)
        )
        taken_at = {attname: (column, prefixed) for attname, column, prefixed in taken}
        values = []
        for field in fields:
            if field.attname not in taken_at:
                values.append("%s")
                continue
            column, prefixed = taken_at[field.attname]
            value = f"CAST(%s AS text) || CAST(s.{quote(column)} AS text)" if prefixed else f"s.{quote(column)}"
            values.append(f"(SELECT {value} FROM s)")
        returned = _returned(model, connection)
        read = {field for field, _e, _c in returned}
        returned += tuple(
            _read(field, connection) for field in fields if field.attname in taken_at and field not in read
        )
        name = f"r{index}"
        ctes.append(
            f"{name} AS (INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(values)}) "
            f"RETURNING {', '.join(quote(field.column) for field, _e, _c in returned)})"
        )
        selected += [f"{name}.{quote(field.column)}" for field, _e, _c in returned]
        parts.append((fields, returned))
    names = ", ".join(f"r{index}" for index in range(len(shape)))
    selected += [f"({expression})" for expression in also]
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join(selected)} FROM {names}"
    return sql, tuple(parts)


def insert_together(
    *objs: models.Model,
    source: Source | None = None,
    also: Sequence[tuple[str, Sequence]] = (),
    using: str = "default",
) -> list:
    """Insert new rows for ``objs`` (each a new instance; a primary key set beforehand is kept) in one statement
    on PostgreSQL: an issue, its timeline event and its audit row are one round trip instead of three. Each
    value goes through ``pre_save``/``get_db_prep_save`` and the keys and generated columns are read back, as
    :func:`insert` does. Elsewhere, or when a model needs its ``save()`` (:func:`can_insert`), one insert per
    row, in order.

    With ``source`` (only where :func:`can_insert_together`), the statement begins with that step and fields set
    to :class:`Taken` take their values from its row: the issue intake allocates the number and the id, and
    writes the issue, its event and its audit row in one statement, atomic without a transaction around it.
    ``also`` (there too): SQL expressions with their parameters, asked in the same statement (whether anyone
    listens to the new issue); their values are returned, in order."""
    if not objs:
        return []
    if any(not obj._state.adding for obj in objs):
        raise ValueError("insert_together() inserts new rows only")
    connection = connections[using]
    if not can_insert_together(*(type(obj) for obj in objs), using=using):
        if source is not None or also:
            raise ValueError("insert_together(source=..., also=...) needs PostgreSQL and models insert() may write")
        for obj in objs:
            if obj.pk is None:
                insert(obj, using)
            else:
                obj.save(using=using, force_insert=True)
        return []
    shape = tuple(_shape(obj) for obj in objs)
    if source is None and any(taken for _m, _p, taken in shape):
        raise ValueError("Taken values need a source")
    expressions = tuple(expression for expression, _params in also)
    sql, parts = _together_sql(shape, source.sql if source else None, expressions, using, connection.vendor)
    values = list(source.params) if source else []
    for obj, (fields, _returned) in zip(objs, parts, strict=True):
        for field in fields:
            value = getattr(obj, field.attname)
            if isinstance(value, Taken):
                if value.prefix is not None:
                    values.append(value.prefix)
            else:
                values.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    for _expression, params in also:
        values += params
    with prepared(using), connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = iter(cursor.fetchone())
    for obj, (_fields, returned) in zip(objs, parts, strict=True):
        _read_back(obj, row, returned, connection)
        obj._state.adding = False
        obj._state.db = using
    return list(row)


def insert(obj: models.Model, using: str = "default") -> models.Model:
    """Insert a new row for ``obj`` (no primary key yet) in one statement; the ORM's ``save()`` when the
    model needs it (see :func:`can_insert`)."""
    model = type(obj)
    if obj.pk is not None or not can_insert(model):
        obj.save(using=using)
        return obj
    connection = connections[using]
    statement = _insert_sql(model, using, connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in statement.fields]
    with prepared(using), connection.cursor() as cursor:
        cursor.execute(statement.sql, values)
        if statement.returns_pk:
            _read_back(obj, iter(cursor.fetchone()), statement.returned, connection)
        else:
            obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj._state.adding = False
    obj._state.db = using
    return obj
