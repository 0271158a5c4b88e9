"""The web UI's log-in page (routed in golive.web.urls), under the log-in throttle."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from golive.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Django's log-in page with the throttled form; a locked log-in answers 429 with Retry-After."""

    form_class = LoginForm
    template_name = "web/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.locked.retry_after)
        return response
