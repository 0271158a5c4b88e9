"""Forms of the deployment-week pages. They only check the shape of the input; the rules (dependencies, the
step state table, who may do what) stay in ``golive.cutover.services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.cutover.models import (
    MAX_OFFSET_MINUTES,
    MAX_STEP_MINUTES,
    MIN_OFFSET_MINUTES,
    Environment,
    Vote,
)
from golive.cutover.services import MANUAL_STATUSES

# Rows of a new manual smoke-test checklist, and the most a page asks for at once.
MANUAL_ROWS = 5
MAX_MANUAL_ROWS = 100


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IdsMixin:
    """Field ids prefixed per form (``id_prefix``), so that several forms share a page without clashing ids."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def _choices(members: dict) -> list[tuple[str, str]]:
    return [("", _("Nobody yet")), *[(name, user.get_full_name() or name) for name, user in members.items()]]


# -- Runbook -------------------------------------------------------------------------------------------------


class RefsInput(forms.TextInput):
    """Refs typed in one box (``A, B``); several values of the same name (a script's ``depends_on=A&depends_on=B``)
    are read too. A box rather than a list of every ref: a runbook may have thousands of steps."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return ", ".join(value for value in data.getlist(name) if value)
        return data.get(name)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return super().format_value(value)


class RefsField(forms.Field):
    """Refs of steps of the runbook, separated by commas or spaces; each must be one of ``refs`` (when given)."""

    widget = RefsInput
    default_error_messages = forms.MultipleChoiceField.default_error_messages

    def __init__(self, *args, refs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refs = refs

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, list | tuple):
            value = ",".join(value)
        found = []
        for ref in value.replace(",", " ").split():
            if ref not in found:
                found.append(ref)
        return found

    def validate(self, value) -> None:
        super().validate(value)
        known = set(self.refs) if self.refs is not None else None
        for ref in value:
            if known is not None and ref not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ref}
                )


class StepForm(IdsMixin, forms.Form):
    """Add a step to the runbook; the owner is a member's username, the dependencies are refs of the runbook."""

    id_prefix = "step"

    ref = forms.CharField(
        max_length=32, label=gettext_lazy("Ref"), help_text=gettext_lazy("Short and unique, e.g. BACKUP or S10.")
    )
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    owner = forms.ChoiceField(required=False, label=gettext_lazy("Owner"))
    planned_minutes = forms.IntegerField(
        min_value=1, max_value=MAX_STEP_MINUTES, initial=15, label=gettext_lazy("Planned minutes")
    )
    depends_on = RefsField(
        required=False,
        label=gettext_lazy("Depends on"),
        help_text=gettext_lazy("Refs separated by commas. The step starts once these are done or skipped."),
    )
    start_offset_minutes = forms.IntegerField(
        required=False,
        min_value=MIN_OFFSET_MINUTES,
        max_value=MAX_OFFSET_MINUTES,
        label=gettext_lazy("Planned start (T-minus minutes)"),
        help_text=gettext_lazy("Minutes from T-0; negative before go-live, e.g. -120."),
    )
    rollback = forms.BooleanField(required=False, label=gettext_lazy("Rollback step"))
    point_of_no_return = forms.BooleanField(required=False, label=gettext_lazy("Point of no return"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Description")
    )

    def __init__(self, *args, members: dict, refs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _choices(members)
        self.fields["depends_on"].refs = refs


class StepActionForm(IdsMixin, forms.Form):
    """The text of a step action: what happened (complete, fail) or why it is skipped."""

    id_prefix = "step-action"

    note = forms.CharField(required=False, max_length=5000, label=gettext_lazy("Note"))
    reason = forms.CharField(required=False, max_length=5000, label=gettext_lazy("Reason"))


class TargetForm(IdsMixin, forms.Form):
    id_prefix = "target"

    target_at = forms.DateTimeField(
        required=False,
        widget=DateTimeLocalInput,
        label=gettext_lazy("T-0"),
        help_text=gettext_lazy("In your time zone. Empty: 09:00 on the planned go-live date."),
    )


class CloneForm(IdsMixin, forms.Form):
    id_prefix = "clone"

    template = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Template"))

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (t.pk, _("%(name)s (%(count)d steps)") % {"name": t.name, "count": len(t.steps)}) for t in templates
        ]


class TemplateSaveForm(IdsMixin, forms.Form):
    id_prefix = "template"

    name = forms.CharField(max_length=200, label=gettext_lazy("Template name"))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Description")
    )


