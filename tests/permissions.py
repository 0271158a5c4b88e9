"""The permission table of the REST API: one row per (method, route), used to generate permission tests.

Every route under ``/api/v1/`` has a row here (``tests/test_permissions.py`` fails when one is missing). A row
names who may call it; the generated tests then check, for every user of the ``world`` fixture, that the
allowed succeed, the others get 403, users outside the project's tenancy get 404 on project routes, and an
anonymous caller gets 401. To add a route, append a ``Route``; nothing else needs to change.

Users are named after their place in ``world``: ``admin`` (vendor administrator), ``lead`` (consultant lead of
ACME), ``consultant``, ``support``, ``customer_lead``, ``customer_member`` (ACME members), ``outsider`` (vendor
user on no project), ``other_lead`` and ``other_customer`` (members of GLOBEX only), and ``anonymous``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.engagement import builders as engagement
from tests.factories import PASSWORD, UserFactory

# Users who hold a role on ACME (or are administrators).
PROJECT_ROLES = ("admin", "lead", "consultant", "support", "customer_lead", "customer_member")
# Authenticated users outside ACME: project routes answer them 404, exactly as for a missing project.
OUTSIDERS = ("outsider", "other_lead", "other_customer")
ALL_USERS = PROJECT_ROLES + OUTSIDERS + ("anonymous",)

ANY_MEMBER = frozenset(PROJECT_ROLES)
VENDOR_STAFF = frozenset({"admin", "lead", "consultant", "support"})
LEADS = frozenset({"admin", "lead"})
CONSULTANTS = frozenset({"admin", "lead", "consultant"})
SIGNERS = frozenset({"lead", "customer_lead"})
AUTHENTICATED = frozenset(PROJECT_ROLES + OUTSIDERS)
VENDOR_USERS = VENDOR_STAFF | {"outsider", "other_lead"}
EVERYONE = frozenset(ALL_USERS)


def user_for(world, name: str):
    """The ``world`` user playing ``name`` (None for anonymous)."""
    return None if name == "anonymous" else getattr(world, name)


def _no_payload(world) -> dict:
    return {}


def _new_member(world) -> dict:
    UserFactory(username="newcomer", organization=world.vendor)
    return {"user": "newcomer", "role": "consultant"}


def _issue(world) -> dict:
    """Path parameters of issue 1 of ACME, reported by a customer member."""
    from golive.tracker import services as tracker_services

    issue = tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Login fails")
    return {"number": str(issue.number)}


def _attachment(world) -> dict:
    from golive.tracker import services as tracker_services
    from golive.tracker.models import Issue

    params = _issue(world)
    issue = Issue.objects.get(project=world.project, number=params["number"])
    upload = SimpleUploadedFile("steps.txt", b"1. open the login page", content_type="text/plain")
    attachment = tracker_services.attachment_add(actor=world.customer_member, issue=issue, upload=upload)
    return {**params, "attachment_id": str(attachment.pk)}


def _sla_policy(world) -> dict:
    from golive.tracker import services as tracker_services

    return tracker_services.policy_for(world.project)


def _runbook_step(world) -> dict:
    """Path parameters of runbook step S1 of ACME (pending, no dependency, owned by nobody)."""
    from golive.cutover import services as cutover_services

    cutover_services.step_create(actor=world.lead, project=world.project, ref="S1", title="Back up the legacy system")
    return {"ref": "S1"}


def _step_to_save(world) -> dict:
    _runbook_step(world)
    return {"name": "ACME runbook", "description": "Saved from ACME"}


def _builtin_runbook_template(world) -> dict:
    from golive.cutover.models import RunbookTemplate

    return {"template": RunbookTemplate.objects.get(name="SaaS standard cutover").pk}


def _junit_upload(world) -> dict:
    xml = b'<testsuite name="smoke" tests="1"><testcase classname="smoke" name="test_login"/></testsuite>'
    return {"file": SimpleUploadedFile("smoke.xml", xml, content_type="application/xml"), "environment": "sandbox"}


def _test_report(world) -> dict:
    from golive.cutover import services as cutover_services

    report = cutover_services.test_report_manual(
        actor=world.lead, project=world.project, title="Smoke", items=[{"name": "Login", "status": "passed"}]
    )
    return {"report_id": str(report.pk)}


def _in_deployment(payload: dict):
    """A payload builder that first walks ACME to deployment (votes and decisions happen there)."""

    def build(world) -> dict:
        from golive.lifecycle import services as lifecycle_services

        for _ in range(world.project.phases.count()):
            world.project.refresh_from_db()
            if world.project.current_phase.key == "deployment":
                break
            lifecycle_services.phase_advance(actor=world.lead, project=world.project, override_reason="test")
        return dict(payload)

    return build


def _rule_refusal(response) -> None:
    """An allowed caller may still meet a rule of the lifecycle (409 with the reason), never a permission error."""
    if response.status_code == 409:
        assert response.json()["detail"]


def _gate_outcome(response) -> None:
    """Advance without override: 200, or the rule's 409 that lists the gate criteria (not a permission error)."""
    if response.status_code == 409:
        body = response.json()
        assert body["criteria"], body
        assert any(not c["passed"] for c in body["criteria"])


