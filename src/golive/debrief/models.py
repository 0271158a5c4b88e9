"""Debriefing (DOMAIN.md 6): the retrospective of a project and its published reports.

A retro board has three columns (went well, to improve, action). Items are written by vendor and customer
members, voted on (one vote per user and item) and grouped under a shared label. An item of the ``action``
column carries a ``RetroAction``: an owner and a due date, tracked until it is done, listed on the portfolio
and shown at the kickoff of the next project of the same team.

A ``PublishedReport`` is a frozen snapshot of the project report (``golive.debrief.report``) with who published
it and when; the ``report_published`` gate criterion of the ``debrief`` phase passes once one exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RetroColumn(models.TextChoices):
    WENT_WELL = "went_well", _("Went well")
    TO_IMPROVE = "to_improve", _("To improve")
    ACTION = "action", pgettext_lazy("retrospective", "Action")


MAX_ITEM_TEXT = 1000
MAX_GROUP_LABEL = 100


class RetroItem(models.Model):
    """One sticky note of the retro board."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="retro_items")
    column = models.CharField(max_length=16, choices=RetroColumn.choices)
    text = models.TextField(max_length=MAX_ITEM_TEXT)
    group = models.CharField(
        max_length=MAX_GROUP_LABEL, blank=True, help_text=_("Items with the same label are shown together.")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "column", "id"]
        indexes = [models.Index(fields=["project", "column"], name="retro_item_project_column")]

    def __str__(self) -> str:
        return self.text[:50]


class RetroVote(models.Model):
    """One user's vote for one item; voting again takes it back."""

    item = models.ForeignKey(RetroItem, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="retro_vote_unique_user_per_item")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.item_id}"


class RetroAction(models.Model):
    """An agreed follow-up: who does what by when. Open while ``done_at`` is empty."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="retro_actions")
    item = models.OneToOneField(
        RetroItem, null=True, blank=True, on_delete=models.CASCADE, related_name="action_detail"
    )
    title = models.CharField(max_length=MAX_ITEM_TEXT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "done_at", "due_date", "id"]
        indexes = [
            models.Index(fields=["project", "done_at"], name="retro_action_project_open"),
            models.Index(fields=["owner", "done_at"], name="retro_action_owner_open"),
        ]

    def __str__(self) -> str:
        return self.title[:50]

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class PublishedReport(models.Model):
    """A frozen copy of the project report data, published by a lead."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="published_reports")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    language = models.CharField(max_length=8, default="en")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["project_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="published_report_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} report {self.number}"
