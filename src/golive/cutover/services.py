"""Writes of cutover: the runbook and its execution, test evidence, go/no-go votes and decision, go-live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from golive.accounts.models import Membership, Role, User
from golive.audit.services import audit_record, diff
from golive.cutover import junit, plan
from golive.cutover.criteria import evaluate_checklist, go_decision_recorded
from golive.cutover.models import (
    SATISFIED,
    STEP_TRANSITIONS,
    Environment,
    FailingCase,
    GoLive,
    GoNoGoDecision,
    GoNoGoVote,
    Runbook,
    RunbookStep,
    RunbookTemplate,
    StepAction,
    StepStatus,
    TestReport,
    Vote,
)
from golive.errors import GateFailed, NotAllowed, TransitionRefused
from golive.hypercare.services import hypercare_open
from golive.lifecycle import services as lifecycle_services
from golive.lifecycle.models import Phase, Project
from golive.tasks import publish

# Fields a template keeps of each step (the plan, not its execution).
TEMPLATE_FIELDS = (
    "ref",
    "title",
    "description",
    "planned_minutes",
    "depends_on",
    "rollback",
    "point_of_no_return",
    "start_offset_minutes",
)
# Fields of a step that describe the plan; they change only while the step is pending.
PLAN_FIELDS = {
    "planned_minutes",
    "depends_on",
    "rollback",
    "point_of_no_return",
    "planned_start",
    "start_offset_minutes",
}
EDITABLE_FIELDS = PLAN_FIELDS | {"title", "description", "owner"}
MAX_REPORT_BYTES = getattr(settings, "GOLIVE_MAX_TEST_REPORT_BYTES", 64 * 1024 * 1024)


def _runbook(project: Project) -> Runbook:
    runbook, _created = Runbook.objects.get_or_create(project=project)
    return runbook


def _member_roles(actor, project) -> set[str]:
    return set(Membership.objects.filter(project=project, user=actor).values_list("role", flat=True))


def _check_owner(project: Project, owner: User | None) -> None:
    if owner is not None and not Membership.objects.filter(project=project, user=owner).exists():
        raise ValidationError({"owner": _("%(user)s is not a member of this project.") % {"user": owner.username}})


def _check_plan(dependencies: dict[str, list[str]], *, field: str = "depends_on") -> None:
    try:
        plan.validate(dependencies)
    except plan.PlanError as error:
        if error.cycle:
            message = _("These steps depend on each other in a cycle: %(cycle)s.") % {"cycle": " -> ".join(error.cycle)}
        else:
            message = _("Step %(ref)s depends on a step that does not exist: %(detail)s.") % {
                "ref": error.ref,
                "detail": ", ".join(sorted(set(dependencies.get(error.ref, ())) - set(dependencies)) or [error.ref]),
            }
        raise ValidationError({field: message}) from None


def _clean_depends_on(value: Iterable[str] | None) -> list[str]:
    refs = [str(ref).strip() for ref in (value or [])]
    if any(not ref for ref in refs):
        raise ValidationError({"depends_on": _("A dependency needs a step ref.")})
    return list(dict.fromkeys(refs))


def _step_dependencies(runbook: Runbook) -> dict[str, list[str]]:
    return dict(RunbookStep.objects.filter(runbook=runbook).values_list("ref", "depends_on"))


def _move_point_of_no_return(actor, runbook: Runbook, keep: RunbookStep) -> None:
    """One point of no return per runbook: marking a step moves the marker from the step that held it."""
    previous = RunbookStep.objects.filter(runbook=runbook, point_of_no_return=True).exclude(pk=keep.pk).first()
    if previous is not None:
        previous.point_of_no_return = False
        previous.save(update_fields=["point_of_no_return"])
        audit_record(
            actor=actor,
            action="runbook.step_updated",
            obj=previous,
            project=runbook.project,
            changes={"point_of_no_return": [True, False]},
        )


@transaction.atomic
def step_create(
    *,
    actor,
    project: Project,
    ref: str,
    title: str,
    description: str = "",
    owner: User | None = None,
    planned_minutes: int = 15,
    depends_on: Iterable[str] | None = None,
    rollback: bool = False,
    point_of_no_return: bool = False,
    planned_start: dt.datetime | None = None,
    start_offset_minutes: int | None = None,
) -> RunbookStep:
    """Add a step at the end of the project's runbook; its dependencies must name existing steps, no cycle."""
    project = lifecycle_services.project_lock(project)
    runbook = _runbook(project)
    ref = (ref or "").strip()
    depends_on = _clean_depends_on(depends_on)
    dependencies = _step_dependencies(runbook)
    if ref in dependencies:
        raise ValidationError({"ref": _("The runbook already has a step %(ref)s.") % {"ref": ref}})
    if planned_start is not None and start_offset_minutes is not None:
        raise ValidationError({"planned_start": _("Give either a planned start or a T-minus offset, not both.")})
    _check_owner(project, owner)
    _check_plan({**dependencies, ref: depends_on})
    last = RunbookStep.objects.filter(runbook=runbook).order_by("-position").values_list("position", flat=True).first()
    step = RunbookStep(
        runbook=runbook,
        ref=ref,
        position=(last or 0) + 1,
        title=title,
        description=description,
        owner=owner,
        planned_minutes=planned_minutes,
        depends_on=depends_on,
        rollback=rollback,
        point_of_no_return=point_of_no_return,
        planned_start=planned_start,
        start_offset_minutes=start_offset_minutes,
    )
    step.full_clean(validate_constraints=False)
    if point_of_no_return:
        _move_point_of_no_return(actor, runbook, step)
    step.save()
    audit_record(
        actor=actor,
        action="runbook.step_created",
        obj=step,
        project=project,
        changes={"ref": ref, "title": title, "depends_on": depends_on, "planned_minutes": planned_minutes},
    )
    return step


