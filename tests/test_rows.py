"""The plain-SQL reads and inserts of the hot paths (golive.rows) give what the ORM gives, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import signals
from django.http import Http404
from django.utils import timezone
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token

from golive import rows
from golive.accounts.authentication import TokenAuthentication
from golive.accounts.models import Membership, Organization, Role, User
from golive.accounts.selectors import roles_for
from golive.audit.models import AuditEvent
from golive.lifecycle.models import Project
from golive.lifecycle.selectors import project_get_for_user
from golive.tracker import services as tracker
from golive.tracker.api import IssueOutputSerializer
from golive.tracker.models import Category, Issue, IssueEvent, SlaPolicy
from tests.factories import UserFactory

INTAKE_SELECT = ("current_phase", "sla_policy")


def values(obj) -> dict:
    """Every concrete column of ``obj``, by attribute name."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


# --------------------------------------------------------------------------------------------------------------
# Token authentication


def test_token_loads_the_same_user_organization_and_token_as_the_orm(world, django_assert_num_queries):
    world.customer_member.last_login = timezone.now()
    world.customer_member.save()
    key = Token.objects.create(user=world.customer_member).key
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
        organization = user.organization  # loaded with it: no query of its own
    expected = User.objects.get(pk=world.customer_member.pk)
    assert values(user) == values(expected)
    assert isinstance(user.is_active, bool) and timezone.is_aware(user.last_login)
    assert values(organization) == values(Organization.objects.get(pk=world.acme.pk))
    assert values(token) == values(Token.objects.get(key=key)) and token.user is user
    assert not user._state.adding and user._state.db == "default"


def test_token_of_a_user_without_organization(db, django_assert_num_queries):
    loner = UserFactory(username="loner")
    key = Token.objects.create(user=loner).key
    with django_assert_num_queries(1):
        user, _token = TokenAuthentication().authenticate_credentials(key)
        assert user.organization is None
    assert user.username == "loner"