@dataclass(frozen=True)
class Route:
    """One (method, route) of the API and who may call it.

    ``path`` uses the URL pattern's parameter names in braces (``projects/{key}/phases/{phase}/skip/``); ``{key}``
    is filled with ACME's key, other parameters from ``params`` (a dict, or a function of ``world`` that builds
    the objects the route needs and returns their path parameters). ``payload`` is a function of ``world``;
    ``format`` is ``json`` or ``multipart``. ``success`` is the status (or statuses) an allowed caller gets;
    ``check`` may look further at an allowed caller's response.
    """

    method: str
    path: str
    allowed: frozenset[str]
    success: int | tuple[int, ...] = 200
    payload: Callable[..., dict] = _no_payload
    params: dict[str, str] | Callable[..., dict] = field(default_factory=dict)
    check: Callable | None = None
    format: str = "json"

    @property
    def is_project_route(self) -> bool:
        return "{key}" in self.path

    @property
    def success_statuses(self) -> tuple[int, ...]:
        return self.success if isinstance(self.success, tuple) else (self.success,)

    def path_params(self, world) -> dict[str, str]:
        return self.params(world) if callable(self.params) else dict(self.params)

    def url(self, key: str, params: dict[str, str]) -> str:
        return "/api/v1/" + self.path.format(key=key, **params)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def expected(self, user: str) -> tuple[int, ...]:
        """The status(es) ``user`` must get."""
        if user in self.allowed:
            return self.success_statuses
        if user == "anonymous":
            return (401,)
        if self.is_project_route and user in OUTSIDERS:
            return (404,)
        return (403,)