@transaction.atomic
def step_update(*, actor, step: RunbookStep, **fields) -> RunbookStep:
    """Change a step. The plan (minutes, dependencies, rollback, start) changes only while it is pending."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    project = lifecycle_services.project_lock(step.runbook.project)
    step = RunbookStep.objects.select_related("runbook").get(pk=step.pk)
    if PLAN_FIELDS & set(fields) and step.status != StepStatus.PENDING:
        raise TransitionRefused(_("Step %(ref)s has started; its plan can no longer change.") % {"ref": step.ref})
    if "depends_on" in fields:
        fields["depends_on"] = _clean_depends_on(fields["depends_on"])
        _check_plan({**_step_dependencies(step.runbook), step.ref: fields["depends_on"]})
    if "owner" in fields:
        _check_owner(project, fields["owner"])
    if fields.get("planned_start") is not None:
        fields.setdefault("start_offset_minutes", None)
    if fields.get("start_offset_minutes") is not None:
        fields.setdefault("planned_start", None)
    changes = diff(step, fields)
    if not changes:
        return step
    step.full_clean(validate_constraints=False)
    if step.point_of_no_return and "point_of_no_return" in changes:
        _move_point_of_no_return(actor, step.runbook, step)
    step.save()
    audit_record(actor=actor, action="runbook.step_updated", obj=step, project=project, changes=changes)
    return step


@transaction.atomic
def step_delete(*, actor, step: RunbookStep) -> None:
    """Remove a pending step nothing depends on."""
    project = lifecycle_services.project_lock(step.runbook.project)
    step = RunbookStep.objects.get(pk=step.pk)
    if step.status != StepStatus.PENDING:
        raise TransitionRefused(_("Step %(ref)s has started and stays in the runbook's record.") % {"ref": step.ref})
    dependants = sorted(
        ref for ref, needs in _step_dependencies(step.runbook).items() if step.ref in needs and ref != step.ref
    )
    if dependants:
        raise TransitionRefused(
            _("Steps %(refs)s depend on %(ref)s.") % {"refs": ", ".join(dependants), "ref": step.ref}
        )
    audit_record(actor=actor, action="runbook.step_deleted", obj=step, project=project, changes={"ref": step.ref})
    step.delete()


def _locked_step(step: RunbookStep) -> RunbookStep:
    return RunbookStep.objects.select_for_update().select_related("runbook__project").get(pk=step.pk)


def _check_may_run(actor, step: RunbookStep) -> None:
    """Consultants run any step; other members run the steps they own."""
    if actor.is_admin or step.owner_id == actor.pk:
        return
    if not {Role.CONSULTANT_LEAD, Role.CONSULTANT} & _member_roles(actor, step.runbook.project):
        raise NotAllowed(_("Only consultants or the step's owner run a runbook step."))


def _move(actor, step: RunbookStep, action: str, *, note: str = "") -> RunbookStep:
    """Apply one action of ``STEP_TRANSITIONS`` to a locked step, recording who and when."""
    _check_may_run(actor, step)
    sources, target = STEP_TRANSITIONS[action]
    if step.status not in sources:
        raise TransitionRefused(
            _("Step %(ref)s is %(status)s: “%(action)s” is not possible.")
            % {"ref": step.ref, "status": step.get_status_display(), "action": StepAction(action).label}
        )
    before = step.status
    now = timezone.now()
    step.status = target
    if action == StepAction.START:
        step.started_at, step.started_by = now, actor
        step.finished_at, step.finished_by = None, None
    else:
        step.finished_at, step.finished_by = now, actor
    if note or action in (StepAction.FAIL, StepAction.SKIP):
        step.note = note
    step.full_clean(validate_constraints=False)
    step.save()
    audit_record(
        actor=actor,
        action=f"runbook.step_{action}",
        obj=step,
        project=step.runbook.project,
        changes={"status": [before, target], **({"note": note} if note else {})},
    )
    return step


@transaction.atomic
def step_start(*, actor, step: RunbookStep) -> RunbookStep:
    """Start a step once everything it depends on is done or skipped. A rollback step starts only after a step
    of the forward plan failed, and not once the point of no return is done."""
    step = _locked_step(step)
    _check_may_run(actor, step)
    statuses = dict(RunbookStep.objects.filter(runbook=step.runbook).values_list("ref", "status"))
    waiting = [ref for ref in step.depends_on if statuses.get(ref) not in SATISFIED]
    if waiting and step.status in STEP_TRANSITIONS[StepAction.START][0]:
        raise TransitionRefused(
            _("Step %(ref)s waits for %(refs)s to be done or skipped.") % {"ref": step.ref, "refs": ", ".join(waiting)}
        )
    if step.rollback:
        forward = RunbookStep.objects.filter(runbook=step.runbook, rollback=False)
        if not forward.filter(status=StepStatus.FAILED).exists():
            raise TransitionRefused(_("Rollback steps run only after a step has failed."))
        if forward.filter(point_of_no_return=True, status=StepStatus.DONE).exists():
            raise TransitionRefused(_("The point of no return is passed: fix forward instead of rolling back."))
    return _move(actor, step, StepAction.START)


@transaction.atomic
def step_complete(*, actor, step: RunbookStep, note: str = "") -> RunbookStep:
    """Mark a running step done."""
    return _move(actor, _locked_step(step), StepAction.COMPLETE, note=note)


@transaction.atomic
def step_fail(*, actor, step: RunbookStep, note: str = "") -> RunbookStep:
    """Mark a running step failed; rollback steps become available."""
    return _move(actor, _locked_step(step), StepAction.FAIL, note=note)


@transaction.atomic
def step_skip(*, actor, step: RunbookStep, reason: str) -> RunbookStep:
    """Skip a pending or failed step, with the reason (it then satisfies the steps that wait for it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the step is skipped.")})
    return _move(actor, _locked_step(step), StepAction.SKIP, note=reason)


STEP_ACTIONS = {
    StepAction.START: lambda actor, step, text: step_start(actor=actor, step=step),
    StepAction.COMPLETE: lambda actor, step, text: step_complete(actor=actor, step=step, note=text),
    StepAction.FAIL: lambda actor, step, text: step_fail(actor=actor, step=step, note=text),
    StepAction.SKIP: lambda actor, step, text: step_skip(actor=actor, step=step, reason=text),
}


@transaction.atomic
def runbook_update(*, actor, project: Project, target_at: dt.datetime | None) -> Runbook:
    """Set the runbook's T-0 (None: 09:00 local on the planned go-live date)."""
    project = lifecycle_services.project_lock(project)
    runbook = _runbook(project)
    changes = diff(runbook, {"target_at": target_at})
    if changes:
        runbook.save()
        audit_record(actor=actor, action="runbook.updated", obj=runbook, project=project, changes=changes)
    return runbook


@transaction.atomic
def runbook_clone(*, actor, project: Project, template: RunbookTemplate) -> list[RunbookStep]:
    """Append a template's steps to the project's runbook (owners are assigned afterwards)."""
    project = lifecycle_services.project_lock(project)
    runbook = _runbook(project)
    existing = _step_dependencies(runbook)
    clashes = sorted({row["ref"] for row in template.steps} & set(existing))
    if clashes:
        raise ValidationError({"template": _("The runbook already has steps %(refs)s.") % {"refs": ", ".join(clashes)}})
    incoming = {row["ref"]: list(row.get("depends_on") or []) for row in template.steps}
    _check_plan({**existing, **incoming}, field="template")
    if any(row.get("point_of_no_return") for row in template.steps):
        RunbookStep.objects.filter(runbook=runbook, point_of_no_return=True).update(point_of_no_return=False)
    last = RunbookStep.objects.filter(runbook=runbook).order_by("-position").values_list("position", flat=True).first()
    steps = []
    for offset, row in enumerate(template.steps, start=1):
        step = RunbookStep(
            runbook=runbook, position=(last or 0) + offset, **{f: row[f] for f in TEMPLATE_FIELDS if f in row}
        )
        step.full_clean(exclude=["runbook"], validate_constraints=False)
        steps.append(step)
    RunbookStep.objects.bulk_create(steps)
    audit_record(
        actor=actor,
        action="runbook.cloned",
        obj=runbook,
        project=project,
        changes={"template": template.name, "steps": len(steps)},
    )
    return steps


@transaction.atomic
def runbook_template_save(*, actor, project: Project, name: str, description: str = "") -> RunbookTemplate:
    """Save the project's runbook plan as a reusable template."""
    runbook = _runbook(project)
    rows = list(RunbookStep.objects.filter(runbook=runbook).order_by("position", "id").values(*TEMPLATE_FIELDS))
    if not rows:
        raise ValidationError({"name": _("The runbook has no steps to save.")})
    if RunbookTemplate.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A runbook template with this name exists.")})
    template = RunbookTemplate(name=name, description=description, steps=rows, source_project=project, created_by=actor)
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        action="runbook.template_saved",
        obj=template,
        project=project,
        changes={"name": name, "steps": len(rows)},
    )
    return template


