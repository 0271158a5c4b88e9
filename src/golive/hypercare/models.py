"""The hypercare window opened by go-live: its planned end, extensions, exit and handover to support."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    EXITED = "exited", _("Exited")


# The only moves a window may make; ``exited`` is final.
WINDOW_TRANSITIONS: dict[str, frozenset[str]] = {
    WindowStatus.ACTIVE: frozenset({WindowStatus.EXTENDED, WindowStatus.EXITED}),
    WindowStatus.EXTENDED: frozenset({WindowStatus.EXTENDED, WindowStatus.EXITED}),
    WindowStatus.EXITED: frozenset(),
}


class HypercareWindow(models.Model):
    """Elevated support after go-live: ``planned_end`` grows with extensions; exit hands open issues over."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="hypercare_window")
    starts_at = models.DateTimeField()
    planned_end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=WindowStatus.choices, default=WindowStatus.ACTIVE)
    exited_at = models.DateTimeField(null=True, blank=True)
    exited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exit_override_reason = models.TextField(blank=True)
    exit_snapshot = models.JSONField(default=dict, blank=True)
    # The known-issues list handed to support at exit: [{ref, title, severity, status, assignee}].
    handover = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"hypercare {self.project_id}"

    def can_move_to(self, status: str) -> bool:
        return status in WINDOW_TRANSITIONS[self.status]


class HypercareExtension(models.Model):
    """Days added to the window, with the reason (audited)."""

    window = models.ForeignKey(HypercareWindow, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extended_at = models.DateTimeField()

    class Meta:
        ordering = ["extended_at", "id"]

    def __str__(self) -> str:
        return f"+{self.days} days on {self.window}"