ROUTES: list[Route] = [
    Route("POST", "auth/token/", EVERYONE, payload=lambda w: {"username": "customer_member", "password": PASSWORD}),
    Route("POST", "auth/token/rotate/", AUTHENTICATED),
    Route("GET", "me/", AUTHENTICATED),
    Route("GET", "organizations/", AUTHENTICATED),
    Route(
        "POST",
        "organizations/",
        frozenset({"admin"}),
        201,
        payload=lambda w: {"slug": "initech", "name": "Initech", "kind": "customer", "timezone": "Europe/Berlin"},
    ),
    Route("GET", "users/", AUTHENTICATED),
    Route(
        "POST",
        "users/",
        frozenset({"admin"}),
        201,
        payload=lambda w: {"username": "newbie", "password": "long-enough-1", "organization": "acme"},
    ),
    Route("GET", "templates/", AUTHENTICATED),
    Route("GET", "portfolio/", AUTHENTICATED),
    Route("GET", "projects/", AUTHENTICATED),
    Route(
        "POST",
        "projects/",
        VENDOR_USERS,
        201,
        payload=lambda w: {"key": "NEWP", "name": "New project", "customer": "acme"},
    ),
    Route("GET", "projects/{key}/", ANY_MEMBER),
    Route("PATCH", "projects/{key}/", LEADS, payload=lambda w: {"name": "Renamed"}),
    Route("GET", "projects/{key}/members/", ANY_MEMBER),
    Route("POST", "projects/{key}/members/", LEADS, 201, payload=_new_member),
    Route("GET", "projects/{key}/phases/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/phases/{phase}/skip/",
        LEADS,
        params={"phase": "training"},
        payload=lambda w: {"reason": "Customer trains its own staff"},
    ),
    Route("POST", "projects/{key}/review-rounds/", LEADS, 201),
    Route("GET", "projects/{key}/gate/", ANY_MEMBER),
    Route("GET", "projects/{key}/signoffs/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/signoffs/",
        SIGNERS,
        201,
        payload=lambda w: {"phase": "kickoff", "decision": "approve", "comment": "Fine"},
    ),
    Route(
        "POST",
        "projects/{key}/advance/",
        CONSULTANTS,
        (200, 409),
        payload=lambda w: {"comment": "Next"},
        check=_gate_outcome,
    ),
    Route("GET", "projects/{key}/audit/", VENDOR_STAFF),
    # Issue desk (tracker)
    Route("GET", "projects/{key}/issues/", ANY_MEMBER),
    Route("POST", "projects/{key}/issues/", ANY_MEMBER, 201, payload=lambda w: {"title": "Export hangs"}),
    Route("GET", "projects/{key}/issues/{number}/", ANY_MEMBER, params=_issue),
    # Any member may move a resolved issue; editing its fields is for vendor staff.
    Route(
        "PATCH",
        "projects/{key}/issues/{number}/",
        VENDOR_STAFF,
        params=_issue,
        payload=lambda w: {"title": "Login fails for SSO users"},
    ),
    Route("GET", "projects/{key}/issues/{number}/comments/", ANY_MEMBER, params=_issue),
    Route(
        "POST",
        "projects/{key}/issues/{number}/comments/",
        ANY_MEMBER,
        201,
        params=_issue,
        payload=lambda w: {"body": "Seen again this morning"},
    ),
    Route("GET", "projects/{key}/issues/{number}/timeline/", ANY_MEMBER, params=_issue),
    Route("GET", "projects/{key}/issues/{number}/attachments/", ANY_MEMBER, params=_issue),
    Route(
        "POST",
        "projects/{key}/issues/{number}/attachments/",
        ANY_MEMBER,
        201,
        params=_issue,
        format="multipart",
        payload=lambda w: {"file": SimpleUploadedFile("log.txt", b"error 500", content_type="text/plain")},
    ),
    Route("GET", "projects/{key}/issues/{number}/attachments/{attachment_id}/", ANY_MEMBER, params=_attachment),
    Route("GET", "projects/{key}/sla-policy/", ANY_MEMBER),
    Route("PUT", "projects/{key}/sla-policy/", LEADS, payload=_sla_policy),
    # Go-live and hypercare: ACME is in kickoff, so an allowed caller meets the lifecycle's 409.
    Route("POST", "projects/{key}/golive/", CONSULTANTS, (200, 409), check=_rule_refusal),
    # Deployment week: runbook, test evidence, go/no-go.
    Route("GET", "projects/{key}/runbook/", ANY_MEMBER),
    Route("PATCH", "projects/{key}/runbook/", CONSULTANTS, payload=lambda w: {"target_at": "2026-12-05T09:00:00Z"}),
    Route("GET", "projects/{key}/runbook/export/", ANY_MEMBER),
    Route("GET", "projects/{key}/runbook/steps/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/runbook/steps/",
        CONSULTANTS,
        201,
        payload=lambda w: {"ref": "NEW", "title": "Switch DNS", "planned_minutes": 20},
    ),
    Route("GET", "projects/{key}/runbook/steps/{ref}/", ANY_MEMBER, params=_runbook_step),
    Route(
        "PATCH",
        "projects/{key}/runbook/steps/{ref}/",
        CONSULTANTS,
        params=_runbook_step,
        payload=lambda w: {"title": "Back up twice"},
    ),
    Route("DELETE", "projects/{key}/runbook/steps/{ref}/", CONSULTANTS, 204, params=_runbook_step),
    # The step has no owner: consultants (and administrators) run it, other members are refused.
    Route(
        "POST",
        "projects/{key}/runbook/steps/{ref}/{action}/",
        CONSULTANTS,
        params=lambda w: {**_runbook_step(w), "action": "start"},
    ),
    Route("GET", "projects/{key}/runbook/templates/", VENDOR_STAFF),
    Route("POST", "projects/{key}/runbook/templates/", CONSULTANTS, 201, payload=_step_to_save),
    Route("POST", "projects/{key}/runbook/clone/", CONSULTANTS, 201, payload=_builtin_runbook_template),
    Route("GET", "projects/{key}/test-reports/", ANY_MEMBER),
    Route("POST", "projects/{key}/test-reports/", VENDOR_STAFF, 201, payload=_junit_upload, format="multipart"),
    Route(
        "POST",
        "projects/{key}/test-reports/manual/",
        ANY_MEMBER,
        201,
        payload=lambda w: {"title": "Smoke", "items": [{"name": "Login", "status": "passed"}]},
    ),
    Route("GET", "projects/{key}/test-reports/{report_id}/", ANY_MEMBER, params=_test_report),
    Route("GET", "projects/{key}/go-no-go/", ANY_MEMBER),
    # Members vote; an administrator who is not a member is refused.
    Route(
        "POST",
        "projects/{key}/go-no-go/votes/",
        ANY_MEMBER - {"admin"},
        201,
        payload=_in_deployment({"vote": "go", "comment": "Ready"}),
    ),
    Route(
        "POST",
        "projects/{key}/go-no-go/decide/",
        LEADS,
        201,
        payload=_in_deployment(
            {"decision": "no_go", "comment": "Data not reconciled", "new_target_date": "2099-01-05"}
        ),
    ),
    Route("GET", "projects/{key}/hypercare/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/hypercare/extend/",
        LEADS,
        (200, 409),
        check=_rule_refusal,
        payload=lambda w: {"days": 3, "reason": "Payroll run pending"},
    ),
    Route("POST", "projects/{key}/hypercare/exit/", CONSULTANTS, (200, 409), check=_rule_refusal),
    # Engagement: requirements register, review pack, meetings, review feedback, decisions, status report.
    Route("GET", "projects/{key}/requirements/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/requirements/",
        CONSULTANTS | {"customer_lead"},
        201,
        payload=lambda w: {"ref": "REQ-9", "title": "Export to CSV", "source": "email", "priority": "must"},
    ),
    Route("GET", "projects/{key}/requirements/{ref}/", ANY_MEMBER, params=engagement.requirement_params),
    Route(
        "PATCH",
        "projects/{key}/requirements/{ref}/",
        CONSULTANTS,
        params=engagement.requirement_params,
        payload=lambda w: {"scope": "built"},
    ),
    Route("GET", "projects/{key}/review-pack/", ANY_MEMBER),
    Route("GET", "projects/{key}/meetings/", ANY_MEMBER),
    Route("POST", "projects/{key}/meetings/", CONSULTANTS, 201, payload=engagement.meeting_payload),
    Route("GET", "projects/{key}/meetings/{meeting_id}/", ANY_MEMBER, params=engagement.meeting_params),
    Route(
        "PATCH",
        "projects/{key}/meetings/{meeting_id}/",
        CONSULTANTS,
        params=engagement.meeting_params,
        payload=lambda w: {"notes": "Agreed on single sign-on"},
    ),
    Route("GET", "projects/{key}/feedback/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/feedback/",
        CONSULTANTS | {"customer_lead", "customer_member"},
        201,
        payload=engagement.feedback_payload,
    ),
    Route("GET", "projects/{key}/feedback/{feedback_id}/", ANY_MEMBER, params=engagement.feedback_params),
    Route(
        "PATCH",
        "projects/{key}/feedback/{feedback_id}/",
        CONSULTANTS,
        params=engagement.feedback_params,
        payload=lambda w: {"status": "accepted"},
    ),
    Route(
        "POST",
        "projects/{key}/feedback/{feedback_id}/change-request/",
        CONSULTANTS,
        201,
        params=engagement.large_feedback_params,
        payload=lambda w: {"ref": "CR-1"},
    ),
    Route("GET", "projects/{key}/decisions/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/decisions/",
        CONSULTANTS | {"customer_lead"},
        201,
        payload=lambda w: {"title": "No SSO in phase 1", "decision": "Later.", "stakeholders_present": ["lead"]},
    ),
    Route("GET", "projects/{key}/status-report/", ANY_MEMBER),
]