def test_unknown_and_inactive_tokens_are_refused(world):
    with pytest.raises(exceptions.AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials("0" * 40)
    key = Token.objects.create(user=world.consultant).key
    User.objects.filter(pk=world.consultant.pk).update(is_active=False)
    with pytest.raises(exceptions.AuthenticationFailed, match="inactive"):
        TokenAuthentication().authenticate_credentials(key)


def test_api_answers_401_for_a_bad_token(world, client):
    response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


# --------------------------------------------------------------------------------------------------------------
# A member's project with the relations the intake reads


def _fresh(user):
    return User.objects.select_related("organization").get(pk=user.pk)


# The world's members of ACME and their roles.
MEMBERS = [
    ("lead", Role.CONSULTANT_LEAD),
    ("consultant", Role.CONSULTANT),
    ("support", Role.SUPPORT),
    ("customer_lead", Role.CUSTOMER_LEAD),
    ("customer_member", Role.CUSTOMER_MEMBER),
]


@pytest.mark.parametrize(("name", "role"), MEMBERS)
def test_member_gets_the_project_and_its_relations_in_one_query(world, django_assert_num_queries, name, role):
    tracker.sla_policy_set(actor=world.lead, project=world.project, policy=tracker.policy_for(world.project))
    user = _fresh(getattr(world, name))
    with django_assert_num_queries(1):
        project = project_get_for_user(user, "ACME", select=INTAKE_SELECT)
        phase, policy = project.current_phase, project.sla_policy
        assert roles_for(user, project) == frozenset({role})
    expected = Project.objects.select_related("current_phase").get(key="ACME")
    assert values(project) == values(expected)
    assert values(phase) == values(expected.current_phase)
    assert values(policy) == values(SlaPolicy.objects.get(project=expected))
    assert policy.project is project


def test_project_without_sla_policy_answers_does_not_exist_without_a_query(world, django_assert_num_queries):
    user = _fresh(world.customer_member)
    project = project_get_for_user(user, "ACME", select=INTAKE_SELECT)
    with django_assert_num_queries(0), pytest.raises(SlaPolicy.DoesNotExist):
        project.sla_policy  # noqa: B018
    expected = tracker.policy_for(Project.objects.get(key="ACME"))
    with django_assert_num_queries(0):
        assert tracker.policy_for(project) == expected


def test_project_without_current_phase(world, django_assert_num_queries):
    Project.objects.filter(pk=world.project.pk).update(current_phase=None)
    project = project_get_for_user(_fresh(world.consultant), "ACME", select=INTAKE_SELECT)
    with django_assert_num_queries(0):
        assert project.current_phase is None


@pytest.mark.parametrize("name", ["outsider", "other_customer", "other_lead"])
def test_non_members_and_other_customers_get_404(world, name):
    with pytest.raises(Http404):
        project_get_for_user(_fresh(getattr(world, name)), "ACME", select=INTAKE_SELECT)


def test_customer_user_sees_only_projects_of_their_own_organization(world):
    # A membership row that the services would refuse (a Globex user on Acme's project): tenancy still holds.
    Membership.objects.create(project=world.project, user=world.other_customer, role=Role.CUSTOMER_MEMBER)
    with pytest.raises(Http404):
        project_get_for_user(_fresh(world.other_customer), "ACME", select=INTAKE_SELECT)
    # ... exactly as the ORM path says.
    with pytest.raises(Http404):
        project_get_for_user(_fresh(world.other_customer), "ACME")


def test_member_without_organization_sees_no_project(world):
    loner = UserFactory(username="loner")
    Membership.objects.create(project=world.project, user=loner, role=Role.CONSULTANT)
    with pytest.raises(Http404):
        project_get_for_user(_fresh(loner), "ACME", select=INTAKE_SELECT)
    with pytest.raises(Http404):
        project_get_for_user(_fresh(loner), "ACME")


def test_unknown_key_is_404_and_admin_takes_the_orm_path(world):
    with pytest.raises(Http404):
        project_get_for_user(_fresh(world.lead), "NOPE", select=INTAKE_SELECT)
    project = project_get_for_user(_fresh(world.admin), "GLOBEX", select=INTAKE_SELECT)
    assert project.key == "GLOBEX" and roles_for(world.admin, project) == frozenset({"admin"})


# --------------------------------------------------------------------------------------------------------------
# The project of a project route read with the API token (ProjectScopedView.token_read)


def _read_with_token(user, key: str, token: str | None = None):
    """Authenticate ``user``'s token for the issue list of project ``key``: (user, project or None, or the
    marker of a project left to project_get_for_user)."""
    from golive.api import _UNREAD
    from golive.tracker.api import IssueListView

    token = token or Token.objects.get_or_create(user=user)[0].key
    view = IssueListView()
    authentication = TokenAuthentication()
    authentication.joined = view.token_read({"key": key})
    found, _token = authentication.authenticate_credentials(token)
    return found, view.__dict__.get("_token_project", _UNREAD)


@pytest.mark.parametrize(("name", "role"), MEMBERS)
def test_token_reads_the_project_the_selector_reads(world, django_assert_num_queries, name, role):
    tracker.sla_policy_set(actor=world.lead, project=world.project, policy=tracker.policy_for(world.project))
    token = Token.objects.create(user=getattr(world, name)).key
    with django_assert_num_queries(1):
        user, project = _read_with_token(getattr(world, name), "ACME", token)
        phase, policy = project.current_phase, project.sla_policy
        assert roles_for(user, project) == frozenset({role})
    expected = project_get_for_user(_fresh(getattr(world, name)), "ACME", select=INTAKE_SELECT)
    assert values(project) == values(expected)
    assert values(phase) == values(expected.current_phase)
    assert values(policy) == values(expected.sla_policy) and policy.project is project
    assert values(user) == values(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("name", ["outsider", "other_customer", "other_lead"])
def test_token_reads_no_project_for_non_members_and_other_customers(world, name):
    _user, project = _read_with_token(getattr(world, name), "ACME")
    assert project is None


def test_token_reads_no_project_of_another_customer_despite_a_membership(world):
    # A membership row that the services would refuse (a Globex user on Acme's project): tenancy still holds.
    Membership.objects.create(project=world.project, user=world.other_customer, role=Role.CUSTOMER_MEMBER)
    user, project = _read_with_token(world.other_customer, "ACME")
    assert project is None and not getattr(user, "_golive_roles", {})


def test_token_reads_no_project_for_a_member_without_organization_or_an_unknown_key(world):
    loner = UserFactory(username="loner")
    Membership.objects.create(project=world.project, user=loner, role=Role.CONSULTANT)
    assert _read_with_token(loner, "ACME")[1] is None
    assert _read_with_token(world.lead, "NOPE")[1] is None


def test_token_leaves_an_administrators_project_to_the_selector(world):
    from golive.api import _UNREAD

    assert _read_with_token(world.admin, "GLOBEX")[1] is _UNREAD


@pytest.mark.parametrize(
    ("name", "key", "status"),
    [
        ("customer_member", "ACME", 200),
        ("other_customer", "ACME", 404),
        ("outsider", "ACME", 404),
        ("lead", "NOPE", 404),
        ("admin", "GLOBEX", 200),
    ],
)
def test_api_with_a_token_answers_as_with_a_session(world, client, name, key, status):
    user = getattr(world, name)
    token = Token.objects.create(user=user).key
    path = f"/api/v1/projects/{key}/issues/"
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {token}").status_code == status
    client.force_login(user)
    assert client.get(path).status_code == status


# --------------------------------------------------------------------------------------------------------------
# Inserts


def test_insert_writes_the_row_the_orm_reads_back(world):
    at = timezone.now() - dt.timedelta(hours=2)
    event = AuditEvent(
        at=at,
        actor=world.lead,
        actor_name="lead",
        action="test.inserted",
        object_type="tests.thing",
        object_id="7",
        object_repr="Thing 7 — 한국어",
        project=world.project,
        changes={"nested": {"list": [1, "두", None]}, "quote": 'it\'s "fine"'},
    )
    rows.insert(event)
    assert event.pk is not None and not event._state.adding
    stored = AuditEvent.objects.get(pk=event.pk)
    assert values(stored) == values(event)
    assert stored.at == at and stored.changes["nested"]["list"] == [1, "두", None]


def test_insert_sets_auto_now_fields_and_defaults(world):
    issue = tracker.issue_create(actor=world.customer_member, project=world.project, title="Printer on fire")
    stored = Issue.objects.get(pk=issue.pk)
    assert stored.created_at is not None and stored.created_at == issue.created_at
    assert stored.updated_at == issue.updated_at and stored.status == "new"
    assert values(stored) == values(issue)


def test_insert_falls_back_to_save_for_a_model_with_receivers(world):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.kind, created))

    signals.post_save.connect(receiver, sender=IssueEvent)
    try:
        assert not rows.can_insert(IssueEvent)
        issue = tracker.issue_create(actor=world.customer_member, project=world.project, title="Signals")
    finally:
        signals.post_save.disconnect(receiver, sender=IssueEvent)
    assert seen == [("created", True)]
    assert rows.can_insert(IssueEvent)
    assert IssueEvent.objects.filter(issue=issue, kind="created").count() == 1


