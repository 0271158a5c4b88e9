"""Deployment week. For now: the recorded go-live (runbook, test evidence and go/no-go come with the
deployment-week feature)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GoLive(models.Model):
    """The actual go-live of a project: when, who recorded it, and the override reason if the go/no-go
    evidence was missing."""

    project = models.OneToOneField("lifecycle.Project", on_delete=models.CASCADE, related_name="golive")
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    override_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"go-live {self.project_id} {self.at:%Y-%m-%d}"
