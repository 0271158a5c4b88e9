"""HTML views of integrations and notifications: a project's integrations page (webhooks, Jira CSV export and
import, sign-off requests, the e-mail log), a webhook's page (its settings, "send test event" and the delivery
log with every attempt), and each user's e-mail preferences.

Thin: reads through ``golive.notify.selectors``, writes through ``golive.notify.services`` and
``golive.tracker.jira``. The role sets are the API's (``golive.notify.api``): vendor staff see a project's
integrations, consultants change them; any signed-in user sets their own preferences.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.errors import DomainError, NotAllowed
from golive.notify import selectors, services
from golive.notify.models import EVENTS, NotificationKind, WebhookFormat
from golive.tracker import jira
from golive.web.access import CONSULTANTS, VENDOR_STAFF, project_for_request
from golive.web.htmx import is_htmx, render_page

LANGUAGE_CHOICES = [("en", "English"), ("ko", "한국어")]

# ---------------------------------------------------------------------------------------------------------------
# Forms


class WebhookForm(forms.Form):
    """Subscribe a URL to events of the project."""

    url = forms.CharField(max_length=500, label=gettext_lazy("URL"), help_text=gettext_lazy("An http(s) address."))
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Events")
    )
    format = forms.ChoiceField(choices=WebhookFormat.choices, label=gettext_lazy("Payload format"))
    language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES,
        label=gettext_lazy("Message language"),
        help_text=gettext_lazy("For Slack and Teams messages."),
    )
    description = forms.CharField(max_length=200, required=False, label=gettext_lazy("Description"))
    secret = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Secret"),
        help_text=gettext_lazy("Signs every payload. Leave blank to generate one; it is shown once."),
    )


class WebhookEditForm(WebhookForm):
    """Change a subscription; a ticked "new secret" generates one (shown once)."""

    active = forms.BooleanField(required=False, label=gettext_lazy("Active"))
    rotate_secret = forms.BooleanField(required=False, label=gettext_lazy("Generate a new secret"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["secret"]


class JiraImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Jira CSV export"))
    priority_map = forms.CharField(
        required=False,
        label=gettext_lazy("Priority mapping"),
        help_text=gettext_lazy('Optional JSON, e.g. {"High": "P1"}. Default: Highest P1, High P2, Medium P3, Low P4.'),
    )


class SignoffRequestForm(forms.Form):
    message = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Message")
    )


class PreferencesForm(forms.Form):
    muted = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Do not send me"),
    )


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _page(request, queryset, size: int = 20):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _integrations_context(request, project, roles, **extra) -> dict:
    context = {
        "nav": "integrations",
        "project": project,
        "roles": roles,
        "webhooks": list(selectors.webhook_list(project=project)),
        "page": _page(request, selectors.notification_list(project=project)),
        "webhook_form": WebhookForm(initial={"format": WebhookFormat.GOLIVE, "language": "en"}),
        "import_form": JiraImportForm(),
        "signoff_form": SignoffRequestForm(),
        "can_manage": bool(roles & CONSULTANTS),
        "can_view_audit": bool(roles & VENDOR_STAFF),
    }
    context.update(extra)
    return context


def _webhook_context(request, project, roles, webhook, **extra) -> dict:
    context = {
        "nav": "integrations",
        "project": project,
        "roles": roles,
        "webhook": webhook,
        "event_labels": EVENTS,
        "page": _page(request, selectors.delivery_list(webhook=webhook, filters=request.GET)),
        "edit_form": WebhookEditForm(
            initial={
                "url": webhook.url,
                "events": webhook.events,
                "format": webhook.format,
                "language": webhook.language,
                "description": webhook.description,
                "active": webhook.active,
            }
        ),
        "can_manage": bool(roles & CONSULTANTS),
        "can_view_audit": bool(roles & VENDOR_STAFF),
    }
    context.update(extra)
    return context


# ---------------------------------------------------------------------------------------------------------------
# The integrations page


@login_required
@require_GET
def integrations(request, key):
    """Webhooks with their delivery counts, the Jira CSV export and import, sign-off requests and the e-mails
    sent for the project."""
    project, roles = project_for_request(request, key, VENDOR_STAFF)
    return render_page(request, "notify/integrations.html", _integrations_context(request, project, roles))


@login_required
@require_POST
def webhook_create(request, key):
    """Consultants add a webhook; the page of the new webhook then shows its secret, once."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            shown = selectors.webhook_get(project=project, webhook_id=webhook.pk)
            context = _webhook_context(
                request, project, roles, shown, secret=webhook.secret, notice=_("Webhook added.")
            )
            return render_page(request, "notify/webhook_detail.html", context)
    context = _integrations_context(
        request, project, roles, webhook_form=form, error=_("Please correct the errors below.")
    )
    return render_page(request, "notify/integrations.html", context, status=400)


