"""API authentication classes (kept apart from views: DRF imports them while it loads its own views)."""

from functools import cache

from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from golive import rows
from golive.accounts.models import Organization, User


@cache
def _token_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    token, user, organization = rows.columns(Token), rows.columns(User), rows.columns(Organization)
    return (
        f"SELECT {token.select('t')}, {user.select('u')}, {organization.select('o')} "
        f"FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u "
        f"ON u.{quote(User._meta.pk.column)} = t.{quote(Token._meta.get_field('user').column)} "
        f"LEFT JOIN {quote(Organization._meta.db_table)} o "
        f"ON o.{quote(Organization._meta.pk.column)} = u.{quote(User.organization.field.column)} "
        f"WHERE t.{quote(Token._meta.pk.column)} = %s"
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: the token, its user and the user's organization (tenancy needs it) in one
    plain query. Every API call of a script or integration starts here, so the SQL is built once
    (:mod:`golive.rows`) instead of compiled by the ORM on each request."""

    def authenticate_credentials(self, key):
        with rows.prepared(), connection.cursor() as cursor:
            cursor.execute(_token_sql(connection.vendor), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token_cols, user_cols, org_cols = rows.columns(Token), rows.columns(User), rows.columns(Organization)
        token_values, user_values, org_values, _rest = rows.split(row, token_cols, user_cols, org_cols)
        user = rows.instance(user_cols, user_values)
        user.organization = rows.instance_or_none(org_cols, org_values)
        token = rows.instance(token_cols, token_values)
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, token