# Training and calendars (golive.training, golive.calendars).


def _training_session(world) -> dict:
    from golive.training import services as training_services

    session = training_services.session_create(
        actor=world.lead, project=world.project, kind="end_user", title="Order entry", starts_at=_now()
    )
    return {"session_id": str(session.pk)}


def _training_material(world) -> dict:
    from golive.training import services as training_services

    upload = SimpleUploadedFile("steps.txt", b"1. open the order screen", content_type="text/plain")
    material = training_services.material_add(
        actor=world.lead, project=world.project, business_process="O2C", title="Steps", kind="notes", upload=upload
    )
    return {"material_id": str(material.pk)}


def _customer_members_feed(world) -> dict:
    from golive.calendars import services as calendar_services

    return {"feed_id": str(calendar_services.feed_create(actor=world.customer_member).pk)}


def _now():
    from django.utils import timezone

    return timezone.now()


def _is_calendar(response) -> None:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


class OwnedRoute(Route):
    """A route on an object that belongs to one user (a calendar feed): anyone else gets 404, as for a missing
    object, never 403."""

    def expected(self, user: str) -> tuple[int, ...]:
        if user in self.allowed:
            return self.success_statuses
        return (401,) if user == "anonymous" else (404,)


ROUTES += [
    Route("GET", "projects/{key}/training/sessions/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/training/sessions/",
        CONSULTANTS,
        201,
        payload=lambda w: {
            "kind": "train_the_trainer",
            "title": "Key users",
            "starts_at": "2026-12-01T10:00:00+09:00",
            "duration_minutes": 90,
            "location": "https://meet.example.com/k",
        },
    ),
    Route("GET", "projects/{key}/training/sessions/{session_id}/", ANY_MEMBER, params=_training_session),
    Route(
        "PATCH",
        "projects/{key}/training/sessions/{session_id}/",
        CONSULTANTS,
        params=_training_session,
        payload=lambda w: {"duration_minutes": 120},
    ),
    Route("GET", "projects/{key}/training/sessions/{session_id}/attendance/", ANY_MEMBER, params=_training_session),
    Route(
        "POST",
        "projects/{key}/training/sessions/{session_id}/attendance/",
        VENDOR_STAFF | {"customer_lead"},
        201,
        params=_training_session,
        payload=lambda w: {"attendee": "customer_member", "status": "attended"},
    ),
    Route("GET", "projects/{key}/training/materials/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/training/materials/",
        CONSULTANTS,
        201,
        payload=lambda w: {
            "business_process": "O2C",
            "title": "Video",
            "kind": "video",
            "url": "https://v.example.com",
        },
    ),
    Route("GET", "projects/{key}/training/materials/{material_id}/file/", ANY_MEMBER, params=_training_material),
    Route("GET", "projects/{key}/training/coverage/", ANY_MEMBER),
    Route("GET", "projects/{key}/calendar.ics", ANY_MEMBER, check=_is_calendar),
    Route("GET", "calendar-feeds/", AUTHENTICATED),
    Route("POST", "calendar-feeds/", AUTHENTICATED, 201),
    OwnedRoute(
        "POST", "calendar-feeds/{feed_id}/revoke/", frozenset({"customer_member"}), params=_customer_members_feed
    ),
]