def test_insert_uses_save_where_save_is_overridden(world):
    assert not rows.can_insert(User)  # AbstractBaseUser.save: not declared safe
    assert rows.can_insert(AuditEvent)  # its save only refuses updates
    user = User(username="via-save", email="via-save@example.com")
    rows.insert(user)
    assert User.objects.filter(username="via-save").exists()


# --------------------------------------------------------------------------------------------------------------
# The issue's representation


def test_issue_representation_equals_drf_model_serializer(world, settings):
    tracker.sla_policy_set(actor=world.lead, project=world.project, policy=tracker.policy_for(world.project))
    bare = tracker.issue_create(actor=world.customer_member, project=world.project, title="Plain")
    full = tracker.issue_create(
        actor=world.lead,
        project=world.project,
        title="Full <b>bold</b>",
        description="**Steps**\n\n1. one\n2. two",
        category=Category.choices[0][0],
        severity="P1",
        assignee=world.support,
        reported_at=timezone.now() - dt.timedelta(hours=5),
    )
    tracker.issue_triage(actor=world.support, issue=full)
    tracker.issue_resolve(actor=world.support, issue=full)
    tracker.issue_close(actor=world.customer_lead, issue=full)
    for zone in ("UTC", "Asia/Seoul"):
        with timezone.override(zone):
            for issue in Issue.objects.filter(pk__in=[bare.pk, full.pk]).select_related(
                "reporter", "assignee", "phase"
            ):
                serializer = IssueOutputSerializer(issue)
                drf = serializers.ModelSerializer.to_representation(serializer, issue)
                assert serializer.data == drf
                assert list(serializer.data) == list(drf)