# -- Test evidence -------------------------------------------------------------------------------------------


@transaction.atomic
def test_report_upload(
    *, actor, project: Project, upload, environment: str = Environment.SANDBOX, title: str = ""
) -> TestReport:
    """Parse an uploaded JUnit XML report (streamed, safely) and record its totals and failing cases."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_REPORT_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": MAX_REPORT_BYTES // 2**20}})
    try:
        upload.seek(0)
        parsed = junit.parse_junit(upload, max_bytes=MAX_REPORT_BYTES)
    except junit.JUnitError as error:
        raise ValidationError({"file": error.translate(_)}) from None
    name = (getattr(upload, "name", "") or "report.xml").rsplit("/", 1)[-1][:255]
    report = TestReport(
        project=project,
        kind=TestReport.Kind.JUNIT,
        title=(title or name)[:200],
        environment=environment,
        tests=parsed.tests,
        failures=parsed.failures,
        errors=parsed.errors,
        skipped=parsed.skipped,
        passed=parsed.passed,
        duration_seconds=parsed.time_seconds,
        suites=parsed.suites,
        failing_omitted=parsed.failing_omitted,
        file_name=name,
        file_size=size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    FailingCase.objects.bulk_create(
        FailingCase(
            report=report,
            suite=case.suite[:500],
            classname=case.classname[:500],
            name=case.name[:500] or "?",
            kind=case.kind,
            message=case.message,
            detail=case.detail,
        )
        for case in parsed.failing
    )
    _audit_report(actor, report)
    return report


MANUAL_STATUSES = ("passed", "failed", "skipped")


@transaction.atomic
def test_report_manual(
    *, actor, project: Project, title: str, items: list[dict], environment: str = Environment.PRODUCTION
) -> TestReport:
    """Record a manual smoke-test checklist: ``items`` of ``{name, status: passed|failed|skipped, note}``."""
    if not items:
        raise ValidationError({"items": _("A smoke test needs at least one item.")})
    clean = []
    for index, item in enumerate(items):
        name = str(item.get("name") or "").strip()
        status = item.get("status")
        if not name:
            raise ValidationError({f"items.{index}.name": _("Name the check.")})
        if status not in MANUAL_STATUSES:
            raise ValidationError(
                {f"items.{index}.status": _("Use one of: %(choices)s.") % {"choices": ", ".join(MANUAL_STATUSES)}}
            )
        clean.append({"name": name[:500], "status": status, "note": str(item.get("note") or "")})
    failed = [item for item in clean if item["status"] == "failed"]
    skipped = sum(item["status"] == "skipped" for item in clean)
    report = TestReport(
        project=project,
        kind=TestReport.Kind.MANUAL,
        title=title,
        environment=environment,
        tests=len(clean),
        failures=len(failed),
        skipped=skipped,
        passed=len(clean) - len(failed) - skipped,
        suites=1,
        checklist=clean,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    FailingCase.objects.bulk_create(
        FailingCase(report=report, suite=title[:500], name=item["name"], kind="failure", message=item["note"])
        for item in failed
    )
    _audit_report(actor, report)
    return report


def _audit_report(actor, report: TestReport) -> None:
    audit_record(
        actor=actor,
        action="test_report.recorded",
        obj=report,
        project=report.project,
        changes={
            "kind": report.kind,
            "title": report.title,
            "environment": report.environment,
            **{k: getattr(report, k) for k in ("tests", "failures", "errors", "skipped", "passed")},
        },
    )


# -- Go/no-go ------------------------------------------------------------------------------------------------


def deployment_phase(project: Project) -> Phase:
    """The project's ``deployment`` phase (a lifecycle without one has no go/no-go)."""
    try:
        return Phase.objects.get(project=project, key="deployment")
    except Phase.DoesNotExist:
        raise TransitionRefused(_("This project's lifecycle has no deployment phase.")) from None