# UAT (golive.uat): scenarios, import, template, export, cycles, assignments, runs, defects, evidence, summary.


def _uat(name: str):
    """A builder of ``tests/uat/builders.py``, imported when a row runs (that module builds through services)."""

    def call(world):
        from tests.uat import builders

        return getattr(builders, name)(world)

    return call


UAT_PLANNERS = CONSULTANTS | {"customer_lead"}
UAT_TESTERS = CONSULTANTS | {"customer_lead", "customer_member"}

ROUTES += [
    Route("GET", "projects/{key}/uat/scenarios/", ANY_MEMBER),
    Route("POST", "projects/{key}/uat/scenarios/", UAT_PLANNERS, 201, payload=_uat("scenario_payload")),
    Route(
        "POST",
        "projects/{key}/uat/scenarios/import/",
        UAT_PLANNERS,
        201,
        format="multipart",
        payload=_uat("import_payload"),
    ),
    Route("GET", "projects/{key}/uat/scenarios/template/", ANY_MEMBER),
    Route("GET", "projects/{key}/uat/scenarios/export/", ANY_MEMBER),
    Route("GET", "projects/{key}/uat/scenarios/{ref}/", ANY_MEMBER, params=_uat("scenario_params")),
    Route(
        "PATCH",
        "projects/{key}/uat/scenarios/{ref}/",
        UAT_PLANNERS,
        params=_uat("scenario_params"),
        payload=lambda w: {"priority": "high"},
    ),
    Route("DELETE", "projects/{key}/uat/scenarios/{ref}/", UAT_PLANNERS, 204, params=_uat("scenario_params")),
    Route("POST", "projects/{key}/uat/scenarios/{ref}/retire/", UAT_PLANNERS, params=_uat("scenario_params")),
    Route("GET", "projects/{key}/uat/cycles/", ANY_MEMBER),
    Route("POST", "projects/{key}/uat/cycles/", UAT_PLANNERS, 201, payload=lambda w: {"name": "Round 1"}),
    Route("GET", "projects/{key}/uat/cycles/{number}/assignments/", ANY_MEMBER, params=_uat("cycle_params")),
    Route(
        "POST",
        "projects/{key}/uat/cycles/{number}/assignments/",
        UAT_PLANNERS,
        params=_uat("cycle_params"),
        payload=_uat("assignment_payload"),
    ),
    Route("GET", "projects/{key}/uat/runs/", ANY_MEMBER),
    Route("POST", "projects/{key}/uat/runs/", UAT_TESTERS, 201, payload=_uat("run_payload")),
    Route("GET", "projects/{key}/uat/runs/{run_id}/", ANY_MEMBER, params=_uat("failed_run_params")),
    Route(
        "POST",
        "projects/{key}/uat/runs/{run_id}/defect/",
        UAT_TESTERS,
        201,
        params=_uat("failed_run_params"),
        payload=lambda w: {"severity": "P3"},
    ),
    Route("GET", "projects/{key}/uat/runs/{run_id}/evidence/", ANY_MEMBER, params=_uat("failed_run_params")),
    Route(
        "POST",
        "projects/{key}/uat/runs/{run_id}/evidence/",
        UAT_TESTERS,
        201,
        params=_uat("failed_run_params"),
        format="multipart",
        payload=_uat("evidence_payload"),
    ),
    Route(
        "GET", "projects/{key}/uat/runs/{run_id}/evidence/{evidence_id}/", ANY_MEMBER, params=_uat("evidence_params")
    ),
    Route("GET", "projects/{key}/uat/summary/", ANY_MEMBER),
]


