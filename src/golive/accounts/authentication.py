"""API authentication classes (kept apart from views: DRF imports them while it loads its own views)."""

from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, loading the user's organization in the same query (tenancy needs it)."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "user__organization").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
