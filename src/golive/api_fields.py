"""Serializer fields shared by the API's apps."""

from __future__ import annotations

from rest_framework import serializers

from golive.accounts.models import User
from golive.accounts.selectors import user_list_for_user


class UsernameField(serializers.SlugRelatedField):
    """A user named by username, looked up among the users the caller may see (``user_list_for_user``: vendor staff
    see everyone, a customer user their colleagues and the members of their projects).

    A user of another customer is answered exactly like a name that does not exist, so an error message never
    reveals that a username exists elsewhere. Needs ``context={"request": request}``; without a request (a
    serializer used outside a view) every user is looked up.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", User.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return super().get_queryset()
        return user_list_for_user(user)
