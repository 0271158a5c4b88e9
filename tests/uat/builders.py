"""UAT states for tests, built through the real services (STYLE.md 7), and the files an import reads.

Also used by the UAT rows of ``tests/permissions.py``, so it must not import that module.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from golive.audit.models import AuditEvent
from golive.tracker.models import Issue
from golive.uat import services
from golive.uat.models import Assignment, Cycle, Run, RunEvidence, Scenario

HEADER = ["ref", "title", "module", "steps", "expected_result", "priority"]


def scenario(world, ref: str = "UAT-1", *, project=None, actor=None, **fields) -> Scenario:
    fields.setdefault("title", f"Scenario {ref}")
    return services.scenario_create(actor=actor or world.lead, project=project or world.project, ref=ref, **fields)


def scenarios(world, count: int, *, prefix: str = "S", project=None, priority: str = "medium") -> list[Scenario]:
    return [scenario(world, f"{prefix}-{n}", project=project, priority=priority) for n in range(1, count + 1)]


def run(world, ref: str, status: str = "passed", *, cycle: int = 1, actor=None, project=None, **fields) -> Run:
    """A run of scenario ``ref`` recorded by ``actor`` (default the customer member, as tester)."""
    return services.run_record(
        actor=actor or world.customer_member,
        project=project or world.project,
        scenario=ref,
        status=status,
        cycle=cycle,
        **fields,
    )


def ago(**delta) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def csv_upload(text: str | bytes, name: str = "scenarios.csv", *, bom: bool = False) -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_bytes(rows: list[list], *, sheet_title: str = "Scenarios") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows: list[list], name: str = "scenarios.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type="application/octet-stream")


def csv_text(rows: list[list], *, line_end: str = "\r\n") -> str:
    """Rows as Excel writes CSV: fields with commas, quotes or line breaks quoted, CRLF line ends."""
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def uat_counts() -> dict[str, int]:
    """Rows a refused request must leave as they were."""
    return {m.__name__: m.objects.count() for m in (Scenario, Cycle, Assignment, Run, RunEvidence, Issue, AuditEvent)}


# Path parameters and payloads of the permission rows (tests/permissions.py).


def scenario_params(world) -> dict:
    return {"ref": scenario(world, "UAT-1", priority="critical").ref}


def scenario_payload(world) -> dict:
    return {"ref": "UAT-9", "title": "수주 등록 (Create an order)", "priority": "high", "module": "O2C"}


def cycle_params(world) -> dict:
    scenario(world, "UAT-1")
    return {"number": str(services.cycle_create(actor=world.lead, project=world.project).number)}


def assignment_payload(world) -> dict:
    return {"assignments": [{"scenario": "UAT-1", "tester": "customer_member"}]}


def run_payload(world) -> dict:
    scenario(world, "UAT-7")
    return {"scenario": "UAT-7", "status": "failed", "notes": "Save button greyed out"}


def failed_run_params(world) -> dict:
    scenario(world, "UAT-1")
    return {"run_id": str(run(world, "UAT-1", "failed", actual_result="Error 500").pk)}


def evidence_params(world) -> dict:
    params = failed_run_params(world)
    upload = SimpleUploadedFile("screen.txt", b"error 500 at 10:02", content_type="text/plain")
    evidence = services.evidence_add(
        actor=world.customer_member, run=Run.objects.get(pk=params["run_id"]), upload=upload
    )
    return {**params, "evidence_id": str(evidence.pk)}


def import_payload(world) -> dict:
    return {"file": csv_upload(csv_text([HEADER, ["IMP-1", "Import me", "O2C", "", "", "low"]]))}


def evidence_payload(world) -> dict:
    return {"file": SimpleUploadedFile("log.txt", b"stack trace", content_type="text/plain")}
