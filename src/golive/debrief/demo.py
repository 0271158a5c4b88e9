"""Demo data of the debrief: the closed project's retrospective and its published report.

Called by ``golive.demo.load`` for the closed project (BLUE0) while it is in its debrief phase, through the
real services. One action stays open, so it shows on the team's next projects and on the portfolio.
"""

from __future__ import annotations

import datetime as dt

from golive.debrief import services
from golive.debrief.models import RetroColumn

WENT_WELL = [
    ("Daily stand-ups in the first hypercare week kept the customer calm", "Hypercare", ["bluepeak.lead", "support"]),
    ("SSO issue on day one was fixed within the hour", "Hypercare", ["bluepeak.lead"]),
    ("고객 프로젝트 팀과의 신뢰 관계 (trust with the customer's project team)", "Relationship", ["lead", "support"]),
]
TO_IMPROVE = [
    ("Many go-live tickets were training gaps, not bugs", "Training", ["lead", "bluepeak.lead", "support"]),
    ("Data migration owners were not checked before go-live", "Data", ["support"]),
    ("The go/no-go meeting happened outside GoLive", "", []),
]


def seed_closed_project(project, users: dict, *, at: dt.datetime) -> None:
    """Retro notes with votes and groups, three actions (two done, one still open and overdue by now) and a
    report published at ``at`` (a moment of the debrief phase)."""
    lead, customer_lead, support = users["lead"], users["bluepeak.lead"], users["support"]
    authors = [lead, customer_lead, support]
    for column, rows in ((RetroColumn.WENT_WELL, WENT_WELL), (RetroColumn.TO_IMPROVE, TO_IMPROVE)):
        for index, (text, group, voters) in enumerate(rows):
            item = services.retro_item_create(
                actor=authors[index % len(authors)], project=project, column=column, text=text, group=group
            )
            for username in voters:
                services.retro_vote_toggle(actor=users[username], item=item)
    done = services.retro_action_create(
        actor=lead,
        project=project,
        title="Record the SSO fix in the runbook template",
        owner=support,
        due_date=at.date(),
        group="Hypercare",
    )
    services.retro_action_complete(actor=support, action=done, at=at)
    services.retro_action_create(
        actor=lead,
        project=project,
        title="Run end-user training before the data migration dry run on the next project",
        owner=lead,
        due_date=at.date() + dt.timedelta(days=30),
        group="Training",
    )
    data_owner = services.retro_action_create(
        actor=customer_lead,
        project=project,
        title="Name a data owner per migrated object",
        owner=customer_lead,
        due_date=at.date(),
        group="Data",
    )
    services.retro_action_complete(actor=customer_lead, action=data_owner, at=at)
    services.report_publish(actor=lead, project=project, language="en", at=at)