def _require_deployment(project: Project, refusal: str) -> Phase:
    """The deployment phase, or ``TransitionRefused(refusal)`` when the project is not in it."""
    phase = deployment_phase(project)
    if project.current_phase_id != phase.pk:
        raise TransitionRefused(refusal)
    return phase


@transaction.atomic
def vote_cast(*, actor, project: Project, vote: str, comment: str = "") -> GoNoGoVote:
    """Cast (or replace) the caller's go/no-go vote. Members of the project vote, vendor and customer alike."""
    project = lifecycle_services.project_lock(project)
    _require_deployment(project, _("Votes are cast only while the project is in deployment."))
    roles = _member_roles(actor, project)
    if not roles:
        raise NotAllowed(_("Only members of the project vote."))
    if vote not in Vote.values:
        raise ValidationError({"vote": _("Vote go or no_go.")})
    replaced = GoNoGoVote.objects.filter(project=project, voter=actor, decision__isnull=True).first()
    if replaced is not None:
        replaced.delete()
    row = GoNoGoVote(
        project=project,
        voter=actor,
        role=_primary_role(roles),
        vote=vote,
        comment=comment,
        cast_at=timezone.now(),
    )
    row.full_clean(validate_constraints=False)
    row.save()
    audit_record(
        actor=actor,
        action="go_no_go.voted",
        obj=row,
        project=project,
        changes={"vote": vote, "comment": comment, **({"replaced": replaced.vote} if replaced else {})},
    )
    return row


