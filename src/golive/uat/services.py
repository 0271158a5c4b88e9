"""Writes of UAT: scenarios (create, edit, retire, delete while never run, import), cycles, assignments, runs,
the defect raised from a run, and run evidence.

Every write runs in one transaction, validates with ``full_clean()`` and records an audit event. Writes that
number things or check uniqueness across rows (cycles, imports, the run that opens a cycle) lock the project row;
recording a run in an existing cycle does not, so testers do not queue behind each other.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, Role, User
from golive.accounts.selectors import roles_for
from golive.audit.services import audit_record, diff
from golive.engagement.models import Requirement
from golive.errors import TransitionRefused
from golive.lifecycle.models import Project
from golive.lifecycle.services import project_lock
from golive.tracker import services as tracker_services
from golive.tracker.models import Issue
from golive.tracker.services import checked_upload
from golive.uat import imports
from golive.uat.imports import ImportRejected, error
from golive.uat.models import (
    RESERVED_REFS,
    Assignment,
    Cycle,
    Run,
    RunEvidence,
    RunStatus,
    Scenario,
    ScenarioPriority,
)

SCENARIO_EDITABLE = ("title", "module", "steps", "expected_result", "priority", "order", "requirements")
# Future instants a client clock may be ahead by before "executed in the future" is refused.
CLOCK_SKEW = dt.timedelta(minutes=1)


def _is_member(project: Project, user: User) -> bool:
    return user.is_admin or Membership.objects.filter(project=project, user=user).exists()


def _requirements(project: Project, refs) -> list[Requirement]:
    """The project's requirements with these refs; a 400 on ``requirements`` names the unknown ones."""
    refs = list(dict.fromkeys(refs or []))
    found = {r.ref: r for r in Requirement.objects.filter(project=project, ref__in=refs)}
    unknown = [ref for ref in refs if ref not in found]
    if unknown:
        raise ValidationError({"requirements": _("Unknown requirement(s): %(refs)s.") % {"refs": ", ".join(unknown)}})
    return [found[ref] for ref in refs]


def _check_ref(project: Project, ref: str) -> None:
    if ref.lower() in RESERVED_REFS:
        raise ValidationError({"ref": _("%(ref)s is reserved; choose another ref.") % {"ref": ref}})
    if Scenario.objects.filter(project=project, ref=ref).exists():
        raise ValidationError({"ref": _("The project already has a scenario %(ref)s.") % {"ref": ref}})


def _next_order(project: Project) -> int:
    return (Scenario.objects.filter(project=project).aggregate(last=Max("order"))["last"] or 0) + 1


# ---------------------------------------------------------------------------------------------------------------
# Scenarios


@transaction.atomic
def scenario_create(
    *,
    actor,
    project: Project,
    ref: str,
    title: str,
    module: str = "",
    steps: str = "",
    expected_result: str = "",
    priority: str = ScenarioPriority.MEDIUM,
    order: int | None = None,
    requirements=(),
) -> Scenario:
    """Add a scenario; it goes to the end of the list unless ``order`` says otherwise. ``requirements`` are
    refs of the project's requirements register."""
    linked = _requirements(project, requirements)
    scenario = Scenario(
        project=project,
        ref=ref,
        title=title,
        module=module,
        steps=steps,
        expected_result=expected_result,
        priority=priority,
        order=order if order is not None else _next_order(project),
        created_by=actor,
    )
    scenario.full_clean(validate_constraints=False)
    _check_ref(project, ref)
    try:
        with transaction.atomic():
            scenario.save()
    except IntegrityError:  # created concurrently under the same ref
        raise ValidationError({"ref": _("The project already has a scenario %(ref)s.") % {"ref": ref}}) from None
    scenario.requirements.set(linked)
    audit_record(
        actor=actor,
        action="uat_scenario.created",
        obj=scenario,
        project=project,
        changes={
            "ref": ref,
            "title": title,
            "module": module,
            "priority": priority,
            "order": scenario.order,
            "requirements": [r.ref for r in linked],
        },
    )
    return scenario