# -- Test evidence -------------------------------------------------------------------------------------------


class UploadForm(IdsMixin, forms.Form):
    id_prefix = "upload"

    file = forms.FileField(
        label=gettext_lazy("JUnit XML report"),
        help_text=gettext_lazy("From pytest, Maven Surefire, Gradle, Jest (jest-junit) or any JUnit XML writer."),
    )
    environment = forms.ChoiceField(choices=Environment.choices, label=gettext_lazy("Environment"))
    title = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Title"),
        help_text=gettext_lazy("Empty: the file name."),
    )


class ManualReportForm(IdsMixin, forms.Form):
    id_prefix = "manual"

    title = forms.CharField(max_length=200, label=gettext_lazy("Title"), initial=gettext_lazy("Smoke test"))
    environment = forms.ChoiceField(
        choices=Environment.choices, initial=Environment.PRODUCTION, label=gettext_lazy("Environment")
    )


MANUAL_STATUS_LABELS = {
    "passed": gettext_lazy("Passed"),
    "failed": gettext_lazy("Failed"),
    "skipped": gettext_lazy("Skipped"),
}


class ManualItemForm(forms.Form):
    """One check of the manual smoke test; a row left empty is ignored."""

    name = forms.CharField(max_length=500, label=gettext_lazy("Check"))
    status = forms.ChoiceField(
        choices=[(value, MANUAL_STATUS_LABELS[value]) for value in MANUAL_STATUSES],
        initial="passed",
        label=gettext_lazy("Result"),
    )
    note = forms.CharField(required=False, max_length=5000, label=gettext_lazy("Note"))


def manual_items_formset(data=None, *, rows: int = MANUAL_ROWS):
    """The checklist rows: ``rows`` empty ones for a new form, or the posted ones."""
    formset_class = forms.formset_factory(
        ManualItemForm,
        extra=max(1, min(rows, MAX_MANUAL_ROWS)),
        max_num=MAX_MANUAL_ROWS,
        absolute_max=MAX_MANUAL_ROWS,
        validate_max=True,
    )
    return formset_class(data, prefix="items")


# -- Go/no-go ------------------------------------------------------------------------------------------------


class VoteForm(IdsMixin, forms.Form):
    id_prefix = "vote"

    vote = forms.ChoiceField(choices=Vote.choices, widget=forms.RadioSelect, label=gettext_lazy("Your vote"))
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Comment")
    )


class DecideForm(IdsMixin, forms.Form):
    id_prefix = "decide"

    decision = forms.ChoiceField(choices=Vote.choices, widget=forms.RadioSelect, label=gettext_lazy("Decision"))
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Comment")
    )
    new_target_date = forms.DateField(
        required=False,
        widget=DateInput,
        label=gettext_lazy("New target go-live date"),
        help_text=gettext_lazy("Required for a no-go decision."),
    )
    meeting = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("Go/no-go meeting")
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {meeting.pk: meeting for meeting in meetings}
        self.fields["meeting"].choices = [
            ("", _("None")),
            *[(pk, f"{timezone.localtime(m.starts_at):%Y-%m-%d %H:%M} {m.title}") for pk, m in self.meetings.items()],
        ]


class GoLiveForm(IdsMixin, forms.Form):
    id_prefix = "golive"

    at = forms.DateTimeField(
        required=False,
        widget=DateTimeLocalInput,
        label=gettext_lazy("Went live at"),
        help_text=gettext_lazy("Empty for now; in your time zone."),
    )