ROLE_ORDER = [Role.CONSULTANT_LEAD, Role.CUSTOMER_LEAD, Role.CONSULTANT, Role.CUSTOMER_MEMBER, Role.SUPPORT]


def _primary_role(roles: set[str]) -> str:
    return next((role for role in ROLE_ORDER if role in roles), sorted(roles)[0])


@transaction.atomic
def go_no_go_decide(
    *,
    actor,
    project: Project,
    decision: str,
    comment: str = "",
    new_target_date: dt.date | None = None,
    meeting=None,
) -> GoNoGoDecision:
    """The consultant lead decides. "go" is refused while a blocking checklist criterion fails; "no go" sets a
    new target go-live date (the plan is re-planned from it). The open votes and the checklist are kept."""
    project = lifecycle_services.project_lock(project)
    phase = _require_deployment(project, _("The go/no-go decision is taken only while the project is in deployment."))
    if Role.CONSULTANT_LEAD not in _member_roles(actor, project) and not actor.is_admin:
        raise NotAllowed(_("Only the consultant lead takes the go/no-go decision."))
    if decision not in Vote.values:
        raise ValidationError({"decision": _("Decide go or no_go.")})
    if meeting is not None and meeting.project_id != project.pk:
        raise ValidationError({"meeting": _("The meeting belongs to another project.")})
    checklist = evaluate_checklist(project, phase)
    if decision == Vote.GO:
        if new_target_date is not None:
            raise ValidationError({"new_target_date": _("A new target date belongs to a no-go decision.")})
        if checklist.failing:
            raise GateFailed(_("Go is refused while a blocking go/no-go criterion fails."), criteria=checklist.criteria)
    else:
        if new_target_date is None:
            raise ValidationError({"new_target_date": _("A no-go decision sets the new target go-live date.")})
        if new_target_date < timezone.localdate():
            raise ValidationError({"new_target_date": _("The new target date cannot be in the past.")})
    votes = list(GoNoGoVote.objects.filter(project=project, decision__isnull=True).select_related("voter"))
    row = GoNoGoDecision(
        project=project,
        decision=decision,
        comment=comment,
        decided_by=actor,
        decided_at=timezone.now(),
        checklist=checklist.as_dict(),
        votes_snapshot=[
            {
                "voter": vote.voter.username,
                "role": vote.role,
                "vote": vote.vote,
                "comment": vote.comment,
                "cast_at": vote.cast_at.isoformat(),
            }
            for vote in votes
        ],
        new_target_date=new_target_date,
        meeting=meeting,
    )
    row.full_clean()
    row.save()
    GoNoGoVote.objects.filter(pk__in=[vote.pk for vote in votes]).update(decision=row)
    audit_record(
        actor=actor,
        action="go_no_go.decided",
        obj=row,
        project=project,
        changes={
            "decision": decision,
            "comment": comment,
            "votes": len(votes),
            **({"new_target_date": new_target_date} if new_target_date else {}),
        },
    )
    if new_target_date is not None:
        lifecycle_services.project_update(actor=actor, project=project, planned_go_live=new_target_date)
    return row


