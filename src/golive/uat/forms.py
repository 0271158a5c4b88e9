"""Forms of the UAT pages. They only check the shape of the input; the rules (who records for whom, retired
scenarios, cycles, file types) stay in ``golive.uat.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from golive.lifecycle.models import SignOff
from golive.tracker.models import Severity
from golive.uat.models import RunStatus, ScenarioPriority, ScenarioState

# Plain words for a tester who has never seen the tool; the board keeps the shorter ``ScenarioState`` labels.
TESTER_STATE_LABELS = {
    ScenarioState.PASSED: gettext_lazy("Passed"),
    ScenarioState.FAILED: gettext_lazy("Failed"),
    ScenarioState.BLOCKED: gettext_lazy("Blocked"),
    ScenarioState.NOT_RUN: gettext_lazy("Not tested yet"),
}


class IdsMixin:
    """Field ids prefixed per form (``id_prefix``), so that several forms share a page without clashing ids."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def _refs(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


# -- The tester's page ---------------------------------------------------------------------------------------


class RunForm(forms.Form):
    """A tester's result: the pressed button (passed, failed, blocked), what happened, an optional screenshot
    and, for a failure, the defect raised in the same step. ``tester`` is posted by vendor staff recording for a
    customer tester; the service refuses it from a customer member."""

    status = forms.ChoiceField(choices=RunStatus.choices, label=gettext_lazy("Result"))
    actual_result = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("What happened?")
    )
    evidence = forms.FileField(required=False, label=gettext_lazy("Screenshot or file"))
    raise_defect = forms.BooleanField(required=False, label=gettext_lazy("Report the problem to the project team"))
    defect_title = forms.CharField(required=False, max_length=300, label=gettext_lazy("Problem title"))
    severity = forms.ChoiceField(
        required=False, choices=Severity.choices, initial=Severity.P3, label=gettext_lazy("How serious is it?")
    )
    tester = forms.CharField(required=False, max_length=150, label=gettext_lazy("Tester"))

    def __init__(self, *args, ref: str, **kwargs):
        kwargs.setdefault("auto_id", f"run-{ref}-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status in (RunStatus.FAILED, RunStatus.BLOCKED) and not (data.get("actual_result") or "").strip():
            self.add_error("actual_result", _("Describe what happened, so that the team can fix it."))
        if status == RunStatus.FAILED and data.get("raise_defect") and not data.get("severity"):
            self.add_error("severity", _("Choose how serious the problem is."))
        return data

    @property
    def wants_defect(self) -> bool:
        return self.cleaned_data.get("status") == RunStatus.FAILED and bool(self.cleaned_data.get("raise_defect"))


class DefectForm(forms.Form):
    """Raise a defect from a failed or blocked run that has none yet."""

    title = forms.CharField(required=False, max_length=300, label=gettext_lazy("Problem title"))
    severity = forms.ChoiceField(
        choices=Severity.choices, initial=Severity.P3, label=gettext_lazy("How serious is it?")
    )

    def __init__(self, *args, run_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"defect-{run_id}-%s")
        super().__init__(*args, **kwargs)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Screenshot or file"))

    def __init__(self, *args, run_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"evidence-{run_id}-%s")
        super().__init__(*args, **kwargs)


# -- Planning: scenarios, cycles, assignments, import ---------------------------------------------------------


class ScenarioForm(IdsMixin, forms.Form):
    """Add or edit a scenario (without ``ref`` when editing: a ref never changes)."""

    id_prefix = "scenario"

    ref = forms.CharField(
        max_length=32, label=gettext_lazy("Ref"), help_text=gettext_lazy("Short and unique, e.g. UAT-001.")
    )
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    module = forms.CharField(required=False, max_length=200, label=gettext_lazy("Module or business process"))
    priority = forms.ChoiceField(
        choices=ScenarioPriority.choices, initial=ScenarioPriority.MEDIUM, label=gettext_lazy("Priority")
    )
    steps = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("Steps"), max_length=20000
    )
    expected_result = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Expected result"),
        max_length=20000,
    )
    requirements = forms.CharField(
        required=False,
        max_length=2000,
        label=gettext_lazy("Requirements"),
        help_text=gettext_lazy("Refs of the requirements register, separated by commas."),
    )
    order = forms.IntegerField(required=False, min_value=0, label=gettext_lazy("Order"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["ref"]
            self.fields["order"].required = True
        else:
            self.fields["order"].help_text = _("Empty: at the end of the list.")

    def clean_requirements(self) -> list[str]:
        return _refs(self.cleaned_data.get("requirements", ""))


class ScenarioFilterForm(forms.Form):
    """The scenario list's filters (GET); unknown values are dropped rather than refused."""

    q = forms.CharField(required=False, max_length=100, label=gettext_lazy("Ref or title"))
    module = forms.ChoiceField(required=False, label=gettext_lazy("Module"))
    priority = forms.ChoiceField(required=False, label=gettext_lazy("Priority"))
    status = forms.ChoiceField(required=False, label=gettext_lazy("State in the latest round"))
    assigned_to = forms.ChoiceField(required=False, label=gettext_lazy("Tester"))
    include_retired = forms.BooleanField(required=False, label=gettext_lazy("Include retired"))

    def __init__(self, *args, modules: list[str], testers: dict, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["module"].choices = every + [(m, m) for m in modules]
        self.fields["priority"].choices = every + list(ScenarioPriority.choices)
        problems = [("failed,blocked", _("Failed or blocked"))]
        self.fields["status"].choices = every + list(ScenarioState.choices) + problems
        self.fields["assigned_to"].choices = every + list(testers.items())

    def filters(self) -> dict:
        """The valid, non-empty filters (``cleaned_data`` holds only the fields that validated)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}


class CycleForm(IdsMixin, forms.Form):
    id_prefix = "cycle"

    name = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("Optional, e.g. After the fixes of round 1."),
    )


class AssignForm(IdsMixin, forms.Form):
    """Assign the ticked scenarios (refs) to one tester in the latest cycle."""

    id_prefix = "assign"

    scenarios = forms.MultipleChoiceField(label=gettext_lazy("Scenarios"))
    tester = forms.ChoiceField(label=gettext_lazy("Assign to"))

    def __init__(self, *args, testers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tester"].choices = [("", _("Choose a tester")), *testers.items()]
        # The refs are checked by the service (unknown, retired, listed twice), which names each bad one.
        posted = self.data.getlist("scenarios") if hasattr(self.data, "getlist") else self.data.get("scenarios", [])
        self.fields["scenarios"].choices = [(ref, ref) for ref in posted]
        self.fields["scenarios"].error_messages["required"] = _("Tick at least one scenario.")


class ImportForm(IdsMixin, forms.Form):
    id_prefix = "import"

    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("Columns ref, title, module, steps, expected_result, priority. All rows or none."),
    )


# -- Sign-off ------------------------------------------------------------------------------------------------


class SignOffForm(IdsMixin, forms.Form):
    id_prefix = "signoff"

    decision = forms.ChoiceField(
        choices=SignOff.Decision.choices, widget=forms.RadioSelect, label=gettext_lazy("Decision")
    )
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Comment")
    )
