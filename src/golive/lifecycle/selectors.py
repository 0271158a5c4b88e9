"""Reads of projects and phases. Every project lookup goes through here and is scoped to the caller."""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from golive import rows
from golive.accounts.models import Membership, Organization
from golive.accounts.selectors import roles_remember
from golive.lifecycle.gates import GateEvaluation, evaluate_gate, evaluate_gates
from golive.lifecycle.models import LifecycleTemplate, Phase, PhaseStatus, Project, SignOff


def project_list_for_user(user) -> QuerySet[Project]:
    """Projects the caller may see: all for administrators, otherwise those they are a member of
    (and, for customer users, only projects of their own organization)."""
    qs = Project.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin:
        return qs
    qs = qs.filter(memberships__user=user)
    if _own_customer_only(user):
        qs = qs.filter(customer_id=user.organization_id)
    return qs


def _own_customer_only(user) -> bool:
    """Whether a member sees only the projects of their own organization (customer users, and users of no
    organization, who then see none: every project has a customer)."""
    return user.organization is None or user.organization.kind == Organization.Kind.CUSTOMER


def project_list_with_phases(user) -> QuerySet[Project]:
    """The visible projects with everything a list shows loaded in a fixed number of queries."""
    return (
        project_list_for_user(user)
        .select_related("customer", "template", "current_phase")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("order")))
    )


# Relations loaded with one project unless the caller names its own (``project_get_for_user(select=)``).
PROJECT_RELATED = ("customer", "template", "current_phase")


def project_get_for_user(
    user,
    key: str,
    *,
    queryset: QuerySet[Project] | None = None,
    related: tuple[str, ...] = (),
    select: tuple[str, ...] | None = None,
) -> Project:
    """One visible project by key; a missing and a forbidden project are the same 404.

    The caller's membership role comes in the same query (``accounts.selectors.roles_for`` then needs none):
    read from the membership join that scopes a member's projects, or by a subquery for an administrator.
    ``related`` adds relations the caller is about to read (``("sla_policy",)`` for the issue intake);
    ``select`` replaces the default ones (``PROJECT_RELATED``) for a hot path that reads fewer."""
    if queryset is None and select is not None and not related and user.is_authenticated and not user.is_admin:
        return _project_get_plain(user, key, select)
    if queryset is not None:
        qs = queryset
    else:
        qs = project_list_for_user(user).select_related(*(PROJECT_RELATED if select is None else select), *related)
        if user.is_authenticated and user.is_admin:
            role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
            qs = qs.annotate(caller_role=Subquery(role))
        elif user.is_authenticated:
            # project_list_for_user joined the caller's membership (one per project and user): reuse that join.
            qs = qs.annotate(caller_role=F("memberships__role"))
    try:
        project = qs.get(key=key)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None
    if hasattr(project, "caller_role"):
        roles_remember(user, project, project.caller_role)
    return project


@functools.cache
def _joins(select: tuple[str, ...]) -> tuple[tuple[str, type, str, str], ...]:
    """``(name, model, its join column, the project's join column)`` of each relation in ``select``: a
    forward foreign key of the project (``current_phase``) or a reverse one-to-one (``sla_policy``)."""
    joins = []
    for name in select:
        field = Project._meta.get_field(name)
        if field.many_to_one and field.concrete:
            joins.append((name, field.related_model, field.target_field.column, field.column))
        elif field.one_to_one and not field.concrete:
            joins.append((name, field.related_model, field.field.column, Project._meta.pk.column))
        else:
            raise ValueError(f"{name}: not a single-valued relation of a project")
    return tuple(joins)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@functools.cache
def _plain_columns(select: tuple[str, ...], vendor: str) -> str:
    """The select list of a plain project read: the project, the relations of ``select``, the caller's role."""
    parts = [rows.columns(Project).select("p")]
    parts += [rows.columns(model).select(f"r{n}") for n, (_name, model, _c, _p) in enumerate(_joins(select))]
    parts.append(f"m.{_column(Membership, 'role')}")
    return ", ".join(parts)


