"""Demo data of the deployment week: a half-executed runbook and a test report with one failure."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from golive.accounts.models import User
from golive.cutover import services
from golive.cutover.models import RunbookStep, RunbookTemplate
from golive.lifecycle.models import Project

OWNERS = {
    "FREEZE": "lead",
    "BACKUP": "consultant",
    "CONFIG": "consultant",
    "EXTRACT": "consultant",
    "LOAD": "consultant",
    "RECON": "bluepeak.lead",
    "INTEG": "consultant",
    "SMOKE": "consultant",
    "SWITCH": "lead",
    "ANNOUNCE": "bluepeak.lead",
}
EXECUTED = [("FREEZE", "complete"), ("BACKUP", "complete"), ("CONFIG", "complete"), ("EXTRACT", None)]


def _junit_report() -> bytes:
    """A service-desk regression suite of 48 cases with one failure, as Surefire writes it."""
    cases = []
    for number in range(1, 49):
        name = f"test_ticket_flow_{number:02d}"
        if number == 17:
            cases.append(
                f'<testcase classname="desk.EscalationTest" name="{name}" time="0.41">'
                '<failure message="expected escalation to tier 2 after 30 minutes, got none" type="AssertionError">'
                "AssertionError at EscalationTest.java:88</failure></testcase>"
            )
        else:
            cases.append(f'<testcase classname="desk.TicketFlowTest" name="{name}" time="0.12"/>')
    body = "".join(cases)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><testsuites name="regression">'
        f'<testsuite name="desk" tests="48" failures="1">{body}</testsuite></testsuites>'
    ).encode()


def seed_deployment(project: Project, users: dict[str, User]) -> None:
    """Clone the standard runbook, assign owners, run its first steps and upload a regression report."""
    lead = users["lead"]
    template = RunbookTemplate.objects.get(name="SaaS standard cutover")
    services.runbook_clone(actor=lead, project=project, template=template)
    for ref, username in OWNERS.items():
        step = RunbookStep.objects.get(runbook__project=project, ref=ref)
        services.step_update(actor=lead, step=step, owner=users[username])
    for ref, finish in EXECUTED:
        step = services.step_start(actor=lead, step=RunbookStep.objects.get(runbook__project=project, ref=ref))
        if finish:
            services.STEP_ACTIONS[finish](lead, step, "")
    upload = SimpleUploadedFile("TEST-desk-regression.xml", _junit_report(), content_type="application/xml")
    services.test_report_upload(
        actor=users["consultant"], project=project, upload=upload, environment="sandbox", title="Regression suite"
    )
    services.vote_cast(actor=users["consultant"], project=project, vote="go", comment="Config deployed and checked.")
