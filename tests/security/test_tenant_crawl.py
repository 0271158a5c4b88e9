"""No tenant leak through any route: every URL of ``golive.urls`` is crawled as users of another customer.

Tenant A is the demo data set (five projects of two customers, loaded through the real services) plus one object
of every kind a URL names (attachment, UAT evidence, training material, webhook delivery, calendar feed,
sign-off, ...), each carrying the marker ``ZZTENANTA`` in its title, text, file name, file content or e-mail.
Tenant B is customer Zeta with project ZETA1: its customer lead (crawled with a session and with the API token),
its consultant lead (a vendor user on ZETA1 only), and ``outsider``, a vendor user on no project.

Every route pattern is found by walking the URL resolver (only Django's admin is left out: it has its own test
at the end). Its path parameters are filled from ``PATH_OBJECTS`` (the path segment before a parameter names the
object it takes); a route the table cannot fill fails ``test_every_route_is_filled_or_classified``. The crawl:

- asks every route filled with tenant A's objects, with GET and with every write method: 404 (405 for a method
  the route does not serve), the answer for a project that does not exist;
- asks every route of B's own project with one of A's objects in it (A's webhook under ZETA1, ...), as B's
  members: the same status as for an id that does not exist, so nothing reveals that A's object is there;
- asks B's own project pages and the routes outside any project (portfolio, today, lists, feeds, schema), also
  with query strings that try to widen the scope (``?q=``, ``?project=``, ``?customer=``, ``?format=``,
  ``?page_size=1000``): no answer (body or file name) names anything of tenant A;
- checks that the refused writes changed nothing: every row of every GoLive table is the same afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from golive import demo
from golive.accounts import services as account_services
from golive.accounts.models import Organization, Role, User
from golive.calendars import services as calendar_services
from golive.cutover import services as cutover_services
from golive.cutover.models import RunbookStep
from golive.debrief.models import PublishedReport, RetroAction, RetroItem
from golive.engagement import services as engagement_services
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Project
from golive.notify import services as notify_services
from golive.tracker import services as tracker_services
from golive.training import services as training_services
from golive.uat import services as uat_services
from golive.uat.models import Cycle, Run, Scenario
from tests.factories import PASSWORD

# Marked for the test database set-up; the crawl itself builds its data once for the module (fixture ``crawl``).
pytestmark = pytest.mark.django_db

MARK = "ZZTENANTA"
MISSING_ID = "987654321"

# Which object a path parameter takes, by (the path segment before it, its name). Per-project values (an issue
# number, a ref) are looked up inside the project of the URL; ids are global, so they are also tried inside
# tenant B's own project.
PATH_OBJECTS = {
    ("projects", "key"): "project",
    ("issues", "number"): "issue",
    ("attachments", "attachment_id"): "attachment",
    ("requirements", "ref"): "requirement",
    ("meetings", "meeting_id"): "meeting",
    ("feedback", "feedback_id"): "feedback",
    ("phases", "phase"): "phase",
    ("steps", "ref"): "step",
    ("{ref}", "action"): "step_action",
    ("test-reports", "report_id"): "test_report",
    ("tests", "report_id"): "test_report",
    ("scenarios", "ref"): "scenario",
    ("cycles", "number"): "cycle",
    ("runs", "run_id"): "run",
    ("evidence", "evidence_id"): "evidence",
    ("signoff", "signoff_id"): "signoff",
    ("sessions", "session_id"): "training_session",
    ("training", "session_id"): "training_session",
    ("materials", "material_id"): "material",
    ("webhooks", "webhook_id"): "webhook",
    ("deliveries", "delivery_id"): "delivery",
    ("items", "item_id"): "retro_item",
    ("actions", "action_id"): "retro_action",
    ("published", "number"): "published_report",
    ("calendar-feeds", "feed_id"): "feed",
    ("calendar", "token"): "feed_token",
}
# Objects named by a global id (tried inside B's own project too); the others are per-project values.
GLOBAL_IDS = {
    "attachment",
    "meeting",
    "feedback",
    "test_report",
    "run",
    "evidence",
    "signoff",
    "training_session",
    "material",
    "webhook",
    "delivery",
    "retro_item",
    "retro_action",
    "feed",
}

# Routes without path parameters: not object-scoped, each answers the caller about the caller's own world.
# ``writes``: the crawl also POSTs to it (as tenant B's customer, with a body naming tenant A's objects).
UNSCOPED = {
    "healthz": "public health check",
    "api-schema": "public OpenAPI document",
    "api-docs": "public API docs page",
    "set_language": "language switch of the session (Django i18n)",
    "web:login": "login page",
    "web:logout": "logs the caller out",
    "api-token": "exchanges the caller's own password for their token",
    "api-token-rotate": "replaces the caller's own token",
    "api-me": "the caller",
    "api-organizations": "organizations the caller may see",
    "api-users": "users the caller may see",
    "api-templates": "lifecycle templates (vendor-wide, no tenant data)",
    "api-portfolio": "projects the caller may see",
    "api-portfolio-calendar": "go-live calendar of the caller's projects",
    "api-portfolio-figures": "figures of the caller's projects",
    "api-me-today": "what needs the caller today",
    "api-projects": "projects the caller may see",
    "api-calendar-feeds": "the caller's own calendar feeds",
    "api-notification-preferences": "the caller's own e-mail preferences",
    "web:portfolio": "portfolio of the caller's projects",
    "web:today": "what needs the caller today",
    "web:portfolio-figures": "figures of the caller's projects",
    "web:notification-preferences": "the caller's own e-mail preferences",
}
UNSCOPED_WRITES = {"api-organizations", "api-users", "api-projects"}

# Vendor staff see every organization and every user by design (accounts.selectors): the vendor's directory is
# not tenant data. These routes may name tenant A's people and customer to the outsider (a vendor user) only.
VENDOR_DIRECTORY = {"api-organizations", "api-users"}

# Answers that do not depend on the caller nor on the query: fetched once per caller, without wider queries.
STATIC_DOCUMENTS = {"api-schema", "api-docs", "healthz"}

# Formats a route may be asked for when its view reads ``format``.
# PDF is left out: its text is compressed (so not searchable here), it is slow to render, and it is drawn from the
# same selectors as the Markdown and HTML answers, which are searched.
FORMATS = ("csv", "md", "ics", "json", "html", "xlsx")


@dataclass(frozen=True)
class Route:
    """One URL pattern of the resolver, with its path parameters and the methods the crawl sends to it."""

    template: str
    name: str
    callback: object

    @property
    def params(self) -> list[tuple[str, str]]:
        """``[(segment before, parameter name)]`` in path order."""
        found = []
        for match in re.finditer(r"<(?:\w+:)?(\w+)>", self.template):
            before = self.template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            found.append((re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", before), match.group(1)))
        return found

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")

    @property
    def view(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None) or self.callback

    @property
    def write_methods(self) -> list[str]:
        """Methods the crawl writes with (besides GET)."""
        cls = getattr(self.callback, "cls", None)
        if cls is not None:  # a DRF view: the methods it defines
            return [m for m in ("post", "put", "patch", "delete") if hasattr(cls, m)] or ["post"]
        return ["post"]  # an HTML view answers GET and POST

    @property
    def reads_format(self) -> bool:
        try:
            return "format" in inspect.getsource(self.view)
        except (OSError, TypeError):
            return False

    def url(self, values: dict[str, str]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.template)


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(template=prefix + str(entry.pattern), name=name, callback=entry.callback)


def all_routes() -> list[Route]:
    """Every route of ``golive.urls`` but Django's admin (tested on its own) and static/media files."""
    return [
        r
        for r in _walk(get_resolver())
        if not r.template.startswith(("admin/", "static/", "media/")) and not r.template.startswith("^")
    ]