@functools.cache
def _plain_joins(select: tuple[str, ...], vendor: str) -> str:
    """The relations of ``select`` joined to the project ``p``."""
    quote = connection.ops.quote_name
    return " ".join(
        f"LEFT JOIN {quote(model._meta.db_table)} r{n} ON r{n}.{quote(column_name)} = p.{quote(project_column)}"
        for n, (_name, model, column_name, project_column) in enumerate(_joins(select))
    )


@functools.cache
def _plain_sql(select: tuple[str, ...], customer_side: bool, vendor: str) -> str:
    quote = connection.ops.quote_name
    # As project_list_for_user (_own_customer_only): only the projects of the caller's own organization.
    tenancy = f" AND p.{_column(Project, 'customer')} = %s" if customer_side else ""
    return (
        f"SELECT {_plain_columns(select, vendor)} FROM {quote(Project._meta.db_table)} p "
        f"JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{_column(Membership, 'project')} = p.{_column(Project, 'id')} AND m.{_column(Membership, 'user')} = %s "
        f"{_plain_joins(select, vendor)} WHERE p.{_column(Project, 'key')} = %s{tenancy}"
    )


def _project_get_plain(user, key: str, select: tuple[str, ...]) -> Project:
    """``project_get_for_user`` for a member (not an administrator) on a hot path: the same scoping (the
    caller's membership; for a customer user, their organization's projects) and the same loaded relations,
    in one plain query built once (:mod:`golive.rows`) instead of compiled by the ORM on every request."""
    customer_side = _own_customer_only(user)
    params = [user.pk, key]
    if customer_side:
        if user.organization_id is None:
            raise Http404("No such project.")  # no project is without a customer
        params.append(user.organization_id)
    with rows.prepared(), connection.cursor() as cursor:
        cursor.execute(_plain_sql(select, customer_side, connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such project.")
    project, role = _plain_project(select, row)
    roles_remember(user, project, role)
    return project


def _plain_project(select: tuple[str, ...], row) -> tuple[Project, str]:
    """The project of a plain read's row (``_plain_columns``) with its relations cached, and the caller's role."""
    joins = _joins(select)
    parts = [rows.columns(Project), *(rows.columns(model) for _name, model, _c, _p in joins)]
    values = rows.split(row, *parts)
    project = rows.instance(parts[0], values[0])
    for (name, _model, _column, _project_column), cols, part in zip(joins, parts[1:], values[1:], strict=False):
        related = rows.instance_or_none(cols, part)
        field = Project._meta.get_field(name)
        field.set_cached_value(project, related)
        if related is not None and not field.concrete:
            field.field.set_cached_value(related, project)  # policy.project, as select_related sets it
    return project, values[-1][0]


@dataclass(frozen=True)
class ProjectJoin:
    """The plain read of one project by key for a member, carried by another query that finds the caller (the
    token authentication of an API call: the token, its user and the project in one query). ``columns`` go in
    its select list, ``join`` after its FROM (``user`` there is the caller's id column, ``%s`` the key)."""

    select: tuple[str, ...]
    columns: str
    join: str


@functools.cache
def project_join(select: tuple[str, ...], user: str, vendor: str) -> ProjectJoin:
    """The :class:`ProjectJoin` of a project read with the relations ``select``, for a caller whose id is the
    column ``user`` of the carrying query."""
    quote = connection.ops.quote_name
    join = (
        f"LEFT JOIN ({quote(Project._meta.db_table)} p JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{_column(Membership, 'project')} = p.{_column(Project, 'id')} {_plain_joins(select, vendor)}) "
        f"ON p.{_column(Project, 'key')} = %s AND m.{_column(Membership, 'user')} = {user}"
    )
    return ProjectJoin(select=select, columns=_plain_columns(select, vendor), join=join)


def project_from_join(user, joined: ProjectJoin, row) -> Project | None:
    """The project a :class:`ProjectJoin` read for ``user`` (its columns of the row), as
    ``project_get_for_user(user, key, select=joined.select)`` gives it; None where that gives a 404 (no project
    of that key, not a member, another customer's project). Not for administrators (they see every project)."""
    if user.is_admin:
        raise ValueError("an administrator's project is read by project_get_for_user")
    if row[0] is None:  # the project's id: no such project among the caller's memberships
        return None
    project, role = _plain_project(joined.select, row)
    # As project_list_for_user (_own_customer_only): only the projects of the caller's own organization.
    if _own_customer_only(user) and (user.organization_id is None or project.customer_id != user.organization_id):
        return None
    roles_remember(user, project, role)
    return project


def phase_list(*, project) -> QuerySet[Phase]:
    return Phase.objects.filter(project=project).order_by("order")


def phase_get(*, project, key: str) -> Phase:
    try:
        return Phase.objects.select_related("project").get(project=project, key=key)
    except Phase.DoesNotExist:
        raise Http404("No such phase.") from None


def gate_for_project(*, project) -> GateEvaluation | None:
    """The live gate of the current phase, or None once the project is closed."""
    if project.current_phase is None:
        return None
    phase = project.current_phase
    phase.project = project
    return evaluate_gate(phase)


def gates_for_projects(projects) -> dict[int, GateEvaluation]:
    """Current-phase gates of many projects, keyed by project id, in a bounded number of queries."""
    phases = []
    for project in projects:
        if project.current_phase is not None:
            project.current_phase.project = project
            phases.append(project.current_phase)
    by_phase = evaluate_gates(phases)
    return {phase.project_id: by_phase[phase.pk] for phase in phases}


def signoff_list(*, project) -> QuerySet[SignOff]:
    return SignOff.objects.filter(project=project).select_related("phase", "signed_by")


def template_list() -> QuerySet[LifecycleTemplate]:
    return LifecycleTemplate.objects.all()


def _today(project) -> datetime.date:
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(project.timezone)).date()


def project_health(project, phases: list[Phase]) -> tuple[str, int]:
    """``(health, days_late)`` from the schedule: late when the current phase runs past its planned end by more
    than a week (or go-live has passed unrecorded), at risk when it runs past it at all."""
    if project.status == Project.Status.CLOSED:
        return "closed", 0
    current = project.current_phase
    if current is None or current.planned_end is None:
        return "on_track", 0
    days_late = (_today(project) - current.planned_end).days
    if days_late > 7:
        return "late", days_late
    if days_late > 0:
        return "at_risk", days_late
    return "on_track", 0


def portfolio_rows(projects) -> list[dict]:
    """One row per project (loaded by ``project_list_with_phases``) for the portfolio, gates included."""
    projects = list(projects)
    gates = gates_for_projects(projects)
    rows = []
    for project in projects:
        phases = sorted(project.phases.all(), key=lambda p: p.order)
        current = project.current_phase
        upcoming = [p for p in phases if p.status == PhaseStatus.NOT_STARTED and current and p.order > current.order]
        milestone = upcoming[0] if upcoming else None
        hypercare = next((p for p in phases if p.key == "hypercare"), None)
        health, days_late = project_health(project, phases)
        gate = gates.get(project.pk)
        rows.append(
            {
                "key": project.key,
                "name": project.name,
                "customer": project.customer.name,
                "status": project.status,
                "phase": current.key if current else None,
                "phase_name": current.name if current else None,
                "phase_planned_end": current.planned_end if current else None,
                "planned_go_live": project.planned_go_live,
                "health": health,
                "days_late": days_late,
                "gate_passed": gate.passed if gate else None,
                "gate_failing": [c["label"] for c in gate.failing] if gate else [],
                "gate_failing_codes": [c["code"] for c in gate.failing] if gate else [],
                "next_milestone": {"phase": milestone.key, "name": milestone.name, "date": milestone.planned_start}
                if milestone
                else None,
                "hypercare": {
                    PhaseStatus.ACTIVE: "active",
                    PhaseStatus.DONE: "exited",
                    PhaseStatus.SKIPPED: "skipped",
                }.get(hypercare.status, "not_started")
                if hypercare
                else "not_started",
                "project": project,
            }
        )
    return rows