# Notifications and integrations (golive.notify): webhooks and their deliveries, the e-mail log, sign-off requests,
# e-mail preferences; and the Jira CSV export and import of the issue desk (golive.tracker.jira).

HOOK_URL = "https://hooks.example.invalid/golive"  # never resolves: no request leaves the test


def _webhook(world) -> dict:
    from golive.notify import services as notify_services

    webhook = notify_services.webhook_create(
        actor=world.lead, project=world.project, url=HOOK_URL, events=["issue.created"], secret="s3cret-for-tests"
    )
    return {"webhook_id": str(webhook.pk)}


def _failed_delivery(world) -> dict:
    """A delivery that failed: sent while its webhook was disabled (no network involved)."""
    from golive.notify import services as notify_services
    from golive.notify.models import Webhook

    params = _webhook(world)
    webhook = Webhook.objects.get(pk=params["webhook_id"])
    delivery = notify_services.webhook_test(actor=world.lead, webhook=webhook)
    notify_services.webhook_update(actor=world.lead, webhook=webhook, active=False)
    notify_services.delivery_attempt(delivery_id=delivery.pk)
    return {**params, "delivery_id": str(delivery.pk)}


def _jira_csv(world) -> dict:
    data = b"Summary,Priority,Status,Created\r\nLogin fails,High,In Progress,25/Nov/25 4:02 PM\r\n"
    return {"file": SimpleUploadedFile("jira.csv", data, content_type="text/csv")}