# -- Coverage: a new route fails here until the crawl can fill and classify it ---------------------------------


def test_every_route_is_filled_or_classified():
    problems = []
    for route in all_routes():
        if not route.name:
            problems.append(f"{route.template}: give the route a name so the crawl can classify it")
            continue
        if not route.params:
            if route.name not in UNSCOPED:
                problems.append(
                    f"{route.name} ({route.template}) has no path parameter: add it to UNSCOPED in "
                    f"tests/security/test_tenant_crawl.py with why it may answer a user of any tenant"
                )
            continue
        for segment, param in route.params:
            if (segment, param) not in PATH_OBJECTS:
                problems.append(
                    f"{route.name} ({route.template}): the crawl cannot fill <{param}> after '{segment}/': add "
                    f"({segment!r}, {param!r}) -> object role to PATH_OBJECTS and build one for tenant A and B "
                    f"in _build_tenant_a/_build_tenant_b"
                )
    names = {r.name for r in all_routes()}
    problems += [f"UNSCOPED names {name}, which is no longer a route" for name in sorted(set(UNSCOPED) - names)]
    used = {pair for r in all_routes() for pair in r.params}
    problems += [f"PATH_OBJECTS has {pair}, which no route uses" for pair in sorted(set(PATH_OBJECTS) - used)]
    assert not problems, "\n".join(problems)


