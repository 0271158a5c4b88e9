"""The demo data set: a vendor, two customers, a user in every role and four projects at different phases.

Loaded through the real services, so the demo obeys every rule the product does. Idempotent: a database
that already holds the demo vendor is left alone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from golive.accounts import services as account_services
from golive.accounts.models import Membership, Organization, Role, User
from golive.cutover import demo as cutover_demo
from golive.cutover import services as cutover_services
from golive.debrief import demo as debrief_demo
from golive.engagement import services as engagement_services
from golive.engagement.models import Requirement
from golive.hypercare import services as hypercare_services
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Phase, Project
from golive.tracker import services as tracker_services
from golive.uat import demo as uat_demo

DEMO_PASSWORD = "golive-demo"
VENDOR_SLUG = "northwind"

# username, first name, last name, organization slug, is_admin, language
USERS = [
    ("admin", "Ada", "Admin", VENDOR_SLUG, True, "en"),
    ("lead", "Minji", "Kim", VENDOR_SLUG, False, "ko"),
    ("consultant", "Sam", "Park", VENDOR_SLUG, False, "en"),
    ("support", "Jordan", "Lee", VENDOR_SLUG, False, "en"),
    ("hanbit.lead", "서연", "이", "hanbit", False, "ko"),
    ("hanbit.tester", "도윤", "최", "hanbit", False, "ko"),
    ("bluepeak.lead", "Riley", "Stone", "bluepeak", False, "en"),
]

# Who does what in the demo, printed by `golive serve` and `golive demo`.
LOGINS = [
    ("admin", "vendor administrator"),
    ("lead", "consultant lead on every project"),
    ("consultant", "consultant"),
    ("support", "support (BAU)"),
    ("hanbit.lead", "customer lead, Hanbit Pharma"),
    ("hanbit.tester", "customer member, Hanbit Pharma"),
    ("bluepeak.lead", "customer lead, Blue Peak Retail"),
]


def is_loaded() -> bool:
    return Organization.objects.filter(slug=VENDOR_SLUG).exists()


def _at(project: Project, day: dt.date | None, hour: int = 9) -> dt.datetime:
    day = day or timezone.now().date()
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(project.timezone))


def _advance_to(project: Project, lead: User, target: str) -> Project:
    """Walk the project to ``target`` by overrides dated at each phase's planned start (history back-fill)."""
    while project.current_phase and project.current_phase.key != target:
        following = Phase.objects.filter(project=project, order__gt=project.current_phase.order).order_by("order")
        next_start = following.first().planned_start if following.exists() else None
        at = min(_at(project, next_start), timezone.now()) if next_start else timezone.now()
        project = lifecycle_services.phase_advance(
            actor=lead,
            project=project,
            comment="Demo history",
            override_reason="Demo data: history back-filled without the later apps' evidence.",
            at=at,
        )
    return project


# Day after go-live, hour (local), severity, category, title, how it ended: None (open), "resolved", "closed"
SPIKE = [
    (0, 8, "P1", "access", "Sales reps cannot log in with SSO", "closed"),
    (0, 9, "P2", "training_gap", "영업 기회 단계를 변경하는 방법을 모르겠습니다", "closed"),
    (0, 10, "P3", "configuration", "Opportunity page layout misses the territory field", "closed"),
    (0, 11, "P2", "data", "Migrated accounts lost their owner", "resolved"),
    (0, 14, "P3", "training_gap", "Where is the old 'weekly pipeline' report?", "closed"),
    (0, 15, "P3", "bug", "Quote PDF shows the wrong currency symbol", "resolved"),
    (0, 16, "P4", "configuration", "Typo in the case status picklist", "closed"),
    (1, 9, "P2", "integration", "ERP order sync fails for orders over 100 lines", "resolved"),
    (1, 10, "P3", "training_gap", "대시보드 필터를 저장할 수 없어요", "closed"),
    (1, 13, "P3", "access", "New hires missing the 'Field sales' permission set", "closed"),
    (1, 16, "P3", "bug", "Email-to-case drops attachments over 5 MB", None),
    (2, 10, "P3", "training_gap", "How do I log a call from mobile?", "closed"),
    (2, 14, "P4", "enhancement", "Add a 'last visit' column to the account list", None),
    (2, 15, "P3", "data", "Duplicate contacts after the import", "resolved"),
    (3, 11, "P3", "training_gap", "리포트 구독 설정 방법 문의", "closed"),
    (3, 15, "P4", "configuration", "Dashboard colours do not match the brand guide", None),
    (4, 10, "P3", "bug", "Calendar sync shifts events by one hour for Busan users", None),
]