def _is_csv(response) -> None:
    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).startswith(b"Summary,Description,Priority,Status")


ROUTES += [
    Route("GET", "projects/{key}/webhooks/", VENDOR_STAFF),
    Route(
        "POST",
        "projects/{key}/webhooks/",
        CONSULTANTS,
        201,
        payload=lambda w: {"url": HOOK_URL, "events": ["issue.created", "golive"], "secret": "s3cret-for-tests"},
    ),
    Route("GET", "projects/{key}/webhooks/{webhook_id}/", VENDOR_STAFF, params=_webhook),
    Route(
        "PATCH",
        "projects/{key}/webhooks/{webhook_id}/",
        CONSULTANTS,
        params=_webhook,
        payload=lambda w: {"active": False},
    ),
    Route("DELETE", "projects/{key}/webhooks/{webhook_id}/", CONSULTANTS, 204, params=_webhook),
    Route("POST", "projects/{key}/webhooks/{webhook_id}/test/", CONSULTANTS, 201, params=_webhook),
    Route("GET", "projects/{key}/webhooks/{webhook_id}/deliveries/", VENDOR_STAFF, params=_webhook),
    Route(
        "POST",
        "projects/{key}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver/",
        CONSULTANTS,
        201,
        params=_failed_delivery,
    ),
    Route("GET", "projects/{key}/notifications/", VENDOR_STAFF),
    Route("POST", "projects/{key}/signoff-requests/", CONSULTANTS, 201, payload=lambda w: {"message": "Please"}),
    Route("GET", "me/notification-preferences/", AUTHENTICATED),
    Route("PUT", "me/notification-preferences/", AUTHENTICATED, payload=lambda w: {"muted": ["hypercare_digest"]}),
    Route("GET", "projects/{key}/issues/export/", ANY_MEMBER, check=_is_csv),
    Route("POST", "projects/{key}/issues/import/", CONSULTANTS, 201, format="multipart", payload=_jira_csv),
]