@transaction.atomic
def scenario_update(*, actor, scenario: Scenario, **fields) -> Scenario:
    """Change a scenario's text, priority, order or linked requirements (refs). The ref never changes."""
    unknown = set(fields) - set(SCENARIO_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    project = scenario.project
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    scenario.project = project
    changes = {}
    if "requirements" in fields:
        linked = _requirements(project, fields.pop("requirements"))
        before = sorted(scenario.requirements.values_list("ref", flat=True))
        after = sorted(r.ref for r in linked)
        if before != after:
            scenario.requirements.set(linked)
            changes["requirements"] = [before, after]
    changes.update(diff(scenario, fields))
    if not changes:
        return scenario
    scenario.full_clean(validate_constraints=False)
    scenario.save()
    audit_record(actor=actor, action="uat_scenario.updated", obj=scenario, project=project, changes=changes)
    return scenario


@transaction.atomic
def scenario_retire(*, actor, scenario: Scenario) -> Scenario:
    """Take a scenario out of testing: it no longer counts in states, summaries or the gate, and its runs
    stay on record."""
    project = scenario.project
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    scenario.project = project
    if scenario.retired_at is not None:
        raise TransitionRefused(_("%(ref)s is already retired.") % {"ref": scenario.ref})
    scenario.retired_at = timezone.now()
    scenario.save(update_fields=["retired_at", "updated_at"])
    audit_record(
        actor=actor,
        action="uat_scenario.retired",
        obj=scenario,
        project=project,
        changes={"retired_at": [None, scenario.retired_at]},
    )
    return scenario


@transaction.atomic
def scenario_delete(*, actor, scenario: Scenario) -> None:
    """Delete a scenario that was never run (a mistake); a scenario with runs is retired instead (409)."""
    project = scenario.project
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if Run.objects.filter(scenario=scenario).exists():
        raise TransitionRefused(
            _("%(ref)s has been run; retire it instead, so its results stay on record.") % {"ref": scenario.ref}
        )
    audit_record(
        actor=actor,
        action="uat_scenario.deleted",
        obj=scenario,
        project=project,
        changes={"ref": scenario.ref, "title": scenario.title},
    )
    scenario.delete()


@transaction.atomic
def scenario_import(*, actor, project: Project, upload) -> list[Scenario]:
    """Import scenarios from a CSV or XLSX upload (columns ``ref,title,module,steps,expected_result,priority``
    by header name), all or nothing.

    Raises ``ImportRejected`` listing every bad row (missing or invalid ref or title, unknown priority, a ref
    repeated in the file or already in the project) or the problem with the file; nothing is written then.
    """
    if upload.size > imports.max_import_bytes():
        raise ImportRejected.file(
            _("The file is larger than %(mb)d MB.") % {"mb": imports.max_import_bytes() // (1024 * 1024)}
        )
    sheet = imports.read_sheet(upload.read())
    _header_row, records = imports.records(sheet)
    project = project_lock(project)
    existing = set(Scenario.objects.filter(project=project).values_list("ref", flat=True))
    priorities = {value: value for value in ScenarioPriority.values}
    order = _next_order(project)
    first_row: dict[str, int] = {}
    errors: list[dict] = []
    scenarios: list[Scenario] = []
    for record in records:
        values = record.values
        ref = values.get("ref", "")
        problems = []
        if record.extra:
            problems.append(
                error(
                    record.row, None, _("The row has values beyond the last column (a cell with an unquoted comma?).")
                )
            )
        priority_text = values.get("priority", "")
        priority = priorities.get(priority_text.lower()) if priority_text else ScenarioPriority.MEDIUM
        if priority is None:
            problems.append(
                error(
                    record.row,
                    "priority",
                    _("Unknown priority %(value)s; use critical, high, medium or low.") % {"value": priority_text},
                )
            )
        scenario = Scenario(
            project=project,
            ref=ref,
            title=values.get("title", ""),
            module=values.get("module", ""),
            steps=values.get("steps", ""),
            expected_result=values.get("expected_result", ""),
            priority=priority or ScenarioPriority.MEDIUM,
            order=order + len(scenarios),
            created_by=actor,
        )
        try:
            scenario.full_clean(exclude=["project", "created_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                problems.append(error(record.row, column, " ".join(dict.fromkeys(messages))))
        if ref:
            if ref in first_row:
                problems.append(
                    error(
                        record.row,
                        "ref",
                        _("%(ref)s appears twice in the file (first on row %(row)d).")
                        % {"ref": ref, "row": first_row[ref]},
                    )
                )
            elif ref in existing:
                problems.append(
                    error(record.row, "ref", _("The project already has a scenario %(ref)s.") % {"ref": ref})
                )
            elif ref.lower() in RESERVED_REFS:
                problems.append(error(record.row, "ref", _("%(ref)s is reserved; choose another ref.") % {"ref": ref}))
            first_row.setdefault(ref, record.row)
        errors.extend(problems)
        scenarios.append(scenario)
    if errors:
        bad_rows = len({e["row"] for e in errors})
        raise ImportRejected(
            _("%(count)d row(s) have errors; nothing was imported.") % {"count": bad_rows},
            sorted(errors, key=lambda e: e["row"] or 0),
        )
    try:
        with transaction.atomic():
            created = Scenario.objects.bulk_create(scenarios, batch_size=500)
    except IntegrityError:  # a scenario with one of these refs was created meanwhile
        raise ImportRejected.file(_("Some refs were taken while importing; try again.")) from None
    audit_record(
        actor=actor,
        action="uat_scenario.imported",
        obj=project,
        project=project,
        changes={
            "file": PurePath(upload.name or "").name,
            "format": sheet.kind,
            "created": len(created),
            "refs": [s.ref for s in created],
        },
    )
    return created


# ---------------------------------------------------------------------------------------------------------------
# Cycles and assignments


def _cycle_open(*, actor, project: Project, name: str = "", at: dt.datetime | None = None) -> Cycle:
    """Open the next cycle of a project already locked by the caller."""
    last = Cycle.objects.filter(project=project).aggregate(last=Max("number"))["last"] or 0
    cycle = Cycle(project=project, number=last + 1, name=name, started_at=at or timezone.now(), created_by=actor)
    cycle.full_clean(validate_constraints=False)
    cycle.save()
    audit_record(
        actor=actor,
        action="uat_cycle.created",
        obj=cycle,
        project=project,
        changes={"number": cycle.number, "name": name, "started_at": cycle.started_at},
    )
    return cycle


@transaction.atomic
def cycle_create(*, actor, project: Project, name: str = "", at: dt.datetime | None = None) -> Cycle:
    """Open the next test cycle (round): number 1, 2, ... It becomes the latest cycle, so every scenario is
    ``not_run`` again until it is run in it. ``at`` back-dates the start (demo history)."""
    project = project_lock(project)
    if at is not None and at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"started_at": _("A cycle cannot start in the future.")})
    return _cycle_open(actor=actor, project=project, name=name, at=at)


@transaction.atomic
def assignments_set(*, actor, cycle: Cycle, assignments: list[dict]) -> list[Assignment]:
    """Assign scenarios (refs) to testers (usernames) in a cycle, all or nothing: ``[{scenario, tester}]``.
    A scenario already assigned in the cycle moves to the new tester. Testers must be project members;
    retired scenarios cannot be assigned. A 400 on ``assignments`` lists every bad item."""
    project = cycle.project
    if not assignments:
        raise ValidationError({"assignments": _("List at least one scenario and tester.")})
    refs = [str(item.get("scenario", "")) for item in assignments]
    usernames = [str(item.get("tester", "")) for item in assignments]
    scenarios = {s.ref: s for s in Scenario.objects.filter(project=project, ref__in=refs)}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    members = set(
        Membership.objects.filter(project=project, user__username__in=usernames).values_list(
            "user__username", flat=True
        )
    )
    problems = []
    seen = set()
    for index, (ref, username) in enumerate(zip(refs, usernames, strict=True), start=1):
        scenario, user = scenarios.get(ref), users.get(username)
        if scenario is None:
            problems.append(_("Item %(n)d: unknown scenario %(ref)s.") % {"n": index, "ref": ref})
        elif scenario.retired_at is not None:
            problems.append(_("Item %(n)d: %(ref)s is retired.") % {"n": index, "ref": ref})
        elif ref in seen:
            problems.append(_("Item %(n)d: %(ref)s is listed twice.") % {"n": index, "ref": ref})
        if user is None or not (username in members or user.is_admin):
            problems.append(_("Item %(n)d: %(user)s is not a member of the project.") % {"n": index, "user": username})
        seen.add(ref)
    if problems:
        raise ValidationError({"assignments": problems})
    existing = {
        a.scenario_id: a for a in Assignment.objects.select_for_update().filter(cycle=cycle, scenario__ref__in=refs)
    }
    now = timezone.now()
    written, changes = [], []
    for ref, username in zip(refs, usernames, strict=True):
        scenario, user = scenarios[ref], users[username]
        row = existing.get(scenario.pk)
        if row is None:
            row = Assignment(cycle=cycle, scenario=scenario, tester=user, assigned_by=actor, assigned_at=now)
            row.full_clean(validate_constraints=False)
            row.save()
            changes.append([ref, None, username])
        elif row.tester_id != user.pk:
            changes.append([ref, row.tester.username, username])
            row.tester, row.assigned_by, row.assigned_at = user, actor, now
            row.save(update_fields=["tester", "assigned_by", "assigned_at"])
        row.scenario = scenario
        written.append(row)
    if changes:
        audit_record(
            actor=actor,
            action="uat_assignments.set",
            obj=cycle,
            project=project,
            changes={"cycle": cycle.number, "assignments": changes},
        )
    return written


# ---------------------------------------------------------------------------------------------------------------
# Runs


def _only_self(actor, project: Project) -> bool:
    """A customer member records runs as themselves only."""
    roles = roles_for(actor, project)
    return Role.CUSTOMER_MEMBER in roles and not roles - {Role.CUSTOMER_MEMBER}


@transaction.atomic
def run_record(
    *,
    actor,
    project: Project,
    scenario: str,
    status: str,
    cycle: int = 1,
    tester: User | str | None = None,
    notes: str = "",
    actual_result: str = "",
    defect: int | None = None,
    executed_at: dt.datetime | None = None,
) -> Run:
    """Record the result of running a scenario (by ref) in cycle number ``cycle``.

    Cycle ``N`` is opened by its first run when it is the next one (the latest + 1, or 1 when there is none);
    a gap is refused. The tester (a username or user, default the caller) must be a project member, and a
    customer member records only their own runs. ``defect`` links an existing issue by number.
    ``executed_at`` back-dates the run (default now), never into the future nor before the cycle started.
    """
    now = timezone.now()
    executed_at = executed_at or now
    if executed_at > now + CLOCK_SKEW:
        raise ValidationError({"executed_at": _("A run cannot be executed in the future.")})
    if status not in RunStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    found = Scenario.objects.filter(project=project, ref=scenario).first()
    if found is None:
        raise ValidationError({"scenario": _("The project has no scenario %(ref)s.") % {"ref": scenario}})
    if found.retired_at is not None:
        raise ValidationError({"scenario": _("%(ref)s is retired; it is no longer run.") % {"ref": scenario}})
    if tester is None:
        tester = actor
    elif isinstance(tester, str):
        username = tester
        tester = User.objects.filter(username=username).first()
        if tester is None:
            raise ValidationError({"tester": _("%(name)s is not a member of this project.") % {"name": username}})
    if not _is_member(project, tester):
        raise ValidationError({"tester": _("%(name)s is not a member of this project.") % {"name": tester.username}})
    if tester.pk != actor.pk and _only_self(actor, project):
        raise ValidationError({"tester": _("A customer member records their own runs only.")})
    issue = None
    if defect is not None:
        issue = Issue.objects.filter(project=project, number=defect).first()
        if issue is None:
            raise ValidationError({"defect": _("The project has no issue %(number)s.") % {"number": defect}})
    try:
        number = int(cycle)
    except (TypeError, ValueError):
        raise ValidationError({"cycle": _("A cycle is a number: 1, 2, ...")}) from None
    the_cycle = Cycle.objects.filter(project=project, number=number).first()
    if the_cycle is None:
        # Opening a cycle numbers it: under the project lock, and looked up again once the lock is held.
        project_lock(project)
        the_cycle = Cycle.objects.filter(project=project, number=number).first()
    if the_cycle is None:
        last = Cycle.objects.filter(project=project).aggregate(last=Max("number"))["last"] or 0
        if number != last + 1:
            raise ValidationError(
                {
                    "cycle": _("Cycle %(number)d does not exist; the next cycle is %(next)d.")
                    % {"number": number, "next": last + 1}
                }
            )
        the_cycle = _cycle_open(actor=actor, project=project, at=min(executed_at, now))
    if executed_at < the_cycle.started_at:
        raise ValidationError(
            {"executed_at": _("Cycle %(number)d started after that instant.") % {"number": the_cycle.number}}
        )
    run = Run(
        project=project,
        scenario=found,
        cycle=the_cycle,
        status=status,
        actual_result=actual_result,
        notes=notes,
        tester=tester,
        executed_at=executed_at,
        recorded_by=actor,
        defect=issue,
    )
    run.full_clean()
    run.save()
    audit_record(
        actor=actor,
        action="uat_run.recorded",
        obj=run,
        project=project,
        changes={
            "scenario": found.ref,
            "cycle": the_cycle.number,
            "status": status,
            "tester": tester.username,
            "executed_at": executed_at,
            "defect": issue.ref if issue else None,
        },
    )
    return run


def _defect_description(run: Run) -> str:
    scenario = run.scenario
    parts = [
        "**"
        + _("Scenario")
        + f"** {scenario.ref} {scenario.title} ("
        + _("cycle %(number)d, run %(run)d") % {"number": run.cycle.number, "run": run.pk}
        + ")",
    ]
    for label, text in (
        (_("Steps"), scenario.steps),
        (_("Expected result"), scenario.expected_result),
        (_("Actual result"), run.actual_result),
        (_("Notes"), run.notes),
    ):
        if text.strip():
            parts.append(f"**{label}**\n\n{text.strip()}")
    return "\n\n".join(parts)


@transaction.atomic
def run_defect_create(
    *,
    actor,
    run: Run,
    severity: str,
    title: str = "",
    description: str = "",
    reported_at: dt.datetime | None = None,
) -> Issue:
    """Raise a defect (an issue of kind ``defect``) from a failed or blocked run, in one step, and link it to
    the run. The title defaults to the scenario's, the description to its steps, expected and actual result.
    Refused (409) when the run passed or already has a defect. ``reported_at`` back-dates the issue (vendor
    staff only, as for any issue: history written down later)."""
    project = run.project
    locked = Run.objects.select_for_update().select_related("scenario", "cycle").get(pk=run.pk)
    locked.project = project
    if locked.defect_id is not None:
        raise TransitionRefused(_("This run already has a defect."))
    if locked.status == RunStatus.PASSED:
        raise TransitionRefused(_("A passed run raises no defect."))
    title = (title or "").strip() or f"{locked.scenario.ref}: {locked.scenario.title}"[:300]
    issue = tracker_services.issue_create(
        actor=actor,
        project=project,
        title=title,
        description=description or _defect_description(locked),
        kind="defect",
        severity=severity,
        reported_at=reported_at,
    )
    locked.defect = issue
    locked.save(update_fields=["defect"])
    audit_record(
        actor=actor,
        action="uat_run.defect_created",
        obj=locked,
        project=project,
        changes={"scenario": locked.scenario.ref, "defect": issue.ref, "severity": severity},
    )
    return issue


# ---------------------------------------------------------------------------------------------------------------
# Evidence


@transaction.atomic
def evidence_add(*, actor, run: Run, upload) -> RunEvidence:
    """Attach a file proving a run's result (a screenshot, an export): size-limited and type-checked like
    issue attachments, stored under the data directory's uploads."""
    name, content_type = checked_upload(upload)
    evidence = RunEvidence(
        run=run,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
        audit_record(
            actor=actor,
            action="uat_run.evidence_added",
            obj=run,
            project=run.project,
            changes={"name": name, "size": upload.size, "content_type": content_type},
        )
    except Exception:
        evidence.file.delete(save=False)  # nothing half-written: no orphan file without its row
        raise
    return evidence