def test_routes_are_many():
    """The resolver walk sees the whole site (a broken walk would crawl nothing and pass)."""
    routes = all_routes()
    assert len(routes) > 150
    assert {"api-issue-attachment", "web:issue-attachment", "calendar-feed", "web:portfolio"} <= {
        r.name for r in routes
    }


# -- The two tenants --------------------------------------------------------------------------------------------


def _upload(name: str, body: bytes = MARK.encode() + b" steps to reproduce", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, body, content_type=content_type)


def _build_tenant_a() -> dict:
    """The demo data set plus one marked object of every kind a URL names; returns ``{role: (key, value)}``."""
    demo.load()
    users = {u.username: u for u in User.objects.all()}
    lead, hanbit_lead = users["lead"], users["hanbit.lead"]
    hanbit1 = Project.objects.get(key="HANBIT1")
    hanbit = hanbit1.customer
    marked_user = account_services.user_create(
        actor=None,
        username="zztenanta.tester",
        password="x-" + MARK,
        email=f"{MARK.lower()}@hanbit.example",
        organization=hanbit,
        first_name=MARK,
        last_name="Tester",
    )
    account_services.membership_add(actor=lead, project=hanbit1, user=marked_user, role=Role.CUSTOMER_MEMBER)
    engagement_services.requirement_create(actor=lead, project=hanbit1, ref="R-ZZ", title=f"{MARK} requirement")
    meeting = engagement_services.meeting_create(
        actor=lead,
        project=hanbit1,
        kind="review",
        title=f"{MARK} review meeting",
        starts_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=60,
        attendees=[lead, hanbit_lead],
        notes=f"{MARK} notes",
    )
    feedback = engagement_services.feedback_create(
        actor=lead, project=hanbit1, meeting=meeting, text=f"{MARK} feedback", size="small"
    )
    issue = tracker_services.issue_create(
        actor=hanbit_lead, project=hanbit1, title=f"{MARK} printer jams", description=f"{MARK} description"
    )
    tracker_services.comment_add(actor=lead, issue=issue, body=f"{MARK} public comment")
    tracker_services.comment_add(actor=lead, issue=issue, body=f"{MARK} internal note", public=False)
    attachment = tracker_services.attachment_add(actor=hanbit_lead, issue=issue, upload=_upload(f"{MARK}-log.txt"))
    session = training_services.session_create(
        actor=lead,
        project=hanbit1,
        kind="end_user",
        title=f"{MARK} training",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    training_services.attendance_record(actor=lead, session=session, attendee=hanbit_lead.username, status="invited")
    material = training_services.material_add(
        actor=lead,
        project=hanbit1,
        business_process=f"{MARK} order to cash",
        title=f"{MARK} handout",
        kind="notes",
        upload=_upload(f"{MARK}-handout.txt"),
    )
    webhook = notify_services.webhook_create(
        actor=lead, project=hanbit1, url=f"https://hooks.example.com/{MARK}", events=["issue.created"]
    )
    delivery = notify_services.webhook_test(actor=lead, webhook=webhook)
    feed = calendar_services.feed_create(actor=hanbit_lead)
    run = Run.objects.filter(scenario__project=hanbit1).order_by("pk").first()
    evidence = uat_services.evidence_add(actor=hanbit_lead, run=run, upload=_upload(f"{MARK}-evidence.txt"))
    signoff = lifecycle_services.signoff_record(
        actor=hanbit_lead, project=hanbit1, phase_key="uat", decision="reject", comment=f"{MARK} not yet"
    )
    blue1 = Project.objects.get(key="BLUE1")
    report = cutover_services.test_report_manual(
        actor=lead, project=blue1, title=f"{MARK} smoke", items=[{"name": f"{MARK} login", "status": "passed"}]
    )
    step = RunbookStep.objects.filter(runbook__project=blue1).order_by("pk").first()
    blue0 = Project.objects.get(key="BLUE0")
    published = PublishedReport.objects.filter(project=blue0).order_by("pk").first()
    return {
        "project": ("HANBIT1", "HANBIT1"),
        "issue": ("HANBIT1", issue.number),
        "attachment": ("HANBIT1", attachment.pk),
        "requirement": ("HANBIT1", "R-ZZ"),
        "meeting": ("HANBIT1", meeting.pk),
        "feedback": ("HANBIT1", feedback.pk),
        "phase": ("HANBIT1", "training"),
        "training_session": ("HANBIT1", session.pk),
        "material": ("HANBIT1", material.pk),
        "webhook": ("HANBIT1", webhook.pk),
        "delivery": ("HANBIT1", delivery.pk),
        "scenario": ("HANBIT1", Scenario.objects.filter(project=hanbit1).order_by("pk").first().ref),
        "cycle": ("HANBIT1", Cycle.objects.filter(project=hanbit1).order_by("number").first().number),
        "run": ("HANBIT1", run.pk),
        "evidence": ("HANBIT1", evidence.pk),
        "signoff": ("HANBIT1", signoff.pk),
        "step": ("BLUE1", step.ref),
        "step_action": ("BLUE1", "start"),
        "test_report": ("BLUE1", report.pk),
        "retro_item": ("BLUE0", RetroItem.objects.filter(project=blue0).order_by("pk").first().pk),
        "retro_action": ("BLUE0", RetroAction.objects.filter(project=blue0).order_by("pk").first().pk),
        "published_report": ("BLUE0", published.number),
        "feed": (None, feed.pk),
        "feed_token": (None, feed.token),
    }


def _markers() -> list[str]:
    """Strings that only tenant A's data contains."""
    found = [MARK, MARK.lower(), "demo.golive.invalid", "Hanbit Pharma", "Blue Peak", "hanbit.lead", "bluepeak.lead"]
    found += list(Project.objects.exclude(key="ZETA1").values_list("key", flat=True))
    found += list(Project.objects.exclude(key="ZETA1").values_list("name", flat=True))
    found += ["Customer 360 view", "Sales reps cannot log in with SSO", "Regression suite"]
    found += ["Fax orders stay out of scope", "Record the SSO fix in the runbook template"]
    return found


def _build_tenant_b() -> dict:
    """Customer Zeta Foods with project ZETA1: its customer lead, and one object of every kind a URL names."""
    vendor = Organization.objects.get(slug=demo.VENDOR_SLUG)
    zeta = account_services.organization_create(
        actor=None, slug="zeta", name="Zeta Foods", kind=Organization.Kind.CUSTOMER, timezone="Europe/Berlin"
    )
    zeta_vendor = account_services.user_create(
        actor=None, username="zeta.consultant", password=PASSWORD, email="zc@zeta-vendor.example", organization=vendor
    )
    customer = account_services.user_create(
        actor=None, username="zeta.lead", password=PASSWORD, email="lead@zeta.example", organization=zeta, language="en"
    )
    outsider = account_services.user_create(
        actor=None, username="zeta.outsider", password=PASSWORD, email="out@zeta-vendor.example", organization=vendor
    )
    project = lifecycle_services.project_create(
        actor=zeta_vendor,
        key="ZETA1",
        name="Zeta ordering portal",
        customer=zeta,
        planned_go_live=timezone.now().date() + dt.timedelta(days=60),
    )
    account_services.membership_add(actor=zeta_vendor, project=project, user=customer, role=Role.CUSTOMER_LEAD)
    assert project.memberships.filter(user=zeta_vendor, role=Role.CONSULTANT_LEAD).exists()
    issue = tracker_services.issue_create(actor=customer, project=project, title="Zeta checkout is slow")
    attachment = tracker_services.attachment_add(actor=customer, issue=issue, upload=_upload("zeta.txt", b"zeta"))
    engagement_services.requirement_create(actor=zeta_vendor, project=project, ref="R-01", title="Zeta order form")
    meeting = engagement_services.meeting_create(
        actor=zeta_vendor,
        project=project,
        kind="kickoff",
        title="Zeta kickoff",
        starts_at=timezone.now() - dt.timedelta(days=2),
        duration_minutes=60,
        attendees=[zeta_vendor, customer],
    )
    feedback = engagement_services.feedback_create(
        actor=zeta_vendor, project=project, meeting=meeting, text="Zeta wants a bigger logo", size="small"
    )
    uat_services.scenario_create(actor=zeta_vendor, project=project, ref="UAT-01", title="Zeta order")
    uat_services.cycle_create(actor=zeta_vendor, project=project, name="Zeta round 1")
    run = uat_services.run_record(actor=customer, project=project, scenario="UAT-01", status="passed")
    evidence = uat_services.evidence_add(actor=customer, run=run, upload=_upload("zeta-evidence.txt", b"zeta"))
    session = training_services.session_create(
        actor=zeta_vendor, project=project, kind="end_user", title="Zeta training", starts_at=timezone.now()
    )
    material = training_services.material_add(
        actor=zeta_vendor,
        project=project,
        business_process="ordering",
        title="Zeta guide",
        kind="notes",
        url="https://zeta.example/guide",
    )
    webhook = notify_services.webhook_create(
        actor=zeta_vendor, project=project, url="https://hooks.zeta.example/in", events=["issue.created"]
    )
    delivery = notify_services.webhook_test(actor=zeta_vendor, webhook=webhook)
    cutover_services.step_create(actor=zeta_vendor, project=project, ref="S1", title="Zeta backup")
    report = cutover_services.test_report_manual(
        actor=zeta_vendor, project=project, title="Zeta smoke", items=[{"name": "Login", "status": "passed"}]
    )
    feed = calendar_services.feed_create(actor=customer)
    token = account_services.token_get_or_create(user=customer)
    objects = {
        "project": "ZETA1",
        "issue": issue.number,
        "attachment": attachment.pk,
        "requirement": "R-01",
        "meeting": meeting.pk,
        "feedback": feedback.pk,
        "phase": "training",
        "training_session": session.pk,
        "material": material.pk,
        "webhook": webhook.pk,
        "delivery": delivery.pk,
        "scenario": "UAT-01",
        "cycle": 1,
        "run": run.pk,
        "evidence": evidence.pk,
        "step": "S1",
        "step_action": "start",
        "test_report": report.pk,
        "feed": feed.pk,
        "feed_token": feed.token,
    }
    return {"objects": objects, "customer": customer, "staff": zeta_vendor, "outsider": outsider, "token": token.key}


# -- The crawl ----------------------------------------------------------------------------------------------------


@dataclass
class CrawlResult:
    """Every answer of the crawl, and what it found wrong (one line per finding)."""

    # (who, route, mode, method, url, status)
    answers: list[tuple[str, str, str, str, str, int]] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    existence: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exempt: list[str] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)  # tenant B's users by role in the crawl

    def outcome_classes(self) -> dict[str, int]:
        """Routes counted by what B's customer lead got on a plain GET: filled with tenant A's objects, or (routes
        without a path parameter) unscoped."""
        first = {}
        for who, name, mode, method, url, status in self.answers:
            if who == "customer" and method == "GET" and mode in ("A", "own") and "?" not in url:
                first.setdefault(name, f"{'tenant A object' if mode == 'A' else 'unscoped'} -> {status}")
        classes = {}
        for outcome in first.values():
            classes[outcome] = classes.get(outcome, 0) + 1
        return dict(sorted(classes.items()))


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # the test client closes the response at the end
    return response.content


