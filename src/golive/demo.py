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
from golive.accounts.models import Organization, Role, User
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Phase, Project

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
        if target is None:  # the closed project ran its whole course
            _advance_to(project, lead, "debrief")
            project.refresh_from_db()
            lifecycle_services.phase_advance(
                actor=lead,
                project=project,
                comment="Debrief held",
                override_reason="Demo data: closed project.",
                at=_at(project, go_live + dt.timedelta(days=21)),
            )
        else:
            _advance_to(project, lead, target)
    if stdout is not None:
        stdout.write("Demo data loaded.\n")
    return True