def _go_live_spike(project: Project, users: dict, go_live: dt.date, *, busy: bool) -> None:
    """The issues of a go-live: a spike that decays, a few training gaps, most answered and resolved."""
    now = timezone.now()
    reporters = (
        [users["hanbit.tester"], users["hanbit.lead"]]
        if project.customer.slug == "hanbit"
        else [users["bluepeak.lead"]]
    )
    on_project = Membership.objects.filter(project=project, user=users["support"]).exists()
    staff = users["support"] if on_project else users["lead"]
    for index, (day, hour, severity, category, title, outcome) in enumerate(SPIKE if busy else SPIKE[:5]):
        reported = _at(project, go_live + dt.timedelta(days=day), hour)
        if reported >= now:
            continue
        issue = tracker_services.issue_create(
            actor=users["lead"],
            project=project,
            title=title,
            severity=severity,
            category=category,
            kind="incident",
            reported_at=reported,
            assignee=staff,
            description="Reported by phone; written down by the consultant.",
        )
        responded = min(reported + dt.timedelta(minutes=20 + 7 * index), now)
        tracker_services.issue_triage(actor=staff, issue=issue, at=responded)
        if outcome is None:
            continue
        resolved = min(reported + dt.timedelta(hours=2 + index % 5), now)
        tracker_services.issue_resolve(actor=staff, issue=issue, at=resolved, note="Fixed in the sandbox and moved.")
        if outcome == "closed":
            tracker_services.issue_close(
                actor=reporters[index % len(reporters)], issue=issue, at=min(resolved + dt.timedelta(hours=1), now)
            )


REQUIREMENTS = [
    # ref, title, priority, scope, gap
    ("R-01", "Customer 360 view with purchase history", "must", "built", ""),
    ("R-02", "Loyalty tiers (Silver, Gold, VIP) computed nightly", "must", "built", ""),
    ("R-03", "Point accrual from POS transactions", "must", "in_progress", "POS feed arrives hourly, not live"),
    ("R-04", "멤버십 등급 안내 이메일 템플릿 (tier e-mails in Korean and English)", "should", "built", ""),
    ("R-05", "Campaign approval workflow for marketing", "should", "in_progress", ""),
    ("R-06", "Store manager dashboard", "should", "not_started", ""),
    ("R-07", "Legacy fax order intake", "wont", "deferred", ""),
    ("R-08", "Data migration of 5 years of members", "must", "built", "Only 3 years of history in the sample data"),
]


def _kickoff(project: Project, users: dict, kickoff_day: dt.date, *, early: bool) -> None:
    """The kickoff meeting and the initial requirements register."""
    customer_lead = users["hanbit.lead"] if project.customer.slug == "hanbit" else users["bluepeak.lead"]
    engagement_services.meeting_create(
        actor=users["lead"],
        project=project,
        kind="kickoff",
        title="Kickoff meeting",
        starts_at=_at(project, kickoff_day, hour=10),
        duration_minutes=120,
        attendees=[users["lead"], customer_lead],
        agenda="Stakeholders and roles, timeline baseline, first requests.",
        notes="Scope and timeline agreed. Requests captured in the register.",
    )
    for ref, title, priority, scope, gap in REQUIREMENTS if early else REQUIREMENTS[:4]:
        engagement_services.requirement_create(
            actor=users["lead"],
            project=project,
            ref=ref,
            title=title,
            priority=priority,
            scope=scope if early else "built",
            gap=gap if early else "",
            source="kickoff",
        )


def _alpha_review(project: Project, users: dict) -> None:
    """An alpha demo held yesterday with its feedback half triaged, and two decisions (one flagged)."""
    lead, customer_lead = users["lead"], users["bluepeak.lead"]
    yesterday = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(project.timezone)).date() - dt.timedelta(days=1)
    meeting = engagement_services.meeting_create(
        actor=lead,
        project=project,
        kind="review",
        title="Alpha review: live demo in the sandbox",
        starts_at=_at(project, yesterday, hour=10),
        duration_minutes=90,
        attendees=[lead, customer_lead],
        guests=["marketing.director@bluepeak.example"],
        agenda="Built vs in-progress scope shared beforehand; gap list reviewed first.",
    )
    items = [
        ("Show points balance on the customer 360 header", "small", "R-01", "done"),
        ("Tier names should follow the new brand guide", "small", "R-02", "accepted"),
        ("Marketing wants a two-step approval with legal", "large", "R-05", None),
        ("Add birthday bonus points", "small", None, None),
    ]
    requirements = {r.ref: r for r in Requirement.objects.filter(project=project)}
    for text, size, ref, status in items:
        feedback = engagement_services.feedback_create(
            actor=lead, project=project, meeting=meeting, text=text, size=size, requirement=requirements.get(ref)
        )
        if status:
            engagement_services.feedback_set_status(actor=lead, feedback=feedback, status=status)
    engagement_services.decision_record(
        actor=lead,
        project=project,
        title="Fax orders stay out of scope",
        excluded_scope=True,
        decision="Legacy fax intake is not rebuilt; stores move to the web form.",
        decided_at=_at(project, yesterday, hour=12),
        stakeholders_present=[lead, customer_lead],
    )
    engagement_services.decision_record(
        actor=lead,
        project=project,
        title="POS feed stays hourly for go-live",
        decision="Real-time accrual moves to phase 2.",
        decided_at=_at(project, yesterday, hour=16),
        stakeholders_present=[lead],
    )