@login_required
@require_POST
def jira_import(request, key):
    """Consultants import a Jira CSV export, all or nothing; the rows in error are listed."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    form = JiraImportForm(request.POST, request.FILES)
    import_errors = []
    if form.is_valid():
        try:
            issues = jira.issues_import(
                actor=request.user,
                project=project,
                data=form.cleaned_data["file"].read(),
                priority_map=form.cleaned_data["priority_map"],
            )
        except jira.ImportRejected as exc:
            import_errors = exc.errors
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(count)d issues imported.") % {"count": len(issues)})
            return redirect("web:integrations", key=project.key)
    context = _integrations_context(
        request,
        project,
        roles,
        import_form=form,
        import_errors=import_errors,
        error=_("Nothing was imported."),
    )
    return render_page(request, "notify/integrations.html", context, status=400)


@login_required
@require_POST
def signoff_request(request, key):
    """Consultants e-mail the customer lead(s) a request to sign off the current phase."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    form = SignoffRequestForm(request.POST)
    status, error = 400, _("Please correct the errors below.")
    if form.is_valid():
        try:
            rows = services.signoff_request(actor=request.user, project=project, message=form.cleaned_data["message"])
        except DomainError as exc:
            status, error = 409, exc.message
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Sign-off request sent to %(names)s.")
                % {"names": ", ".join(r.recipient.username for r in rows) or _("nobody (muted)")},
            )
            return redirect("web:integrations", key=project.key)
    context = _integrations_context(request, project, roles, signoff_form=form, error=error)
    return render_page(request, "notify/integrations.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# A webhook


@login_required
@require_GET
def webhook_detail(request, key, webhook_id):
    """A webhook's settings and its delivery log (each delivery with its attempts), newest first."""
    project, roles = project_for_request(request, key, VENDOR_STAFF)
    webhook = selectors.webhook_get(project=project, webhook_id=webhook_id)
    return render_page(
        request,
        "notify/webhook_detail.html",
        _webhook_context(request, project, roles, webhook),
        fragment_template="notify/_deliveries.html",
    )


@login_required
@require_POST
def webhook_edit(request, key, webhook_id):
    project, roles = project_for_request(request, key, CONSULTANTS)
    webhook = selectors.webhook_get(project=project, webhook_id=webhook_id)
    form = WebhookEditForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        rotate = data.pop("rotate_secret")
        if rotate:
            data["secret"] = ""
        try:
            updated = services.webhook_update(actor=request.user, webhook=webhook, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            shown = selectors.webhook_get(project=project, webhook_id=webhook.pk)
            extra = {"secret": updated.secret} if rotate else {}
            context = _webhook_context(request, project, roles, shown, notice=_("Webhook saved."), **extra)
            return render_page(request, "notify/webhook_detail.html", context)
    context = _webhook_context(
        request, project, roles, webhook, edit_form=form, error=_("Please correct the errors below.")
    )
    return render_page(request, "notify/webhook_detail.html", context, status=400)


@login_required
@require_POST
def webhook_test(request, key, webhook_id):
    """Send a test event; htmx gets the refreshed delivery log."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    webhook = selectors.webhook_get(project=project, webhook_id=webhook_id)
    services.webhook_test(actor=request.user, webhook=webhook)
    if not is_htmx(request):
        messages.success(request, _("Test event sent."))
        return redirect("web:webhook", key=project.key, webhook_id=webhook.pk)
    shown = selectors.webhook_get(project=project, webhook_id=webhook.pk)
    context = _webhook_context(request, project, roles, shown, notice=_("Test event sent."), in_fragment=True)
    return render_page(request, "notify/_deliveries.html", context)


@login_required
@require_POST
def webhook_delete(request, key, webhook_id):
    project, _roles = project_for_request(request, key, CONSULTANTS)
    webhook = selectors.webhook_get(project=project, webhook_id=webhook_id)
    services.webhook_delete(actor=request.user, webhook=webhook)
    messages.success(request, _("Webhook deleted."))
    return redirect("web:integrations", key=project.key)


@login_required
@require_POST
def delivery_redeliver(request, key, webhook_id, delivery_id):
    """Send a failed delivery again."""
    project, roles = project_for_request(request, key, CONSULTANTS)
    webhook = selectors.webhook_get(project=project, webhook_id=webhook_id)
    delivery = selectors.delivery_get(webhook=webhook, delivery_id=delivery_id)
    try:
        services.delivery_redeliver(actor=request.user, delivery=delivery)
    except DomainError as exc:
        context = _webhook_context(request, project, roles, webhook, error=exc.message, in_fragment=is_htmx(request))
        template = "notify/_deliveries.html" if is_htmx(request) else "notify/webhook_detail.html"
        return render_page(request, template, context, status=409)
    if not is_htmx(request):
        messages.success(request, _("Delivery sent again."))
        return redirect("web:webhook", key=project.key, webhook_id=webhook.pk)
    context = _webhook_context(request, project, roles, webhook, notice=_("Delivery sent again."), in_fragment=True)
    return render_page(request, "notify/_deliveries.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Preferences


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Which kinds of e-mail the signed-in user does not want."""
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.mutes_set(actor=request.user, kinds=form.cleaned_data["muted"])
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            messages.success(request, _("Preferences saved."))
            return redirect("web:notification-preferences")
        status = 400
    else:
        form = PreferencesForm(initial={"muted": selectors.muted_kinds(user=request.user)})
    return render_page(request, "notify/preferences.html", {"form": form, "nav": "preferences"}, status=status)
