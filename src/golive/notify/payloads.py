"""Webhook payloads: an event's ``data`` loaded from the rows its ids name, and the body in each format.

The GoLive format is CONTRACT.md's ``{event, project, occurred_at, data}``. The Slack format is an incoming-
webhook message (``text`` and one ``mrkdwn`` block); the Teams format is a message carrying an Adaptive Card, as
Teams workflows ("When a Teams webhook request is received") accept. Slack and Teams texts are written in the
webhook's language.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from golive.lifecycle.models import Phase, Project, SignOff
from golive.notify.models import TEST_EVENT, WebhookFormat
from golive.tracker.models import Issue


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def link(path: str) -> str:
    """An absolute link into the web UI (``GOLIVE_BASE_URL``)."""
    return settings.GOLIVE_BASE_URL.rstrip("/") + path


def issue_data(issue: Issue) -> dict:
    return {
        "number": issue.number,
        "ref": issue.ref,
        "title": issue.title,
        "kind": issue.kind,
        "severity": issue.severity,
        "category": issue.category,
        "status": issue.status,
        "reporter": issue.reporter.username,
        "assignee": issue.assignee.username if issue.assignee_id else None,
        "reported_at": _iso(issue.reported_at),
        "first_response_at": _iso(issue.first_response_at),
        "resolved_at": _iso(issue.resolved_at),
        "response_due_at": _iso(issue.response_due_at),
        "resolution_due_at": _iso(issue.resolution_due_at),
        "response_breached": issue.response_breached,
        "resolution_breached": issue.resolution_breached,
        "url": link(f"/projects/{issue.project.key}/issues/{issue.number}/"),
    }


def _phase(phase_id: int | None) -> dict | None:
    phase = Phase.objects.filter(pk=phase_id).first() if phase_id else None
    return {"key": phase.key, "name": phase.name} if phase else None


def event_data(event: str, project: Project, ids: dict) -> dict:
    """The ``data`` of an event, loaded now from the rows named by ``ids``. Missing rows give empty parts."""
    if event.startswith("issue."):
        issue = Issue.objects.select_related("reporter", "assignee").filter(pk=ids.get("issue")).first()
        if issue is not None:
            issue.project = project
        data = {"issue": issue_data(issue) if issue else None}
        if "changed" in ids:
            data["changed"] = list(ids["changed"])
        if "metric" in ids:
            data["metric"] = ids["metric"]
        return data
    if event == "phase.advanced":
        return {
            "from": _phase(ids.get("from_phase")),
            "to": _phase(ids.get("to_phase")),
            "project_status": project.status,
            "url": link(f"/projects/{project.key}/"),
        }
    if event == "signoff.recorded":
        signoff = SignOff.objects.select_related("phase", "signed_by").filter(pk=ids.get("signoff")).first()
        if signoff is None:
            return {"signoff": None}
        return {
            "signoff": {
                "phase": signoff.phase.key,
                "decision": signoff.decision,
                "role": signoff.role,
                "signed_by": signoff.signed_by.username,
                "signed_at": _iso(signoff.signed_at),
                "comment": signoff.comment,
            }
        }
    if event == "golive":
        from golive.cutover.models import GoLive
        from golive.hypercare.models import HypercareWindow

        golive = GoLive.objects.select_related("recorded_by").filter(pk=ids.get("golive")).first()
        window = HypercareWindow.objects.filter(project=project).first()
        return {
            "at": _iso(golive.at) if golive else None,
            "recorded_by": golive.recorded_by.username if golive else None,
            "override": bool(golive and golive.override_reason),
            "hypercare": {"starts_at": _iso(window.starts_at), "planned_end": _iso(window.planned_end)}
            if window
            else None,
            "url": link(f"/projects/{project.key}/hypercare/"),
        }
    if event == "hypercare.exited":
        from golive.hypercare.models import HypercareWindow

        window = HypercareWindow.objects.select_related("exited_by").filter(pk=ids.get("window")).first()
        if window is None:
            return {"exited_at": None, "handover": []}
        return {
            "exited_at": _iso(window.exited_at),
            "exited_by": window.exited_by.username if window.exited_by_id else None,
            "override": bool(window.exit_override_reason),
            "handover": [row["ref"] for row in window.handover],
            "url": link(f"/projects/{project.key}/hypercare/"),
        }
    if event == TEST_EVENT:
        return {"message": "This is a test event from GoLive.", "webhook": ids.get("webhook")}
    return {}


def summary(event: str, project: Project, data: dict) -> str:
    """One line saying what happened, in the active language (Slack and Teams messages)."""
    key = project.key
    issue = data.get("issue") or {}
    values = {"key": key, "ref": issue.get("ref", ""), "title": issue.get("title", ""), "sev": issue.get("severity")}
    if event == "issue.created":
        return _("[%(key)s] New %(sev)s issue %(ref)s: %(title)s") % values
    if event == "issue.updated":
        return _("[%(key)s] %(ref)s updated (%(status)s): %(title)s") % {**values, "status": issue.get("status")}
    if event == "issue.sla_breached":
        metric = _("response") if data.get("metric") == "response" else _("resolution")
        return _("[%(key)s] %(ref)s breached its %(metric)s SLA: %(title)s") % {**values, "metric": metric}
    if event == "phase.advanced":
        source = (data.get("from") or {}).get("name", "-")
        target = (data.get("to") or {}).get("name") or _("closed")
        return _("[%(key)s] moved from %(from)s to %(to)s") % {"key": key, "from": source, "to": target}
    if event == "signoff.recorded":
        signoff = data.get("signoff") or {}
        text = (
            _("[%(key)s] %(user)s approved the %(phase)s phase")
            if signoff.get("decision") == "approve"
            else _("[%(key)s] %(user)s rejected the %(phase)s phase")
        )
        return text % {"key": key, "user": signoff.get("signed_by"), "phase": signoff.get("phase")}
    if event == "golive":
        return _("[%(key)s] is live: go-live recorded, hypercare started") % {"key": key}
    if event == "hypercare.exited":
        return _("[%(key)s] hypercare ended; %(count)d open issues handed over to support") % {
            "key": key,
            "count": len(data.get("handover") or []),
        }
    if event == TEST_EVENT:
        return _("[%(key)s] Test event from GoLive") % {"key": key}
    return f"[{key}] {event}"


def _url_of(data: dict) -> str | None:
    return (data.get("issue") or {}).get("url") or data.get("url")


def render_body(*, fmt: str, language: str, event: str, project: Project, occurred_at: str, data: dict) -> bytes:
    """The exact bytes POSTed for one delivery (signed as they are)."""
    if fmt == WebhookFormat.GOLIVE:
        document = {"event": event, "project": project.key, "occurred_at": occurred_at, "data": data}
    else:
        with translation.override(language):
            text = summary(event, project, data)
            open_label = _("Open in GoLive")
        url = _url_of(data)
        if fmt == WebhookFormat.SLACK:
            block = f"{text}\n<{url}|{open_label}>" if url else text
            document = {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": block}}]}
        else:
            card = {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    {"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder"},
                    {"type": "TextBlock", "text": f"{event} · {occurred_at}", "wrap": True, "isSubtle": True},
                ],
            }
            if url:
                card["actions"] = [{"type": "Action.OpenUrl", "title": open_label, "url": url}]
            document = {
                "type": "message",
                "summary": text,
                "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
            }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
