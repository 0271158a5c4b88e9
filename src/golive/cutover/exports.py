"""The runbook as CSV: one row per step in dependency order, plan beside execution (for the war room's
spreadsheet and the record)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from golive.cutover.selectors import Board
from golive.text import csv_safe


def runbook_csv(board: Board) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Ref"),
            _("Title"),
            _("Owner"),
            _("Depends on"),
            _("Planned minutes"),
            _("Planned start"),
            _("Status"),
            _("Started"),
            _("Finished"),
            _("Actual minutes"),
            _("Rollback"),
            _("Point of no return"),
            _("Critical path"),
            _("Note"),
        ]
    )
    for row in board.steps:
        step = row.step
        writer.writerow(
            [
                csv_safe(step.ref),
                csv_safe(step.title),
                step.owner.username if step.owner else "",
                " ".join(step.depends_on),
                step.planned_minutes,
                row.planned_start.isoformat() if row.planned_start else "",
                step.status,
                step.started_at.isoformat() if step.started_at else "",
                step.finished_at.isoformat() if step.finished_at else "",
                "" if row.actual_minutes is None else row.actual_minutes,
                "yes" if step.rollback else "",
                "yes" if step.point_of_no_return else "",
                "yes" if row.on_critical_path else "",
                csv_safe(step.note),
            ]
        )
    return "\ufeff" + out.getvalue()
