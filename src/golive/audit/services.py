"""Recording audit events. Called by every service inside its own transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from golive import rows
from golive.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def audit_record(*, actor, action: str, obj: models.Model, project=None, changes: dict | None = None) -> AuditEvent:
    """Append one event. ``changes`` maps a field to ``[old, new]`` or to a value for created objects."""
    event = audit_event(actor=actor, action=action, obj=obj, project=project, changes=changes)
    rows.insert(event)
    return event


def audit_event(*, actor, action: str, obj: models.Model, project=None, changes: dict | None = None) -> AuditEvent:
    """The event :func:`audit_record` appends, checked but not yet written (for a caller that writes it together
    with the rows it records: ``rows.insert_together``)."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        project=project,
        changes=_jsonable(changes or {}),
    )
    # Field checks only: actor and project are loaded objects, and an append-only row has no unique fields, so
    # full_clean()'s existence and uniqueness queries would be two wasted round trips on every audited write.
    event.clean_fields(exclude=["actor", "project"])
    return event


def diff(instance: models.Model, fields: dict[str, Any]) -> dict[str, list]:
    """Apply ``fields`` to ``instance`` and return ``{field: [old, new]}`` for the values that changed."""
    changes = {}
    for name, new in fields.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [old, new]
            setattr(instance, name, new)
    return changes
