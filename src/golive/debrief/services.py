"""Writes of the debrief: retro items, votes, groups, actions and published reports.

Each runs in one transaction with its audit event. Who may do what beyond the view's role check:
an item is changed or deleted by its author or a lead (``consultant_lead``, administrator); an action is
changed by its creator, its owner or a lead, and completed or reopened by its owner or a lead.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership
from golive.audit.services import audit_record, diff
from golive.debrief.models import (
    MAX_GROUP_LABEL,
    MAX_ITEM_TEXT,
    PublishedReport,
    RetroAction,
    RetroColumn,
    RetroItem,
    RetroVote,
)
from golive.errors import NotAllowed, TransitionRefused
from golive.lifecycle.models import Project

LEAD_ROLES = frozenset({"admin", "consultant_lead"})
MAX_GROUP_ITEMS = 100


def _roles(actor, project: Project) -> set[str]:
    roles = set(Membership.objects.filter(project=project, user=actor).values_list("role", flat=True))
    if actor.is_admin:
        roles.add("admin")
    return roles


def _is_lead(actor, project: Project) -> bool:
    return bool(_roles(actor, project) & LEAD_ROLES)


def _clean_text(value: str, field: str = "text", limit: int = MAX_ITEM_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("This field cannot be blank.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def _clean_group(value: str | None) -> str:
    label = (value or "").strip()
    if len(label) > MAX_GROUP_LABEL:
        raise ValidationError({"group": _("At most %(limit)d characters.") % {"limit": MAX_GROUP_LABEL}})
    return label


def _check_owner(project: Project, owner) -> None:
    if owner is not None and not (owner.is_admin or Membership.objects.filter(project=project, user=owner).exists()):
        raise ValidationError({"owner": _("The owner must be a member of the project.")})


# ---------------------------------------------------------------------------------------------------------------
# Items


@transaction.atomic
def retro_item_create(
    *,
    actor,
    project: Project,
    column: str,
    text: str,
    group: str = "",
    owner=None,
    due_date: dt.date | None = None,
) -> RetroItem:
    """Put a note on the board. A note in the ``action`` column also opens a tracked action (with the optional
    owner and due date); ``owner`` and ``due_date`` are refused for the other columns."""
    if column not in RetroColumn.values:
        raise ValidationError({"column": _("Unknown column %(column)s.") % {"column": column}})
    text = _clean_text(text)
    group = _clean_group(group)
    if column != RetroColumn.ACTION:
        if owner is not None:
            raise ValidationError({"owner": _("Only an action has an owner.")})
        if due_date is not None:
            raise ValidationError({"due_date": _("Only an action has a due date.")})
    _check_owner(project, owner)
    item = RetroItem(project=project, column=column, text=text, group=group, author=actor)
    item.full_clean()
    item.save()
    changes = {"column": column, "text": text, "group": group}
    if column == RetroColumn.ACTION:
        action = RetroAction(project=project, item=item, title=text, owner=owner, due_date=due_date, created_by=actor)
        action.full_clean()
        action.save()
        changes.update({"owner": owner.username if owner else None, "due_date": due_date})
    audit_record(actor=actor, action="retro_item.created", obj=item, project=project, changes=changes)
    return item


def _check_author_or_lead(actor, item: RetroItem) -> None:
    if item.author_id != actor.pk and not _is_lead(actor, item.project):
        raise NotAllowed(_("Only the author or a lead may change this item."))


@transaction.atomic
def retro_item_update(*, actor, item: RetroItem, **fields) -> RetroItem:
    """Change an item's text or group (author or lead). The text of an action item is its action's title."""
    unknown = set(fields) - {"text", "group"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    project = item.project
    item = RetroItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    _check_author_or_lead(actor, item)
    if "text" in fields:
        fields["text"] = _clean_text(fields["text"])
    if "group" in fields:
        fields["group"] = _clean_group(fields["group"])
    changes = diff(item, fields)
    if not changes:
        return item
    item.full_clean()
    item.save()
    if "text" in changes:
        RetroAction.objects.filter(item=item).update(title=item.text)
    audit_record(actor=actor, action="retro_item.updated", obj=item, project=project, changes=changes)
    return item


@transaction.atomic
def retro_item_delete(*, actor, item: RetroItem) -> None:
    """Take a note off the board (author or lead), with its votes and, for an action item, its action."""
    item = RetroItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    _check_author_or_lead(actor, item)
    project = item.project
    audit_record(
        actor=actor,
        action="retro_item.deleted",
        obj=item,
        project=project,
        changes={"column": item.column, "text": item.text},
    )
    item.delete()


@transaction.atomic
def retro_vote_toggle(*, actor, item: RetroItem) -> tuple[bool, int]:
    """Vote for an item, or take the vote back when the caller already voted: one vote per user and item.
    Returns ``(voted, votes)``."""
    existing = RetroVote.objects.filter(item=item, user=actor).first()
    if existing is not None:
        existing.delete()
        voted = False
    else:
        try:
            with transaction.atomic():
                RetroVote.objects.create(item=item, user=actor)
        except IntegrityError:  # a double click raced itself: the vote is there either way
            pass
        voted = True
    audit_record(
        actor=actor, action="retro_item.voted" if voted else "retro_item.unvoted", obj=item, project=item.project
    )
    return voted, RetroVote.objects.filter(item=item).count()


@transaction.atomic
def retro_items_group(*, actor, project: Project, items: list[int], group: str) -> int:
    """Merge items into one group: give every listed item of the project the same label (an empty label
    ungroups them). Returns how many items changed; an id that is not an item of the project is a 400."""
    label = _clean_group(group)
    ids = sorted({int(i) for i in items})
    if not ids:
        raise ValidationError({"items": _("Choose at least one item.")})
    if len(ids) > MAX_GROUP_ITEMS:
        raise ValidationError({"items": _("At most %(limit)d items at once.") % {"limit": MAX_GROUP_ITEMS}})
    found = list(RetroItem.objects.select_for_update().filter(project=project, pk__in=ids))
    missing = sorted(set(ids) - {i.pk for i in found})
    if missing:
        raise ValidationError(
            {"items": _("No item %(ids)s on this board.") % {"ids": ", ".join(str(i) for i in missing)}}
        )
    changed = [i for i in found if i.group != label]
    if changed:
        RetroItem.objects.filter(pk__in=[i.pk for i in changed]).update(group=label, updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="retro_items.grouped",
            obj=project,
            project=project,
            changes={"items": [i.pk for i in changed], "group": label},
        )
    return len(changed)


# ---------------------------------------------------------------------------------------------------------------
# Actions


@transaction.atomic
def retro_action_create(
    *, actor, project: Project, title: str, owner=None, due_date: dt.date | None = None, group: str = ""
) -> RetroAction:
    """Agree on a follow-up: an ``action`` note on the board and its tracked action."""
    item = retro_item_create(
        actor=actor,
        project=project,
        column=RetroColumn.ACTION,
        text=title,
        group=group,
        owner=owner,
        due_date=due_date,
    )
    return RetroAction.objects.select_related("owner").get(item=item)


ACTION_EDITABLE = ("title", "owner", "due_date")


@transaction.atomic
def retro_action_update(*, actor, action: RetroAction, **fields) -> RetroAction:
    """Change an action's title, owner or due date (its creator, its owner or a lead)."""
    unknown = set(fields) - set(ACTION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    project = action.project
    action = RetroAction.objects.select_for_update().get(pk=action.pk)
    action.project = project
    if actor.pk not in (action.created_by_id, action.owner_id) and not _is_lead(actor, project):
        raise NotAllowed(_("Only the action's creator, its owner or a lead may change it."))
    if "title" in fields:
        fields["title"] = _clean_text(fields["title"], "title")
    if "owner" in fields:
        _check_owner(project, fields["owner"])
    changes = diff(action, fields)
    if not changes:
        return action
    action.full_clean()
    action.save()
    if "title" in changes and action.item_id:
        RetroItem.objects.filter(pk=action.item_id).update(text=action.title, updated_at=timezone.now())
    shown = {k: [getattr(v, "username", v) for v in pair] for k, pair in changes.items()}
    audit_record(actor=actor, action="retro_action.updated", obj=action, project=project, changes=shown)
    return action


# The only moves an action makes: open -> done (complete), done -> open (reopen).
ACTION_TRANSITIONS = {"complete": ("open", "done"), "reopen": ("done", "open")}


def _transition(*, actor, action: RetroAction, move: str, at: dt.datetime | None = None) -> RetroAction:
    project = action.project
    action = RetroAction.objects.select_for_update().get(pk=action.pk)
    action.project = project
    if actor.pk != action.owner_id and not _is_lead(actor, project):
        raise NotAllowed(_("Only the action's owner or a lead may do this."))
    source, target = ACTION_TRANSITIONS[move]
    state = "open" if action.done_at is None else "done"
    if state != source:
        raise TransitionRefused(
            _("This action is already done.") if state == "done" else _("This action is still open.")
        )
    if target == "done":
        action.done_at = at or timezone.now()
        action.done_by = actor
    else:
        action.done_at = None
        action.done_by = None
    action.save(update_fields=["done_at", "done_by"])
    audit_record(
        actor=actor, action=f"retro_action.{move}d", obj=action, project=project, changes={"state": [state, target]}
    )
    return action


@transaction.atomic
def retro_action_complete(*, actor, action: RetroAction, at: dt.datetime | None = None) -> RetroAction:
    """Mark an open action done (its owner or a lead); a done action is refused (409)."""
    return _transition(actor=actor, action=action, move="complete", at=at)


@transaction.atomic
def retro_action_reopen(*, actor, action: RetroAction) -> RetroAction:
    """Open a done action again (its owner or a lead); an open action is refused (409)."""
    return _transition(actor=actor, action=action, move="reopen")


# ---------------------------------------------------------------------------------------------------------------
# Published reports


@transaction.atomic
def report_publish(*, actor, project: Project, language: str = "en", at: dt.datetime | None = None) -> PublishedReport:
    """Freeze the project report as it stands (its JSON data) with who published it and when. Numbers count
    up per project; the ``report_published`` gate criterion passes once one exists for the phase."""
    from golive.debrief.report import build_report
    from golive.lifecycle.services import project_lock

    project_lock(project)
    if not _is_lead(actor, project):
        raise NotAllowed(_("Only a lead may publish the project report."))
    at = at or timezone.now()
    data = build_report(project=project, language=language, now=at)
    number = (PublishedReport.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
    data["published"] = {"number": number, "by": actor.username, "at": at.isoformat()}
    report = PublishedReport(
        project=project, number=number, data=data, language=language, published_by=actor, published_at=at
    )
    report.full_clean()
    report.save()
    audit_record(actor=actor, action="report.published", obj=report, project=project, changes={"number": number})
    return report