# -- Go-live -------------------------------------------------------------------------------------------------


@transaction.atomic
def golive_record(*, actor, project: Project, at: dt.datetime | None = None, override_reason: str = "") -> GoLive:
    """Record the actual go-live: closes ``deployment``, starts ``hypercare`` and opens its window.

    Refused unless the project is in deployment and its latest go/no-go decision is "go", or the consultant lead
    gives an override reason (audited).
    """
    project = lifecycle_services.project_lock(project)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("Go-live cannot be recorded in the future.")})
    if project.current_phase is None or project.current_phase.key != "deployment":
        raise TransitionRefused(
            _("Go-live is recorded from the deployment phase; the project is in %(phase)s.")
            % {"phase": project.current_phase.key if project.current_phase else project.status}
        )
    if GoLive.objects.filter(project=project).exists():
        raise TransitionRefused(_("Go-live is already recorded."))
    decision = go_decision_recorded(project)
    override_reason = (override_reason or "").strip()
    if not decision.passed:
        if not override_reason:
            raise GateFailed(
                _("Go-live needs a recorded go decision."),
                criteria=[
                    {
                        "code": "go_decision_recorded",
                        "label": _("A go decision is recorded"),
                        "passed": False,
                        "detail": decision.detail,
                        "blocking": True,
                    }
                ],
            )
        if not Membership.objects.filter(project=project, user=actor, role=Role.CONSULTANT_LEAD).exists():
            raise NotAllowed(_("Only the consultant lead may record go-live without a go decision."))
    golive = GoLive(
        project=project,
        at=at,
        recorded_by=actor,
        recorded_at=now,
        override_reason=override_reason if not decision.passed else "",
        decision=GoNoGoDecision.objects.filter(project=project).first() if decision.passed else None,
    )
    golive.full_clean()
    golive.save()
    lifecycle_services.phase_advance(actor=actor, project=project, comment=_("Go-live"), at=at)
    hypercare_open(actor=actor, project=project, at=at)
    audit_record(
        actor=actor,
        action="golive.recorded",
        obj=golive,
        project=project,
        changes={"at": at, "override_reason": golive.override_reason},
    )
    publish("golive", project_id=project.pk, actor_id=actor.pk, golive=golive.pk)
    return golive