def db_digest() -> dict[str, str]:
    """A digest of every row of every GoLive table (and API tokens): refused writes must leave each unchanged."""
    digest = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if not (model.__module__.startswith("golive.") or model._meta.label == "authtoken.Token"):
            continue
        if model._meta.db_table not in tables:  # a model whose migration is still being written
            continue
        rows = list(model.objects.order_by("pk").values_list())
        digest[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digest


class Crawler:
    """Sends every request of the crawl and records what it finds."""

    def __init__(self, a: dict, b: dict, markers: list[str]):
        self.a, self.b, self.markers = a, b, markers
        self.result = CrawlResult()
        self.clients = {"token": Client(HTTP_AUTHORIZATION=f"Token {b['token']}")}
        for who in ("customer", "staff", "outsider"):
            self.clients[who] = Client()
            self.clients[who].force_login(b[who])

    def who(self, route: Route, *, members: bool = False) -> list[str]:
        """B's customer lead (session, and token on the API) and the outsider. ``members``: B's own project is
        crawled, by its members only (the outsider's 404 there is that of tenant A's), with B's consultant lead,
        whose role passes the permission checks that stop a customer before any object is looked up."""
        token = ["token"] if route.is_api or route.name == "calendar-feed" else []
        return ["customer", "staff", *token] if members else ["customer", "outsider", *token]

    @staticmethod
    def methods(route: Route, who: str) -> list[str]:
        """GET and the route's write methods; with the token (the customer lead's own) reads only, as its writes
        take the same path as the customer's session after authentication."""
        return ["get"] if who == "token" else ["get", *route.write_methods]

    def send(self, who, route, mode, method, url, query=None, body=None):
        client = self.clients[who]
        if method == "get":
            response = client.get(url, query or {})
        elif route.is_api:
            response = getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")
        else:
            response = client.post(url, body or {})
        content = _body(response) + response.headers.get("Content-Disposition", "").encode()
        shown = url + ("?" + "&".join(f"{k}={v}" for k, v in (query or {}).items()) if query else "")
        self.result.answers.append((who, route.name, mode, method.upper(), shown, response.status_code))
        if response.status_code >= 500:
            self.result.errors.append(f"{who} {method.upper()} {shown} ({route.name}): {response.status_code}")
        exempt = who in ("outsider", "staff") and route.name in VENDOR_DIRECTORY
        echoed = shown + json.dumps(body or {})
        found = [m for m in self.markers if m.encode() in content and m not in echoed]
        if found and not exempt:
            self.result.leaks.append(
                f"{who} {method.upper()} {shown} ({route.name}) -> {response.status_code} shows tenant A's {found}"
            )
        return response.status_code

    # Routes filled with tenant A's objects: 404, the answer for a project that does not exist.
    def crawl_tenant_a(self, route: Route):
        roles = {param: PATH_OBJECTS[(segment, param)] for segment, param in route.params}
        keys = {self.a[role][0] for role in roles.values() if self.a[role][0] and role != "project"}
        assert len(keys) <= 1, f"{route.name}: tenant A's objects {sorted(roles.values())} are in several projects"
        values = {param: self.a[role][1] for param, role in roles.items()}
        if "key" in values:
            values["key"] = keys.pop() if keys else self.a["project"][1]
        if route.name == "calendar-feed":
            # A feed URL is a secret capability (calendar programs cannot sign in): whoever holds tenant A's token
            # gets A's feed, by design. B's own feed is crawled by crawl_visible; an unknown token is 404.
            self.result.exempt.append("calendar-feed with tenant A's token: a secret capability URL")
            for who in self.who(route):
                status = self.send(who, route, "missing", "get", route.url({"token": "no-such-token"}))
                if status != 404:
                    self.result.statuses.append(f"{who} GET an unknown calendar feed token -> {status}, not 404")
            return
        for who in self.who(route):
            for method in self.methods(route, who):
                # 404 is the answer for a missing object too, so it reveals nothing; 405 comes before any lookup.
                body = {"title": MARK, "comment": MARK} if method != "get" else None
                got = self.send(who, route, "A", method, route.url(values), body=body)
                if got not in (404, 405):
                    self.result.statuses.append(
                        f"{who} {method.upper()} {route.url(values)} ({route.name}) -> {got}, expected 404"
                    )

    # Tenant B's own project with one of tenant A's objects in the URL: same answer as for a missing object.
    def crawl_crossed(self, route: Route):
        roles = {param: PATH_OBJECTS[(segment, param)] for segment, param in route.params}
        if "key" not in roles:
            return
        own = {p: self.b["objects"].get(r, self.a[r][1]) for p, r in roles.items()}
        for param, role in roles.items():
            if role not in GLOBAL_IDS:
                continue
            crossed, missing = {**own, param: self.a[role][1]}, {**own, param: MISSING_ID}
            for who in self.who(route, members=True):
                for method in self.methods(route, who):
                    body = {"title": MARK, "comment": MARK} if method != "get" else None
                    got = self.send(who, route, "crossed", method, route.url(crossed), body=body)
                    expected = self.send(who, route, "missing", method, route.url(missing), body=body)
                    if got != expected or 200 <= got < 300:
                        self.result.existence.append(
                            f"{who} {method.upper()} {route.url(crossed)} ({route.name}, tenant A's {role}) -> "
                            f"{got}, but {expected} for {route.url(missing)}"
                        )

    def widened(self, route: Route) -> list[dict]:
        """Query strings that try to widen the answer to tenant A. One query names it all at once: a search or a
        filter that is not scoped shows A's marked rows, which are all of that project and customer."""
        a_key, a_slug = self.a["project"][1], "hanbit"
        queries = [
            {"q": MARK, "search": MARK, "project": a_key, "customer": a_slug, "organization": a_slug, "page_size": 1000}
        ]
        if route.reads_format:
            queries += [{"format": f} for f in FORMATS]
        return queries

    # Tenant B's own pages, and routes outside any project: 200 is fine, tenant A's data is not.
    def crawl_visible(self, route: Route, values: dict | None):
        url = route.url(values or {})
        for who in self.who(route, members=values is not None) + (["staff"] if values is None else []):
            status = self.send(who, route, "own", "get", url)
            # The token is the customer lead's, so the session alone tries the wider queries; the outsider, on no
            # project, also tries them on the routes outside any project.
            widen = who == "customer" or (who == "outsider" and not values)
            if status == 200 and widen and route.name not in STATIC_DOCUMENTS:
                for query in self.widened(route):
                    self.send(who, route, "own", "get", url, query=query)

    def crawl_unscoped_writes(self, route: Route):
        body = {
            "organization": "hanbit",
            "customer": "hanbit",
            "key": "ZZLEAK",
            "name": MARK,
            "slug": "zzleak",
            "kind": "customer",
            "username": "zzleak",
            "password": "zzleak-password-1",
            "email": "zz@leak.example",
        }
        for who in ("customer", "token"):
            status = self.send(who, route, "write", "post", route.url({}), body=body)
            if 200 <= status < 300:
                self.result.writes.append(f"{who} POST {route.url({})} ({route.name}) -> {status}: written")

    def crawl(self):
        before = db_digest()
        for route in all_routes():
            if not route.params:
                self.crawl_visible(route, None)
                if route.name in UNSCOPED_WRITES:
                    self.crawl_unscoped_writes(route)
                continue
            self.crawl_tenant_a(route)
            self.crawl_crossed(route)
            roles = {param: PATH_OBJECTS[(segment, param)] for segment, param in route.params}
            if "project" in roles.values() or route.name == "calendar-feed":
                self.crawl_visible(route, {p: self.b["objects"].get(r, self.a[r][1]) for p, r in roles.items()})
        after = db_digest()
        changed = [label for label in before if before[label] != after[label]]
        if changed:
            accepted = [a for a in self.result.answers if a[3] != "GET" and 200 <= a[5] < 400]
            self.result.writes.append(f"the crawl's refused writes changed {changed}; writes answered {accepted}")
        return self.result


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker):
    """Build both tenants once, crawl every route, roll everything back at the end."""
    media = tempfile.mkdtemp(prefix="golive-crawl-")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            AUTH_PASSWORD_VALIDATORS=[],  # the demo's shared password is not what this test is about
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            a = _build_tenant_a()
            b = _build_tenant_b()
            result = Crawler(a, b, _markers()).crawl()
            result.users = {who: b[who] for who in ("customer", "staff", "outsider")}
            yield result
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            shutil.rmtree(media, ignore_errors=True)


