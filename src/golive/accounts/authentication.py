"""API authentication classes (kept apart from views: DRF imports them while it loads its own views)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from golive import rows
from golive.accounts.models import Organization, User


@dataclass(frozen=True)
class JoinedRead:
    """A read a view carries on the token's query (its project, for a project route): ``columns`` added to the
    select list, ``join`` after the FROM (the caller's id is :func:`user_column`), ``params`` for the
    placeholders of ``join``, and ``take(user, values)`` given the authenticated user and those columns."""

    columns: str
    join: str
    params: tuple
    take: Callable[[User, Sequence], None]


def user_column() -> str:
    """The caller's id in the token's query, for a :class:`JoinedRead`'s join."""
    return f"u.{connection.ops.quote_name(User._meta.pk.column)}"


@cache
def _token_sql(vendor: str, columns: str = "", join: str = "") -> str:
    quote = connection.ops.quote_name
    token, user, organization = rows.columns(Token), rows.columns(User), rows.columns(Organization)
    return (
        f"SELECT {token.select('t')}, {user.select('u')}, {organization.select('o')}{', ' if columns else ''}"
        f"{columns} FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u "
        f"ON u.{quote(User._meta.pk.column)} = t.{quote(Token._meta.get_field('user').column)} "
        f"LEFT JOIN {quote(Organization._meta.db_table)} o "
        f"ON o.{quote(Organization._meta.pk.column)} = u.{quote(User.organization.field.column)} "
        f"{join}{' ' if join else ''}WHERE t.{quote(Token._meta.pk.column)} = %s"
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: the token, its user and the user's organization (tenancy needs it) in one
    plain query. Every API call of a script or integration starts here, so the SQL is built once
    (:mod:`golive.rows`) instead of compiled by the ORM on each request.

    A view with a ``token_read(kwargs)`` method may add a :class:`JoinedRead` to that query: a project route's
    view reads its project there (``golive.api.ProjectScopedView``), one query fewer for each call."""

    joined: JoinedRead | None = None

    def authenticate(self, request):
        context = getattr(request, "parser_context", None) or {}
        view = context.get("view")
        if hasattr(view, "token_read"):
            self.joined = view.token_read(context.get("kwargs") or {})
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        joined = self.joined
        sql = _token_sql(connection.vendor, joined.columns, joined.join) if joined else _token_sql(connection.vendor)
        with rows.prepared(), connection.cursor() as cursor:
            cursor.execute(sql, [*joined.params, key] if joined else [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token_cols, user_cols, org_cols = rows.columns(Token), rows.columns(User), rows.columns(Organization)
        token_values, user_values, org_values, rest = rows.split(row, token_cols, user_cols, org_cols)
        user = rows.instance(user_cols, user_values)
        user.organization = rows.instance_or_none(org_cols, org_values)
        token = rows.instance(token_cols, token_values)
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if joined:
            joined.take(user, rest)
        return user, token
