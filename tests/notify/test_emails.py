"""E-mails through Django's locmem backend: who gets what, in which language (English and Korean), muting, the
breach escalation exactly once per issue, metric and level, the hypercare digest once per project and local
day, and training reminders."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from golive.accounts.models import User
from golive.jobs import sweep
from golive.notify import services
from golive.notify.models import DigestRun, Escalation, Notification, NotificationStatus
from golive.tracker import services as tracker_services
from tests.web.test_desk_pages import into_hypercare

pytestmark = pytest.mark.django_db


def _speaks(user, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)


def _by_recipient(mailoutbox) -> dict:
    return {mail.to[0].split("@")[0]: mail for mail in mailoutbox}


def _html(mail) -> str:
    (html, mimetype) = mail.alternatives[0]
    assert mimetype == "text/html"
    return html


# ---------------------------------------------------------------------------------------------------------------
# New P1/P2 issues


def test_a_new_p1_goes_to_the_projects_consultants_each_in_their_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _speaks(world.consultant, "ko")
    _speaks(world.lead, "en")
    with django_capture_on_commit_callbacks(execute=True):
        issue = tracker_services.issue_create(
            actor=world.customer_member, project=world.project, title="결제 오류 Payments fail", severity="P1"
        )
    mails = _by_recipient(mailoutbox)
    assert set(mails) == {"lead", "consultant"}  # not support, not the customer's people

    english = mails["lead"]
    assert english.subject == f"[ACME] New P1 issue {issue.ref}: 결제 오류 Payments fail"
    assert "Severity: P1 - critical" in english.body
    assert "A new P1 issue was reported on ACME." in english.body
    assert f"https://golive.example.com/projects/ACME/issues/{issue.number}/" in english.body
    assert '<html lang="en">' in _html(english)
    assert "Choose which e-mails you get" in english.body

    korean = mails["consultant"]
    assert issue.ref in korean.subject
    assert "심각도: P1 - 치명적" in korean.body
    assert "Severity" not in korean.body
    assert '<html lang="ko">' in _html(korean)
    assert "P1 - 치명적" in _html(korean)
    assert Notification.objects.get(recipient=world.consultant).language == "ko"


def test_times_are_in_the_recipients_time_zone(world, mailoutbox, django_capture_on_commit_callbacks):
    reported = dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.UTC)  # 10:30 in Seoul (the vendor's time zone)
    with django_capture_on_commit_callbacks(execute=True):
        tracker_services.issue_create(
            actor=world.lead, project=world.project, title="Late", severity="P2", reported_at=reported
        )
    mail = _by_recipient(mailoutbox)["consultant"]
    assert "2026-01-05 10:30" in mail.body
    assert "Asia/Seoul" in mail.body


def test_p3_issues_and_the_reporter_get_no_mail(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Typo", severity="P3")
        tracker_services.issue_create(actor=world.consultant, project=world.project, title="Outage", severity="P1")
    assert [mail.to for mail in mailoutbox] == [[world.lead.email]]


def test_a_muted_kind_is_not_sent(world, mailoutbox, django_capture_on_commit_callbacks):
    services.mutes_set(actor=world.consultant, kinds=["issue_new"])
    with django_capture_on_commit_callbacks(execute=True):
        tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Down", severity="P2")
    assert [mail.to for mail in mailoutbox] == [[world.lead.email]]
    assert not Notification.objects.filter(recipient=world.consultant).exists()


def test_a_failing_mail_server_is_recorded_and_retried_by_the_sweep(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notify.test_emails.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        tracker_services.issue_create(actor=world.customer_member, project=world.project, title="Down", severity="P1")
    rows = Notification.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert "SMTP is down" in rows[0].error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep(as_of=timezone.now() + dt.timedelta(minutes=10))
    assert {r.status for r in Notification.objects.all()} == {NotificationStatus.SENT}
    assert len(mailoutbox) == 2


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


# ---------------------------------------------------------------------------------------------------------------
# Escalation of breaches


def _overdue_p1(world, *, hours: float = 5, assignee=None):
    return tracker_services.issue_create(
        actor=world.lead,
        project=world.project,
        title="Orders stuck",
        severity="P1",
        assignee=assignee,
        reported_at=timezone.now() - dt.timedelta(hours=hours),
    )


def test_a_breach_is_escalated_once_per_issue_metric_and_level(
    world, mailoutbox, webhook, receiver, django_capture_on_commit_callbacks
):
    issue = _overdue_p1(world, assignee=world.consultant)  # P1: 30 min response, 4 h resolution, 24x7
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep(as_of=now)
        again = sweep(as_of=now + dt.timedelta(minutes=1))
    assert (first["response_breaches"], first["resolution_breaches"], first["escalations"]) == (1, 1, 2)
    assert again["escalations"] == 0
    # Level 1: the assignee, once per metric.
    assert sorted((m.to[0], "Response" in m.subject) for m in mailoutbox) == [
        (world.consultant.email, False),
        (world.consultant.email, True),
    ]
    breaches = [r.json() for r in receiver.requests if r.json()["event"] == "issue.sla_breached"]
    assert sorted(b["data"]["metric"] for b in breaches) == ["resolution", "response"]
    assert all(b["data"]["issue"]["ref"] == issue.ref for b in breaches)

    # Level 2 an hour later, still unanswered: the consultant lead, once per metric.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        later = sweep(as_of=now + dt.timedelta(minutes=61))
        sweep(as_of=now + dt.timedelta(minutes=62))
    assert later["escalations"] == 2
    assert sorted(m.to[0] for m in mailoutbox) == [world.lead.email, world.lead.email]
    assert all("Escalation" in m.subject for m in mailoutbox)
    assert Escalation.objects.filter(issue=issue).count() == 4


def test_an_unassigned_breach_goes_to_the_lead_once_and_an_answered_one_stops(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    issue = _overdue_p1(world, hours=2)  # response breached; resolution (4 h) not yet
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(as_of=now)
    assert [m.to[0] for m in mailoutbox] == [world.lead.email]
    tracker_services.comment_add(actor=world.consultant, issue=issue, body="Looking at it")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(as_of=now + dt.timedelta(minutes=90))
    assert mailoutbox == []  # the lead already had level 1, and the issue has its response now


def test_breaches_of_old_history_are_not_escalated(world, mailoutbox, django_capture_on_commit_callbacks):
    _overdue_p1(world, hours=24 * 30, assignee=world.consultant)  # back-filled: breached weeks ago
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert result["response_breaches"] == 1 and result["escalations"] == 0
    assert mailoutbox == []


def test_breach_mails_speak_the_recipients_language(world, mailoutbox, django_capture_on_commit_callbacks):
    _speaks(world.consultant, "ko")
    _overdue_p1(world, hours=2, assignee=world.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    (mail,) = mailoutbox
    assert "담당자" in mail.body and "상태" in mail.body
    assert '<html lang="ko">' in _html(mail)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_escalating_at_once_send_each_step_once(world):
    issue = _overdue_p1(world, assignee=world.consultant)
    tracker_services.sweep_breaches()
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.escalations_run(as_of=timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 2
    assert Escalation.objects.filter(issue=issue, level=1).count() == 2
    assert Notification.objects.filter(kind="sla_breach").count() == 2


# ---------------------------------------------------------------------------------------------------------------
# Hypercare digest


def _seoul(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))


def test_the_digest_goes_once_per_local_day_at_the_configured_hour(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.GOLIVE_DIGEST_HOUR = 9
    into_hypercare(world, days_ago=3)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).date()
    tomorrow = today + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        early = services.digests_run(as_of=_seoul(tomorrow.year, tomorrow.month, tomorrow.day, 8, 59))
        due = services.digests_run(as_of=_seoul(tomorrow.year, tomorrow.month, tomorrow.day, 9, 0))
        again = services.digests_run(as_of=_seoul(tomorrow.year, tomorrow.month, tomorrow.day, 17, 0))
    assert (early, due, again) == (0, 1, 0)
    assert sorted(m.to[0].split("@")[0] for m in mailoutbox) == ["consultant", "customer_lead", "lead", "support"]
    assert DigestRun.objects.get().day == tomorrow
    nextday = tomorrow + dt.timedelta(days=1)
    assert services.digests_run(as_of=_seoul(nextday.year, nextday.month, nextday.day, 9, 30)) == 1


def test_the_digest_content_in_english_and_korean(world, mailoutbox, django_capture_on_commit_callbacks):
    _speaks(world.customer_lead, "ko")
    into_hypercare(world, days_ago=3)
    tz = zoneinfo.ZoneInfo("Asia/Seoul")
    yesterday = (timezone.now() - dt.timedelta(days=1)).astimezone(tz).replace(hour=9, minute=0)
    tracker_services.issue_create(
        actor=world.lead, project=world.project, title="Invoice totals wrong", severity="P2", reported_at=yesterday
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.digests_run(as_of=timezone.now().astimezone(tz).replace(hour=10))
    mails = _by_recipient(mailoutbox)
    english = mails["lead"]
    assert english.subject.startswith("[ACME] Hypercare digest for ")
    assert "Invoice totals wrong" in english.body
    assert "New issues on" in english.body and ": 1" in english.body
    assert "Open issues by severity: P1 0, P2 1, P3 0, P4 0" in english.body
    assert "Days since the last P1 or P2: 1" in english.body
    assert "Exit criteria: not met yet" in english.body
    assert "No open P1 or P2 issue" in english.body
    assert "Invoice totals wrong" in _html(english)
    korean = mails["customer_lead"]
    assert "종료 기준" in korean.body and "Invoice totals wrong" in korean.body
    assert '<html lang="ko">' in _html(korean)


def test_no_digest_before_go_live_or_after_exit(world, mailoutbox):
    assert services.digests_run(as_of=timezone.now()) == 0
    from golive.hypercare import services as hypercare_services

    into_hypercare(world, days_ago=3)
    hypercare_services.hypercare_exit(actor=world.lead, project=world.project, override_reason="agreed")
    assert services.digests_run(as_of=timezone.now() + dt.timedelta(days=1)) == 0


# ---------------------------------------------------------------------------------------------------------------
# Reminders


def test_training_reminder_once_to_invited_members_and_the_trainer(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from golive.training import services as training_services

    session = training_services.session_create(
        actor=world.lead,
        project=world.project,
        kind="end_user",
        title="Order entry",
        starts_at=timezone.now() + dt.timedelta(hours=5),
        trainer=world.consultant,
        location="Room 4",
    )
    training_services.attendance_record(actor=world.lead, session=session, attendee="customer_member", status="invited")
    training_services.attendance_record(actor=world.lead, session=session, attendee="customer_lead", status="absent")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_run(as_of=timezone.now()) == 1
        assert services.reminders_run(as_of=timezone.now()) == 0
    assert sorted(m.to[0].split("@")[0] for m in mailoutbox) == ["consultant", "customer_member"]
    assert "Order entry" in mailoutbox[0].subject and "Room 4" in mailoutbox[0].body


def test_no_reminder_for_a_session_days_away(world, mailoutbox):
    from golive.training import services as training_services

    training_services.session_create(
        actor=world.lead,
        project=world.project,
        kind="end_user",
        title="Later",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    with transaction.atomic():
        assert services.reminders_run(as_of=timezone.now()) == 0


def test_uat_reminder_once_a_day_to_testers_with_scenarios_left(
    world, advance_to, mailoutbox, django_capture_on_commit_callbacks
):
    from golive.uat import services as uat_services

    advance_to(world.project, "uat", actor=world.lead)
    for ref in ("UAT-1", "UAT-2", "UAT-3"):
        uat_services.scenario_create(actor=world.lead, project=world.project, ref=ref, title=f"Scenario {ref}")
    cycle = uat_services.cycle_create(actor=world.lead, project=world.project)
    uat_services.assignments_set(
        actor=world.lead,
        cycle=cycle,
        assignments=[
            {"scenario": "UAT-1", "tester": "customer_member"},
            {"scenario": "UAT-2", "tester": "customer_member"},
            {"scenario": "UAT-3", "tester": "customer_lead"},
        ],
    )
    uat_services.run_record(
        actor=world.customer_lead, project=world.project, scenario="UAT-3", status="passed", cycle=cycle.number
    )
    tomorrow = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Seoul")) + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_run(as_of=tomorrow.replace(hour=7)) == 0  # before the digest hour
        assert services.reminders_run(as_of=tomorrow.replace(hour=9)) == 1
        assert services.reminders_run(as_of=tomorrow.replace(hour=15)) == 0
    (mail,) = mailoutbox
    assert mail.to == [world.customer_member.email]
    assert "2 scenarios still to run" in mail.subject
    assert "UAT-1: Scenario UAT-1" in mail.body and "UAT-3" not in mail.body