@transaction.atomic
def load(*, stdout=None) -> bool:
    """Load the demo data set; returns False when it was already there."""
    if is_loaded():
        return False
    today = timezone.now().date()
    vendor = account_services.organization_create(
        actor=None, slug=VENDOR_SLUG, name="Northwind Cloud", kind=Organization.Kind.VENDOR, timezone="Asia/Seoul"
    )
    hanbit = account_services.organization_create(
        actor=None,
        slug="hanbit",
        name="한빛제약 (Hanbit Pharma)",
        kind=Organization.Kind.CUSTOMER,
        timezone="Asia/Seoul",
    )
    bluepeak = account_services.organization_create(
        actor=None,
        slug="bluepeak",
        name="Blue Peak Retail",
        kind=Organization.Kind.CUSTOMER,
        timezone="America/Los_Angeles",
    )
    orgs = {o.slug: o for o in (vendor, hanbit, bluepeak)}
    users = {}
    for username, first, last, org, is_admin, language in USERS:
        users[username] = account_services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.golive.invalid",
            organization=orgs[org],
            is_admin=is_admin,
            first_name=first,
            last_name=last,
            language=language,
        )
    lead = users["lead"]

    plans = [
        # key, name, customer, planned go-live, phase to reach, members
        (
            "HANBIT1",
            "한빛제약 CRM 구축 (Hanbit CRM rollout)",
            hanbit,
            today + dt.timedelta(days=20),
            "uat",
            [
                ("consultant", Role.CONSULTANT),
                ("hanbit.lead", Role.CUSTOMER_LEAD),
                ("hanbit.tester", Role.CUSTOMER_MEMBER),
            ],
        ),
        (
            "BLUE1",
            "Blue Peak service desk",
            bluepeak,
            today + dt.timedelta(days=4),
            "deployment",
            [("consultant", Role.CONSULTANT), ("bluepeak.lead", Role.CUSTOMER_LEAD)],
        ),
        (
            "HANBIT2",
            "한빛제약 영업 포털 (Sales portal)",
            hanbit,
            today - dt.timedelta(days=5),
            "hypercare",
            [("support", Role.SUPPORT), ("hanbit.lead", Role.CUSTOMER_LEAD), ("hanbit.tester", Role.CUSTOMER_MEMBER)],
        ),
        (
            "BLUE2",
            "Blue Peak loyalty programme",
            bluepeak,
            today + dt.timedelta(days=75),
            "alpha_review",
            [("consultant", Role.CONSULTANT), ("bluepeak.lead", Role.CUSTOMER_LEAD)],
        ),
        (
            "BLUE0",
            "Blue Peak onboarding pilot",
            bluepeak,
            today - dt.timedelta(days=120),
            None,
            [("support", Role.SUPPORT), ("bluepeak.lead", Role.CUSTOMER_LEAD)],
        ),
    ]
    for key, name, customer, go_live, target, members in plans:
        kickoff_day = go_live - dt.timedelta(days=90)
        project = lifecycle_services.project_create(
            actor=lead,
            key=key,
            name=name,
            customer=customer,
            planned_go_live=go_live,
            at=dt.datetime.combine(kickoff_day, dt.time(9), tzinfo=zoneinfo.ZoneInfo(customer.timezone)),
        )
        for username, role in members:
            account_services.membership_add(actor=lead, project=project, user=users[username], role=role)
        _kickoff(project, users, kickoff_day, early=target == "alpha_review")
        if target == "alpha_review":
            project = _advance_to(project, lead, "alpha_review")
            _alpha_review(project, users)
            continue
        if target in ("hypercare", None):
            project = _advance_to(project, lead, "deployment")
            cutover_services.golive_record(
                actor=lead,
                project=project,
                at=_at(project, go_live, hour=8),
                override_reason="Demo data: go/no-go held outside GoLive.",
            )
            project.refresh_from_db()
            _go_live_spike(project, users, go_live, busy=target is not None)
        if target is None:  # the closed project ran its whole course
            hypercare_services.hypercare_exit(
                actor=lead,
                project=project,
                override_reason="Demo data: closed project.",
                at=_at(project, go_live + dt.timedelta(days=project.hypercare_days), hour=17),
            )
            project.refresh_from_db()
            debrief_demo.seed_closed_project(
                project, users, at=_at(project, go_live + dt.timedelta(days=project.hypercare_days + 6), hour=16)
            )
            lifecycle_services.phase_advance(
                actor=lead,
                project=project,
                comment="Debrief held",
                override_reason="Demo data: closed project.",
                at=_at(project, go_live + dt.timedelta(days=project.hypercare_days + 7), hour=17),
            )
        elif target != "hypercare":
            project = _advance_to(project, lead, target)
            if target == "deployment":
                cutover_demo.seed_deployment(project, users)
            if target == "uat":
                uat_demo.load(project, users)
    if stdout is not None:
        stdout.write("Demo data loaded.\n")
    return True
