"""Log-in forms of the web UI and the admin, checking passwords under the log-in throttle."""

from __future__ import annotations

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from golive.accounts import services


class ThrottledLoginMixin:
    """``clean`` of Django's authentication forms, with the password checked by ``services.login_authenticate``:
    a locked username or address gets a message saying when to try again, and no session."""

    locked: services.LoginLocked | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.login_authenticate(
                    request=self.request, username=username, password=password
                )
            except services.LoginLocked as exc:
                self.locked = exc
                minutes = math.ceil(exc.retry_after / 60)
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed log-in attempts. Try again in %(minutes)s minute.",
                        "Too many failed log-in attempts. Try again in %(minutes)s minutes.",
                        minutes,
                    ),
                    code="locked",
                    params={"minutes": minutes},
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The web UI's log-in form."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's log-in form (administrators only), under the same throttle."""