def test_no_answer_shows_tenant_a(crawl):
    assert not crawl.leaks, "\n".join(crawl.leaks)


def test_tenant_a_routes_answer_404(crawl):
    assert not crawl.statuses, "\n".join(crawl.statuses)


def test_no_answer_reveals_that_tenant_a_objects_exist(crawl):
    assert not crawl.existence, "\n".join(crawl.existence)


def test_refused_writes_change_nothing(crawl):
    assert not crawl.writes, "\n".join(crawl.writes)


def test_no_server_error(crawl):
    assert not crawl.errors, "\n".join(crawl.errors)


def test_crawl_reached_every_route(crawl):
    crawled = {name for _who, name, *_rest in crawl.answers}
    assert crawled == {r.name for r in all_routes()}
    modes = {}
    for _who, _name, mode, _method, _url, status in crawl.answers:
        modes[f"{mode} {status}"] = modes.get(f"{mode} {status}", 0) + 1
    print(f"\n{len(crawl.answers)} requests over {len(crawled)} routes; routes: {crawl.outcome_classes()}")
    print(f"requests by mode and status: {dict(sorted(modes.items()))}; exempt: {sorted(set(crawl.exempt))}")


# -- Django's admin, left out of the crawl: closed to everyone but vendor administrators ---------------------------


@pytest.mark.parametrize("who", ["customer", "staff", "outsider"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/tracker/issue/", "/admin/accounts/user/", "/admin/audit/"])
def test_admin_sends_everyone_but_administrators_to_its_login(crawl, who, path):
    client = Client()
    client.force_login(crawl.users[who])
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_admin_lists_objects_to_the_vendor_administrator(crawl):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/lifecycle/project/").status_code == 200