# Portfolio (issue 7): routes outside a project, scoped by filtering; test_permissions.py and
# tests/lifecycle/test_portfolio_api.py check that another tenant's projects never appear in them.


def _is_calendar_page(response) -> None:
    body = response.json()
    assert len(body["weeks"]) == 8 and "overdue" in body


def _is_figures(response) -> None:
    body = response.json()
    assert {"overall", "by_template", "by_customer", "quiet_days"} <= set(body)


def _is_today(response) -> None:
    body = response.json()
    assert {"count", "results", "counts", "hours", "days"} <= set(body)


ROUTES += [
    Route("GET", "portfolio/calendar/", AUTHENTICATED, check=_is_calendar_page),
    Route("GET", "portfolio/figures/", AUTHENTICATED, check=_is_figures),
    Route("GET", "me/today/", AUTHENTICATED, check=_is_today),
]


# Debrief: retro board and project report (builders in tests/debrief/builders.py). An item is changed by its
# author (here the customer member) or a lead; an action by its creator (the lead), its owner (the consultant)
# or a lead, and completed or reopened by its owner or a lead.
def _debrief(name: str):
    def call(world):
        from tests.debrief import builders

        return getattr(builders, name)(world)

    return call


def _is_pdf(response) -> None:
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")


RETRO_AUTHOR_OR_LEAD = LEADS | {"customer_member"}
RETRO_OWNER_OR_LEAD = LEADS | {"consultant"}

ROUTES += [
    Route("GET", "projects/{key}/retro/items/", ANY_MEMBER),
    Route(
        "POST",
        "projects/{key}/retro/items/",
        ANY_MEMBER,
        201,
        payload=lambda w: {"column": "went_well", "text": "Calm"},
    ),
    Route("GET", "projects/{key}/retro/items/{item_id}/", ANY_MEMBER, params=_debrief("retro_item_params")),
    Route(
        "PATCH",
        "projects/{key}/retro/items/{item_id}/",
        RETRO_AUTHOR_OR_LEAD,
        params=_debrief("retro_item_params"),
        payload=lambda w: {"text": "Quicker answers"},
    ),
    Route(
        "DELETE",
        "projects/{key}/retro/items/{item_id}/",
        RETRO_AUTHOR_OR_LEAD,
        204,
        params=_debrief("retro_item_params"),
    ),
    Route("POST", "projects/{key}/retro/items/{item_id}/vote/", ANY_MEMBER, params=_debrief("retro_item_params")),
    Route("POST", "projects/{key}/retro/groups/", CONSULTANTS, payload=_debrief("retro_group_payload")),
    Route("GET", "projects/{key}/retro/actions/", ANY_MEMBER),
    Route("POST", "projects/{key}/retro/actions/", ANY_MEMBER, 201, payload=lambda w: {"title": "Book trainers"}),
    Route("GET", "projects/{key}/retro/actions/{action_id}/", ANY_MEMBER, params=_debrief("retro_action_params")),
    Route(
        "PATCH",
        "projects/{key}/retro/actions/{action_id}/",
        RETRO_OWNER_OR_LEAD,
        params=_debrief("retro_action_params"),
        payload=lambda w: {"due_date": "2030-01-31"},
    ),
    Route(
        "POST",
        "projects/{key}/retro/actions/{action_id}/complete/",
        RETRO_OWNER_OR_LEAD,
        params=_debrief("retro_action_params"),
    ),
    Route(
        "POST",
        "projects/{key}/retro/actions/{action_id}/reopen/",
        RETRO_OWNER_OR_LEAD,
        params=_debrief("done_action_params"),
    ),
    Route("GET", "projects/{key}/report/", ANY_MEMBER),
    Route("POST", "projects/{key}/report/publish/", LEADS, 201),
    Route("GET", "projects/{key}/report/published/", ANY_MEMBER),
    Route("GET", "projects/{key}/report/published/{number}/", ANY_MEMBER, params=_debrief("published_params")),
]