# --------------------------------------------------------------------------------------------------------------
# Many ids as one parameter


def test_among_selects_what_the_id_list_selects(world, django_assert_num_queries):
    from django.db import connection

    users = [UserFactory(username=f"among{n}") for n in range(rows.ARRAY_FROM + 2)]
    ids = [user.pk for user in users[1:]]  # the first left out
    wanted = rows.among(ids)
    if connection.vendor == "postgresql":
        assert not isinstance(wanted, list)  # one array parameter
    else:
        assert wanted == ids
    with django_assert_num_queries(1) as queries:
        found = set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == set(ids)
    if connection.vendor == "postgresql":
        assert queries.captured_queries[0]["sql"].count(str(ids[-1])) == 1  # the array, not a placeholder per id
    assert rows.among(ids[:3]) == ids[:3]  # a few ids stay a plain list
    assert set(User.objects.filter(pk__in=rows.among([])).values_list("pk", flat=True)) == set()


def test_among_refuses_what_is_not_an_integer_id(db, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        assert rows.among(["a"] * 3) == ["a"] * 3
        return
    with pytest.raises(TypeError):
        rows.among([str(n) for n in range(rows.ARRAY_FROM)])


# --------------------------------------------------------------------------------------------------------------
# Light instances


def test_light_instances_equal_the_orm_only_instances(world, django_assert_num_queries):
    from golive.lifecycle.models import Phase

    columns = ("id", "key", "name", "status", "timezone", "current_phase_id")
    expected = Project.objects.only(*columns).select_related("current_phase").get(pk=world.project.pk)
    row = Project.objects.filter(pk=world.project.pk).values_list(*columns).get()
    phase = Phase.objects.get(pk=expected.current_phase_id)
    build = rows.light(Project)
    with django_assert_num_queries(0):
        project = build(dict(zip(columns, row, strict=True)), {"current_phase": phase})
        assert project == expected and project.pk == expected.pk
        assert {c: getattr(project, c) for c in columns} == {c: getattr(expected, c) for c in columns}
        assert project.current_phase is phase  # cached as select_related caches it
        assert not project._state.adding and project._state.db == "default"
        assert project.get_deferred_fields() == expected.get_deferred_fields()
    with django_assert_num_queries(1):  # a deferred field loads on access, as after only()
        assert project.description == world.project.description
    project.name = "Renamed"
    project.save(update_fields=["name"])
    assert Project.objects.get(pk=project.pk).name == "Renamed"


def test_light_uses_from_db_for_a_model_with_init_receivers(world):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    signals.post_init.connect(receiver, sender=Project)
    try:
        project = rows.light(Project)({"id": world.project.pk, "key": "ACME"})
    finally:
        signals.post_init.disconnect(receiver, sender=Project)
    assert seen == [world.project.pk]
    assert project.key == "ACME" and "name" in project.get_deferred_fields()


def test_insert_reads_back_the_columns_the_database_computes(world):
    issue = tracker.issue_create(actor=world.customer_member, project=world.project, title="Clocks", severity="P1")
    assert "next_due_at" in issue.__dict__  # read back with the id, not deferred
    assert issue.next_due_at == min(issue.response_due_at, issue.resolution_due_at)
    assert Issue.objects.get(pk=issue.pk).next_due_at == issue.next_due_at


# --------------------------------------------------------------------------------------------------------------
# Several rows in one statement


def _audit(world, n: int) -> AuditEvent:
    return AuditEvent(
        actor=world.lead,
        actor_name="lead",
        action="test.together",
        object_type="tests.thing",
        object_id=str(n),
        object_repr=f"Thing {n}",
        project=world.project,
        changes={"n": n, "글": "값"},
    )


def test_insert_together_writes_what_the_orm_reads_back(world, django_assert_num_queries):
    from django.db import connection

    issue = Issue(
        project=world.project,
        number=4242,
        title="Together",
        reporter=world.lead,
        reported_at=timezone.now(),
        response_due_at=timezone.now() + dt.timedelta(hours=1),
        resolution_due_at=timezone.now() + dt.timedelta(hours=8),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('tracker_issue', 'id'))")
            issue.pk = cursor.fetchone()[0]
        preset = issue.pk
        event = IssueEvent(issue=issue, actor=world.lead, at=timezone.now(), kind="created", data={"a": [1, "둘"]})
        audits = [_audit(world, 1), _audit(world, 2)]
        with django_assert_num_queries(1):
            rows.insert_together(issue, event, *audits)
        assert issue.pk == preset
    else:
        rows.insert(issue)
        event = IssueEvent(issue=issue, actor=world.lead, at=timezone.now(), kind="created", data={"a": [1, "둘"]})
        audits = [_audit(world, 1), _audit(world, 2)]
        rows.insert_together(event, *audits)
    for obj in (issue, event, *audits):
        assert obj.pk is not None and not obj._state.adding
        assert values(type(obj).objects.get(pk=obj.pk)) == values(obj)
    assert issue.next_due_at == issue.response_due_at  # the generated column, read back
    assert audits[0].pk != audits[1].pk


def test_insert_together_writes_nothing_when_one_row_fails(world):
    from django.db import IntegrityError, connection, transaction

    taken = tracker.issue_create(actor=world.lead, project=world.project, title="Taken")
    before = (AuditEvent.objects.count(), Issue.objects.count())
    duplicate = Issue(project=world.project, number=taken.number, title="Same number", reporter=world.lead)
    duplicate.reported_at = timezone.now()
    if connection.vendor == "postgresql":
        duplicate.pk = taken.pk + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_together(_audit(world, 3), duplicate)
    if connection.vendor == "postgresql":  # one statement: the audit row went with the failed issue
        assert (AuditEvent.objects.count(), Issue.objects.count()) == before


def test_insert_together_takes_values_from_its_source(world, django_assert_num_queries):
    """On PostgreSQL the rows take values the statement's first step gives (the intake's number and id), and
    hold the values written afterwards."""
    if not rows.can_insert_together(Issue, IssueEvent, AuditEvent):
        pytest.skip("one statement with a source is PostgreSQL's")
    source = rows.Source("SELECT %s AS number, nextval(pg_get_serial_sequence('tracker_issue', 'id')) AS id", (7,))
    issue = Issue(project=world.project, title="Taken", reporter=world.lead, reported_at=timezone.now())
    issue.pk, issue.number = rows.Taken("id"), rows.Taken("number")
    event = IssueEvent(issue=issue, actor=world.lead, at=timezone.now(), kind="created", data={})
    audit = _audit(world, 1)
    audit.object_id, audit.object_repr = rows.Taken("id"), rows.Taken("number", prefix="ACME-")
    with django_assert_num_queries(1):
        rows.insert_together(issue, event, audit, source=source)
    assert issue.number == 7 and isinstance(issue.pk, int)
    assert event.issue_id == issue.pk
    assert (audit.object_id, audit.object_repr) == (str(issue.pk), "ACME-7")
    for obj in (issue, event, audit):
        assert values(type(obj).objects.get(pk=obj.pk)) == values(obj)


def test_insert_together_refuses_a_source_it_cannot_take(world):
    audit = _audit(world, 2)
    audit.object_id = rows.Taken("id")
    if rows.can_insert_together(AuditEvent):
        with pytest.raises(ValueError, match="need a source"):
            rows.insert_together(audit)
    else:
        with pytest.raises(ValueError, match="needs PostgreSQL"):
            rows.insert_together(audit, source=rows.Source("SELECT 1 AS id"))
    assert not AuditEvent.objects.filter(action="test.together").exists()


def test_insert_together_refuses_rows_already_saved(world):
    saved = _audit(world, 4)
    rows.insert(saved)
    with pytest.raises(ValueError, match="new rows only"):
        rows.insert_together(_audit(world, 5), saved)


def test_insert_together_falls_back_to_save_for_a_model_with_receivers(world):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append(created)

    signals.post_save.connect(receiver, sender=IssueEvent)
    try:
        issue = tracker.issue_create(actor=world.customer_member, project=world.project, title="With receiver")
    finally:
        signals.post_save.disconnect(receiver, sender=IssueEvent)
    assert seen == [True]
    assert IssueEvent.objects.filter(issue=issue, kind="created").count() == 1
    assert AuditEvent.objects.filter(action="issue.created", object_id=str(issue.pk)).count() == 1
